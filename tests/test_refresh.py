"""After an import the store refreshes only what the new rows change (the days, customers and
salespeople they touch, store/derived_appended.sql): every summary and derived column must
still equal its computation from all the facts, after appends and replaces of every kind of
fact, and when the store's today moves with the data."""

from __future__ import annotations

import shutil

import pytest

from store import db, importer

# What the store keeps from its facts: the summaries, and the tables with derived columns.
KEPT = {**{t: "SELECT * FROM " + t for t in db.DERIVED_TABLES},
        "invoices": "SELECT invoice_id, paid_total, settled_on FROM invoices",
        "customers": "SELECT customer_id, first_order_on, first_salesperson_id, first_region_id FROM customers",
        "visit_plans": "SELECT plan_id, first_visit_on FROM visit_plans"}


def differences(con) -> dict[str, int]:
    """Each kept table's rows that differ (both ways) between what the imports left and a full
    computation from the facts alone (the summaries emptied first; in a transaction, then
    rolled back)."""
    con.execute("BEGIN")
    for name, sql in KEPT.items():
        con.execute("CREATE TEMP TABLE kept_" + name + " AS " + sql)
    for table in db.DERIVED_TABLES:
        con.execute(db._naming(table, "DELETE FROM {t}"))
    db.refresh_derived(con)
    found = {}
    for name, sql in KEPT.items():
        found[name] = con.execute("SELECT count(*) FROM ((SELECT * FROM kept_" + name + " EXCEPT ALL " + sql + ")"
                                  " UNION ALL (" + sql + " EXCEPT ALL SELECT * FROM kept_" + name + "))").fetchone()[0]
    con.execute("ROLLBACK")
    return {name: n for name, n in found.items() if n}


@pytest.fixture
def store(demo_store, tmp_path):
    path = tmp_path / "store.duckdb"
    shutil.copy(demo_store[0], path)
    con = db.connect(path)
    yield con
    con.close()


# Files made from the demo store's own rows, new keys; `today` is the store's today.
FILES = {
    # lines on days that have sales and on a day after the latest, a return, a line without
    # cost, web orders without a salesperson
    "sales": """
        SELECT line_id + 90000000 AS line_id, order_id + 90000000 AS order_id,
               CASE WHEN n % 3 = 0 THEN $today::DATE + 1 ELSE order_date END AS order_date,
               customer_id, product_id, quantity, amount, if(n % 5 = 0, NULL, cost) AS cost,
               if(n % 7 = 0, NULL, salesperson_id) AS salesperson_id, region_id
        FROM (SELECT *, row_number() OVER (ORDER BY line_id) AS n FROM sales WHERE line_id % 9973 = 0)""",
    # part-payments, exact settlements and overpayments of open invoices
    "payments": """
        SELECT 'PX' || n AS payment_id, invoice_id, customer_id, $today::DATE - (n % 40)::INTEGER AS paid_on,
               round((amount - paid_total) * [0.5, 1, 1.2][1 + n % 3], 2) AS amount, salesperson_id, region_id
        FROM (SELECT *, row_number() OVER (ORDER BY invoice_id) AS n FROM invoices
              WHERE paid_total < amount AND issue_date <= $today::DATE - 40)
        WHERE n <= 60""",
    "invoices": """
        SELECT 'IX' || n AS invoice_id, customer_id, NULL AS order_id, $today::DATE - (n % 60)::INTEGER AS issue_date,
               $today::DATE - (n % 60)::INTEGER + 30 AS due_date, amount,
               salesperson_id, region_id
        FROM (SELECT *, row_number() OVER (ORDER BY invoice_id) AS n FROM invoices) WHERE n % 97 = 0""",
    "complaints": """
        SELECT 'CX' || n AS complaint_id, customer_id, salesperson_id, region_id, category,
               $today::DATE - (n % 20)::INTEGER + INTERVAL 9 HOUR AS received_at, NULL AS closed_at, description
        FROM (SELECT *, row_number() OVER (ORDER BY complaint_id) AS n FROM complaints) WHERE n <= 40""",
    "surveys": """
        SELECT 'SX' || n AS survey_id, customer_id, salesperson_id, region_id,
               $today::DATE - (n % 20)::INTEGER AS survey_date, 1 AS overall_score, comment
        FROM (SELECT *, row_number() OVER (ORDER BY survey_id) AS n FROM surveys) WHERE n <= 40""",
    "visits": """
        SELECT 'VX' || n AS visit_id, vp.customer_id, vp.salesperson_id, c.region_id,
               vp.planned_month + 3 AS visit_date, 'revisit' AS purpose, 'follow_up' AS outcome, vp.plan_id
        FROM (SELECT *, row_number() OVER (ORDER BY plan_id) AS n FROM visit_plans WHERE first_visit_on IS NULL) vp
        JOIN customers c USING (customer_id) WHERE n <= 40""",
    "deals": """
        SELECT 'DX' || n AS deal_id, customer_id, product_line, units, amount, close_date, closer_id, status,
               attribution_source
        FROM (SELECT *, row_number() OVER (ORDER BY deal_id) AS n FROM deals) WHERE n % 50 = 0""",
}


def load(con, table: str, mode: str = "append") -> None:
    today = con.execute("SELECT as_of_date FROM store_meta").fetchone()[0]
    sql = FILES[table]
    data = con.execute(sql, {"today": today} if "$today" in sql else {}).df().to_csv(index=False).encode("utf-8")
    importer.import_file(con, table, data, f"{table}-{mode}.csv", mode=mode)


@pytest.mark.parametrize("table", list(FILES))
def test_an_append_refreshes_the_summaries_as_a_full_computation_would(store, table):
    before = store.execute("SELECT count(*) FROM " + db._naming(table, "{t}")).fetchone()[0]
    load(store, table)
    assert store.execute("SELECT count(*) FROM " + db._naming(table, "{t}")).fetchone()[0] > before
    assert differences(store) == {}


def test_appends_replaces_and_a_moving_today_keep_every_summary_exact(store):
    db.set_today(store, None)  # the store's today follows its data from now on
    load(store, "sales")  # lines a day after the latest: today moves, the alerts are judged anew
    load(store, "payments")
    assert differences(store) == {}
    load(store, "invoices", mode="replace")  # a table loaded anew: the sections reading it in full
    load(store, "complaints")
    load(store, "sales", mode="replace")
    assert differences(store) == {}
