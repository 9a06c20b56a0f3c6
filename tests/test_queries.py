"""The query runner: named files, bound parameters, allow-listed choices, honest headers."""

from __future__ import annotations

import datetime as dt

import pytest

import queries
from queries.filters import FILTER_PARAMS, Filters, list_params
from store import db

# Parameters to run each query with on the demo store; a new query must add its entry.
YEAR = Filters(dt.date(2026, 1, 1), dt.date(2026, 12, 31)).params()
NO_FILTER = list_params()
AS_OF = {"as_of_date": dt.date(2026, 11, 23)}


def _only(params: dict, *names: str) -> dict:
    return {k: v for k, v in params.items() if k in names}


# The demo store reassigns a leaver's customers, so none has an owner who left (the fixture
# tests give this query rows).
EMPTY_ON_DEMO = {"customers_owner_left"}

SAMPLE_PARAMS = {
    "abnormal_customers": {**_only(YEAR, "end_date", "regions", "salespeople", "tiers", "industries"), "top": None},
    "alert_summary": _only(YEAR, "end_date", "regions", "salespeople", "tiers", "industries"),
    "activity_weeks": {**_only(YEAR, "start_date", "end_date", "regions", "salespeople"), "grain": "week"},
    "late_visit_records": {**_only(YEAR, *FILTER_PARAMS[:6]), "top": 20},
    "revisits_not_done": {**_only(YEAR, *FILTER_PARAMS[:6]), "top": None},
    "uncovered_key_accounts": {**_only(YEAR, "end_date", "regions", "salespeople", "industries"), "top": 200},
    "visit_volume": _only(YEAR, *FILTER_PARAMS[:6]),
    "churned_customers": {**YEAR},
    "complaint_clock_hours": _only(YEAR, *FILTER_PARAMS[:6]),
    "customer_timeline": {"customer_id": "C000035", "regions": None, "salespeople": None},
    "open_complaints": _only(YEAR, "end_date", "regions", "salespeople", "tiers", "industries"),
    "competitor_monthly": _only(YEAR, "start_date", "end_date", "regions", "salespeople"),
    "competitor_notes_found": {**_only(YEAR, "start_date", "end_date", "regions", "salespeople"),
                               "search": "报价", "competitors": None, "topics": None},
    "competitor_report": {**_only(YEAR, "regions", "salespeople"), "month": dt.date(2026, 10, 1)},
    "competitor_topics": _only(YEAR, "start_date", "end_date", "regions", "salespeople"),
    "accounts": {},
    "audit_log": {**_only(YEAR, "start_date", "end_date"), "action": None, "user_name": None},
    "archive_completeness": _only(NO_FILTER, "regions", "salespeople", "tiers", "industries"),
    "attainment": {**YEAR, "level": "region", "grain": "month", "plan_version": None},
    "churn": YEAR,
    "commission_claims": _only(YEAR, "start_date", "end_date", "regions", "salespeople"),
    "commission_lines": {**_only(YEAR, "start_date", "end_date", "regions", "salespeople"),
                         "share_override": None, "bonus_override": 300},
    "commission_payable": {**_only(YEAR, "start_date", "end_date", "regions", "salespeople"),
                           "share_override": 0.4, "bonus_override": None},
    "commission_rules": {"on_date": dt.date(2026, 11, 23)},
    "commission_statement": {**_only(YEAR, "start_date", "end_date"), "person": "S0047",
                             "share_override": None, "bonus_override": None, "regions": None, "salespeople": None},
    "complaint_sla": {**_only(YEAR, *FILTER_PARAMS[:6]), "group_by": "month"},
    "collections_worklist": {**_only(NO_FILTER, "regions", "salespeople", "tiers", "industries"), **AS_OF,
                             "bucket": "all", "top": 200},
    "customer_invoices": {"customer_id": "C000035", **AS_OF, "regions": None, "salespeople": None},
    "customer_payments": {"customer_id": "C000035", **AS_OF, "regions": None, "salespeople": None},
    "overdue_ratio_trend": {**_only(NO_FILTER, "regions", "salespeople", "tiers", "industries"), **AS_OF},
    "credit_breaches": {**_only(NO_FILTER, "regions", "salespeople", "tiers", "industries"), **AS_OF},
    "csat": {**_only(YEAR, *FILTER_PARAMS[:6]), "group_by": "region"},
    "expense_control": {**_only(YEAR, *FILTER_PARAMS[:4]), "group_by": "category", "budget_version": None},
    "expense_burn": {**_only(YEAR, "end_date", "regions", "salespeople"), "budget_version": None},
    "expense_overruns": {**_only(YEAR, *FILTER_PARAMS[:4]), "budget_version": None},
    "key_customer_budgets": _only(YEAR, *FILTER_PARAMS[:4]),
    "scorecard_weights": {"on_date": dt.date(2026, 10, 1)},
    "growth": {**YEAR, "level": "salesperson"},
    "key_account_coverage": _only(YEAR, "end_date", "regions", "salespeople", "industries"),
    "landing_forecast": {**_only(YEAR, "end_date", *FILTER_PARAMS[2:]), "level": "department",
                         "metric": "sales", "plan_version": None},
    "pacing_by_day": {**YEAR, "metric": "collections", "plan_version": None},
    "receivables_aging": {**_only(NO_FILTER, "regions", "salespeople", "tiers", "industries"), **AS_OF,
                          "group_by": "tier"},
    "receivables_dso_cei": _only(YEAR, *FILTER_PARAMS[:6]),
    "revisit_completion": {**_only(YEAR, *FILTER_PARAMS[:6]), "group_by": "salesperson"},
    "data_freshness": {"tables": list(db.TABLES)},
    "table_profile": {},
    "orphan_references": {},
    "incomplete_customers": _only(NO_FILTER, "regions", "salespeople", "tiers", "industries"),
    "customers_owner_left": _only(NO_FILTER, "regions", "salespeople", "tiers", "industries"),
    "filter_options": {},
    "sales_lines": {**YEAR, "salesperson_id": "S0036"},
    "salesperson_options": {"regions": ["R02"]},
    "store_meta": {},
    "visit_record_timeliness": {**_only(YEAR, *FILTER_PARAMS[:6]), "group_by": "month"},
    "pipeline_funnel": _only(YEAR, *FILTER_PARAMS[:6]),
    "plan_people": {"plan_year": 2026, "base_year": 2025},
    "plan_versions": {"kind": "targets"},
    "plan_in_force": {"plan_year": 2026, "kind": "targets", "measure": "sales"},
    "plan_expenses": {"base_year": 2025},
    "plan_key_customers": {"plan_year": 2026, "base_year": 2025},
    "plan_difference": {**_only(YEAR, "start_date", "end_date", "regions", "salespeople"), "level": "region",
                        "plan_version": None, "other_version": 1},
    "pipeline_coverage": {**_only(NO_FILTER, "regions", "salespeople", "tiers", "industries"),
                          "horizon": "year", "group_by": "salesperson", "plan_version": None},
    "pipeline_attention": {**_only(NO_FILTER, "regions", "salespeople", "tiers", "industries"),
                           "stalled_days": 30, "top": 200},
    "overdue_actions": _only(NO_FILTER, "regions", "salespeople", "tiers", "industries"),
    "pipeline_won_lost": {**_only(YEAR, *FILTER_PARAMS[:6]), "group_by": "competitor"},
    "contracts_status": {**_only(YEAR, *FILTER_PARAMS[:6]), "top": 200},
    "contract_sla": _only(YEAR, *FILTER_PARAMS[:6]),
    "due_invoicing": _only(YEAR, "end_date", "regions", "salespeople", "tiers", "industries"),
    "due_instalments": _only(YEAR, "end_date", "regions", "salespeople", "tiers", "industries"),
}


