"""Importing a department's own data (SPEC §3.10, §6): CSV (UTF-8, UTF-8 with BOM,
GBK/GB18030) or Excel into one table of the store, all or nothing.

A file is read as text (codes with leading zeros stay codes), its headers matched to the
table's columns (English names or the Chinese headers of store/columns.py), then
validated before anything is written: every problem is reported with its file row,
column, value and rule. Only a file without problems is loaded, in one transaction that
also refreshes the derived tables, writes the import_log row and moves the store's
version on, so every page shows the new data at once. Any failure leaves the store as it
was. Table and column names come only from the schema; values reach SQL only as data.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv

from queries.values import neutralise, neutralised
from store import backup, columns, db

MAX_BYTES = 200 * 1024 * 1024  # also the dashboard's upload limit (.streamlit/config.toml)
IMPORTABLE = tuple(t for t in db.TABLES if t not in ("store_meta", "import_log"))
DERIVED_COLUMNS = {("invoices", "paid_total"), ("invoices", "settled_on"), ("customers", "first_order_on"),
                   ("customers", "first_salesperson_id"), ("customers", "first_region_id"),
                   ("visit_plans", "first_visit_on")}
# Columns whose values must exist in another table (the store has no foreign keys, so a
# table can be replaced in one transaction; the importer checks them instead).
REFERENCES = {"customer_id": ("customers", "customer_id"), "salesperson_id": ("salespeople", "salesperson_id"),
              "owner_id": ("salespeople", "salesperson_id"), "registered_by": ("salespeople", "salesperson_id"),
              "closer_id": ("salespeople", "salesperson_id"), "region_id": ("regions", "region_id"),
              "product_id": ("products", "product_id"), "invoice_id": ("invoices", "invoice_id"),
              "plan_id": ("visit_plans", "plan_id"), "approved_by": ("salespeople", "salesperson_id"),
              "first_review_by": ("salespeople", "salesperson_id"),
              "opportunity_id": ("opportunities", "opportunity_id"), "contract_id": ("contracts", "contract_id")}
# Dates that name a plan or a rule may lie ahead; any other date may not be more than this
# many days after today.
# Columns a department may leave out or empty, and the column whose value they then take:
# a target's stretch is its plan.
DEFAULTS = {("targets", "stretch_value"): "plan_value"}
PLANNED = {"month", "planned_month", "due_date", "due_on", "effective_from", "effective_to", "expected_close_on",
           "next_step_on"}
FUTURE_DAYS = 31
MAX_PROBLEMS = 100_000


@dataclass
class Problem:
    """One thing wrong with a file: where (file row, column), the value, and the rule."""

    rule: str
    row: int | None = None
    column: str | None = None
    value: str | None = None


@dataclass
class Column:
    name: str
    type: str
    required: bool
    allowed: tuple[str, ...] = ()
    references: tuple[str, str] | None = None


@dataclass
class Parsed:
    """A file read as text: its rows (strings, '' for empty), how it was decoded, and how
    its headers map onto the table's columns."""

    table: str
    file_name: str
    sha256: str
    encoding: str
    sheet: str | None
    data: pa.Table  # columns renamed to the table's column names; unknown ones dropped
    unknown_headers: list[str]
    ignored_derived: list[str]
    problems: list[Problem] = field(default_factory=list)
    date_order: str = "ymd"  # how dates with the year last are read: mdy, dmy, or not at all (ymd)

    @property
    def rows(self) -> int:
        return self.data.num_rows


class ImportRejected(db.StoreError):
    """The file was not loaded; `problems` says every reason."""

    def __init__(self, message: str, problems: list[Problem]):
        super().__init__(message)
        self.problems = problems


# --- the schema as the importer sees it ------------------------------------------------------

def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[Column]:
    """The importable columns of a table, from the schema: type, required, allowed values
    (from its `IN (…)` checks) and the table a value must exist in."""
    _check_table(table)
    rows = con.execute("""SELECT column_name, data_type, NOT is_nullable FROM duckdb_columns()
                          WHERE schema_name = 'main' AND table_name = $t ORDER BY column_index""",
                       {"t": table}).fetchall()
    checks = [e for (e,) in con.execute("""SELECT expression FROM duckdb_constraints()
                                           WHERE table_name = $t AND constraint_type = 'CHECK'""",
                                        {"t": table}).fetchall()]
    out = []
    for name, type_, required in rows:
        if (table, name) in DERIVED_COLUMNS:
            continue
        allowed = ()
        for expression in checks:
            match = re.fullmatch(r"\(\"?" + name + r"\"? IN \((.*)\)\)", expression)
            if match:
                allowed = tuple(re.findall(r"'([^']*)'", match.group(1)))
        ref = REFERENCES.get(name)
        if ref and ref[0] == table:  # the table's own key
            ref = None
        out.append(Column(name, type_, bool(required) and (table, name) not in DEFAULTS, allowed, ref))
    return out


