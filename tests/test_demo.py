"""The demo store: deterministic, complete, consistent, and carrying its planted stories.

The story checks compute their figures here, in plain SQL written for the check, so they
do not depend on the KPI library they will later be compared with.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import pytest

import queries
from store import db, demo
from tests.conftest import AS_OF, SEED
from tests.test_import import references_counted

ROOT = demo.Path(__file__).resolve().parent.parent


def scalar(con, sql, params=None):
    return con.execute(sql, params or {}).fetchone()[0]


def rows(con, sql, params=None):
    return con.execute(sql, params or {}).fetchall()


# --- determinism and shape ---------------------------------------------------------------

def test_same_seed_and_date_give_the_same_store_and_another_seed_does_not():
    first = demo.Generator(SEED, AS_OF, demo.SCALES["small"], lambda _: None).generate()
    second = demo.Generator(SEED, AS_OF, demo.SCALES["small"], lambda _: None).generate()
    other = demo.Generator(SEED + 1, AS_OF, demo.SCALES["small"], lambda _: None).generate()
    assert first.keys() == second.keys()
    for name in first:
        assert first[name].equals(second[name]), name
    assert not first["sales"].equals(other["sales"])


def test_small_scale_has_the_documented_size(store_con):
    assert 280_000 <= scalar(store_con, "SELECT count(*) FROM sales") <= 340_000
    assert scalar(store_con, "SELECT count(*) FROM customers") == 3_000
    # 1,800 opportunities a year per 3,000 customers over 2023-01-01 … 2026-11-23, 1,423 days: 1,800 × 1,423 ÷ 365
    assert scalar(store_con, "SELECT count(*) FROM opportunities") == 1_800 * 1_423 // 365
    assert scalar(store_con, "SELECT count(*) FROM regions") == 10
    roles = dict(rows(store_con, "SELECT role, count(*) FROM salespeople GROUP BY role"))
    assert roles == {"head": 1, "assistant": 1, "key_account_manager": 10, "salesperson": 48}


def test_window_is_three_full_years_and_the_current_year_to_date(store_con):
    first, last = rows(store_con, "SELECT min(order_date), max(order_date) FROM sales")[0]
    assert first == dt.date(2023, 1, 1) or first <= dt.date(2023, 1, 3)  # 1 Jan may be a holiday
    assert last == AS_OF
    years = [r[0] for r in rows(store_con, "SELECT DISTINCT year(order_date) FROM sales ORDER BY 1")]
    assert years == [2023, 2024, 2025, 2026]
    for table, column in [("payments", "paid_on"), ("visits", "visit_date"),
                          ("surveys", "survey_date"), ("expenses", "expense_date"),
                          ("competitor_notes", "note_date"), ("activities", "activity_date")]:
        assert scalar(store_con, "SELECT max(" + column + ") FROM " + table) <= AS_OF, table
    assert scalar(store_con, "SELECT max(received_at) FROM complaints") < dt.datetime(2026, 11, 24)


def test_store_meta_and_import_log_describe_the_build(store_con, demo_store):
    _, built = demo_store
    assert rows(store_con, "SELECT schema_version, as_of_date, store_version, demo_seed, demo_scale"
                           " FROM store_meta") == [(db.SCHEMA_VERSION, AS_OF, 1, SEED, "small")]
    logged = dict(rows(store_con, "SELECT table_name, rows_loaded FROM import_log"
                                  " WHERE mode = 'demo' AND outcome = 'ok'"))
    assert logged == {name: table.num_rows for name, table in built.tables.items()}
    for name, count in logged.items():
        assert scalar(store_con, "SELECT count(*) FROM " + name) == count, name


def test_every_reference_points_at_an_existing_row(store_con):
    checks = {
        "sales→customers": "SELECT count(*) FROM sales s ANTI JOIN customers c USING (customer_id)",
        "sales→products": "SELECT count(*) FROM sales s ANTI JOIN products p USING (product_id)",
        "sales→salespeople": "SELECT count(*) FROM sales s ANTI JOIN salespeople p USING (salesperson_id)",
        "sales→regions": "SELECT count(*) FROM sales s ANTI JOIN regions r USING (region_id)",
        "payments→invoices": "SELECT count(*) FROM payments p ANTI JOIN invoices i USING (invoice_id)",
        "invoices→customers": "SELECT count(*) FROM invoices i ANTI JOIN customers c USING (customer_id)",
        "targets→salespeople": "SELECT count(*) FROM targets t ANTI JOIN salespeople p USING (salesperson_id)",
        "visits→plans": "SELECT count(*) FROM visits v ANTI JOIN visit_plans p USING (plan_id)"
                        " WHERE v.plan_id IS NOT NULL",
        "deals→customers": "SELECT count(*) FROM deals d ANTI JOIN customers c USING (customer_id)",
        "registrations→people": "SELECT count(*) FROM registrations r ANTI JOIN salespeople p"
                                " ON r.registered_by = p.salesperson_id",
        "customers→owners": "SELECT count(*) FROM customers c ANTI JOIN salespeople p"
                            " ON c.owner_id = p.salesperson_id WHERE c.owner_id IS NOT NULL",
    }
    broken = {name: scalar(store_con, sql) for name, sql in checks.items()}
    assert broken == {name: 0 for name in checks}


def test_paid_totals_agree_with_the_payments(store_con):
    assert scalar(store_con, """
        SELECT count(*) FROM invoices i
        LEFT JOIN (SELECT invoice_id, sum(amount) AS paid FROM payments GROUP BY 1) p USING (invoice_id)
        WHERE i.paid_total <> coalesce(p.paid, 0)""") == 0
    assert scalar(store_con, "SELECT count(*) FROM invoices WHERE paid_total = 0") > 1_000


def test_first_visits_of_plans_agree_with_the_visits(store_con):
    assert scalar(store_con, """
        SELECT count(*) FROM visit_plans vp
        LEFT JOIN (SELECT plan_id, min(visit_date) AS first FROM visits GROUP BY 1) v USING (plan_id)
        WHERE vp.first_visit_on IS DISTINCT FROM v.first""") == 0
    assert scalar(store_con, "SELECT count(*) FROM visit_plans WHERE first_visit_on IS NULL") > 100


@pytest.mark.parametrize("kept, computed", [
    ("SELECT order_date, salesperson_id, region_id, amount, gross_profit FROM sales_daily",
     "SELECT order_date, salesperson_id, region_id, sum(amount), sum(amount - cost) FROM sales GROUP BY ALL"),
    ("SELECT paid_on, salesperson_id, region_id, amount FROM payments_daily",
     "SELECT paid_on, salesperson_id, region_id, sum(amount) FROM payments GROUP BY ALL"),
    ("SELECT order_date, salesperson_id, region_id, tier, amount, gross_profit FROM sales_daily_tiers",
     "SELECT order_date, salesperson_id, s.region_id, tier, sum(amount), sum(amount - cost) FROM sales s"
     " LEFT JOIN customers USING (customer_id) GROUP BY ALL"),
    ("SELECT paid_on, salesperson_id, region_id, tier, amount FROM payments_daily_tiers",
     "SELECT paid_on, salesperson_id, p.region_id, tier, sum(amount) FROM payments p"
     " LEFT JOIN customers USING (customer_id) GROUP BY ALL"),
    ("SELECT order_date, salesperson_id, region_id, tier, industry, product_line, amount, gross_profit"
     " FROM sales_daily_classes",
     "SELECT order_date, salesperson_id, s.region_id, tier, industry, product_line, sum(amount), sum(amount - cost)"
     " FROM sales s LEFT JOIN customers USING (customer_id) LEFT JOIN products USING (product_id) GROUP BY ALL"),
    ("SELECT paid_on, salesperson_id, region_id, tier, industry, amount FROM payments_daily_classes",
     "SELECT paid_on, salesperson_id, p.region_id, tier, industry, sum(amount) FROM payments p"
     " LEFT JOIN customers USING (customer_id) GROUP BY ALL"),
    ("SELECT * FROM contract_invoices",
     "SELECT DISTINCT p.contract_id, p.invoice_id, i.issue_date, i.amount FROM invoice_plans p"
     " JOIN invoices i USING (invoice_id)"),
    ("SELECT * FROM contract_payments",
     "SELECT contract_id, paid_on, sum(amount) FROM payments"
     " JOIN (SELECT DISTINCT contract_id, invoice_id FROM invoice_plans) USING (invoice_id) GROUP BY ALL"),
    ("SELECT * FROM customer_alerts", "SELECT * FROM kpi_customer_alerts((SELECT as_of_date FROM store_meta))"),
    ("SELECT * FROM invoices_open",
     "SELECT * EXCLUDE (days_past_due)"
     " FROM kpi_invoices_on((SELECT as_of_date FROM store_meta), NULL, NULL, NULL, NULL)"),
    ("SELECT * FROM customer_months",
     "SELECT customer_id, date_trunc('month', order_date)::DATE, salesperson_id, region_id, min(order_date),"
     " max(order_date), sum(amount) FROM sales WHERE quantity > 0 GROUP BY ALL"),
    ("SELECT * FROM last_payments",
     "SELECT customer_id, max(paid_on) FROM payments"
     " WHERE paid_on <= (SELECT as_of_date FROM store_meta) GROUP BY ALL"),
    # a deal's line does not depend on the period asked for
    ("SELECT * FROM kpi_commission_lines(DATE '2026-02-10', DATE '2026-07-31', NULL, NULL)",
     "SELECT * FROM kpi_commission_deals(DATE '2026-02-10', DATE '2026-07-31', NULL, NULL)"),
    ("SELECT * FROM kpi_activity_weeks()", "SELECT * FROM kpi_activity_weeks_on((SELECT as_of_date FROM store_meta))"),
    ("SELECT customer_id, unnest(missing) FROM customer_gaps",  # missing: NULL, or nothing but spaces (Zs)
     "SELECT customer_id, field FROM (SELECT customer_id, unnest(['name', 'tier', 'industry', 'region', 'owner',"
     " 'phone', 'address']) AS field, unnest([name, tier, industry, region_id, owner_id, phone, address]) AS v"
     " FROM customers) WHERE v IS NULL OR regexp_full_match(v, '\\p{Zs}*')"),
    ("SELECT planned_month, salesperson_id, coalesce(sum(plans) FILTER (WHERE outcome_on = planned_month), 0),"
     " coalesce(sum(plans) FILTER (WHERE outcome_on > last_day(planned_month)), 0), sum(plans)"
     " FROM revisit_outcomes GROUP BY ALL",
     "SELECT planned_month, salesperson_id, count(*) FILTER (WHERE first_visit_on <= last_day(planned_month)),"
     " count(*) FILTER (WHERE first_visit_on > last_day(planned_month)), count(*) FROM visit_plans GROUP BY ALL"),
], ids=["sales", "payments", "sales by tier", "payments by tier", "sales by class", "payments by class",
        "contract invoices", "contract payments", "alerts", "open invoices", "customer months", "last payments",
        "commission lines", "quota weeks", "customer gaps", "revisit outcomes"])
def test_every_kept_summary_equals_its_computation_from_the_facts(store_con, kept, computed):
    assert scalar(store_con, f"SELECT count(*) FROM ({kept})") > 100
    assert scalar(store_con, f"SELECT count(*) FROM ({kept} EXCEPT ALL {computed})") == 0
    assert scalar(store_con, f"SELECT count(*) FROM ({computed} EXCEPT ALL {kept})") == 0


def test_the_kept_reference_checks_are_every_reference_counted_from_the_tables(store_con):
    kept = {f"{table}.{column}": (count, example) for table, column, count, example in store_con.execute(
        "SELECT table_name, column_name, orphan_count, example FROM reference_checks").fetchall()}
    assert kept == references_counted(store_con) and len(kept) > 30  # one row for every column checked


def test_receivables_under_an_industry_filter_equal_those_of_its_invoices(store_con):
    """The receivables the store keeps per tier and industry give, for each industry, what the
    invoices of its customers give one by one (kpi_invoices_at), on a past date and today."""
    kept = """SELECT on_date, salesperson_id, region_id, outstanding, past_due_0, past_due_30, past_due_60,
                     past_due_90, past_due_180, credit, open_count
              FROM kpi_receivables_at([DATE '2026-06-30', DATE '2026-11-23'], NULL, NULL, NULL, [$i], false)
              WHERE outstanding <> 0 OR credit <> 0 OR open_count <> 0"""
    computed = """SELECT on_date, salesperson_id, region_id, sum(outstanding),
                         coalesce(sum(outstanding) FILTER (WHERE days_past_due > 0), 0),
                         coalesce(sum(outstanding) FILTER (WHERE days_past_due > 30), 0),
                         coalesce(sum(outstanding) FILTER (WHERE days_past_due > 60), 0),
                         coalesce(sum(outstanding) FILTER (WHERE days_past_due > 90), 0),
                         coalesce(sum(outstanding) FILTER (WHERE days_past_due > 180), 0),
                         sum(credit), count(*) FILTER (WHERE outstanding > 0)
                  FROM kpi_invoices_at([DATE '2026-06-30', DATE '2026-11-23'], NULL, NULL, NULL, [$i])
                  GROUP BY ALL"""
    industries = [r[0] for r in store_con.execute("SELECT DISTINCT industry FROM customers WHERE industry IS NOT NULL")
                  .fetchall()]
    assert len(industries) > 3
    for industry in industries:
        assert scalar(store_con, f"SELECT count(*) FROM ({kept})", {"i": industry}) > 10
        assert scalar(store_con, f"SELECT count(*) FROM ({kept} EXCEPT ALL {computed})", {"i": industry}) == 0
        assert scalar(store_con, f"SELECT count(*) FROM ({computed} EXCEPT ALL {kept})", {"i": industry}) == 0


@pytest.mark.parametrize("name", ["collections_worklist", "credit_breaches", "customer_invoices"])
@pytest.mark.parametrize("narrowed", [{}, {"regions": ["R01", "R02", "R06"],
                                           "industries": ["建筑业", "医疗卫生", "教育"]}])
def test_worklists_on_the_stores_today_read_from_what_it_keeps_give_what_the_invoices_give(store_con, name, narrowed):
    """On the store's today these queries read the open invoices and last payments the store
    keeps; told that today is another day, they compute them from the invoices and payments:
    the two answers are the same, row for row."""
    query = queries.load(name)
    customer = scalar(store_con, "SELECT customer_id FROM invoices_open JOIN customers c USING (customer_id)"
                                 " WHERE c.region_id = 'R06' ORDER BY outstanding DESC LIMIT 1")
    given = {"regions": None, "salespeople": None, "tiers": None, "industries": None, "as_of_date": AS_OF,
             "bucket": "all", "through": AS_OF, "customer_id": customer, "top": None, **narrowed}
    given = {k: v for k, v in given.items() if k in query.bound}

    def answer(today):
        return rows(store_con, query.sql, {**given, "today": today})

    kept = answer(AS_OF)
    assert len(kept) > (0 if name == "credit_breaches" else 5)
    assert kept == answer(AS_OF + dt.timedelta(days=1))


@pytest.mark.parametrize("start, through", [("2026-01-01", "2026-11-23"), ("2026-07-01", "2026-09-30"),
                                            ("2025-10-01", "2026-09-30")])
@pytest.mark.parametrize("narrowed", ["NULL, NULL, NULL, NULL", "['R01', 'R03'], NULL, ['A', 'B'], ['教育', '金融']",
                                      "NULL, (SELECT list(salesperson_id) FROM (SELECT salesperson_id FROM sales"
                                      " GROUP BY 1 ORDER BY count(*) DESC LIMIT 3)), NULL, NULL"])
def test_churn_read_from_the_customers_months_is_churn_from_the_lines(store_con, start, through, narrowed):
    """A window from the first of a month is read from each customer's orders per month; the
    same customers, flags, last orders and base sales come from the lines (the other branch,
    taken when a product-line filter is set: here every product line, which filters nothing)."""
    lines = [r[0] for r in store_con.execute("SELECT DISTINCT product_line FROM products").fetchall()]
    macro = "SELECT * FROM kpi_churn_customers($start::DATE, $through::DATE, DATE '2026-11-23', {n}, {p}) ORDER BY 1"
    by_month = rows(store_con, macro.format(n=narrowed, p="NULL"), {"start": start, "through": through})
    from_lines = rows(store_con, macro.format(n=narrowed, p="$lines"), {"start": start, "through": through,
                                                                         "lines": lines})
    assert len(by_month) > 50 and sum(1 for r in by_month if r[1] and not r[2]) > 0  # some churned
    assert by_month == from_lines


def test_every_alert_rule_flags_some_demo_customers(store_con):
    for code in ("sales_drop", "overdue_90", "complaints_30", "low_survey", "over_credit"):
        assert scalar(store_con, "SELECT count(*) FROM customer_alerts WHERE reasons LIKE $c", {"c": f"%{code}%"}) > 0


@pytest.mark.parametrize("by_tier", [False, True])
@pytest.mark.parametrize("on", ["2022-12-31", "2024-02-29", "2025-11-23", "2026-06-30", "2026-11-22"])
def test_receivables_summed_from_the_daily_changes_are_those_of_the_invoices_on_the_date(store_con, on, by_tier):
    tier = "c.tier" if by_tier else "NULL::VARCHAR"
    from_invoices = rows(store_con, f"""
        SELECT salesperson_id, i.region_id, {tier}, sum(outstanding),
               sum(outstanding) FILTER (WHERE days_past_due > 0), sum(outstanding) FILTER (WHERE days_past_due > 30),
               sum(outstanding) FILTER (WHERE days_past_due > 60), sum(outstanding) FILTER (WHERE days_past_due > 90),
               sum(outstanding) FILTER (WHERE days_past_due > 180), sum(credit), count(*) FILTER (WHERE outstanding > 0)
        FROM kpi_invoices_on($on::DATE, NULL, NULL, NULL, NULL) i LEFT JOIN customers c USING (customer_id)
        GROUP BY ALL ORDER BY ALL""", {"on": on})
    from_changes = rows(store_con, """
        SELECT * FROM kpi_receivables_on($on::DATE, NULL, NULL, NULL, NULL, $by_tier)
        WHERE outstanding <> 0 OR credit <> 0 ORDER BY ALL""", {"on": on, "by_tier": by_tier})
    assert [tuple(v or 0 for v in r) for r in from_changes] == [tuple(v or 0 for v in r) for r in from_invoices]
    assert on < "2023" or sum(r[4] or 0 for r in from_invoices) > 0  # something is overdue then


@pytest.mark.parametrize("macro, args, facts", [
    # No customer or product filter: read from the daily totals.
    ("kpi_sales_by_day", "['R01', 'R02'], NULL, NULL, NULL, NULL",
     "SELECT order_date, salesperson_id, region_id, sum(amount) FROM sales WHERE region_id IN ('R01', 'R02') {when}"),
    ("kpi_payments_by_day", "NULL, ['S0013', 'S0014', 'S0015'], NULL, NULL",
     "SELECT paid_on, salesperson_id, region_id, sum(amount) FROM payments"
     " WHERE salesperson_id IN ('S0013', 'S0014', 'S0015') {when}"),
    # A tier filter alone: read from the daily totals, which keep the customer's tier.
    ("kpi_sales_by_day", "NULL, NULL, ['A'], NULL, NULL",
     "SELECT order_date, s.salesperson_id, s.region_id, sum(amount) FROM sales s"
     " JOIN customers USING (customer_id) WHERE tier = 'A' {when}"),
    ("kpi_payments_by_day", "['R01'], NULL, ['B', 'C'], NULL",
     "SELECT paid_on, p.salesperson_id, p.region_id, sum(amount) FROM payments p"
     " JOIN customers USING (customer_id) WHERE p.region_id = 'R01' AND tier IN ('B', 'C') {when}"),
    # With an industry or product-line filter: read from the lines.
    ("kpi_sales_by_day", "['R01', 'R02'], NULL, ['A', 'B'], NULL, ['耗材']",
     "SELECT order_date, s.salesperson_id, s.region_id, sum(amount) FROM sales s"
     " JOIN customers USING (customer_id) JOIN products USING (product_id)"
     " WHERE s.region_id IN ('R01', 'R02') AND tier IN ('A', 'B') AND product_line = '耗材' {when}"),
    ("kpi_payments_by_day", "NULL, NULL, NULL, ['制造业']",
     "SELECT paid_on, p.salesperson_id, p.region_id, sum(amount) FROM payments p"
     " JOIN customers USING (customer_id) WHERE industry = '制造业' {when}"),
])
def test_by_day_sums_come_out_the_same_from_the_daily_totals_and_the_lines(store_con, macro, args, facts):
    when = "AND {} BETWEEN DATE '2025-11-15' AND DATE '2026-02-10' GROUP BY ALL".format(
        "order_date" if "sales" in macro else "paid_on")
    expected = rows(store_con, "SELECT * FROM (" + facts.format(when=when) + ") ORDER BY ALL")
    assert len(expected) > 50
    assert rows(store_con, f"""
        SELECT day, salesperson_id, region_id, sum(amount)
        FROM {macro}(DATE '2025-11-15', DATE '2026-02-10', {args}) GROUP BY ALL ORDER BY ALL""") == expected


def test_a_payment_matches_its_invoice_customer_and_comes_after_issue(store_con):
    assert scalar(store_con, """
        SELECT count(*) FROM payments p JOIN invoices i USING (invoice_id)
        WHERE p.customer_id <> i.customer_id OR p.paid_on < i.issue_date""") == 0


def test_the_data_has_the_cases_the_pages_must_handle(store_con):
    assert scalar(store_con, "SELECT count(*) FROM sales WHERE quantity < 0") > 1_000  # returns
    assert scalar(store_con, "SELECT count(*) FROM (SELECT invoice_id FROM payments"
                             " GROUP BY 1 HAVING count(*) = 2)") > 1_000  # paid in two parts
    assert scalar(store_con, """SELECT count(*) FROM invoices i JOIN (SELECT invoice_id,
        sum(amount) AS paid FROM payments GROUP BY 1) USING (invoice_id)
        WHERE paid > i.amount""") > 10  # overpayments
    assert scalar(store_con, "SELECT count(*) FROM visits"
                             " WHERE record_filed_on > visit_date + 7") > 100  # late records
    assert scalar(store_con, "SELECT count(*) FROM complaints WHERE closed_at IS NULL") > 0
    assert scalar(store_con, "SELECT count(*) FROM complaints WHERE forwarded_to_qa_at IS NULL"
                             " AND received_at + INTERVAL 24 HOUR < $end", {"end": AS_OF + dt.timedelta(days=1)}) > 0
    assert scalar(store_con, "SELECT count(*) FROM expenses e ANTI JOIN expense_budgets b"
                             " ON b.salesperson_id = e.salesperson_id AND b.category = e.category"
                             " AND b.month = date_trunc('month', e.expense_date)") > 0
    incomplete = scalar(store_con, "SELECT avg((phone IS NULL OR address IS NULL OR industry IS NULL"
                                   ")::INT) FROM customers")
    assert 0.02 < incomplete < 0.10
    assert rows(store_con, "SELECT value FROM commission_rules WHERE kind = 'referral_share'") == [(0.5,)]
    assert rows(store_con, "SELECT value FROM commission_rules WHERE kind = 'lead_bonus_per_unit'") == [(200,)]
    assert rows(store_con, "SELECT measure, weekly_quota, fine_per_missing FROM activity_quotas"
                           " ORDER BY rule_id") == [("orgs_developed", 3, 100), ("batches_on_site", 16, 10),
                                                    ("leads_submitted", 100, 1)]
    assert scalar(store_con, "SELECT sum(weight) FROM scorecard_weights") == 100


def test_history_stays_with_the_salesperson_who_left(store_con, demo_store):
    _, built = demo_store
    leaver, newcomer = built.stories["leaver"], built.stories["newcomer"]
    left_on = scalar(store_con, "SELECT left_on FROM salespeople WHERE salesperson_id = $s", {"s": leaver})
    assert left_on is not None
    span = rows(store_con, "SELECT min(order_date), max(order_date), count(*) FROM sales"
                           " WHERE salesperson_id = $s", {"s": leaver})[0]
    assert span[2] > 0 and span[1] <= left_on
    assert scalar(store_con, "SELECT min(order_date) FROM sales WHERE salesperson_id = $s",
                  {"s": newcomer}) > left_on
    # the leaver's customers are now owned by the newcomer, yet their old sales stay put
    assert scalar(store_con, "SELECT count(*) FROM customers WHERE owner_id = $s", {"s": leaver}) == 0
    assert scalar(store_con, """SELECT count(DISTINCT s.customer_id) FROM sales s
        JOIN customers c USING (customer_id) WHERE s.salesperson_id = $old AND c.owner_id = $new""",
                  {"old": leaver, "new": newcomer}) > 10


def test_plans_decompose_to_sensible_annual_totals(store_con):
    # each full year's department plan is within 10 % of what was sold
    for year, plan, actual in rows(store_con, """
            WITH p AS (SELECT year(month) AS y, sum(plan_value) AS plan FROM targets
                       WHERE metric = 'sales' GROUP BY 1),
                 a AS (SELECT year(order_date) AS y, sum(amount) AS actual FROM sales GROUP BY 1)
            SELECT y, plan, actual FROM p JOIN a USING (y) WHERE y < 2026 ORDER BY y"""):
        assert 0.9 < actual / plan < 1.1, year
    # every salesperson active this year has twelve months of plan for each metric
    assert rows(store_con, """SELECT DISTINCT n FROM (SELECT salesperson_id, metric, count(*) AS n
        FROM targets WHERE year(month) = 2026 GROUP BY ALL) WHERE salesperson_id IN
        (SELECT salesperson_id FROM salespeople WHERE left_on IS NULL AND role = 'salesperson')""") == [(12,)]


def test_building_over_an_existing_store_needs_force(tmp_path):
    path = tmp_path / "s.duckdb"
    path.write_bytes(b"keep me")
    with pytest.raises(db.StoreError, match="--force"):
        demo.build(path, as_of=AS_OF, progress=lambda _: None)
    assert path.read_bytes() == b"keep me"


@pytest.mark.parametrize("args, message", [
    (["--as-of", "2026-13-01"], "is not a date"),
    (["--scale", "huge"], "invalid choice"),
    (["--seed", "x"], "invalid int value"),
])
def test_the_command_line_explains_bad_arguments(tmp_path, args, message):
    result = subprocess.run([sys.executable, "-m", "store", "demo", "--db", str(tmp_path / "x.duckdb"),
                             *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and message in result.stderr
    assert not (tmp_path / "x.duckdb").exists()


def test_the_demo_has_an_account_of_each_role_with_a_password_printed_once(tmp_path):
    from store import accounts

    path = tmp_path / "d.duckdb"
    result = subprocess.run([sys.executable, "-m", "store", "demo", "--db", str(path), "--as-of", "2026-11-23"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    printed = dict(re.findall(r"^  (\w+) +(\S{16})   ", result.stdout, re.M))
    assert sorted(printed) == ["clerk", "gm", "head", "lead", "sales"]
    con = db.connect(path)
    try:
        assert not rows(con, "SELECT 1 FROM users WHERE password_hash LIKE '%' || $p || '%'",
                        {"p": printed["head"]})  # kept only hashed
        seen = {name: accounts.viewer(con, accounts.log_in(con, name, password)) for name, password in printed.items()}
        # the first region, and its first salesperson in post with sales of their own
        region = rows(con, "SELECT min(region_id) FROM regions")[0][0]
        person = rows(con, """SELECT min(salesperson_id) FROM salespeople s WHERE region_id = $r AND left_on IS NULL
                              AND role = 'salesperson' AND salesperson_id IN (SELECT salesperson_id FROM sales)""",
                      {"r": region})[0][0]
    finally:
        con.close()
    assert {name: (v.role, v.scope.kind, v.scope.value) for name, v in seen.items()} == {
        "head": ("head", "all", None), "gm": ("viewer", "all", None), "clerk": ("assistant", "all", None),
        "lead": ("regional_lead", "region", region), "sales": ("salesperson", "salesperson", person)}
    # another build gives other passwords: none is fixed
    again = subprocess.run([sys.executable, "-m", "store", "demo", "--db", str(path), "--as-of", "2026-11-23",
                            "--force"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert set(printed.values()).isdisjoint(re.findall(r"^  \w+ +(\S{16})   ", again.stdout, re.M))


# --- the planted stories (see store/demo.py) ---------------------------------------------

YTD_ATTAINMENT = """
    -- this year's plan up to the as-of date (the current month pro-rated by days) vs sales
    WITH plan AS (
        SELECT t.salesperson_id, sp.region_id,
               sum(t.plan_value * CASE WHEN t.month < date_trunc('month', $as_of::DATE) THEN 1
                   ELSE day($as_of::DATE) / day(last_day($as_of::DATE)) END) AS plan
        FROM targets t JOIN salespeople sp USING (salesperson_id)
        WHERE t.metric = 'sales' AND t.month BETWEEN date_trunc('year', $as_of::DATE) AND $as_of::DATE
        GROUP BY ALL),
    actual AS (
        SELECT salesperson_id, sum(amount) AS actual FROM sales
        WHERE order_date BETWEEN date_trunc('year', $as_of::DATE) AND $as_of::DATE GROUP BY ALL)
    SELECT plan.*, coalesce(actual.actual, 0) AS actual
    FROM plan LEFT JOIN actual USING (salesperson_id)