def test_every_query_has_sample_parameters():
    assert sorted(SAMPLE_PARAMS) == queries.names()


def test_the_benchmark_times_every_query_of_the_pages():
    from bench.queries import cases

    timed = cases(dt.date(2026, 11, 23), "C000001", "S0001")
    # the Users page's two lists (accounts, the audit log) are administration, not a page of figures
    assert sorted(timed) == [n for n in queries.names() if n not in ("accounts", "audit_log")]


@pytest.mark.parametrize("name", queries.names())
def test_every_query_runs_and_returns_its_documented_columns(store_con, name):
    query = queries.load(name)
    assert query.description, f"{name}.sql has no description in its header"
    frame = queries.run(name, SAMPLE_PARAMS[name])
    assert tuple(frame.columns) == query.columns
    assert len(frame) > 0 or name in EMPTY_ON_DEMO


def test_store_meta_reports_the_as_of_date_and_version(store_con):
    meta = queries.run("store_meta").iloc[0]
    assert str(meta.as_of_date.date()) == "2026-11-23"
    assert meta.schema_version == db.SCHEMA_VERSION and meta.store_version == 1


def test_region_parameter_narrows_the_salesperson_list(store_con):
    everyone = queries.run("salesperson_options", {"regions": None})
    pingzhou = queries.run("salesperson_options", {"regions": ["R02"]})
    assert 0 < len(pingzhou) < len(everyone)
    assert set(pingzhou.region_id) == {"R02"}
    assert set(everyone.role) == {"salesperson", "key_account_manager"}