def primary_key(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    row = con.execute("""SELECT constraint_column_names FROM duckdb_constraints()
                         WHERE table_name = $t AND constraint_type = 'PRIMARY KEY'""", {"t": table}).fetchone()
    return list(row[0]) if row else []


def _type(type_: str) -> str:
    """A column type as the catalog gives it (VARCHAR, DATE, DECIMAL(18,2) …), checked."""
    if not re.fullmatch(r"[A-Z]+(\(\d+,\s*\d+\))?", type_):
        raise ValueError(f"not a type: {type_!r}")
    return type_


def _check_table(table: str) -> None:
    if table not in IMPORTABLE:
        raise db.StoreError(f"'{table}' is not a table you can import into; choose one of: {', '.join(IMPORTABLE)}")


# Every table and column name the schema declares: the only identifiers this module puts
# into SQL text (values always travel as bound parameters).
SCHEMA_NAMES = frozenset(
    re.findall(r"CREATE TABLE (?:IF NOT EXISTS )?(\w+)", db.SCHEMA_PATH.read_text(encoding="utf-8")
               + db.DERIVED_PATH.read_text(encoding="utf-8"))
    + re.findall(r"^    ([a-z_][a-z0-9_]*) +[A-Z]", db.SCHEMA_PATH.read_text(encoding="utf-8")
                 + db.DERIVED_PATH.read_text(encoding="utf-8"), flags=re.M))


def _q(identifier: str) -> str:
    """A table or column name of the schema, quoted; anything else is refused, so no name
    from a file (or anywhere else) can reach SQL text."""
    if identifier not in SCHEMA_NAMES:
        raise ValueError(f"not a table or column of the store: {identifier!r}")
    return '"' + identifier + '"'


# --- reading a file ---------------------------------------------------------------------------

# An .xlsx is a zip of XML: a small file can unpack to gigabytes, and reading it would hold the
# store's process for minutes. A workbook is refused by its unpacked size before it is read.
MAX_UNPACKED = 100 * 1024 * 1024  # about 250,000 rows of ten columns; larger tables import as CSV


def _workbook(data: bytes, **options):
    """The workbook in `data`, opened read-only, once its unpacked size is known to be bounded."""
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        unpacked = 0  # not a zip at all: openpyxl says what it is not
    if unpacked > MAX_UNPACKED:
        raise db.StoreError(f"the workbook unpacks to {unpacked / 2**20:,.0f} MB of sheet data; the limit is "
                            f"{MAX_UNPACKED // 2**20} MB. Save the sheet as CSV (UTF-8), which has no such limit.")
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, **options)
    except Exception as exc:  # a damaged or non-Excel file: say so, whatever the library raised
        raise db.StoreError(f"the file cannot be read as an Excel workbook (.xlsx): {exc}") from None


def sheet_names(data: bytes) -> list[str]:
    workbook = _workbook(data)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _gb18030(data: bytes) -> bytes:
    """A GBK/GB18030 file (what Excel on a Chinese Windows saves) as UTF-8 bytes."""
    try:
        return data.decode("gb18030").encode("utf-8")
    except UnicodeDecodeError:
        raise db.StoreError("the file is not text in UTF-8 or GBK/GB18030; save it as CSV (UTF-8) or .xlsx") from None


SAMPLE_BYTES = 256 * 1024  # how much of a file the encoding is judged on
ENCODINGS = ("utf-8", "gb18030", "big5")  # what --encoding accepts (GBK is read as GB18030, its superset)


def _chinese_share(text: str) -> float:
    """Of the text's characters beyond ASCII, the share that Chinese text uses (CJK, its
    punctuation, full-width forms, ¥ and ·): 1.0 for Chinese, near 0 for mojibake like ëӱ ʨɽ."""
    beyond = [c for c in text if ord(c) > 127]
    chinese = sum(1 for c in beyond if "\u3000" <= c <= "\u303f" or "\u3400" <= c <= "\u9fff"
                  or "\uff00" <= c <= "\uffef" or c in "¥·—“”‘’…")
    return chinese / len(beyond) if beyond else 1.0


def _decoded(data: bytes, file_encoding: str | None = None) -> tuple[bytes, str]:
    """The CSV as UTF-8 bytes and how it was read. A BOM says UTF-8; otherwise a maintained
    detector (charset-normalizer) judges between UTF-8 and GB18030 on the first 256 KB, and
    where both decode, the reading whose non-ASCII text is Chinese wins: a short GBK file whose
    bytes happen to be valid UTF-8 (毛颖 would read ëӱ) is read as GBK. The preview names the encoding."""
    if file_encoding:
        if file_encoding.lower() not in ENCODINGS:
            raise db.StoreError(f"the encoding must be one of {', '.join(ENCODINGS)}, not '{file_encoding}'")
        try:
            return data.decode(file_encoding).removeprefix("\ufeff").encode("utf-8"), file_encoding.upper()
        except UnicodeDecodeError as exc:
            raise db.StoreError(f"the file is not valid {file_encoding} (byte {exc.start:,})") from None
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:], "UTF-8 with BOM"
    sample = data[:SAMPLE_BYTES]
    if len(data) > SAMPLE_BYTES and b"\n" in sample:
        sample = sample[:sample.rfind(b"\n") + 1]  # whole lines: no character cut in two
    try:
        as_utf8 = sample.decode("utf-8")
    except UnicodeDecodeError:
        return _gb18030(data), "GBK/GB18030"
    if sample.isascii():
        return data, "UTF-8"
    try:
        as_gb = sample.decode("gb18030")
    except UnicodeDecodeError:
        return data, "UTF-8"
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=["utf_8", "gb18030"]).best()
    detected = best.encoding if best else "utf_8"
    if detected == "gb18030" or _chinese_share(as_gb) > _chinese_share(as_utf8):
        return _gb18030(data), "GBK/GB18030"
    return data, "UTF-8"


def _read_csv(text: bytes, names: list[str]) -> pa.Table:
    return pa_csv.read_csv(
        io.BytesIO(text),
        read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1),
        parse_options=pa_csv.ParseOptions(newlines_in_values=True),
        convert_options=pa_csv.ConvertOptions(column_types={n: pa.string() for n in names},
                                              strings_can_be_null=False, quoted_strings_can_be_null=False))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_ZEROS = re.compile(r"0+")


def _shown(cell) -> str:
    """A cell as text; a whole number formatted with leading zeros (000 shows 8 as 008) as the
    cell shows it, since such a column holds codes."""
    value, shape = getattr(cell, "value", None), getattr(cell, "number_format", "General")
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer() \
            and _ZEROS.fullmatch(shape or ""):
        return f"{int(value):0{len(shape)}d}"
    return _cell(value)


