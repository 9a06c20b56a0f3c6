"""The store's one connection seam: where the file is, how it is opened, who holds it.

Every connection in the process is opened with the same configuration (DuckDB refuses
two configurations for one file in one process), and that configuration disables
external file access, so no query can read or write host files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import shutil
import threading
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = ROOT / "data" / "cockpit.duckdb"
SCHEMA_PATH = Path(__file__).with_name("schema.sql")
MACROS_PATH = Path(__file__).with_name("macros.sql")
DERIVED_TABLES_PATH = Path(__file__).with_name("derived_tables.sql")
DERIVED_PATH = Path(__file__).with_name("derived.sql")
APPENDED_PATH = Path(__file__).with_name("derived_appended.sql")
ACCOUNTS_PATH = Path(__file__).with_name("accounts.sql")
# 2: daily totals, visit_plans.first_visit_on; 3: alerts, receivables, commissions, quota weeks, revisits;
# 4: the daily totals and receivables also per customer tier; 5: money to four decimals, fractional quantities;
# 7: credit_limit optional; 8: a sale's cost and salesperson optional (daily totals keep gross profit);
# 9: accounts, sessions and the audit log; 11: daily totals per tier, industry and product line, receivables
# per tier and industry; 12: the invoices open on the store's today and each customer's last payment;
# 13: invoices and payments indexed by customer, each customer's orders per month; 14, 15: the reference
# checks and the customers' archive gaps kept; 16: customer development (opportunities, their stages and
# plans, contracts with payment and invoicing plans, stage probabilities); 17: key customers' expense budgets
SCHEMA_VERSION = 17
CONFIG = {"enable_external_access": False}

TABLES = (
    "store_meta", "regions", "salespeople", "customers", "products", "sales", "targets",
    "invoices", "payments", "visit_plans", "visits", "surveys", "complaints",
    "competitor_notes", "expenses", "expense_budgets", "customer_budgets", "registrations", "deals",
    "activities", "commission_rules", "activity_quotas", "scorecard_weights", "opportunities",
    "opportunity_stages", "development_actions", "contracts", "payment_plans", "invoice_plans",
    "stage_probabilities", "import_log",
)
# Summaries the store keeps from the facts (store/derived_tables.sql, filled by derived.sql).
DERIVED_TABLES = ("sales_daily", "sales_daily_tiers", "sales_daily_classes", "payments_daily", "payments_daily_tiers",
                  "payments_daily_classes", "customer_alerts", "receivables_daily", "receivables_daily_tiers",
                  "deal_commissions", "quota_weeks", "revisit_outcomes", "invoices_open", "last_payments",
                  "customer_months", "customer_gaps", "reference_checks", "contract_invoices", "contract_payments")

# Who may use the dashboard, what they did and the plans they saved (store/accounts.sql); never
# imported from files.
ACCOUNT_TABLES = ("users", "user_sessions", "audit_log", "report_comments", "plan_versions", "plan_targets",
                  "plan_budgets", "plan_customer_budgets")

_LOG = logging.getLogger(__name__)
_LOCK_PID = re.compile(r"\(PID (\d+)\)")


class StoreError(RuntimeError):
    """A problem with the store that the user can act on; the message says what to do."""


class StoreBusy(StoreError):
    """Another process holds the store for writing."""


class QueryTimeout(StoreError):
    """A statement ran past QUERY_SECONDS and was stopped."""


class NotSaved(StoreError):
    """A commit went through but could not be checkpointed into the store's file."""


class DiskFull(StoreError):
    """The disk holding the store has not the room a write needs."""


# The longest one statement of the serving process may run (a page's query, an import's step):
# past it, DuckDB stops the statement and the reader is told to narrow the view.
QUERY_SECONDS = float(os.environ.get("COCKPIT_QUERY_SECONDS", "60"))


def store_path(path: str | os.PathLike | None = None) -> Path:
    """The store file: the given path, else $COCKPIT_DB, else data/cockpit.duckdb; for a replica
    (COCKPIT_REPLICA), the published copy it serves now (store/publish.py)."""
    if path:
        return Path(path)
    from store import publish

    if (folder := publish.replica_folder()) is not None:
        return publish.current_copy(folder)
    env = os.environ.get("COCKPIT_DB")
    return Path(env) if env else DEFAULT_PATH