def test_an_injection_string_is_an_inert_value(store_con):
    before = store_con.execute("SELECT count(*) FROM sales").fetchone()[0]
    frame = queries.run("salesperson_options", {"regions": ["'; DROP TABLE sales; --"]})
    assert frame.empty
    assert store_con.execute("SELECT count(*) FROM sales").fetchone()[0] == before > 0


@pytest.mark.parametrize("name", ["no_such_query", "../store/schema", "Store_Meta", "", None])
def test_unknown_or_malformed_names_are_refused(name):
    with pytest.raises(queries.QueryError):
        queries.load(name)


def test_missing_and_unexpected_parameters_are_refused(store_con):
    with pytest.raises(queries.QueryError, match="missing \\['regions'\\]"):
        queries.run("salesperson_options", {})
    with pytest.raises(queries.QueryError, match="unexpected \\['limit'\\]"):
        queries.run("salesperson_options", {"regions": None, "limit": 5})


@pytest.fixture
def scratch_queries(tmp_path, monkeypatch):
    """Point the runner at a folder of test-only query files."""
    monkeypatch.setattr(queries, "QUERY_DIR", tmp_path)
    queries.load.cache_clear()
    yield tmp_path
    queries.load.cache_clear()


def test_a_choice_parameter_accepts_only_its_listed_values(store_con, scratch_queries):
    (scratch_queries / "rows_by.sql").write_text(
        "-- name: rows_by\n-- Row count grouped by a chosen column.\n-- params: group_by\n"
        "-- choice: group_by = region | salesperson\n-- columns: key, rows_count\n"
        "SELECT CASE $group_by WHEN 'region' THEN region_id ELSE salesperson_id END AS key,\n"
        "       count(*) AS rows_count FROM sales GROUP BY ALL ORDER BY key\n",
        encoding="utf-8")
    by_region = queries.run("rows_by", {"group_by": "region"})
    assert len(by_region) == 10
    with pytest.raises(queries.QueryError, match="group_by must be one of"):
        queries.run("rows_by", {"group_by": "region_id; DROP TABLE sales"})


@pytest.mark.parametrize("text, problem", [
    ("-- name: bad\n-- x\n-- columns: a\nSELECT $a AS a\n", "uses \\['a'\\]"),
    ("-- name: bad\n-- x\n-- params: a\nSELECT $a AS a\n", "no '-- columns:'"),
    ("-- name: other\n-- x\n-- columns: a\nSELECT 1 AS a\n", "header names 'other'"),
])
def test_a_header_that_does_not_match_its_sql_is_refused(text, problem):
    with pytest.raises(queries.QueryError, match=problem):
        queries.parse("bad", text)


def test_a_result_that_differs_from_its_header_is_refused(store_con, scratch_queries):
    (scratch_queries / "drifted.sql").write_text(
        "-- name: drifted\n-- Columns drifted from the header.\n-- columns: a, b\nSELECT 1 AS a\n",
        encoding="utf-8")
    with pytest.raises(queries.QueryError, match="returned columns"):
        queries.run("drifted")


def test_a_salesperson_scope_sees_only_their_own_figures(store_con):
    scope = queries.Scope("salesperson", "S0036")
    ytd = Filters(dt.date(2026, 1, 1), dt.date(2026, 11, 23))
    own = queries.run_filtered("attainment", ytd, scope=scope, level="salesperson", grain="year")
    assert set(own.node_id) == {"S0036"}
    other = queries.run_filtered("attainment", Filters(ytd.start_date, ytd.end_date, salespeople=("S0020",)),
                                 scope=scope, level="salesperson", grain="year")
    assert other.empty