def _read_xlsx(data: bytes, sheet: str | None) -> tuple[list[str], list[list[str]], str]:
    workbook = _workbook(data, data_only=True)
    try:
        names = workbook.sheetnames
        if sheet is None:
            if len(names) > 1:
                raise db.StoreError(f"the workbook has {len(names)} sheets ({', '.join(names)}): choose one")
            sheet = names[0]
        if sheet not in names:
            raise db.StoreError(f"the workbook has no sheet '{sheet}' (it has {', '.join(names)})")
        rows = [[_shown(c) for c in row] for row in workbook[sheet].iter_rows()]
    finally:
        workbook.close()
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise db.StoreError(f"sheet '{sheet}' is empty")
    header, body = rows[0], rows[1:]
    width = len(header)
    body = [(r + [""] * width)[:width] for r in body]
    return header, body, sheet


def read_file(con: duckdb.DuckDBPyConnection, table: str, data: bytes, file_name: str,
              sheet: str | None = None, date_order: str = "ymd", file_encoding: str | None = None) -> Parsed:
    """Read and map a file; problems with its headers are in `Parsed.problems`. `date_order`
    says how the file writes dates with the year last (1/2/2013): mdy or dmy; ymd (the
    default) reads only dates with the year first and asks for the order otherwise.
    `file_encoding` (utf-8, gb18030 …) overrides the detection of a CSV's encoding."""
    _check_table(table)
    if date_order not in DATE_ORDERS:
        raise db.StoreError(f"the date order must be one of {', '.join(DATE_ORDERS)}, not '{date_order}'")
    if len(data) > MAX_BYTES:
        raise db.StoreError(f"{file_name} is {len(data) / 2**20:,.0f} MB; the limit is {MAX_BYTES // 2**20} MB. "
                            "Split the file and import the parts.")
    if not data.strip():
        raise db.StoreError(f"{file_name} is empty")
    digest = hashlib.sha256(data).hexdigest()
    is_excel = file_name.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04"
    if is_excel:
        header, body, sheet = _read_xlsx(data, sheet)
        header = [h.strip() for h in header]
        arrays = [pa.array([r[i] for r in body], pa.string()) for i in range(len(header))]
        raw = pa.table(arrays, names=[f"c{i}" for i in range(len(header))])
        encoding = "Excel (.xlsx)"
    else:
        text, encoding = _decoded(data, file_encoding)
        first = text.split(b"\n", 1)[0]
        header = [h.strip() for h in next(csv.reader([first.decode("utf-8").rstrip("\r")]))]
        names = [f"c{i}" for i in range(len(header))]
        try:
            raw = _read_csv(text, names)
        except pa.ArrowInvalid as exc:
            if encoding != "UTF-8" or "UTF8" not in str(exc).upper():
                raise db.StoreError(f"{file_name} cannot be read as CSV: {exc}") from None
            text, encoding = _gb18030(text), "GBK/GB18030"  # a UTF-8 header over GBK rows
            try:
                raw = _read_csv(text, names)
            except pa.ArrowInvalid as again:
                raise db.StoreError(f"{file_name} cannot be read as CSV: {again}") from None
    cols = table_columns(con, table)
    by_name = {c.name.lower(): c.name for c in cols}
    by_name |= {columns.header_zh(table, c.name): c.name for c in cols}
    derived = {name for t, name in DERIVED_COLUMNS if t == table}
    mapped, keep, unknown, ignored, problems = [], [], [], [], []
    for i, h in enumerate(header):
        column = by_name.get(h.lower()) or by_name.get(h)
        if column is None:
            (ignored if h.lower() in derived else unknown).append(h or f"(column {i + 1}, no header)")
        elif column in mapped:
            problems.append(Problem(f"two columns of the file are both '{column}'", column=h))
        else:
            mapped.append(column)
            keep.append(raw.column(i))
    missing = [c.name for c in cols if c.required and c.name not in mapped]
    for name in missing:
        problems.append(Problem(f"required column '{name}' ({columns.header_zh(table, name)}) is missing",
                                column=name))
    return Parsed(table, Path(file_name).name, digest, encoding, sheet,
                  pa.table(keep, names=mapped) if keep else pa.table({}), unknown, ignored, problems, date_order)


# --- reading values as people write them ----------------------------------------------------------

DATE_ORDERS = ("ymd", "mdy", "dmy")
_YEAR_FIRST = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"]
_YEAR_LAST = {"mdy": ["%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y"], "dmy": ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]}
_CLOCK = ["", " %H:%M", " %H:%M:%S", "T%H:%M:%S", " %H时%M分"]
# a number as accounts write it: a sign, a currency sign, thousands separators, 元 after it
_NUMBER = r"[-+]?\s*[¥￥$]?\s*[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?\s*元?"
_DECIMAL_COMMA = r"[-+]?\d{1,3}([ .]\d{3})*,\d+"
_YEAR_LAST_TEXT = r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}( .*)?"
_SERIAL = r"\d{5}(\.\d+)?"  # an Excel date serial (1927–2173), e.g. a date cell formatted General


def _number_text(q: str) -> str:
    """The SQL text of a number with its currency sign, thousands separators and 元 taken out."""
    return (f"CASE WHEN regexp_full_match({q}, '{_NUMBER}') THEN regexp_replace({q}, '[¥￥$,\\s元+]', '', 'g') "
            f"ELSE {q} END")


def _parsed(column: Column, q: str, date_order: str) -> str:
    """The SQL expression that reads the text `q` as the column's type, NULL when it cannot:
    dates in the unambiguous forms (2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日, 20260301, an
    Excel serial) and, when the order is stated, with the year last; numbers with thousands
    separators and a currency sign (¥1,234.50)."""
    type_ = _type(column.type)
    if column.type in ("DATE", "TIMESTAMP"):
        days = _YEAR_FIRST + _YEAR_LAST.get(date_order, [])
        formats = days if column.type == "DATE" else [d + c for d in days for c in _CLOCK]
        listed = "[" + ", ".join(f"'{f}'" for f in formats) + "]"
        serial = (f"DATE '1899-12-30' + CAST(floor(CAST({q} AS DOUBLE)) AS INTEGER)" if column.type == "DATE" else
                  f"TIMESTAMP '1899-12-30' + to_seconds(round(CAST({q} AS DOUBLE) * 86400)::BIGINT)")
        return (f"coalesce(TRY_CAST({q} AS {type_}), TRY_CAST(try_strptime({q}, {listed}) AS {type_}), "
                f"CASE WHEN regexp_full_match({q}, '{_SERIAL}') THEN {serial} END)")
    if type_ != "VARCHAR" and _type_words(column.type) in ("a number", "a whole number"):
        # the plain number first: the pattern is read only for a value that is not one (fast)
        return f"coalesce(TRY_CAST({q} AS {type_}), TRY_CAST({_number_text(q)} AS {type_}))"
    return f"TRY_CAST({q} AS {type_})"


