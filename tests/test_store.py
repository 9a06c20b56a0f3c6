"""Operations and safety of the store: one owner process, no host file access, no UI imports."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from store import db

ROOT = Path(__file__).resolve().parent.parent


def test_a_query_cannot_read_host_files(store_con):
    cursor = store_con.cursor()
    with pytest.raises(duckdb.PermissionException):
        cursor.execute("SELECT * FROM read_csv('/etc/passwd')")
    with pytest.raises(duckdb.PermissionException):
        cursor.execute("COPY sales TO '/tmp/cockpit_leak.csv'")
    with pytest.raises(duckdb.Error):
        cursor.execute("SET enable_external_access = true")


def test_a_second_writer_fails_at_once_with_a_clear_message(store_con, demo_store):
    path, _ = demo_store
    result = subprocess.run(
        [sys.executable, "-m", "store", "demo", "--db", str(path), "--force"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert f"is held by process {os.getpid()}" in result.stderr
    assert "import from the Data page or stop the dashboard" in result.stderr
    assert store_con.execute("SELECT count(*) FROM sales").fetchone()[0] > 0  # untouched


def test_opening_a_missing_store_says_how_to_build_one(tmp_path):
    with pytest.raises(db.StoreError, match="python -m store demo"):
        db.connect(tmp_path / "none.duckdb")


def test_store_path_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COCKPIT_DB", str(tmp_path / "x.duckdb"))
    assert db.store_path() == tmp_path / "x.duckdb"
    monkeypatch.delenv("COCKPIT_DB")
    assert db.store_path() == ROOT / "data" / "cockpit.duckdb"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", ["store", "queries"])
def test_the_data_layer_never_imports_streamlit(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files
    for path in files:
        assert "streamlit" not in _imported_modules(path), f"{path} imports streamlit"
    probe = subprocess.run(
        [sys.executable, "-c", "import sys, store.demo, store.__main__, queries;"
         "sys.exit('streamlit' in sys.modules)"],
        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert probe.returncode == 0, probe.stderr


# The importer is the one place SQL text is put together, because it works on whichever
# table is chosen: every name it interpolates passes through importer._q, which accepts only
# the schema's own table and column names (tested below); values stay bound parameters.
BUILDS_SQL_FROM_THE_SCHEMA = {"store/importer.py"}


def test_no_sql_is_built_with_f_strings():
    offenders = []
    for path in ROOT.rglob("*.py"):
        if ".venv" in path.parts or path.relative_to(ROOT).as_posix() in BUILDS_SQL_FROM_THE_SCHEMA:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in {"execute", "executemany", "sql", "query"}
                    and node.args and isinstance(node.args[0], ast.JoinedStr)):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_only_tables_of_the_store_can_be_loaded_into():
    assert db.insert_from_frame("sales") == "INSERT INTO sales BY NAME SELECT * FROM frame"
    with pytest.raises(ValueError, match="not a table of the store"):
        db.insert_from_frame("sales; DROP TABLE sales")
    with pytest.raises(ValueError, match="not a table of the store"):
        db.insert_from_frame("sales_daily")  # kept by the store itself


def test_a_store_of_schema_1_gains_the_derived_tables_and_columns_when_opened(tmp_path):
    path = tmp_path / "older.duckdb"
    con = db.connect(path, create=True)
    db.create_schema(con)
    con.execute("INSERT INTO store_meta (id, schema_version, as_of_date, store_version, built_at) "
                "VALUES (1, 1, DATE '2026-01-31', 1, now())")
    con.execute("INSERT INTO sales VALUES (1, 1, DATE '2026-01-05', 'C1', 'P1', 2, 100, 60, 'S1', 'R1'),"
                " (2, 1, DATE '2026-01-05', 'C1', 'P2', 1, 50.5, 20, 'S1', 'R1')")
    con.execute("INSERT INTO customers (customer_id, name, registered_on, credit_limit) "
                "VALUES ('C1', '甲', DATE '2025-06-01', 0)")
    con.execute("INSERT INTO invoices VALUES ('I1', 'C1', NULL, DATE '2026-01-05', DATE '2026-01-20', 100, 'S1',"
                " 'R1', 0, NULL)")
    con.execute("INSERT INTO visit_plans VALUES ('VP1', 'C1', 'S1', DATE '2026-01-01', NULL)")
    con.execute("INSERT INTO visits VALUES ('V1', 'C1', 'S1', 'R1', DATE '2026-01-20', 'revisit', 'follow_up',"
                " 'VP1', NULL), ('V2', 'C1', 'S1', 'R1', DATE '2026-01-09', 'revisit', 'follow_up', 'VP1', NULL)")
    con.execute("DROP TABLE sales_daily")
    con.execute("DROP TABLE payments_daily")
    con.execute("DROP TABLE customer_alerts")
    con.execute("DROP TABLE receivables_daily")
    con.execute("ALTER TABLE visit_plans DROP COLUMN first_visit_on")
    con.close()
    con = db.connect(path)
    assert con.execute("SELECT schema_version FROM store_meta").fetchone()[0] == db.SCHEMA_VERSION
    assert con.execute("SELECT first_visit_on::VARCHAR FROM visit_plans").fetchone()[0] == "2026-01-09"
    # 100 + 50.50 = 150.50 sold, 60 + 20 = 80 cost, on one day by one salesperson: 70.50 gross profit.
    assert con.execute("SELECT order_date::VARCHAR, amount, gross_profit FROM sales_daily").fetchall() == [
        ("2026-01-05", 150.50, 70.50)]
    assert con.execute("SELECT count(*) FROM payments_daily").fetchone()[0] == 0
    # On the store's today (31 Jan) C1 owes the unpaid 100, 11 days past due, over its credit limit of 0.
    assert con.execute("SELECT customer_id, outstanding, reasons FROM customer_alerts").fetchall() == [
        ("C1", 100, "over_credit")]
    assert con.execute("SELECT sum(outstanding), sum(past_due_0), sum(past_due_30) FROM receivables_daily"
                       " WHERE day <= DATE '2026-01-31'").fetchone() == (100, 100, 0)
    con.close()


def test_a_table_missing_from_a_store_of_this_version_is_not_made_anew_empty(fixture_path, tmp_path):
    # complaints dropped by hand: made anew, empty, the Satisfaction page would report no complaints
    # as a fact; left missing, that page says it cannot be drawn and the rest of the store opens
    path = tmp_path / "damaged.duckdb"
    shutil.copy(fixture_path, path)
    con = db.connect(path)
    con.execute("DROP TABLE complaints")
    con.close()
    con = db.connect(path)
    tables = {name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert "complaints" not in tables and "sales" in tables and "contract_payments" in tables
    con.close()


def test_a_store_of_schema_4_keeps_its_figures_when_money_gains_two_decimals(tmp_path):
    # A store made when money had two decimals and quantities were whole: opened, its tables are
    # made anew with four decimals and fractional quantities, every value and rule kept.
    path = tmp_path / "two-decimals.duckdb"
    con = db.connect(path, create=True)
    db.create_schema(con)
    con.execute("DROP TABLE sales")
    two_decimals = db._table_statements(db.SCHEMA_PATH.read_text(encoding="utf-8"))["sales"].replace(
        "DECIMAL(18, 4)", "DECIMAL(18, 2)")
    con.execute(two_decimals.replace("quantity       DECIMAL(18, 2)", "quantity INTEGER"))
    con.execute("INSERT INTO store_meta (id, schema_version, as_of_date, store_version, built_at) "
                "VALUES (1, 4, DATE '2026-01-31', 1, now())")
    con.execute("INSERT INTO sales VALUES (1, 1, DATE '2026-01-05', 'C1', 'P1', 2, 875823.84, 60, 'S1', 'R1'),"
                " (2, 2, DATE '2026-01-06', 'C1', 'P1', -1, -97073.76, -20, 'S1', 'R1')")
    con.close()
    con = db.connect(path)
    types = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'sales'")
                 .fetchall())
    assert types["amount"] == "DECIMAL(18,4)" and types["quantity"] == "DECIMAL(18,4)"
    assert [float(v) for (v,) in con.execute("SELECT amount FROM sales ORDER BY line_id").fetchall()] == [
        875823.84, -97073.76]
    # 875,823.84 − 97,073.76 = 778,750.08 in the daily totals, rebuilt with the new types
    assert float(con.execute("SELECT sum(amount) FROM sales_daily").fetchone()[0]) == 778750.08
    with pytest.raises(duckdb.ConstraintException):  # the rules came along
        con.execute("INSERT INTO sales VALUES (3, 3, DATE '2026-01-07', 'C1', 'P1', 0, 1, 1, 'S1', 'R1')")
    con.close()


def test_a_store_of_schema_9_keeps_its_audit_log_when_it_learns_a_new_action(tmp_path):
    # The audit log of schema 9 knew no 'email_changed': opened, the table is made anew with the
    # action allowed, its rows as they were, and still only the known actions accepted.
    path = tmp_path / "nine.duckdb"
    con = db.connect(path, create=True)
    db.create_schema(con)
    con.execute("DROP TABLE audit_log")
    con.execute(db._table_statements(db.ACCOUNTS_PATH.read_text(encoding="utf-8"))["audit_log"].replace(
        ", 'email_changed'", ""))
    con.execute("INSERT INTO store_meta (id, schema_version, as_of_date, store_version, built_at) "
                "VALUES (1, 9, DATE '2026-01-31', 1, now())")
    con.execute("INSERT INTO audit_log VALUES (1, TIMESTAMP '2026-01-30 09:00', 'boss', 'login', 'boss', NULL, 'ok')")
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO audit_log VALUES (2, now(), 'boss', 'email_changed', 'gm', NULL, 'ok')")
    con.close()
    con = db.connect(path)
    con.execute("INSERT INTO audit_log VALUES (2, TIMESTAMP '2026-01-31 10:00', 'boss', 'email_changed', 'gm', NULL, "
                "'ok')")
    assert con.execute("SELECT audit_id, done_at::VARCHAR, action FROM audit_log ORDER BY 1").fetchall() == [
        (1, "2026-01-30 09:00:00", "login"), (2, "2026-01-31 10:00:00", "email_changed")]
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO audit_log VALUES (3, now(), 'boss', 'drop_everything', NULL, NULL, 'ok')")
    assert con.execute("SELECT schema_version FROM store_meta").fetchone()[0] == db.SCHEMA_VERSION
    con.close()


def test_a_second_dashboard_on_a_served_store_does_not_start(fixture_path, tmp_path):
    import shutil

    from tools.serve import refused_start, serving

    path = tmp_path / "served.duckdb"
    shutil.copy(fixture_path, path)
    with serving(path):
        second = refused_start(path)
    assert second.returncode != 0
    assert re.search(r"The dashboard does not start: The store .*served\.duckdb is held by process \d+",
                     second.stdout + second.stderr)


def test_the_importer_puts_only_the_schemas_names_into_sql():
    from store import importer

    assert importer._q("sales") == '"sales"' and importer._q("cost") == '"cost"'
    for name in ('sales"; DROP TABLE sales; --', "read_csv('/etc/passwd')", "客户编号", "SALES", "pg_catalog"):
        with pytest.raises(ValueError, match="not a table or column of the store"):
            importer._q(name)
    with pytest.raises(ValueError, match="not a type"):
        importer._type("VARCHAR); DROP TABLE sales; --")


def test_missing_values_are_tested_one_way():
    """A query's missing value is NaN, None, pd.NA or NaT depending on its column's type
    (pandas 3): the code asks queries.values.missing, never `x is None` of a field or
    subscript, nor `x == x` / `x != x`."""
    offenders = []
    holding_no_results = {"ui/urlstate.py", "queries/filters.py"}  # the filters' own state, not query results
    paths = [p for p in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), *ROOT.glob("queries/*.py")]
             if p.relative_to(ROOT).as_posix() not in holding_no_results]
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Compare) or len(node.ops) != 1:
                continue
            left, op, right = node.left, node.ops[0], node.comparators[0]
            field = isinstance(left, ast.Attribute | ast.Subscript)
            if (isinstance(op, ast.Is | ast.IsNot) and isinstance(right, ast.Constant) and right.value is None
                    and field) or (isinstance(op, ast.Eq | ast.NotEq) and ast.dump(left) == ast.dump(right)):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_every_statement_of_the_serving_process_is_bounded_and_its_settings_locked(fixture_path, tmp_path,
                                                                                  monkeypatch):
    import shutil
    import time

    path = tmp_path / "bounded.duckdb"
    shutil.copy(fixture_path, path)
    monkeypatch.setenv("COCKPIT_DB", str(path))
    monkeypatch.setattr(db, "QUERY_SECONDS", 0.5)
    try:
        cursor = db.shared_connection().cursor()
        began = time.monotonic()
        with pytest.raises(duckdb.InterruptException, match="maximum execution time"):
            cursor.execute("SELECT sum(a.range * b.range) FROM range(100000000) a, range(1000) b").fetchall()
        assert time.monotonic() - began < 10  # stopped, not run to its end (minutes)
        for setting in ("SET max_execution_time = 0", "SET memory_limit = '20GB'",
                        "SET enable_external_access = true"):
            with pytest.raises(duckdb.InvalidInputException, match="configuration has been locked"):
                cursor.execute(setting)
    finally:
        db.close_shared(path)


def test_a_view_stopped_at_its_time_limit_tells_the_reader_to_narrow_it():
    from streamlit.testing.v1 import AppTest

    def page():
        from store.db import QueryTimeout
        from ui.shell import on_error

        on_error(QueryTimeout("query 'attainment' ran past its time limit and was stopped"))

    app = AppTest.from_function(page).run()
    assert not app.exception and not app.error
    assert app.warning[0].value == ("This view took longer than 60 seconds and was stopped. Nothing in the store was "
                                    "changed; choose a shorter period or fewer values in the filters.")


def test_a_store_of_schema_16_gains_key_customers_budgets_and_keeps_its_plan_versions(fixture_path, tmp_path):
    path = tmp_path / "v16.duckdb"
    shutil.copy(fixture_path, path)
    con = duckdb.connect(str(path))  # as schema 16 made it: no key customers, versions of two kinds only
    con.execute("DROP TABLE customer_budgets; DROP TABLE plan_customer_budgets; DROP TABLE plan_versions")
    con.execute("CREATE TABLE plan_versions (version_id INTEGER PRIMARY KEY, kind VARCHAR NOT NULL "
                "CHECK (kind IN ('targets', 'budgets')), plan_year INTEGER NOT NULL, name VARCHAR NOT NULL, "
                "saved_by VARCHAR NOT NULL, saved_at TIMESTAMP NOT NULL, UNIQUE (kind, plan_year, name))")
    con.execute("INSERT INTO plan_versions VALUES (1, 'targets', 2026, '年初计划', 'head', now())")
    con.execute("UPDATE store_meta SET schema_version = 16")
    con.close()
    con = db.connect(path)
    try:
        assert con.execute("SELECT schema_version FROM store_meta").fetchone() == (db.SCHEMA_VERSION,)
        assert con.execute("SELECT count(*) FROM customer_budgets").fetchone() == (0,)
        assert con.execute("SELECT version_id, kind, name FROM plan_versions").fetchall() == [
            (1, "targets", "年初计划")]
        con.execute("INSERT INTO plan_versions VALUES (2, 'customers', 2026, '重点客户', 'head', now())")
    finally:
        con.close()