def connect(path: str | os.PathLike | None = None, *, create: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store. Fails at once, with a clear message, when another process holds it."""
    target = store_path(path)
    if not create and not target.exists():
        raise StoreError(
            f"No store at {target}. Build the demo store with `python -m store demo`"
            " or point COCKPIT_DB at an existing store."
        )
    if replica():  # a published copy: read by any number of replicas, written by none
        try:
            return duckdb.connect(str(target), config=CONFIG, read_only=True)
        except duckdb.Error as exc:
            raise StoreError(f"Cannot open the published copy {target}: {exc}") from exc
    target.parent.mkdir(parents=True, exist_ok=True)
    con = None
    try:
        con = _opened(target)
        has_schema = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'store_meta'"
        ).fetchone()[0]
        if has_schema:
            _upgrade(con)
            install_macros(con)
    except duckdb.Error as exc:  # another process's lock: on the file, or on its log at the first write
        if con is not None:
            con.close()
        match = _LOCK_PID.search(str(exc))
        if match is None and NO_SPACE in str(exc) and not create:
            return _read_only(target, exc)
        if match is None:
            raise StoreError(f"Cannot open the store {target}: {exc}") from exc
        raise StoreBusy(
            f"The store {target} is held by process {match.group(1)}; "
            "import from the Data page or stop the dashboard."
        ) from exc
    _READ_ONLY.pop(target.resolve(), None)
    return con


NO_SPACE = "No space left on device"
_READ_ONLY: dict[Path, str] = {}  # a store opened read-only, and why


def _opened(target: Path) -> duckdb.DuckDBPyConnection:
    """DuckDB's connection to the file. A write-ahead log (WAL) that cannot be replayed (damaged)
    is moved aside, never deleted, and the store opens as of its last checkpoint; the file
    set aside is what `journals_set_aside` lists and the dashboard tells every reader of."""
    try:
        return duckdb.connect(str(target), config=CONFIG)
    except duckdb.Error as exc:
        wal = target.with_name(target.name + ".wal")
        if "WAL" not in str(exc) or _LOCK_PID.search(str(exc)) or not wal.exists():
            raise
        aside = wal.with_name(f"{wal.name}.damaged-{dt.datetime.now():%Y%m%d-%H%M%S}")
        os.replace(wal, aside)
        _LOG.error("the store's WAL could not be replayed (%s); moved aside as %s", exc, aside)
    return duckdb.connect(str(target), config=CONFIG)


def journals_set_aside(store: Path) -> list[Path]:
    """The damaged WALs moved aside beside the store, oldest first (until someone removes them)."""
    return sorted(store.parent.glob(store.name + ".wal.damaged-*"))


def _read_only(target: Path, exc: Exception) -> duckdb.DuckDBPyConnection:
    """The store opened for reading only, when the disk is too full to open it for writing
    (DuckDB writes on opening): every page is served, imports and logins wait for room."""
    _LOG.error("the disk holding %s is full (%s): the store is open for reading only", target, exc)
    try:
        con = duckdb.connect(str(target), config=CONFIG, read_only=True)
    except duckdb.Error as again:
        raise StoreError(f"Cannot open the store {target}: {again}") from again
    _READ_ONLY[target.resolve()] = f"the disk holding {target.parent} is full"
    return con


def replica() -> bool:
    """Whether this dashboard serves a published read-only copy (store/publish.py)."""
    return bool(os.environ.get("COCKPIT_REPLICA"))


def read_only(path: str | os.PathLike | None = None) -> str | None:
    """Why the store is open for reading only in this process, or None when it is writable."""
    return _READ_ONLY.get(store_path(path).resolve())


def ensure_space(store: Path, need: int, what: str) -> None:
    """Refuse a write that would not fit: `need` bytes on the disk holding `store`, for `what`."""
    free = shutil.disk_usage(store.parent).free
    if free < need:
        raise DiskFull(f"Not enough free disk space for {what}: it needs about {_mb(need)} on {store.parent}, "
                       f"where {_mb(free)} are free. Nothing was written; free some space (old copies in "
                       f"{store.name}.backups/, say), then try again.")


def _mb(size: int) -> str:
    return f"{size / 2**20:,.0f} MB" if size >= 2**20 else f"{size / 2**10:,.0f} KB"


def _upgrade(con: duckdb.DuckDBPyConnection) -> None:
    """A store made by an earlier version gains the tables (empty), derived tables and columns
    added since (created and filled by refresh_derived), once, in one transaction. A table of
    this version missing (dropped by hand) is left missing: made anew it would show no data as
    if there were none."""
    missing = {name for (name,) in con.execute(
        "SELECT unnest($kept) EXCEPT SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'",
        {"kept": list(TABLES + DERIVED_TABLES + ACCOUNT_TABLES)}).fetchall()}
    older = con.execute("SELECT count(*) FROM store_meta WHERE schema_version < $v",
                        {"v": SCHEMA_VERSION}).fetchone()[0]
    lost = missing & set(TABLES)
    if lost and not older:  # a store of this version without one of its tables is damaged: never made anew, empty
        _LOG.error("the store lacks its tables %s; the pages that read them cannot be drawn", sorted(lost))
        missing -= lost
    if missing and not older and missing <= set(ACCOUNT_TABLES):  # a table of what people write: made, no more
        con.execute(ACCOUNTS_PATH.read_text(encoding="utf-8"))
    elif missing or older:
        con.execute("BEGIN")
        _retype(con)
        # a customer without a credit limit has none (it was 0, which flagged every balance)
        con.execute("ALTER TABLE customers ALTER COLUMN credit_limit DROP NOT NULL")
        con.execute("ALTER TABLE customers ALTER COLUMN credit_limit DROP DEFAULT")
        # a sale may have no known cost, and no salesperson (a web or house order)
        con.execute("ALTER TABLE sales ALTER COLUMN cost DROP NOT NULL")
        con.execute("ALTER TABLE sales ALTER COLUMN salesperson_id DROP NOT NULL")
        renewed = _set_aside_changed_checks(con)
        con.execute(ACCOUNTS_PATH.read_text(encoding="utf-8"))
        for table in renewed:  # made anew by accounts.sql: its rows back, as they were
            con.execute(_naming(table, "INSERT INTO {t} BY NAME SELECT * FROM {t}__old"))
            con.execute(_naming(table, "DROP TABLE {t}__old"))
        refresh_derived(con)
        con.execute("UPDATE store_meta SET schema_version = $v", {"v": SCHEMA_VERSION})
        con.execute("COMMIT")


def _table_statements(sql: str) -> dict[str, str]:
    """Each CREATE TABLE statement of a schema file, by table name."""
    plain = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    statements = (s.strip() for s in plain.split(";"))
    return {m.group(1): s for s in statements if (m := re.match(r"CREATE TABLE (?:IF NOT EXISTS )?(\w+)", s))}


def _retype(con: duckdb.DuckDBPyConnection) -> None:
    """Tables whose column types changed since the store was made (money from two to four
    decimals, fractional quantities) are made anew with the current definition and their
    rows copied, values unchanged (DuckDB cannot change the type of a column under a CHECK);
    the summaries are dropped, to be rebuilt by refresh_derived. In the caller's transaction."""
    wanted = duckdb.connect()
    wanted.execute(SCHEMA_PATH.read_text(encoding="utf-8"))
    columns = "SELECT table_name, list(column_name || ' ' || data_type ORDER BY column_index) FROM duckdb_columns() " \
              "WHERE schema_name = 'main' GROUP BY table_name"
    expected, present = dict(wanted.execute(columns).fetchall()), dict(con.execute(columns).fetchall())
    wanted.close()
    statements = _table_statements(SCHEMA_PATH.read_text(encoding="utf-8"))
    for table in TABLES:
        if table not in present:  # a table added since: made, empty
            con.execute(statements[table])
        elif present[table] != expected[table]:
            con.execute(_naming(table, "ALTER TABLE {t} RENAME TO {t}__old"))
            con.execute(statements[table])
            con.execute(_naming(table, "INSERT INTO {t} BY NAME SELECT * FROM {t}__old"))
            con.execute(_naming(table, "DROP TABLE {t}__old"))
    for table in DERIVED_TABLES:
        con.execute(_naming(table, "DROP TABLE IF EXISTS {t}"))


def _set_aside_changed_checks(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The account tables whose CHECK constraints changed since the store was made (an action
    the audit log now knows, say), renamed aside to be made anew; DuckDB cannot alter a CHECK."""
    checks = ("SELECT table_name, string_agg(constraint_text, ' ' ORDER BY constraint_text) FROM duckdb_constraints() "
              "WHERE schema_name = 'main' AND constraint_type = 'CHECK' GROUP BY table_name")
    wanted = duckdb.connect()
    wanted.execute(ACCOUNTS_PATH.read_text(encoding="utf-8"))
    expected, present = dict(wanted.execute(checks).fetchall()), dict(con.execute(checks).fetchall())
    wanted.close()
    changed = [table for table in ACCOUNT_TABLES if table in present and present[table] != expected[table]]
    for table in changed:
        con.execute(_naming(table, "ALTER TABLE {t} RENAME TO {t}__old"))
    return changed


def _naming(table: str, sql: str) -> str:
    """`sql` about one of the store's own tables (an identifier is never taken from input)."""
    if table not in TABLES + DERIVED_TABLES + ACCOUNT_TABLES:
        raise ValueError(f"not a table of the store: {table!r}")
    return sql.replace("{t}", table)


def insert_from_frame(table: str) -> str:
    """The statement that appends a registered `frame` to one of the store's tables, columns
    matched by name (DuckDB casts the values to the table's types). Only for table names of
    the store: an identifier is never taken from input."""
    if table not in TABLES:
        raise ValueError(f"not a table of the store: {table!r}")
    return "INSERT INTO " + table + " BY NAME SELECT * FROM frame"


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table of the store, its summaries and its shared relations, in an empty
    database."""
    con.execute(SCHEMA_PATH.read_text(encoding="utf-8"))
    con.execute(ACCOUNTS_PATH.read_text(encoding="utf-8"))
    refresh_derived(con)


def init(path: str | os.PathLike | None, as_of: dt.date | None = None) -> Path:
    """Make an empty store (schema, store_meta) to import a department's data into; refuses
    to touch an existing file. Its today is `as_of`, pinned; without it, today's date until
    the first import, and from then on the data's latest date (follow_data)."""
    target = store_path(path)
    if target.exists():
        raise StoreError(f"{target} exists already; import into it, or choose another --db")
    con = connect(target, create=True)
    try:
        create_schema(con)
        con.execute("INSERT INTO store_meta (id, schema_version, as_of_date, store_version, built_at, as_of_pinned) "
                    "VALUES (1, $v, $d, 1, $at, $pinned)",
                    {"v": SCHEMA_VERSION, "d": as_of or dt.date.today(), "at": dt.datetime.now().replace(microsecond=0),
                     "pinned": as_of is not None})
    finally:
        con.close()
    return target


# A store whose today is not pinned takes the date of its latest fact, never later than the
# machine's date; one without facts keeps its date.
_FOLLOW_DATA = """
UPDATE store_meta SET as_of_date = coalesce(least((
    SELECT max(d) FROM (SELECT max(order_date) AS d FROM sales UNION ALL SELECT max(issue_date) FROM invoices
                        UNION ALL SELECT max(paid_on) FROM payments UNION ALL SELECT max(visit_date) FROM visits
                        UNION ALL SELECT max(survey_date) FROM surveys
                        UNION ALL SELECT max(received_at)::DATE FROM complaints
                        UNION ALL SELECT max(expense_date) FROM expenses UNION ALL SELECT max(close_date) FROM deals
                        UNION ALL SELECT max(activity_date) FROM activities
                        UNION ALL SELECT max(note_date) FROM competitor_notes)), current_date), as_of_date)
WHERE NOT as_of_pinned"""


def follow_data(con: duckdb.DuckDBPyConnection) -> None:
    """The store's today follows its data unless pinned (_FOLLOW_DATA). In the caller's transaction."""
    con.execute(_FOLLOW_DATA)


def set_today(con: duckdb.DuckDBPyConnection, day: dt.date | None) -> dt.date:
    """Pin the store's today to `day`, or (None) let it follow the data again; the summaries
    that depend on it are rebuilt and the store version moves on, in one transaction.
    Returns the store's today."""
    with write_lock:
        con.execute("BEGIN")
        try:
            con.execute("UPDATE store_meta SET as_of_pinned = $p, as_of_date = coalesce($d, as_of_date)",
                        {"p": day is not None, "d": day})
            follow_data(con)
            refresh_derived(con, "today")
            con.execute("UPDATE store_meta SET store_version = store_version + 1")
            commit(con)
        except NotSaved:
            raise
        except Exception:
            con.execute("ROLLBACK")
            raise
    return con.execute("SELECT as_of_date FROM store_meta").fetchone()[0]


def refresh_derived(con: duckdb.DuckDBPyConnection, changed: str | None = None, appended: bool = False,
                    today_moved: bool = True) -> None:
    """Recompute the derived columns and summaries (creating them first if missing; some are
    computed through the shared relations, which read others); call after every load, in its
    transaction. Without `changed`, everything from all the facts; after a load into the
    table `changed` (or a change of the store's today: "today"), the sections of
    store/derived.sql that read it (and those that read the store's today if it moved), and
    after an append (`appended`, its rows in the temp view new_rows) only for the days,
    customers and salespeople the new rows touch."""
    con.execute(DERIVED_TABLES_PATH.read_text(encoding="utf-8"))
    install_macros(con)
    sections = _sections(DERIVED_PATH)
    if changed is not None and appended:
        scopes = _sections(APPENDED_PATH).get(changed)
        if scopes:
            con.execute(scopes[1])
    for name, (reads, sql) in sections.items():
        stale_today = today_moved and "today" in reads
        reads_changed = changed in reads or (not appended and f"{changed}(replaced)" in reads)
        if changed is None or reads_changed or stale_today:
            if stale_today:  # computed whole: every row is as of the new today
                con.execute(_naming_scope(name, "DROP TABLE IF EXISTS {s}"))
            con.execute(sql)
    for name in sections:
        con.execute(_naming_scope(name, "DROP TABLE IF EXISTS {s}"))


def _sections(path: Path) -> dict[str, tuple[set[str], str]]:
    """A derived-SQL file's sections: name → (the tables it reads, its statements)."""
    found: dict[str, tuple[set[str], str]] = {}
    for part in re.split(r"^-- section ", path.read_text(encoding="utf-8"), flags=re.M)[1:]:
        title, _, sql = part.partition("\n")
        name, _, reads = title.partition(":")
        found[name.strip()] = (set(reads.split()), sql)
    return found


def _naming_scope(section: str, sql: str) -> str:
    """`sql` about the scope table of one of store/derived.sql's sections."""
    if not re.fullmatch(r"[a-z_]+", section):
        raise ValueError(f"not a section of store/derived.sql: {section!r}")
    return sql.replace("{s}", "scope_" + section)


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)define the shared relations every KPI query reads through (store/macros.sql)."""
    con.execute(MACROS_PATH.read_text(encoding="utf-8"))


def commit(con: duckdb.DuckDBPyConnection) -> None:
    """Commit the connection's transaction where no query of the process sees it half done, and
    write it into the store's file (a checkpoint, emptying the write-ahead log) before the caller
    says it is done: a lost or damaged WAL then loses none of it. A COMMIT that fails has
    changed nothing (the caller rolls back); a checkpoint that fails raises NotSaved."""
    with committing():
        con.execute("COMMIT")
        try:
            _checkpoint(con)
        except duckdb.Error as exc:
            why = "the disk is full; it is written there at the dashboard's next start once the disk has room" \
                if NO_SPACE in str(exc) else f"{exc}; it is written there at the dashboard's next start"
            raise NotSaved(f"it is kept in the store's journal (WAL), not yet in the store's file: {why}") from exc
    _publish(con)


def _publish(con: duckdb.DuckDBPyConnection) -> None:
    """The replicas' copy of the store as just committed, when this dashboard publishes one
    (store/publish.py). The commit stands if it cannot be made: the replicas go on serving the
    copy before, and the log says why."""
    from store import publish

    if publish.publish_folder() is None:
        return
    try:
        publish.publish_store(con)
    except (StoreError, OSError, duckdb.Error) as exc:
        _LOG.error("the replicas' copy of the store was not published: %s", exc)


def checkpoint(con: duckdb.DuckDBPyConnection) -> None:
    """Everything committed written into the store's file, with no query of the process under way."""
    with committing():
        _checkpoint(con)


def _checkpoint(con: duckdb.DuckDBPyConnection, tries: int = 20) -> None:
    for left in range(tries - 1, -1, -1):
        try:
            con.execute("CHECKPOINT")
            return
        except duckdb.TransactionException:  # another connection's transaction is ending: again, shortly
            if not left:
                raise
            time.sleep(0.05)


_shared: dict[Path, duckdb.DuckDBPyConnection] = {}
_shared_lock = threading.Lock()
write_lock = threading.Lock()  # serialises writes (imports) within the owning process


class _Gate:
    """Queries against commits, within the process: a query runs wholly before or wholly after a
    commit, never across one. DuckDB 2.0 can let a query that runs while a large import commits
    see part of it (the new sales lines, but not yet the daily totals); so a commit waits for the
    queries under way, and new queries wait for the commit (which goes first once it asks)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._reading = 0
        self._committing = False
        self._asking = 0
        self._mine = threading.local()  # a thread's own nested reads pass through

    @contextlib.contextmanager
    def reading(self):
        depth = getattr(self._mine, "depth", 0)
        if depth == 0:
            with self._changed:
                while self._committing or self._asking:
                    self._changed.wait()
                self._reading += 1
        self._mine.depth = depth + 1
        try:
            yield
        finally:
            self._mine.depth = depth
            if depth == 0:
                with self._changed:
                    self._reading -= 1
                    self._changed.notify_all()

    @contextlib.contextmanager
    def committing(self):
        if getattr(self._mine, "depth", 0):
            raise RuntimeError("a commit inside a query would wait for itself")
        with self._changed:
            self._asking += 1
            while self._committing or self._reading:
                self._changed.wait()
            self._asking -= 1
            self._committing = True
        try:
            yield
        finally:
            with self._changed:
                self._committing = False
                self._changed.notify_all()


_gate = _Gate()
reading = _gate.reading  # around a query: `with db.reading(): …`
committing = _gate.committing  # around a COMMIT that readers of the process must not see half of


def shared_connection() -> duckdb.DuckDBPyConnection:
    """The process's one connection to the store named by COCKPIT_DB (queries run on
    cursors of it). A process serves one store; tests point COCKPIT_DB at several."""
    target = store_path().resolve()
    with _shared_lock:
        if target not in _shared:
            if replica():  # a newer copy: the one before it stays open for the runs reading it now,
                for older in list(_shared)[:-1]:  # older ones are closed
                    _shared.pop(older).close()
            con = connect(target)
            # every statement bounded, and the settings locked: no query can lift the bound,
            # raise the memory limit or turn file access back on
            con.execute("SET GLOBAL max_execution_time = $ms", {"ms": int(QUERY_SECONDS * 1000)})
            con.execute("SET GLOBAL lock_configuration = true")
            _shared[target] = con
        return _shared[target]


def close_shared(path: str | os.PathLike | None = None) -> None:
    """Close the process's connection to `path` (before that file is replaced), or all."""
    with _shared_lock:
        targets = list(_shared) if path is None else [Path(path).resolve()]
        for target in targets:
            con = _shared.pop(target, None)
            if con is not None:
                con.close()