def _why_unread(problem: Problem, type_: str, date_order: str) -> Problem:
    """A value that is not of its column's type, with the reason where there is a clearer one
    than "not a date" or "not a number" (found for the few values refused, not every value)."""
    value = (problem.value or "").strip()
    if type_ in ("DATE", "TIMESTAMP") and date_order == "ymd" and re.fullmatch(_YEAR_LAST_TEXT, value):
        rule = "a date with the year last: say whether the day or the month comes first (date order dmy or mdy)"
    elif _type_words(type_) in ("a number", "a whole number") and re.fullmatch(_DECIMAL_COMMA, value):
        rule = "a comma as the decimal mark: write 1234.5, not 1 234,5"
    elif _type_words(type_) in ("a number", "a whole number") and value.endswith("%"):
        rule = "a percentage: write a rate as a fraction (3% → 0.03)"
    else:
        return problem
    return Problem(rule, problem.row, problem.column, problem.value)


# --- validating ---------------------------------------------------------------------------------

def today_of(con: duckdb.DuckDBPyConnection) -> dt.date:
    row = con.execute("SELECT as_of_date FROM store_meta WHERE id = 1").fetchone()
    return max(row[0], dt.date.today()) if row else dt.date.today()


def validate(con: duckdb.DuckDBPyConnection, parsed: Parsed, mode: str) -> list[Problem]:
    """Every problem of the file against the table's rules and the store (the file must be
    registered on `con` as `incoming`, see _staged)."""
    table, problems = parsed.table, list(parsed.problems)
    if mode not in ("append", "replace"):
        raise db.StoreError(f"mode must be append or replace, not '{mode}'")
    if parsed.rows == 0:
        problems.append(Problem("the file has a header but no rows"))
    cols = [c for c in table_columns(con, table) if c.name in parsed.data.column_names]
    if problems or not cols:
        return problems

    def items(checks: list[tuple[str, str, str, str]]) -> str:
        """The rules a row breaks, as a list of {k: check number, v: the value}."""
        cases = ", ".join(f"CASE WHEN {cond} THEN {{'k': {k}, 'v': ({value})::VARCHAR}} END"
                          for k, (cond, value, _, _) in enumerate(checks))
        return f"list_filter([{cases}]::STRUCT(k INTEGER, v VARCHAR)[], lambda x: x IS NOT NULL)"

    def collect(sql: str, checks: list[tuple[str, str, str, str]], params: dict | None = None) -> None:
        for row, broken in con.execute(sql + f" ORDER BY __row LIMIT {MAX_PROBLEMS}", params or {}).fetchall():
            for item in broken:
                _, _, rule, column = checks[item["k"]]
                problems.append(Problem(rule, row, column, item["v"]))

    def scan(relation: str, checks: list[tuple[str, str, str, str]], params: dict | None = None) -> None:
        """One pass over `relation` for many row rules: each check is (condition, value
        expression, rule, column); the rows breaking any come back with which."""
        if checks:
            collect(f"SELECT __row, broken FROM (SELECT __row, {items(checks)} AS broken FROM {relation}) "
                    "WHERE len(broken) > 0", checks, params)

    # one pass turns the text into the table's types and notes every value that is empty
    # where required, not of its type, or not one of the allowed values; each value is read
    # once, as "__v<n>" (n: the column's place), and the checks look at that
    read = {c.name: f'"__v{n}"' for n, c in enumerate(cols)}
    reading = ", ".join(f"{_parsed(c, _q(c.name), parsed.date_order)} AS {read[c.name]}" for c in cols)
    checks, params = [("false", "NULL", "", "")], {}  # never an empty list, whatever the table
    for c in cols:
        q = _q(c.name)
        if c.required:
            checks.append((f"{q} IS NULL", q, "required: empty", c.name))
        if c.type != "VARCHAR":  # a value not of the type (why, where clearer: _why_unread)
            checks.append((f"{q} IS NOT NULL AND {read[c.name]} IS NULL", q, f"not {_type_words(c.type)}", c.name))
        if _exact_words(c.type):  # a number the type would round (1.5 → 2, 20565.6206 → 20565.62)
            exact = f"coalesce(TRY_CAST({q} AS DECIMAL(38, 18)), TRY_CAST({_number_text(q)} AS DECIMAL(38, 18)))"
            checks.append((f"{exact} <> {read[c.name]}", q, _exact_words(c.type), c.name))
        if c.allowed:
            params[f"allowed{len(params)}"] = list(c.allowed)
            checks.append((f"{q} IS NOT NULL AND NOT list_contains(${f'allowed{len(params) - 1}'}, {q})", q,
                           "not one of: " + ", ".join(c.allowed), c.name))
    values = dict(read)
    for (defaulted_table, name), source in DEFAULTS.items():  # an empty or absent value takes its default
        if defaulted_table == table and source in values:
            values[name] = f"coalesce({values[name]}, {values[source]})" if name in values else values[source]
    typed = ", ".join(f"{value} AS {_q(name)}" for name, value in values.items())
    con.execute(f"CREATE OR REPLACE TEMP TABLE typed AS SELECT __row, {typed}, {items(checks)} AS __broken "
                f"FROM (SELECT *, {reading} FROM incoming)", params)
    collect("SELECT __row, __broken FROM typed WHERE len(__broken) > 0", checks)
    # the checks below run on every row too, all problems of the file in one pass: a value that
    # could not be read is NULL in `typed`, which no rule, reference or key check flags again
    present = {c.name for c in cols}
    types = {c.name: c.type for c in cols}
    checks, params = [], {}
    rules = con.execute("""SELECT expression, constraint_column_names FROM duckdb_constraints()
                           WHERE table_name = $t AND constraint_type = 'CHECK'""", {"t": table}).fetchall()
    for expression, names in rules + [(e, n) for t, e, n in BUSINESS_RULES if t == table]:
        if set(names) <= present and not any((table, n) in DERIVED_COLUMNS for n in names):
            shown = sorted(set(names))
            checks.append((f"NOT ({expression})", f"concat_ws(', ', {', '.join(_as_written(n) for n in shown)})",
                           rule_words(expression, types), ", ".join(shown)))
    for c in cols:
        q = _q(c.name)
        if c.references:
            ref_table, ref_column = c.references
            checks.append((f"{q} IS NOT NULL AND {q} NOT IN (SELECT {_q(ref_column)} FROM {_q(ref_table)} "
                           f"WHERE {_q(ref_column)} IS NOT NULL)", q,
                           f"unknown in {ref_table} (import {ref_table} first)", c.name))
        if c.type in ("DATE", "TIMESTAMP") and c.name not in PLANNED:
            params["limit"] = today_of(con) + dt.timedelta(days=FUTURE_DAYS)
            checks.append((f"{q}::DATE > $limit", q, f"in the far future (after {params['limit'].isoformat()})",
                           c.name))
    scan("typed", checks, params)
    key = primary_key(con, table)
    if key and set(key) <= present:
        keys = ", ".join(_q(k) for k in key)
        shown = "concat_ws(' / ', " + ", ".join("t." + _q(k) + "::VARCHAR" for k in key) + ")"
        twice = f"(SELECT {keys} FROM typed GROUP BY ALL HAVING count(*) > 1)"
        scan(f"(SELECT t.*, {shown} AS __key FROM typed t SEMI JOIN {twice} d USING ({keys}))",
             [("true", "__key", "the same key appears more than once in the file", ", ".join(key))])
        if mode == "append":
            scan(f"(SELECT t.*, {shown} AS __key FROM typed t SEMI JOIN {_q(table)} s USING ({keys}))",
                 [("true", "__key", "already in the store (use replace to load the table anew)", ", ".join(key))])
    problems = [_why_unread(p, types[p.column], parsed.date_order) if p.rule.startswith("not ") else p
                for p in problems]
    problems.sort(key=lambda p: (p.row or 0))
    if table in _ONE_IN_FORCE:
        _overlapping_rules(con, table, mode, problems, "effective_to" in present)
    if table == "customer_budgets" and {"salesperson_id", "month", "budget_amount"} <= present:
        _within_budgets(con, mode, problems)
    return problems[:MAX_PROBLEMS]