@pytest.mark.parametrize("kind, value", [("everyone", None), ("region", None), ("all", "R01")])
def test_a_malformed_scope_is_refused(kind, value):
    with pytest.raises(ValueError):
        queries.Scope(kind, value)


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="starts"):
        Filters(dt.date(2026, 2, 1), dt.date(2026, 1, 1))


def test_queries_say_which_shared_filters_they_cannot_apply():
    assert queries.ignored_filters("attainment") == []
    assert queries.ignored_filters("receivables_aging") == ["start_date", "end_date", "product_lines"]
    assert queries.ignored_filters("expense_control") == ["tiers", "industries", "product_lines"]


def test_today_is_bound_from_the_store_and_never_passed_in(store_con):
    with pytest.raises(queries.QueryError, match="as-of date"):
        queries.run("csat", {**SAMPLE_PARAMS["csat"], "today": dt.date(2030, 1, 1)})


def test_the_period_through_today_is_bound_once_by_the_runner(store_con, kpi):
    with pytest.raises(queries.QueryError, match="bound from the store's as-of date"):
        queries.run("csat", {**SAMPLE_PARAMS["csat"], "through": dt.date(2030, 1, 1)})
    with pytest.raises(queries.QueryError, match="needs exactly one of"):
        queries.parse("x", "-- name: x\n-- params: through\n-- columns: d\nSELECT $through AS d")
    # The fixture store's today is 15 March 2026: a period to 31 March counts sales to the
    # 15th (23,500 YTD, tests/test_kpis.py), the same as a period that ends on the 15th.
    from queries.filters import Filters

    to_end = kpi("attainment", Filters(dt.date(2026, 1, 1), dt.date(2026, 3, 31)), level="department", grain="period")
    to_today = kpi("attainment", Filters(dt.date(2026, 1, 1), dt.date(2026, 3, 15)), level="department",
                   grain="period")
    assert to_end.actual_value.iloc[0] == to_today.actual_value.iloc[0] == 23500


def test_the_freshness_footer_lists_the_tables_a_department_imports(store_con):
    from store.importer import IMPORTABLE

    listed = set(queries.run("data_freshness", {"tables": list(IMPORTABLE)}).table_name)
    assert listed == set(db.TABLES) - {"store_meta", "import_log"}



def test_the_no_target_rule_is_the_same_for_the_pages_and_the_queries(store_con):
    import itertools

    from queries.filters import Filters

    for tiers, industries, lines in itertools.product(((), ("A",)), ((), ("制造业",)), ((), ("设备",))):
        filters = Filters(dt.date(2026, 1, 1), dt.date(2026, 1, 31), tiers=tiers, industries=industries,
                          product_lines=lines)
        given = {k: v for k, v in filters.params().items() if k in ("tiers", "industries", "product_lines")}
        in_sql = store_con.execute("SELECT carries_target($tiers::VARCHAR[], $industries::VARCHAR[], "
                                   "$product_lines::VARCHAR[])", given).fetchone()[0]
        assert in_sql == filters.carries_target


def test_the_complaint_clock_and_the_aging_buckets(store_con):
    def clock(started, done, now):
        return store_con.execute("SELECT sla_clock($s::TIMESTAMP, $d::TIMESTAMP, $n::TIMESTAMP)",
                                 {"s": started, "d": done, "n": now}).fetchone()[0]

    received = "2026-03-01 09:00"
    assert clock(received, "2026-03-02 09:00", "2026-03-10") == "met"       # exactly 24 h counts as met
    assert clock(received, "2026-03-02 09:01", "2026-03-10") == "breached"  # a minute late
    assert clock(received, None, "2026-03-02 00:00") == "pending"           # 15 h gone, 9 h left
    assert clock(received, None, "2026-03-03 00:00") == "breached"          # ran out while still open
    assert clock(None, None, "2026-03-03 00:00") == "pending"               # not started
    buckets = [store_con.execute("SELECT aging_bucket($d)", {"d": d}).fetchone()[0]
               for d in (-5, 0, 1, 30, 31, 60, 61, 90, 91, 180, 181)]
    assert buckets == ["not_due", "not_due", "days_1_30", "days_1_30", "days_31_60", "days_31_60", "days_61_90",
                       "days_61_90", "days_91_180", "days_91_180", "over_180"]