"""


def test_story_a_salesperson_far_behind_target(store_con, demo_store):
    _, built = demo_store
    attainment = {sp: float(actual) / float(plan) for sp, _, plan, actual in
                  rows(store_con, YTD_ATTAINMENT, {"as_of": AS_OF}) if plan > 0}
    behind = built.stories["behind_salesperson"]
    assert attainment[behind] < 0.6
    assert min(attainment, key=attainment.get) == behind
    others = sorted(v for k, v in attainment.items() if k != behind)
    assert others[0] > 0.8  # the story stands out: nobody else is close


def test_story_a_region_ahead(store_con, demo_store):
    _, built = demo_store
    by_region: dict[str, list[float]] = {}
    for _, region, plan, actual in rows(store_con, YTD_ATTAINMENT, {"as_of": AS_OF}):
        totals = by_region.setdefault(region, [0.0, 0.0])
        totals[0] += float(plan)
        totals[1] += float(actual)
    attainment = {r: a / p for r, (p, a) in by_region.items()}
    ahead = built.stories["ahead_region"]
    assert attainment[ahead] > 1.15
    assert max(attainment, key=attainment.get) == ahead


def test_story_a_competitor_surges_as_its_price_gap_widens(store_con, demo_store):
    _, built = demo_store
    monthly = rows(store_con, """
        SELECT date_trunc('month', note_date) AS month, count(*) AS mentions,
               median((their_price - our_price) / our_price) FILTER (WHERE their_price IS NOT NULL)
        FROM competitor_notes WHERE competitor = $c AND note_date < date_trunc('month', $as_of::DATE)
        GROUP BY 1 ORDER BY 1""", {"c": built.stories["surging_competitor"], "as_of": AS_OF})
    *before, m1, m2, m3 = monthly  # the last three complete months are the surge
    usual = sum(r[1] for r in before[-6:]) / 6
    assert m1[1] < m2[1] < m3[1] or m3[1] > 2.5 * usual
    assert m3[1] > 2.5 * usual
    assert m3[2] < m1[2] < -0.05  # their price ever further below ours
    assert m3[2] < -0.12


def test_story_csat_dips_after_a_quality_incident(store_con, demo_store):
    _, built = demo_store
    incident = dt.date.fromisoformat(built.stories["incident_month"] + "-01")
    csat = dict(rows(store_con, """SELECT date_trunc('month', survey_date)::DATE,
        avg((overall_score >= 4)::INT) FROM surveys GROUP BY 1"""))
    usual = sum(csat[dt.date(incident.year, incident.month - k, 1)] for k in (1, 2, 3)) / 3
    assert csat[incident] < usual - 0.2
    assert csat[dt.date(incident.year, incident.month + 2, 1)] > usual - 0.1  # recovered
    quality = dict(rows(store_con, """SELECT date_trunc('month', received_at)::DATE, count(*)
        FROM complaints WHERE category = 'quality' GROUP BY 1"""))
    assert quality[incident] > 4 * max(quality[dt.date(incident.year, incident.month - k, 1)]
                                       for k in (1, 2, 3))


OPEN_BY_CUSTOMER = """
    -- outstanding per customer on $d (payments after $d ignored) and days past due of the
    -- oldest open invoice
    WITH paid AS (SELECT invoice_id, sum(amount) AS paid FROM payments WHERE paid_on <= $d GROUP BY 1),
    open AS (SELECT i.customer_id, i.due_date, greatest(i.amount - coalesce(paid, 0), 0) AS open
             FROM invoices i LEFT JOIN paid USING (invoice_id) WHERE i.issue_date <= $d)
    SELECT customer_id, sum(open) AS outstanding,
           max(CASE WHEN open > 0 THEN $d::DATE - due_date END) AS oldest_days_past_due
    FROM open GROUP BY 1