def _within_budgets(con: duckdb.DuckDBPyConnection, mode: str, problems: list[Problem]) -> None:
    """A person's key customers of a month come to at most that person's expense budget of the
    month: the file's rows (with those stored, when appending) of each person and month above it,
    each named on its row."""
    rows = con.execute("""
        WITH earmarked AS (
            SELECT salesperson_id, month, sum(budget_amount) AS amount
            FROM (SELECT salesperson_id, month, budget_amount FROM typed
                  UNION ALL SELECT salesperson_id, month, budget_amount FROM customer_budgets WHERE $append)
            GROUP BY ALL),
        budget AS (SELECT salesperson_id, month, sum(budget_amount) AS amount FROM expense_budgets GROUP BY ALL)
        SELECT t.__row, t.salesperson_id, strftime(t.month, '%Y-%m'), e.amount, coalesce(b.amount, 0)
        FROM typed t JOIN earmarked e USING (salesperson_id, month) LEFT JOIN budget b USING (salesperson_id, month)
        WHERE e.amount > coalesce(b.amount, 0)
        ORDER BY t.__row LIMIT $most""", {"append": mode == "append", "most": MAX_PROBLEMS}).fetchall()
    for row, person, month, amount, budget in rows:
        problems.append(Problem(f"the key customers of {person} in {month} come to {amount:,.2f}, more than the "
                                f"month's expense budget of {budget:,.2f} (import the expense budget first)",
                                row, "budget_amount", f"{amount:.2f}"))


# The business's ranges the schema does not hold: (table, condition every row keeps, its columns).
BUSINESS_RULES = [
    ("commission_rules", "((kind != 'base_rate') OR (\"value\" <= 1))", ["kind", "value"]),
    ("scorecard_weights", "(weight <= 100)", ["weight"]),
]
# A rule in words: (pattern of the rule's SQL, with quotes taken out; the words, {0}… its groups).
_RULE_WORDS = [
    (r"\(\(quantity > 0\) AND \(amount >= 0\) AND \(cost >= 0\)\) OR \(\(quantity < 0\) AND \(amount <= 0\) "
     r"AND \(cost <= 0\)\)", "a sale has quantity above 0 and amount and cost 0 or more; a return has quantity "
                          "below 0 and amount and cost 0 or less"),
    (r"\(kind = 'base_rate'\) = \(product_line IS NOT NULL\)",
     "a base rate names its product line; the other kinds of rule name none"),
    (r"\(kind != 'referral_share'\) OR \(value <= 1\)",
     "a referral share is a fraction of the commission, at most 1 (0.5 = half)"),
    (r"\(kind != 'base_rate'\) OR \(value <= 1\)", "a base rate is a fraction of the amount, at most 1 (0.03 = 3 %)"),
    (r"\(bid_outcome IS NULL\) OR \(topic = 'bid'\)", "a bid outcome belongs to a note on a bid (topic bid)"),
    (r"\((\w+) IS NOT NULL\) OR \((\w+) IS NOT NULL\)", "{0} or {1} must be given (one of the two at least)"),
    (r"\((\w+) IS NULL\) = \((\w+) IS NULL\)", "{0} and {1} go together: both given or both empty"),
    (r"\((\w+) IS NULL\) OR \((\w+) = '(\w+)'\)", "{0} is given only when {1} is {2}"),
    (r"\((\w+) IS NULL\) OR \((\w+) IS NOT NULL\)", "{0} is given only when {1} is given too"),
    (r"day\((\w+)\) = 1", "{0} must be the first day of a month (e.g. 2026-03-01)"),
    (r"(\w+) BETWEEN (\d+) AND (\d+)", "{0} must be from {1} to {2}"),
    (r"(\w+) >= 0", "{0} must be 0 or more"),
    (r"(\w+) > 0", "{0} must be more than 0"),
    (r"(\w+) <= (\d+)", "{0} must be at most {1}"),
    (r"(\w+) != 0", "{0} must not be 0"),
    (r"\((\w+) IS NULL\) OR \(\1 >= (\w+)\)", "{0} must be on or after {1}"),
    (r"\((\w+) IS NULL\) OR \(\1 > (\w+)\)", "{0} must be after {1}"),
    (r"(\w+) >= (\w+)", "{0} must be on or after {1}"),
]


def rule_words(expression: str, types: dict[str, str]) -> str:
    """A table rule (a CHECK's SQL) in words: "due_date must be on or after issue_date"; an
    amount compared with another reads "at least" (stretch_value must be at least plan_value)."""
    plain = expression.replace('"', "")
    while plain.startswith("(") and plain.endswith(")") and _balanced(plain[1:-1]):
        plain = plain[1:-1]
    for pattern, words in _RULE_WORDS:
        found = re.fullmatch(pattern, plain)
        if found:
            groups = [g for g in found.groups()]
            text = words.format(*groups)
            if "on or after" in text and types.get(groups[0]) not in ("DATE", "TIMESTAMP"):
                text = text.replace("on or after", "at least")
            return text
    return f"breaks the rule {expression}"


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


# Rules of which one only may be in force on a day: (its name as shown, the columns that
# make two rules the same rule, and the words of an overlap).
_ONE_IN_FORCE = {
    "commission_rules": ("rule_id", ("kind", "product_line"), "same kind, dates overlap"),
    "stage_probabilities": ("stage || ' ' || effective_from", ("stage",), "same stage, dates overlap"),
}


def _overlapping_rules(con: duckdb.DuckDBPyConnection, table: str, mode: str, problems: list[Problem],
                       has_end: bool) -> None:
    """Two rules of one kind (and product line), or two probabilities of one stage, in force on
    the same day would make the rule of a day ambiguous. A file without the (optional) end date
    has open-ended rules."""
    name, same, words = _ONE_IN_FORCE[table]
    end = "effective_to" if has_end else "NULL::DATE AS effective_to"
    kept = ", ".join(same)
    existing = "" if mode == "replace" else \
        f"UNION ALL SELECT NULL, {name}, {kept}, effective_from, effective_to FROM {table}"
    alike = " AND ".join(f"a.{c} IS NOT DISTINCT FROM b.{c}" for c in same)
    for row, rule, other in con.execute(f"""
            WITH r AS (SELECT __row, {name} AS rule, {kept}, effective_from, {end} FROM typed {existing})
            SELECT a.__row, a.rule, b.rule FROM r a JOIN r b
              ON a.rule <> b.rule AND {alike}
             AND a.effective_from < coalesce(b.effective_to, DATE '9999-12-31')
             AND b.effective_from < coalesce(a.effective_to, DATE '9999-12-31')
            WHERE a.__row IS NOT NULL ORDER BY 1, 3""").fetchall():
        problems.append(Problem(f"overlaps rule {other} ({words})", row, "effective_from", rule))


def _as_written(name: str) -> str:
    """A typed value as text the way a person writes it: 148.5 and 0, not 148.5000 and 0.0000."""
    text = _q(name) + "::VARCHAR"
    return f"CASE WHEN {text} LIKE '%.%' THEN rtrim(rtrim({text}, '0'), '.') ELSE {text} END"


def _exact_words(type_: str) -> str | None:
    """What a number must be for a numeric column to keep it exactly; None for other types."""
    if type_ in ("INTEGER", "BIGINT", "SMALLINT"):
        return "not a whole number (the store would round it)"
    scale = re.fullmatch(r"DECIMAL\(\d+,(\d+)\)", type_)
    if scale:
        return f"more than {scale.group(1)} decimal places (the store would round it)"
    return None


def _type_words(type_: str) -> str:
    if type_.startswith("DECIMAL") or type_ in ("DOUBLE", "FLOAT"):
        return "a number"
    return {"DATE": "a date (e.g. 2026-03-01, 2026/3/1, 2026年3月1日)",
            "TIMESTAMP": "a date and time (e.g. 2026-03-01 09:30)",
            "INTEGER": "a whole number", "BIGINT": "a whole number", "SMALLINT": "a whole number",
            "BOOLEAN": "true or false",
            "VARCHAR": "text"}.get(type_, type_)


def _staged(con: duckdb.DuckDBPyConnection, parsed: Parsed) -> None:
    """Register the file's rows as `incoming`: trimmed text, '' as NULL, and __row, the
    row's number in the file (the header is row 1)."""
    data = parsed.data.append_column("__row", pa.array(range(2, parsed.rows + 2), pa.int64()))
    con.register("incoming_raw", data)
    # a text our own files neutralised with an apostrophe (queries.values.neutralise) reads back as stored
    cleaned = ", ".join(f"nullif(regexp_replace(trim({_q(n)}), '^''(\\s*[=+\\-@])', '\\1'), '') AS {_q(n)}"
                        for n in parsed.data.column_names)
    con.execute(f"CREATE OR REPLACE TEMP VIEW incoming AS SELECT __row{', ' + cleaned if cleaned else ''} "
                "FROM incoming_raw")


# --- loading -------------------------------------------------------------------------------------

@dataclass
class Result:
    rows: int
    store_version: int
    encoding: str
    unknown_headers: list[str]
    ignored_derived: list[str]
    plan_version: int | None = None  # the plan version a save from the Planning page made