"""


def test_story_customers_slide_into_90_days_overdue(store_con, demo_store):
    _, built = demo_store
    sliders = set(built.stories["sliding_customers"])
    now = {c: dpd for c, _, dpd in rows(store_con, OPEN_BY_CUSTOMER, {"d": AS_OF})}
    over_90 = {c for c, dpd in now.items() if dpd is not None and dpd > 90}
    assert over_90 == sliders
    earlier = {c: dpd for c, _, dpd in rows(store_con, OPEN_BY_CUSTOMER,
                                            {"d": AS_OF - dt.timedelta(days=120)})}
    assert all((earlier.get(c) or 0) <= 90 for c in sliders)  # sliding: not yet, four months ago


def test_story_exactly_one_customer_over_its_credit_limit(store_con, demo_store):
    _, built = demo_store
    over = rows(store_con, "SELECT customer_id FROM (" + OPEN_BY_CUSTOMER + ") o"
                " JOIN customers c USING (customer_id) WHERE o.outstanding > c.credit_limit",
                {"d": AS_OF})
    assert over == [(built.stories["over_credit_customer"],)]


def test_story_some_referral_and_lead_attributions_are_void(store_con):
    claims = rows(store_con, """
        -- a manager's claim on a customer's first deal, and why it would be void
        WITH claim AS (
            SELECT d.deal_id, r.registration_id, r.registered_by, r.registered_at, r.first_visit,
                   r.phone, r.company_name
            FROM deals d JOIN registrations r
              ON r.customer_id = d.customer_id AND r.channel = d.attribution_source
            WHERE d.attribution_source IN ('referral', 'lead'))
        SELECT deal_id,
               NOT first_visit AS not_first_visit,
               EXISTS (SELECT 1 FROM registrations e
                       WHERE e.registered_at < claim.registered_at
                         AND e.registered_by <> claim.registered_by
                         AND (e.phone = claim.phone OR e.company_name = claim.company_name))
                 AS already_registered
        FROM claim""")
    assert len(claims) > 100
    not_first = sum(r[1] for r in claims)
    already = sum(r[2] for r in claims)
    valid = sum(not (r[1] or r[2]) for r in claims)
    assert not_first >= 5 and already >= 5
    assert valid > 0.7 * len(claims)
    # an earlier registration matched by phone alone (another spelling of the company)
    assert scalar(store_con, """SELECT count(*) FROM registrations a JOIN registrations b
        ON a.phone = b.phone AND a.company_name <> b.company_name AND a.registered_at < b.registered_at
        AND a.registered_by <> b.registered_by""") > 0


def test_story_a_key_account_manager_short_four_weeks_in_a_row(store_con, demo_store):
    _, built = demo_store
    weeks = rows(store_con, """
        -- ISO weeks completed before the as-of date's week, judged against the quotas
        WITH q AS (SELECT measure, weekly_quota FROM activity_quotas),
        w AS (SELECT salesperson_id, date_trunc('week', activity_date) AS week,
                     sum(orgs_developed) AS orgs, sum(batches_on_site) AS batches,
                     sum(leads_submitted) AS leads
              FROM activities WHERE activity_date < date_trunc('week', $as_of::DATE) GROUP BY ALL)
        SELECT salesperson_id, week,
               orgs < (SELECT weekly_quota FROM q WHERE measure = 'orgs_developed')
            OR batches < (SELECT weekly_quota FROM q WHERE measure = 'batches_on_site')
            OR leads < (SELECT weekly_quota FROM q WHERE measure = 'leads_submitted') AS short
        FROM w WHERE salesperson_id = $kam ORDER BY week DESC LIMIT 4""",
                 {"as_of": AS_OF, "kam": built.stories["short_kam"]})
    assert [r[2] for r in weeks] == [True, True, True, True]
    assert weeks[0][1].date() == AS_OF - dt.timedelta(days=7)  # ends with the last complete week
    assert scalar(store_con, "SELECT role FROM salespeople WHERE salesperson_id = $s",
                  {"s": built.stories["short_kam"]}) == "key_account_manager"


def test_story_a_key_account_manager_lets_approved_projects_stall(store_con, demo_store):
    _, built = demo_store
    kam = built.stories["stalling_kam"]
    stalled = rows(store_con, """
        -- open opportunities without a stage change in the last 30 days, per owner
        SELECT o.owner_id, count(*) AS n FROM opportunities o
        JOIN (SELECT opportunity_id, max(entered_on) AS last FROM opportunity_stages GROUP BY 1) h
          USING (opportunity_id)
        WHERE o.stage IN ('lead', 'approved', 'proposal', 'negotiation') AND h.last <= $as_of::DATE - 30
        GROUP BY 1 ORDER BY n DESC, 1""", {"as_of": AS_OF})
    assert stalled[0][0] == kam and stalled[0][1] > 2 * stalled[1][1]  # theirs, more than twice anyone's
    planned = rows(store_con, """
        SELECT count(*), count(*) FILTER (WHERE o.opportunity_id IN (SELECT opportunity_id FROM development_actions))
        FROM opportunities o
        WHERE o.owner_id = $kam AND o.approved_on IS NOT NULL AND o.stage IN ('approved', 'proposal', 'negotiation')""",
                   {"kam": kam})
    assert planned[0][0] > 5 and planned[0][1] == 0  # their open projects: none has a development plan
    assert scalar(store_con, "SELECT role FROM salespeople WHERE salesperson_id = $s", {"s": kam}) == \
        "key_account_manager"


def test_story_the_surging_competitor_beats_us_most_often(store_con, demo_store):
    _, built = demo_store
    rates = rows(store_con, """
        -- opportunities that entered won or lost this year, per competitor named: won ÷ closed
        SELECT o.competitor, count(*) FILTER (WHERE o.stage = 'won') / count(*) AS rate FROM opportunities o
        JOIN opportunity_stages h ON h.opportunity_id = o.opportunity_id AND h.stage = o.stage
        WHERE o.stage IN ('won', 'lost') AND o.competitor IS NOT NULL
          AND h.entered_on BETWEEN date_trunc('year', $as_of::DATE) AND $as_of::DATE
        GROUP BY 1 ORDER BY rate""", {"as_of": AS_OF})
    assert rates[0][0] == built.stories["surging_competitor"] and len(rates) >= 4


def test_story_contracts_signed_late_and_awaiting_their_signature(store_con):
    late, judged, waiting = rows(store_con, """
        -- contracts agreed this year: signed more than 24 h after agreement, or not signed with the
        -- 24 h over by the end of the as-of day; and those agreed in the last week still unsigned
        SELECT count(*) FILTER (WHERE coalesce(signed_at, day_end) > agreed_at + INTERVAL 24 HOUR),
               count(*) FILTER (WHERE signed_at IS NOT NULL OR day_end > agreed_at + INTERVAL 24 HOUR),
               count(*) FILTER (WHERE signed_at IS NULL AND agreed_at >= $as_of::DATE - 6)
        FROM (SELECT *, ($as_of::DATE + 1)::TIMESTAMP AS day_end FROM contracts)
        WHERE agreed_at >= date_trunc('year', $as_of::DATE)""", {"as_of": AS_OF})[0]
    assert 0.08 <= late / judged <= 0.2  # one in eight
    assert waiting >= 1


def test_story_the_mid_year_adjustment_cut_the_first_regions_targets(store_con):
    versions = rows(store_con, "SELECT version_id, name, plan_year FROM plan_versions WHERE kind = 'targets' "
                               "ORDER BY version_id")
    assert versions == [(1, "2026 年初计划", 2026), (2, "年中调整", 2026)]
    # per region and version, the year's money targets against those in force: the January plan's
    # first region (R01) a tenth higher (each target rounded to the hundred), every other region's
    # and the adjustment's equal to those in force
    ratios = dict(((r, v), ratio) for r, v, ratio in rows(store_con, """
        SELECT sp.region_id, p.version_id, sum(p.plan_value) / sum(t.plan_value)
        FROM plan_targets p JOIN targets t USING (salesperson_id, month, metric)
        JOIN salespeople sp USING (salesperson_id)
        WHERE p.metric <> 'new_customers' GROUP BY ALL"""))
    assert abs(ratios[("R01", 1)] - 1.1) < 0.001
    assert {k: round(v, 6) for k, v in ratios.items() if k != ("R01", 1)} == {k: 1 for k in ratios if k != ("R01", 1)}


def test_story_key_customers_have_budgets_of_their_own_and_the_claims_name_them(store_con):
    # every tier-A customer with an owner has a budget in each month its owner has one in 2026:
    # three quarters of the owner's entertainment and samples budget shared among them, rounded
    # down to ¥10 — within the owner's whole budget of the month, never above
    missing_months, over, unrounded = rows(store_con, """
        WITH owned AS (SELECT c.customer_id, c.owner_id, b.month, sum(b.budget_amount) AS budget,
                              sum(b.budget_amount) FILTER (WHERE b.category IN ('entertainment', 'samples')) AS kept
                       FROM customers c JOIN expense_budgets b ON b.salesperson_id = c.owner_id
                       WHERE c.tier = 'A' AND year(b.month) = 2026 GROUP BY ALL),
             n AS (SELECT owner_id, count(DISTINCT customer_id) AS n FROM owned GROUP BY ALL)
        SELECT count(*) FILTER (WHERE k.customer_id IS NULL),
               count(*) FILTER (WHERE k.budget_amount > o.budget),
               count(*) FILTER (WHERE k.budget_amount <> floor(o.kept * 0.75 / n.n / 10) * 10)
        FROM owned o JOIN n USING (owner_id)
        LEFT JOIN customer_budgets k ON k.customer_id = o.customer_id AND k.month = o.month""")[0]
    assert (missing_months, over, unrounded) == (0, 0, 0)
    # about 7 in 10 of such an owner's entertainment and samples claims name one of their key customers
    named = rows(store_con, """
        SELECT avg((e.customer_id IS NOT NULL)::INTEGER) FROM expenses e
        WHERE e.category IN ('entertainment', 'samples')
          AND e.salesperson_id IN (SELECT owner_id FROM customers WHERE tier = 'A')""")[0][0]
    assert 0.65 < named < 0.75
    assert rows(store_con, """SELECT count(*) FROM expenses e JOIN customers c USING (customer_id)
                              WHERE c.tier <> 'A' OR c.owner_id <> e.salesperson_id""") == [(0,)]
    # kept as the version saved in January, equal to the budgets in force
    assert rows(store_con, "SELECT name FROM plan_versions WHERE kind = 'customers'") == [("重点客户费用",)]
    assert rows(store_con, """SELECT count(*) FROM (SELECT customer_id, month, salesperson_id, budget_amount
                              FROM customer_budgets EXCEPT SELECT customer_id, month, salesperson_id, budget_amount
                              FROM plan_customer_budgets)""") == [(0,)]