# What a plan saved on the Planning page replaces of the year it plans (`$y`): the targets of
# the measures it holds, or the year's whole expense budget; and how its copy is kept.
PLAN_KINDS = {"targets": "targets", "expense_budgets": "budgets", "customer_budgets": "customers"}
_PLAN_CLEAR = {"targets": "DELETE FROM targets WHERE year(month) = $y AND metric IN (SELECT metric FROM typed)",
               "expense_budgets": "DELETE FROM expense_budgets WHERE year(month) = $y",
               "customer_budgets": "DELETE FROM customer_budgets WHERE year(month) = $y"}
_PLAN_KEEP = {"targets": "INSERT INTO plan_targets SELECT $v, salesperson_id, month, metric, plan_value, stretch_value "
                         "FROM targets WHERE year(month) = $y",
              "expense_budgets": "INSERT INTO plan_budgets SELECT $v, salesperson_id, region_id, month, category, "
                                 "budget_amount FROM expense_budgets WHERE year(month) = $y",
              "customer_budgets": "INSERT INTO plan_customer_budgets SELECT $v, customer_id, month, salesperson_id, "
                                  "budget_amount FROM customer_budgets WHERE year(month) = $y"}


def import_file(con: duckdb.DuckDBPyConnection, table: str, data: bytes, file_name: str, mode: str = "append",
                user: str = "cli", sheet: str | None = None, progress=lambda line: None,
                date_order: str = "ymd", file_encoding: str | None = None) -> Result:
    """Read and validate the file and, if it has no problem, load it in one transaction;
    otherwise raise ImportRejected with every problem (and log the rejection)."""
    return load(con, read_file(con, table, data, file_name, sheet, date_order, file_encoding), mode, user, progress)


def load(con: duckdb.DuckDBPyConnection, parsed: Parsed, mode: str = "append", user: str = "cli",
         progress=lambda line: None, write: bool = True, plan: str | None = None) -> Result:
    """Validate a file already read (the Data page's preview) and load it as import_file does;
    with `write` false, only validate (a dry run: nothing written, nothing logged). With `plan`
    (a version's name; targets or expense budgets of one year, mode replace) the rows replace
    that year's only, and a copy of the year as it then stands is kept as a plan version."""
    table = parsed.table
    if plan is not None and (table not in PLAN_KINDS or mode != "replace"):
        raise db.StoreError(f"a plan version is saved from targets or expense budgets, replacing, not {table} {mode}")
    cursor = con.cursor()
    try:
        done = cursor.execute("""SELECT imported_at, table_name FROM import_log
                                 WHERE file_sha256 = $h AND outcome = 'ok' ORDER BY imported_at LIMIT 1""",
                              {"h": parsed.sha256}).fetchone()
        if done:
            raise ImportRejected(f"{parsed.file_name} was already imported into {done[1]} on {done[0]:%Y-%m-%d %H:%M} "
                                 "(same SHA-256): refused as a duplicate", [Problem("duplicate file")])
        _staged(cursor, parsed)
        progress(f"read {parsed.rows:,} rows ({parsed.encoding}); validating…")
        problems = validate(cursor, parsed, mode)
        year = None
        if plan is not None and not problems:
            year, problems = _plan_checked(cursor, table, plan)
        if problems:
            if write:
                _log(cursor, parsed, mode, user, "rejected", f"{len(problems)} problems")
            unknown = f" (columns not of {table}, which would not be loaded: {', '.join(parsed.unknown_headers)})" \
                if parsed.unknown_headers else ""
            raise ImportRejected(f"{parsed.file_name}: {len(problems):,} problems; nothing was written{unknown}",
                                 problems)
        if not write:
            version = cursor.execute("SELECT store_version FROM store_meta").fetchone()[0]
            return Result(parsed.rows, version, parsed.encoding, parsed.unknown_headers, parsed.ignored_derived)
        names = [c.name for c in table_columns(cursor, table)
                 if c.name in parsed.data.column_names or (table, c.name) in DEFAULTS]
        target = ", ".join(_q(n) for n in names)
        with db.write_lock:
            # the way back first: a copy of the store as it is, with room checked for it and the rows
            backup.take(cursor, f"{backup.BEFORE_IMPORT}-{table}", extra=_room_for(parsed))
            progress(f"{parsed.rows:,} rows valid; writing…")
            cursor.execute("BEGIN")
            try:
                if plan is not None:
                    cursor.execute(_PLAN_CLEAR[table], {"y": year})
                elif mode == "replace":
                    cursor.execute(f"DELETE FROM {_q(table)}")
                cursor.execute(f"INSERT INTO {_q(table)} ({target}) SELECT {target} FROM typed")
                # the new rows, for the summaries to refresh only what they touch
                cursor.execute("CREATE OR REPLACE TEMP VIEW new_rows AS SELECT * FROM typed")
                as_of = "SELECT as_of_date FROM store_meta"
                today = cursor.execute(as_of).fetchone()
                db.follow_data(cursor)  # before the summaries: some are as of the store's today
                db.refresh_derived(cursor, table, appended=mode == "append",
                                   today_moved=cursor.execute(as_of).fetchone() != today)
                cursor.execute("DROP VIEW new_rows")
                kept = None if plan is None else _keep_plan(cursor, table, plan, year, user)
                _log(cursor, parsed, mode, user, "ok", None if plan is None else f"plan {year} · {plan}")
                version = cursor.execute("UPDATE store_meta SET store_version = store_version + 1 "
                                         "RETURNING store_version").fetchone()[0]
                db.commit(cursor)  # seen by no query half done, and in the store's file before it says so
            except db.NotSaved as exc:
                raise db.NotSaved(f"{parsed.file_name}: {parsed.rows:,} rows were imported (store version {version}), "
                                  f"but {exc}.") from exc
            except Exception as exc:
                with contextlib.suppress(duckdb.Error):  # a failed COMMIT has ended the transaction
                    cursor.execute("ROLLBACK")
                if db.NO_SPACE in str(exc):
                    raise db.DiskFull(f"The disk holding the store ran out of space while {parsed.file_name} was "
                                      "written: nothing was changed, and the dashboard goes on showing the data "
                                      "as it was. Free some space, then import again.") from exc
                raise db.StoreError(f"{parsed.file_name} could not be written, nothing was changed: {exc}") from exc
    finally:
        cursor.close()
    return Result(parsed.rows, version, parsed.encoding, parsed.unknown_headers, parsed.ignored_derived, kept)


def _plan_checked(cursor, table: str, name: str) -> tuple[int | None, list[Problem]]:
    """The year a plan's rows are of, and what stops it being saved: months of more than one
    year, or a version of that year already saved under the name."""
    years = [y for (y,) in cursor.execute("SELECT DISTINCT year(month) FROM typed ORDER BY 1").fetchall()]
    if len(years) != 1:
        return None, [Problem(f"a plan is of one year; its months are of {', '.join(map(str, years))}",
                              column="month")]
    if not name.strip():
        return None, [Problem("a plan version needs a name")]
    taken = cursor.execute("SELECT count(*) FROM plan_versions WHERE kind = $k AND plan_year = $y AND name = $n",
                           {"k": PLAN_KINDS[table], "y": years[0], "n": name.strip()}).fetchone()[0]
    if taken:
        return None, [Problem(f"a plan of {years[0]} named '{name.strip()}' is already saved: give this one "
                              "another name")]
    return years[0], []


def _keep_plan(cursor, table: str, name: str, year: int, user: str) -> int:
    """The year's rows as they now stand, kept as a new plan version; its number."""
    version = cursor.execute("INSERT INTO plan_versions SELECT coalesce(max(version_id), 0) + 1, $k, $y, $n, $u, $at "
                             "FROM plan_versions RETURNING version_id",
                             {"k": PLAN_KINDS[table], "y": year, "n": name.strip(), "u": user,
                              "at": dt.datetime.now().replace(microsecond=0)}).fetchone()[0]
    cursor.execute(_PLAN_KEEP[table], {"v": version, "y": year})
    return version


def _room_for(parsed: Parsed) -> int:
    """About what writing a file's rows takes on disk (the table, its summaries and the journal),
    with room to spare: a generous estimate, so that a disk does not fill half-way."""
    return 4 * parsed.data.nbytes + 32 * 2**20


def _log(cursor, parsed: Parsed, mode: str, user: str, outcome: str, message: str | None) -> None:
    from store import accounts

    accounts.audit(cursor, user, "import", parsed.table,
                   f"{parsed.file_name} · SHA-256 {parsed.sha256[:12]}… · {parsed.rows:,} rows · {mode}"
                   + (f" · {message}" if message else ""), "ok" if outcome == "ok" else "refused")
    cursor.execute("""INSERT INTO import_log
                      SELECT coalesce(max(import_id), 0) + 1, $t, $at, $u, $f, $h, $n, $m, $o, $msg
                      FROM import_log""",
                   {"t": parsed.table, "at": dt.datetime.now().replace(microsecond=0), "u": user,
                    "f": parsed.file_name, "h": parsed.sha256, "n": parsed.rows if outcome == "ok" else 0,
                    "m": mode, "o": outcome, "msg": message})


# --- templates and export -------------------------------------------------------------------------

def describe(con: duckdb.DuckDBPyConnection, table: str) -> list[dict[str, str]]:
    """Each importable column: name, Chinese header, type, required, allowed values, note."""
    return [{"column": c.name, "header_zh": columns.header_zh(table, c.name), "type": _type_words(c.type),
             "required": "yes" if c.required else "",
             "allowed": " | ".join(c.allowed) or (f"must exist in {c.references[0]}" if c.references else ""),
             "note": columns.note(table, c.name)}
            for c in table_columns(con, table)]


def _sample(con: duckdb.DuckDBPyConnection, table: str, names: list[str]) -> list[str]:
    row = con.execute(f"SELECT {', '.join(_q(n) + '::VARCHAR' for n in names)} FROM {_q(table)} LIMIT 1").fetchone()
    if row:
        return ["" if v is None else v for v in row]
    return [columns.SAMPLES[table].get(n, "") for n in names]  # an empty table: the shipped sample


def template_rows(con: duckdb.DuckDBPyConnection, table: str, lang: str = "en") -> list[list[str]]:
    """A template: the header (column names, or the Chinese headers) and a sample row."""
    names = [c.name for c in table_columns(con, table)]
    header = names if lang == "en" else [columns.header_zh(table, n) for n in names]
    return [header, _sample(con, table, names)]


def template_csv(con: duckdb.DuckDBPyConnection, table: str, lang: str = "en") -> bytes:
    out = io.StringIO()
    header, sample = template_rows(con, table, lang)
    csv.writer(out, lineterminator="\n").writerows([header, [neutralise(v) for v in sample]])
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(con: duckdb.DuckDBPyConnection, table: str, lang: str = "en") -> bytes:
    """Sheet 'data': header and sample row, every cell text (codes keep leading zeros);
    sheet 'columns': what each column holds."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "data"
    for row in template_rows(con, table, lang):
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            cell.number_format = "@"
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with
    info = book.create_sheet("columns")
    described = describe(con, table)
    info.append(["column", "中文表头", "type", "required", "allowed values", "note"])
    for d in described:
        info.append([d["column"], d["header_zh"], d["type"], d["required"], d["allowed"], d["note"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_csv(con: duckdb.DuckDBPyConnection, table: str) -> bytes:
    """Every row of a table in its template's layout (English headers, UTF-8 with BOM):
    a file that imports back as it is."""
    names = [c.name for c in table_columns(con, table)]
    frame = con.execute(f"SELECT {', '.join(_q(n) + '::VARCHAR AS ' + _q(n) for n in names)} FROM {_q(table)}").df()
    return frame.apply(neutralised).to_csv(index=False).encode("utf-8-sig")  # no text read back as a formula
