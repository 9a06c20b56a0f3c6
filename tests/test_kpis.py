"""Every KPI of SPEC §4 against the hand-made fixture store (tests/fixture/).

The store's today is 2026-03-15. Each expected figure is worked out by hand from the CSV
rows; the arithmetic is written beside it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from queries.filters import Filters, Scope

D = dt.date


def ytd(**kwargs) -> Filters:
    """1 January to the store's today, 2026-03-15 (74 days; March counts 15 of 31 days)."""
    return Filters(D(2026, 1, 1), D(2026, 3, 15), **kwargs)


def row(frame, **where):
    """The one row of `frame` whose columns equal `where`."""
    mask = True
    for column, value in where.items():
        if isinstance(value, dt.date):
            value = pd.Timestamp(value)
        mask = mask & (frame[column] == value)
    picked = frame[mask]
    assert len(picked) == 1, f"{len(picked)} rows for {where}"
    return picked.iloc[0]


# --- attainment (SPEC §4.1) ----------------------------------------------------------------

def test_salesperson_attainment_year_to_date_with_a_partial_month_and_a_return(kpi):
    frame = kpi("attainment", ytd(), level="salesperson", grain="year")
    s1 = row(frame, node_id="S1", metric="sales")
    # S1 sold 5000 (L7) + 2000 (L8, C2 before it passed to S2) + 3000 (L12) − 1000 (return L13)
    assert s1.actual_value == 9000
    # plan 10000 in Jan and Feb, March pro-rated 15/31: 20000 + 150000/31 = 24838.709…
    assert s1.plan_target == pytest.approx(24838.71, abs=0.005)
    assert s1.plan_attainment_pct == pytest.approx(9000 / (20000 + 150000 / 31) * 100)  # 36.23 %
    # stretch 12000 a month: 24000 + 180000/31 = 29806.45…
    assert s1.stretch_attainment_pct == pytest.approx(9000 / (24000 + 180000 / 31) * 100)
    assert s1.plan_gap_value == pytest.approx(9000 - 24838.71, abs=0.005)  # −15838.71
    s3 = row(frame, node_id="S3", metric="sales")
    # S3: 1000 + 4000 + 6000 + 500 = 11500 against 5000 + 5000 + 0 (March's target is 0)
    assert (s3.actual_value, s3.plan_target) == (11500, 10000)
    assert s3.plan_attainment_pct == pytest.approx(115)
    gp = row(frame, node_id="S1", metric="gross_profit")
    # (5000−3000) + (2000−1400) + (3000−1800) + (−1000+600) = 2000 + 600 + 1200 − 400
    assert gp.actual_value == 3400
    collections = row(frame, node_id="S1", metric="collections")
    # PAY1 3000 (30 Jan) + PAY2 700 (1 Feb); plan 8000 + 8000 + 8000 × 15/31
    assert collections.actual_value == 3700
    assert collections.plan_target == pytest.approx(16000 + 120000 / 31, abs=0.005)
    new = row(frame, node_id="S3", metric="new_customers")
    # C5's first-ever order (L11, 20 Feb) was S3's; C3 and C4 ordered first in 2025
    assert new.actual_value == 1
    assert new.plan_target == pytest.approx(2 + 15 / 31, abs=0.005)


def test_regions_sum_exactly_to_the_department(kpi):
    regions = kpi("attainment", ytd(), level="region", grain="year")
    department = kpi("attainment", ytd(), level="department", grain="year")
    for metric in ("sales", "gross_profit", "collections"):
        parts = regions[regions.metric == metric]
        whole = row(department, metric=metric)
        assert parts.actual_value.sum() == whole.actual_value
        assert parts.plan_target.sum() == pytest.approx(whole.plan_target, abs=0.01)
    # sales: R1 = 9000 (S1) + 3000 (S2); R2 = 11500 (S3); department 23500
    assert row(regions, node_id="R1", metric="sales").actual_value == 12000
    assert row(department, metric="sales").actual_value == 23500
    # plan: 21000 + 21000 + 16000 × 15/31 = 1542000/31 = 49741.94
    assert row(department, metric="sales").plan_target == pytest.approx(1542000 / 31, abs=0.005)
    assert set(regions.parent_id) == {"department"}


def test_month_grain_decomposes_the_year(kpi):
    months = kpi("attainment", ytd(), level="department", grain="month")
    sales = months[months.metric == "sales"].set_index("bucket_start")
    # Jan: 5000 + 2000; Feb: 3000 + 1000 + 4000; Mar 1–15: 3000 − 1000 + 6000 + 500
    assert list(sales.actual_value) == [7000, 8000, 8500]
    # March: S1 10000 and S2 6000 for 15 of 31 days, S3 0: 16000 × 15/31 = 7741.94
    assert sales.loc[pd.Timestamp(2026, 3, 1)].plan_target == pytest.approx(7741.94, abs=0.005)
    quarter = kpi("attainment", ytd(), level="department", grain="quarter")
    assert row(quarter, metric="sales").actual_value == sum([7000, 8000, 8500])


def test_a_zero_target_shows_no_target_never_infinity(kpi):
    march = Filters(D(2026, 3, 1), D(2026, 3, 31))
    s3 = row(kpi("attainment", march, level="salesperson", grain="month"), node_id="S3", metric="sales")
    assert s3.actual_value == 6500  # 6000 + 500, against a target of 0
    assert s3.plan_target == 0 and s3.target_note == "no_target"
    assert s3.plan_gap_value != s3.plan_gap_value  # NaN: no gap against no target
    assert s3.plan_attainment_pct != s3.plan_attainment_pct  # NaN: no attainment shown


def test_a_filter_that_carries_no_target_shows_actuals_only(kpi):
    frame = kpi("attainment", ytd(tiers=("A",)), level="department", grain="year")
    sales = row(frame, metric="sales")
    # tier A: C1 5000 + 3000 − 1000 and C4 6000 = 13000
    assert sales.actual_value == 13000
    assert sales.target_note == "no_target_at_filter"
    assert sales.plan_target != sales.plan_target  # NaN
    by_line = kpi("attainment", ytd(product_lines=("设备",)), level="department", grain="year")
    # 设备 (P1): 5000 + 4000 + 3000 − 1000 + 6000 = 17000; collections have no product line
    assert row(by_line, metric="sales").actual_value == 17000
    assert row(by_line, metric="collections").target_note == "not_applicable"


def test_an_industry_filter_counts_the_facts_of_that_industrys_customers(kpi):
    trade = kpi("attainment", ytd(industries=("批发零售",)), level="department", grain="year")
    # 批发零售 is C2 and C3: 2000 + 3000 (C2) + 1000 + 500 (C3) = 6500; collected from C2: PAY1 3000
    assert row(trade, metric="sales").actual_value == 6500
    assert row(trade, metric="collections").actual_value == 3000
    making = kpi("attainment", ytd(industries=("制造业",)), level="department", grain="year")
    # 制造业 is C1 and C4: collected 700 (PAY2, C1) + 4000 (PAY3, C4); PAY4 and PAY5 come after today
    assert row(making, metric="collections").actual_value == 4700
    narrow = kpi("attainment", ytd(industries=("制造业",), product_lines=("设备",), tiers=("A",)), level="department",
                 grain="year")
    # 制造业, 设备, tier A: C1 5000 + 3000 − 1000 and C4 6000 = 13000
    assert row(narrow, metric="sales").actual_value == 13000
    none = kpi("attainment", ytd(industries=("批发零售",), product_lines=("设备",)), level="department", grain="year")
    assert row(none, metric="sales").actual_value == 0  # C2 and C3 bought only 耗材


def test_an_empty_period_gives_zero_actuals_against_its_targets(kpi):
    april = Filters(D(2026, 4, 1), D(2026, 4, 30))  # after the store's today: nothing sold yet
    frame = kpi("attainment", april, level="department", grain="month")
    sales = row(frame, metric="sales")
    assert sales.actual_value == 0 and sales.plan_target == 21000 and sales.plan_attainment_pct == 0
    before = kpi("attainment", Filters(D(2020, 1, 1), D(2020, 12, 31)), level="department", grain="year")
    assert before.empty


def test_history_stays_with_the_owner_at_the_time(kpi):
    frame = kpi("attainment", ytd(salespeople=("S2",)), level="salesperson", grain="year")
    # C2 now belongs to S2, but L8 (20 Jan, 2000) was S1's: S2 has only L9 (3000)
    assert row(frame, node_id="S2", metric="sales").actual_value == 3000


def test_a_region_scope_narrows_every_figure_and_cannot_be_widened(kpi):
    scoped = kpi("attainment", ytd(), scope=Scope("region", "R2"), level="region", grain="year")
    assert set(scoped.node_id) == {"R2"}
    widened = kpi("attainment", ytd(regions=("R1",)), scope=Scope("region", "R2"),
                  level="region", grain="year")
    assert widened.empty


# --- pacing, forecast, growth (SPEC §4.2, §4.3) ----------------------------------------------

def test_pacing_follows_the_month_varying_target(kpi):
    frame = kpi("pacing_by_day", Filters(D(2026, 1, 1), D(2026, 12, 31)), metric="sales")
    assert len(frame) == 365
    jan1, today = frame.iloc[0], row(frame, is_today=True)
    # January's daily target: 21000 / 31; March's: 16000 / 31 (S3 has 0 in March)
    assert jan1.target_value == pytest.approx(21000 / 31, abs=0.005)
    assert row(frame, day=D(2026, 3, 2)).target_value == pytest.approx(16000 / 31, abs=0.005)
    # expected to date = 21000 + 21000 + 16000 × 15/31 = 49741.94; actual 23500
    assert today.day.date() == D(2026, 3, 15)
    assert today.cumulative_target == pytest.approx(1542000 / 31, abs=0.01)
    assert today.cumulative_actual == 23500
    assert today.pacing_pct == pytest.approx(23500 / (1542000 / 31) * 100)  # 47.24 %
    after = row(frame, day=D(2026, 3, 16))
    assert after.cumulative_actual != after.cumulative_actual  # NaN: the future has no actual
    assert frame.cumulative_target.iloc[-1] == pytest.approx(247000, abs=0.01)  # the annual plan


def test_landing_forecast_runs_the_last_90_days_to_year_end(kpi):
    frame = kpi("landing_forecast", ytd(), level="department", metric="sales")
    f = frame.iloc[0]
    # YTD 23500; last 90 days (16 Dec – 15 Mar) add L6 (20 Dec, 1000): 24500; 291 days left
    assert (f.actual_ytd, f.actual_last_90_days, f.days_left) == (23500, 24500, 291)
    assert f.forecast_value == pytest.approx(23500 + 24500 / 90 * 291, abs=0.005)  # 102716.67
    # annual plan: S1 120000 + S2 72000 + S3 11 × 5000 = 247000
    assert f.annual_target == 247000
    assert f.forecast_attainment_pct == pytest.approx((23500 + 24500 / 90 * 291) / 247000 * 100)


def test_growth_year_over_year_and_period_over_period(kpi):
    frame = kpi("growth", ytd(), level="department")
    sales = row(frame, metric="sales")
    # a year earlier (1 Jan – 15 Mar 2025): L1 4000 + L2 2000 + L3 1000 = 7000
    assert (sales.current_value, sales.prior_year_value) == (23500, 7000)
    assert sales.yoy_pct == pytest.approx((23500 - 7000) / 7000 * 100)  # 235.7 %
    # not whole months: the preceding 74 days, 19 Oct – 31 Dec 2025, hold L6 only (1000)
    assert (sales.previous_start.date(), sales.previous_end.date()) == (D(2025, 10, 19), D(2025, 12, 31))
    assert sales.previous_period_value == 1000
    assert sales.pop_pct == pytest.approx(2250)
    assert row(frame, metric="collections").yoy_pct != row(frame, metric="collections").yoy_pct  # NaN


def test_month_over_month_for_a_whole_month_and_a_month_in_progress(kpi):
    feb = row(kpi("growth", Filters(D(2026, 2, 1), D(2026, 2, 28)), level="department"), metric="sales")
    # February 8000 against all of January 7000
    assert (feb.previous_start.date(), feb.previous_end.date()) == (D(2026, 1, 1), D(2026, 1, 31))
    assert feb.pop_pct == pytest.approx((8000 - 7000) / 7000 * 100)
    mar = row(kpi("growth", Filters(D(2026, 3, 1), D(2026, 3, 31)), level="department"), metric="sales")
    # March to date (1–15: 8500) against 1–15 February (L9 3000 + L10 1000 = 4000)
    assert (mar.previous_start.date(), mar.previous_end.date()) == (D(2026, 2, 1), D(2026, 2, 15))
    assert (mar.current_value, mar.previous_period_value) == (8500, 4000)


# --- receivables (SPEC §4.4) ------------------------------------------------------------------

def test_aging_buckets_at_every_boundary(kpi):
    frame = kpi("receivables_aging", None, as_of_date=D(2026, 3, 15), group_by="department")
    a = frame.iloc[0]
    # not due: I01 (due 31 Mar) 1000 + I02 (due today, 0 days) 1100
    assert a.not_due_cny == 2100
    # 1–30: I03 (30 days) 1200 + I11 (15 days; 10000 − 4000 paid on 1 Mar; the 6000 of 20 Mar
    # is after today) 6000 + I12 (5 days; its payment of 16 Mar is after today) 2000
    assert a.days_1_30_cny == 9200
    assert a.days_31_60_cny == 1300 + 1400  # I04 31 days, I05 60 days
    assert a.days_61_90_cny == 1500 + 1600  # I06 61 days, I07 90 days
    assert a.days_91_180_cny == 1700 + 1800  # I08 91 days, I09 180 days
    assert a.over_180_cny == 1900  # I10 181 days
    assert a.outstanding_cny == 22500 and a.overdue_cny == 20400
    assert a.overdue_ratio_pct == pytest.approx(20400 / 22500 * 100)  # 90.67 %
    # I13: 500 invoiced, 700 paid — outstanding 0, never negative; 200 is credit
    assert a.credit_cny == 200
    assert a.open_invoices_count == 12  # I01–I12; I13, I14 settled; I15 issued after today


def test_aging_by_region_sums_to_the_department_and_caps_at_today(kpi):
    frame = kpi("receivables_aging", None, as_of_date=D(2026, 12, 31), group_by="region")
    # asked for 31 Dec, answered as of today (15 Mar): the later payments still do not count
    assert dict(zip(frame.group_id, frame.outstanding_cny)) == {"R1": 9100, "R2": 13400}
    assert frame.outstanding_cny.sum() == 22500


def test_dso_and_cei_for_february(kpi):
    f = kpi("receivables_dso_cei", Filters(D(2026, 2, 1), D(2026, 2, 28))).iloc[0]
    # AR on 31 Jan: I03–I10 (12400) + I11 (10000, unpaid yet) + I13 (500; paid 1 Feb) = 22900
    assert f.ar_start_cny == 22900
    # invoiced in February: I02 1100 (13 Feb) + I12 2000 (8 Feb)
    assert f.invoiced_cny == 3100
    # AR on 28 Feb: 22900 − 500 (I13 settled) + 3100 = 25500; current (due on or after
    # 28 Feb): I02 1100 + I12 2000 + I11 10000 (due that very day) = 13100
    assert (f.ar_end_cny, f.current_ar_end_cny, f.collected_cny) == (25500, 13100, 700)
    assert f.dso_days == pytest.approx(25500 / 3100 * 28)  # 230.3 days
    assert f.cei_pct == pytest.approx((22900 + 3100 - 25500) / (22900 + 3100 - 13100) * 100)  # 3.88 %


def test_credit_limit_breaches(kpi):
    frame = kpi("credit_breaches", None, as_of_date=D(2026, 3, 15))
    # C4 owes I11 6000 + I12 2000 = 8000 against a limit of 5000
    assert list(zip(frame.customer_id, frame.outstanding_cny, frame.excess_cny)) == [("C4", 8000, 3000)]


# --- satisfaction and complaints (SPEC §4.5, §4.6) --------------------------------------------

def test_csat_by_month_with_sample_sizes(kpi):
    frame = kpi("csat", ytd(), group_by="month")
    jan, feb = row(frame, group_id="2026-01"), row(frame, group_id="2026-02")
    # January: scores 5, 4, 2 — two of three satisfied; fewer than 5 responses: flagged
    assert (jan.responses_count, jan.satisfied_count, bool(jan.thin_sample)) == (3, 2, True)
    assert jan.csat_pct == pytest.approx(200 / 3)
    assert jan.overall_mean == pytest.approx(11 / 3)
    # February: 5, 5, 4, 3, 1 — three of five; mean 18/5; quality 5, 4, 4, 3, 1 → 17/5
    assert (feb.responses_count, feb.csat_pct, bool(feb.thin_sample)) == (5, 60, False)
    assert feb.overall_mean == pytest.approx(3.6) and feb.quality_mean == pytest.approx(3.4)


def test_complaint_slas_at_exactly_24_hours_and_with_open_complaints(kpi):
    t = kpi("complaint_sla", ytd(), group_by="total").iloc[0]
    # QA clock: CP1 (24 h 0 min) met, CP2 (24 h 1 min) breached, CP3 never forwarded and its
    # 24 h ran out: breached, CP4 received 4 h before the end of today: pending, CP5 and CP6 met
    assert (t.qa_met_count, t.qa_breached_count) == (3, 2)
    assert t.qa_sla_pct == pytest.approx(60)
    # action clock: CP1 (24 h) and CP2 (3 h) met, CP5 issued 12 Mar and not delivered:
    # breached, CP6 issued 6 h before the end of today: pending; CP3, CP4 not issued: pending
    assert (t.action_met_count, t.action_breached_count) == (2, 1)
    assert t.action_sla_pct == pytest.approx(200 / 3)
    # both: CP1 met; CP2, CP3, CP5 breached; CP4, CP6 pending → 1 of 4 judged
    assert (t.both_met_count, t.judged_count, t.pending_count) == (1, 4, 2)
    assert t.timeliness_pct == pytest.approx(25)
    assert t.open_count == 4  # CP3–CP6 have no closing time
    # hours to QA: 24, 24.0167, 2, 1 → median (2 + 24) / 2
    assert t.median_hours_to_qa == pytest.approx(13)


def test_churn_with_a_customer_whose_only_orders_are_before_the_window(kpi):
    h2 = kpi("churn", Filters(D(2025, 7, 1), D(2025, 12, 31))).iloc[0]
    # ordered 1 Jul 2024 – 30 Jun 2025: C1, C2, C3 (C4's first order is 1 Jul 2025);
    # ordered in the half-year: C1 only (L6) → C2 and C3 churned
    assert (h2.base_customers_count, h2.churned_count) == (3, 2)
    assert h2.churn_pct == pytest.approx(200 / 3)
    short = kpi("churn", ytd()).iloc[0]
    # 74 days < 90: the 90 days ending 15 Mar stand in (16 Dec – 15 Mar)
    assert (short.window_start.date(), short.window_end.date()) == (D(2025, 12, 16), D(2026, 3, 15))
    assert (short.base_customers_count, short.churned_count, short.churn_pct) == (4, 0, 0)


# --- visits (SPEC §4.10) ---------------------------------------------------------------------

def test_revisit_plan_completion(kpi):
    t = kpi("revisit_completion", ytd(), group_by="total").iloc[0]
    # due (months ended by 15 Mar): VP1–VP4; VP5 (March) is not due yet.
    # VP1, VP3 done in their month; VP2 done on 2 Mar (late); VP4 not done
    assert (t.planned_count, t.done_in_month_count, t.done_late_count, t.not_done_count) == (4, 2, 1, 1)
    assert t.completion_pct == 50


def test_visit_record_timeliness(kpi):
    t = kpi("visit_record_timeliness", ytd(), group_by="total").iloc[0]
    # V1 filed after 2 days and V3 after exactly 7: on time; V7 after 8 days and V2 after 10:
    # late; V4 never filed, 23 days ago: late; V5 two days ago, not filed yet: pending
    assert (t.on_time_count, t.late_count, t.pending_count) == (2, 3, 1)
    assert t.timeliness_pct == 40


def test_key_account_coverage(kpi):
    t = kpi("key_account_coverage", ytd()).iloc[0]
    # tier A: C1 (visited 10 Jan, 2 Mar), C4 (31 Jan, 13 Mar), C6 (never) → 2 of 3
    assert (t.tier_a_count, t.covered_count) == (3, 2)
    assert t.coverage_pct == pytest.approx(200 / 3)


# --- expenses, archive, alerts (SPEC §4.9, §4.11, §4.12) ----------------------------------------

def test_expense_control_with_unbudgeted_spend_and_an_unspent_budget(kpi):
    jan_feb = Filters(D(2026, 1, 1), D(2026, 2, 28))
    people = kpi("expense_control", jan_feb, group_by="salesperson").set_index("group_id")
    # S1: budget 1000 + 1000 travel + 500 entertainment; spent 600 + 300 + 1500
    assert (people.loc["S1"].budget_cny, people.loc["S1"].actual_cny) == (2500, 2400)
    assert people.loc["S1"].control_ratio_pct == pytest.approx(96)
    # S3: 1000 against 800 — an overrun of 125 %
    assert people.loc["S3"].control_ratio_pct == pytest.approx(125) and people.loc["S3"].overrun
    # S2 spent 200 with no budget: flagged, no ratio
    s2 = people.loc["S2"]
    assert s2.budget_missing and s2.unbudgeted_cny == 200
    assert s2.control_ratio_pct != s2.control_ratio_pct  # NaN, not a division by zero
    categories = kpi("expense_control", jan_feb, group_by="category").set_index("group_id")
    assert categories.loc["entertainment"].actual_cny == 0  # a budget with no spend
    total = kpi("expense_control", jan_feb, group_by="total").iloc[0]
    assert total.control_ratio_pct == pytest.approx(3600 / 3300 * 100)  # 109.1 %
    # a partial month is pro-rated: 1–15 March, S1's travel budget 1000 × 15/31
    march = kpi("expense_control", Filters(D(2026, 3, 1), D(2026, 3, 15)), group_by="total").iloc[0]
    assert march.budget_cny == pytest.approx(1000 * 15 / 31, abs=0.005)


def test_customer_archive_completeness(kpi):
    t = kpi("archive_completeness", None).iloc[0]
    # C3 lacks a phone, C6 an industry: 4 of 6 complete
    assert (t.customers_count, t.complete_count) == (6, 4)
    assert (t.missing_phone_count, t.missing_industry_count) == (1, 1)
    assert t.completeness_pct == pytest.approx(200 / 3)


def test_abnormal_customers_with_their_reasons(kpi):
    frame = kpi("abnormal_customers", ytd(), top=None)
    reasons = {r.customer_id: sorted(r.reasons.split(",")) for r in frame.itertuples()}
    assert reasons == {
        # C3: last 90 days 1000 + 500 against 4000 in the same days a year earlier (−62.5 %);
        # I08–I10 over 90 days past due (5400); latest survey (25 Feb) scored 1
        "C3": ["low_survey", "overdue_90", "sales_drop"],
        "C2": ["complaints_30"],  # CP3 (10 Mar) and CP5 (1 Mar)
        "C4": ["over_credit"],  # 8000 owed against 5000
    }
    c3 = row(frame, customer_id="C3")
    assert (c3.sales_last_90_days_cny, c3.sales_prior_year_90_days_cny, c3.overdue_90_cny) == (1500, 4000, 5400)
    # Most money at risk first: C3 5,400 more than 90 days overdue (above what it owes over its
    # limit) + its sales fall of 4,000 − 1,500 = 2,500 → 7,900; C4 8,000 − 5,000 = 3,000 over
    # its limit; C2 nothing (4,500 owed, under its 50,000 limit; complaints only).
    assert list(frame.customer_id) == ["C3", "C4", "C2"]
    assert list(frame.at_risk_cny) == [7900, 3000, 0]
    assert list(kpi("abnormal_customers", ytd(), top=2).customer_id) == ["C3", "C4"]
    summary = kpi("alert_summary", ytd()).iloc[0]
    assert (summary.customers_count, summary.sales_drop_count, summary.overdue_90_count, summary.complaints_30_count,
            summary.low_survey_count, summary.over_credit_count) == (3, 1, 1, 1, 1, 1)
    south = kpi("alert_summary", ytd(regions=["R2"])).iloc[0]  # C3 and C4 are customers of 南区; C2 is not
    assert (south.customers_count, south.complaints_30_count, south.over_credit_count) == (2, 0, 1)


def test_abnormal_customers_as_of_an_earlier_period_end_are_figured_from_the_facts_then(kpi):
    # To 28 Feb: C4 owed I11 10,000 (PAY3 of 4,000 came on 1 Mar) + I12 2,000 = 12,000 > 5,000,
    # where on the store's today it owes 6,000 + 2,000 = 8,000.
    february = kpi("abnormal_customers", Filters(D(2026, 1, 1), D(2026, 2, 28)), top=None)
    assert row(february, customer_id="C4").outstanding_cny == 12_000
    assert "over_credit" in row(february, customer_id="C4").reasons
    # C2's complaints CP5 (1 Mar) and CP3 (10 Mar): both in the 30 days ending 10 Mar, one in
    # those ending 9 Mar.
    to_10 = kpi("abnormal_customers", Filters(D(2026, 1, 1), D(2026, 3, 10)), top=None)
    assert row(to_10, customer_id="C2").complaints_30_days_count == 2
    to_9 = kpi("abnormal_customers", Filters(D(2026, 1, 1), D(2026, 3, 9)), top=None)
    assert "complaints_30" not in ",".join(to_9[to_9.customer_id == "C2"].reasons)


def test_paid_totals_are_derived_from_the_payments(fixture_path):
    from store import db

    con = db.connect(fixture_path)
    try:
        paid = dict(con.execute("SELECT invoice_id, paid_total FROM invoices").fetchall())
    finally:
        con.close()
    # I11: 4000 + 6000 (one after today); I13: 700 against 500; I01: nothing
    assert (paid["I11"], paid["I13"], paid["I14"], paid["I01"]) == (10000, 700, 3000, 0)


def test_tier_and_industry_filters_reach_every_fact_table(kpi):
    csat = kpi("csat", ytd(tiers=("A",)), group_by="total").iloc[0]
    # tier A is C1, C4 (and C6, never surveyed): SV1 5, SV4 5, SV5 5
    assert (csat.responses_count, csat.csat_pct) == (3, 100)
    sla = kpi("complaint_sla", ytd(industries=("批发零售",)), group_by="total").iloc[0]
    assert sla.complaints_count == 3  # C2: CP3, CP5; C3: CP2
    visits = kpi("visit_record_timeliness", ytd(tiers=("C",)), group_by="total").iloc[0]
    assert (visits.visits_count, visits.late_count) == (1, 1)  # C3's V4, never filed
    aging = kpi("receivables_aging", None, as_of_date=D(2026, 3, 15), group_by="tier", tiers=("A", "B"))
    # tier A: C1 I01–I04 (4600) + C4 I11, I12 (8000); tier B: C2 I05–I07 (4500)
    assert dict(zip(aging.group_id, aging.outstanding_cny)) == {"A": 12600, "B": 4500}


def test_dso_counts_invoices_issued_and_settled_within_the_period(kpi):
    f = kpi("receivables_dso_cei", Filters(D(2026, 1, 1), D(2026, 1, 31))).iloc[0]
    # January's invoices: I14 3000 (1 Jan, paid 30 Jan), I13 500 (2 Jan), I04 1300 (13 Jan),
    # I03 1200 (14 Jan), I11 10000 (29 Jan): 16000, the settled I14 included
    assert f.invoiced_cny == 16000
    # AR on 31 Dec: I05–I10 = 1400 + 1500 + 1600 + 1700 + 1800 + 1900 = 9900;
    # AR on 31 Jan: 9900 + 500 + 1300 + 1200 + 10000 = 22900; collected: PAY1 3000
    assert (f.ar_start_cny, f.ar_end_cny, f.collected_cny) == (9900, 22900, 3000)
    assert f.dso_days == pytest.approx(22900 / 16000 * 31)


def test_required_daily_rate_to_finish_the_year_on_target(kpi):
    frame = kpi("pacing_by_day", Filters(D(2026, 1, 1), D(2026, 12, 31)), metric="sales")
    today = row(frame, is_today=True)
    # (annual plan 247000 − 23500 sold) over the 291 days after 15 March
    assert today.required_daily_rate == pytest.approx((247000 - 23500) / 291)
    assert frame[~frame.is_today].required_daily_rate.isna().all()
    done = kpi("pacing_by_day", Filters(D(2026, 2, 1), D(2026, 2, 28)), metric="sales")
    assert done.required_daily_rate.isna().all()  # February is over: nothing left to require


def test_the_lines_behind_a_heatmap_cell_add_up_to_it(kpi):
    january = Filters(D(2026, 1, 1), D(2026, 1, 31))
    lines = kpi("sales_lines", january, salesperson_id="S1")
    assert list(lines.line_id) == [8, 7]  # newest first: L8 (20 Jan), L7 (5 Jan)
    cell = row(kpi("attainment", january, level="salesperson", grain="month"), node_id="S1", metric="sales")
    assert lines.amount_cny.sum() == cell.actual_value == 7000


def test_salespeople_sum_exactly_to_their_region(kpi):
    people = kpi("attainment", ytd(), level="salesperson", grain="month")
    regions = kpi("attainment", ytd(), level="region", grain="month")
    for (bucket, region, metric), part in people.groupby(["bucket_start", "parent_id", "metric"]):
        whole = row(regions, bucket_start=bucket.date(), node_id=region, metric=metric)
        assert part.actual_value.sum() == whole.actual_value
        assert part.plan_target.sum() == pytest.approx(whole.plan_target, abs=0.01)


# --- the receivables page (SPEC §3.3) ---------------------------------------------------------

def test_overdue_ratio_trend_at_month_ends(kpi):
    frame = kpi("overdue_ratio_trend", None, as_of_date=D(2026, 3, 15)).set_index("month_end")
    assert len(frame) == 24 and frame.index[-1].date() == D(2026, 3, 15)  # 24 points, today last
    # today: the aging figures, 20400 overdue of 22500
    assert (frame.iloc[-1].outstanding_cny, frame.iloc[-1].overdue_cny) == (22500, 20400)
    # 28 Feb: 25500 outstanding (the DSO test); overdue = due before 28 Feb:
    # I03–I10 = 1200 + 1300 + 1400 + 1500 + 1600 + 1700 + 1800 + 1900 (I11 falls due that day)
    feb = frame.loc[pd.Timestamp(2026, 2, 28)]
    assert (feb.outstanding_cny, feb.overdue_cny) == (25500, 12400)
    assert feb.overdue_ratio_pct == pytest.approx(12400 / 25500 * 100)  # 48.6 %
    # 31 Aug 2025: I09 1800 + I10 1900 = 3700 open, due mid-September: nothing overdue is 0 %, not blank
    august = frame.loc[pd.Timestamp(2025, 8, 31)]
    assert (august.outstanding_cny, august.overdue_cny, august.overdue_ratio_pct) == (3700, 0, 0)
    assert frame.loc[:pd.Timestamp(2025, 7, 31)].overdue_ratio_pct.isna().all()  # nothing outstanding yet
    # A tier filter reads the invoices rather than the store's daily changes: the same figures for C3 (tier C).
    tier_c = kpi("overdue_ratio_trend", Filters(D(2026, 1, 1), D(2026, 3, 15), tiers=["C"]),
                 as_of_date=D(2026, 3, 15)).set_index("month_end")
    assert tier_c.loc[pd.Timestamp(2025, 8, 31)].tolist() == [3700, 0, 0]
    assert tier_c.loc[pd.Timestamp(2026, 2, 28)].outstanding_cny == 1700 + 1800 + 1900  # I08–I10, never paid


def test_collections_worklist(kpi):
    frame = kpi("collections_worklist", None, as_of_date=D(2026, 3, 15), bucket="all", top=None)
    assert list(frame.customer_id) == ["C4", "C3", "C2", "C1"]  # 8000, 5400, 4500, 2500 overdue
    c4 = row(frame, customer_id="C4")
    # I11 6000 (15 days) + I12 2000 (5 days); PAY3 on 1 Mar is the last one by today
    assert (c4.days_1_30_cny, c4.overdue_cny, bool(c4.over_credit)) == (8000, 8000, True)
    assert c4.last_payment_date.date() == D(2026, 3, 1) and c4.open_complaints_count == 1  # CP6
    c3 = row(frame, customer_id="C3")
    assert (c3.max_days_past_due, c3.days_91_180_cny, c3.over_180_cny) == (181, 3500, 1900)
    assert c3.oldest_open_invoice == "I10"  # issued 16 Aug 2025
    assert pd.isna(c3.last_payment_date)  # C3 never paid
    c2 = row(frame, customer_id="C2")
    assert (c2.days_31_60_cny, c2.days_61_90_cny, c2.open_complaints_count) == (1400, 3100, 2)
    c1 = row(frame, customer_id="C1")
    # overdue I03 1200 + I04 1300; outstanding adds I01 1000 and I02 1100 (not yet due)
    assert (c1.overdue_cny, c1.outstanding_cny, c1.oldest_open_invoice) == (2500, 4600, "I04")
    over_90 = kpi("collections_worklist", None, as_of_date=D(2026, 3, 15), bucket="over_180", top=None)
    assert list(over_90.customer_id) == ["C3"]
    # the screen's first two (the most overdue), each saying there are four in all
    top = kpi("collections_worklist", None, as_of_date=D(2026, 3, 15), bucket="all", top=2)
    assert list(top.customer_id) == ["C4", "C3"] and list(top.rows_count) == [4, 4]


def test_a_customers_invoices_and_payments_on_a_date(kpi):
    invoices = kpi("customer_invoices", None, customer_id="C4", as_of_date=D(2026, 3, 15)).set_index("invoice_id")
    # I15 was issued after today; I11 paid 4000 of 10000 by today, I12 nothing yet
    assert list(invoices.index) == ["I12", "I11"]
    assert (invoices.loc["I11"].paid_cny, invoices.loc["I11"].outstanding_cny) == (4000, 6000)
    c1 = kpi("customer_invoices", None, customer_id="C1", as_of_date=D(2026, 3, 15)).set_index("invoice_id")
    assert (c1.loc["I13"].outstanding_cny, c1.loc["I13"].credit_cny) == (0, 200)  # overpaid
    payments = kpi("customer_payments", None, customer_id="C4", as_of_date=D(2026, 3, 15))
    assert list(payments.payment_id) == ["PAY3"]  # PAY4 (20 Mar) and PAY5 (16 Mar) come later



# --- visits and weekly activity (SPEC §4.8, §4.10) ---------------------------------------------

def test_weekly_quotas_fines_and_streaks(kpi):
    weeks = kpi("activity_weeks", ytd(), grain="week")
    k1 = weeks[weeks.salesperson_id == "K1"].set_index(weeks[weeks.salesperson_id == "K1"].period_start.dt.date)
    # 26 Jan: 3 / 16 / 100, exactly on quota — no fine, not short
    assert (k1.loc[D(2026, 1, 26)].fine_cny, k1.loc[D(2026, 1, 26)].short_weeks) == (0, 0)
    # 2 Feb: one organisation short × ¥100; 9 Feb: six batches short × ¥10
    assert (k1.loc[D(2026, 2, 2)].fine_cny, k1.loc[D(2026, 2, 9)].fine_cny) == (100, 60)
    # from 16 Feb the organisation quota is 4 (the rule in force on the Thursday, 19 Feb):
    # 3 of 4 → ¥100, and 95 of 100 numbers → 5 × ¥1
    assert (k1.loc[D(2026, 2, 16)].orgs_quota, k1.loc[D(2026, 2, 16)].fine_cny) == (4, 105)
    # 2 Mar: nothing at all: 4 × 100 + 16 × 10 + 100 × 1
    assert k1.loc[D(2026, 3, 2)].fine_cny == 660
    assert k1.short_streak.max() == 3 and not k1.flagged.any()  # three in a row: not flagged
    k2 = weeks[weeks.salesperson_id == "K2"]
    assert list(k2.short_streak) == [0, 1, 2, 3, 4] and list(k2.flagged) == [False] * 4 + [True]
    months = kpi("activity_weeks", ytd(), grain="month")
    k1m = months[months.salesperson_id == "K1"].set_index(months[months.salesperson_id == "K1"].period_start.dt.date)
    # the week 26 Jan – 1 Feb straddles the month: its Thursday (29 Jan) puts it in January;
    # February: 100 + 60 + 105 + 0 (23 Feb, on quota); March: 660 + 300
    assert list(k1m.fine_cny) == [0, 265, 960]
    assert list(k1m.index) == [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)]


def test_the_current_incomplete_week_is_not_judged(altered):
    _, run = altered("UPDATE store_meta SET as_of_date = DATE '2026-03-12'")  # a Thursday
    weeks = run("activity_weeks", ytd(), grain="week")
    # the week of 9 March ends on Sunday 15 March, after today: not judged, so K2's streak
    # stops at three and nobody is flagged
    assert weeks.period_start.max().date() == D(2026, 3, 2)
    assert not weeks.flagged.any()


def test_the_visit_lists(kpi):
    missed = kpi("revisits_not_done", ytd(), top=None)
    # VP2 (C1, February) done late on 2 March; VP4 (C4, February) never done
    assert list(missed.customer_id) == ["C1", "C4"]
    assert missed.visited_late_on.iloc[0].date() == D(2026, 3, 2) and pd.isna(missed.visited_late_on.iloc[1])
    assert list(missed.rows_count) == [2, 2]
    late = kpi("late_visit_records", ytd(), top=None).set_index("customer_id")
    # V2 filed on day 10 (3 late), V4 unfiled for 23 days (16 late), V7 filed on day 8 (1 late);
    # V3, filed on day 7, is on time
    assert sorted(late.days_late) == [1, 3, 16]
    # the first of them only (the page's screen), still saying how many there are in all
    first = kpi("late_visit_records", ytd(), top=1)
    assert len(first) == 1 and first.rows_count.iloc[0] == 3
    assert first.visit_date.iloc[0] == late.visit_date.max()  # latest first


def test_key_account_coverage_at_89_and_90_days(kpi):
    # C6's only visit was on 15 Dec 2025: 90 days before 15 March (outside D−89 … D) but
    # 89 days before 14 March (inside)
    on_15 = kpi("uncovered_key_accounts", ytd(), top=None)
    assert list(on_15.customer_id) == ["C6"]
    on_14 = kpi("uncovered_key_accounts", Filters(D(2026, 1, 1), D(2026, 3, 14)), top=None)
    assert on_14.empty
    assert kpi("key_account_coverage", Filters(D(2026, 1, 1), D(2026, 3, 14))).iloc[0].coverage_pct == 100


# --- satisfaction and complaints (SPEC §3.5, §4.5, §4.6) -----------------------------------------

def test_csat_confidence_interval_for_a_known_sample(kpi):
    feb = row(kpi("csat", ytd(), group_by="month"), group_id="2026-02")
    # Wilson, n = 5, p = 0.6, z² = 3.8416: centre (0.6 + 0.38416) / 1.76832 = 0.556553;
    # half-width 1.96 × √(0.048 + 0.038416) / 1.76832 = 0.325831 → 23.07 % … 88.24 %
    assert feb.ci_low_pct == pytest.approx(23.0722, abs=0.001)
    assert feb.ci_high_pct == pytest.approx(88.2384, abs=0.001)


def test_open_complaints_and_their_clocks(kpi):
    frame = kpi("open_complaints", ytd()).set_index("complaint_id")
    assert list(frame.index) == ["CP5", "CP3", "CP6", "CP4"]  # oldest first
    # CP3: never forwarded, received 10 Mar → QA clock ran out; CP5: action issued 12 Mar,
    # undelivered → action clock ran out; CP4, CP6: still within their clocks
    assert bool(frame.loc["CP3"].qa_clock_breached) and bool(frame.loc["CP5"].action_clock_breached)
    assert not frame.loc["CP4"].qa_clock_breached and not frame.loc["CP6"].action_clock_breached
    assert frame.loc["CP5"].age_days == 14  # 1 → 15 March
    assert frame.loc["CP4"].description.startswith("[点此查看](javascript:alert(1))")  # kept as text


def test_churned_customers_behind_the_rate(kpi):
    frame = kpi("churned_customers", Filters(D(2025, 7, 1), D(2025, 12, 31)))
    # C2 last ordered 12 Mar 2025 (1000), C3 on 1 Jun 2025 (4000 on 10 Jan + 100)
    assert list(frame.customer_id) == ["C3", "C2"]
    assert [d.date() for d in frame.last_order_date] == [D(2025, 6, 1), D(2025, 3, 12)]
    assert list(frame.base_sales_cny) == [4100, 1000]


def test_a_customers_timeline_keeps_their_words_as_text(kpi):
    frame = kpi("customer_timeline", None, customer_id="C3")
    assert list(frame.kind) == ["survey", "visit", "complaint", "survey"]  # newest first
    assert frame.text.iloc[-1] == "<script>alert(1)</script>"


# --- competitors (SPEC §3.6) ---------------------------------------------------------------------

def test_mentions_share_of_voice_price_gap_and_win_rate(kpi):
    frame = kpi("competitor_monthly", ytd())
    feb = frame[frame.month.dt.date == D(2026, 2, 1)].set_index("competitor")
    # February: 新锐智造 4 notes (N3, N4, N6, N7) of 6 → 66.7 %; 华南机电 and 恒通科技 1 each
    assert dict(feb.mentions_count) == {"新锐智造": 4, "华南机电": 1, "恒通科技": 1}
    assert feb.loc["新锐智造"].share_of_voice_pct == pytest.approx(400 / 6)
    # N3 has no competitor price: left out, so the median is N6's (700 − 1000) ÷ 1000 alone
    assert (feb.loc["新锐智造"].price_gap_median_pct, feb.loc["新锐智造"].price_observations_count) == (-30, 1)
    # bids: lost to 新锐智造 (N4), won against 华南机电 (N5)
    assert (feb.loc["新锐智造"].win_rate_pct, feb.loc["华南机电"].win_rate_pct) == (0, 100)


def test_the_monthly_competitor_report(kpi):
    report = kpi("competitor_report", None, month=D(2026, 2, 1)).set_index("competitor")
    assert list(report.index) == ["新锐智造", "华南机电", "恒通科技"]
    assert (report.loc["新锐智造"].mentions_count, report.loc["新锐智造"].mentions_change_count) == (4, 3)
    assert report.loc["新锐智造"].latest_notes.count("｜") == 2  # the three most recent notes
    assert report.loc["新锐智造"].latest_notes.startswith("2026-02-25：新锐智造推出新型号")


def test_searching_the_notes_in_chinese(kpi):
    found = kpi("competitor_notes_found", ytd(), search="中标", competitors=None, topics=None)
    assert list(found.note_text) == ["我方中标，华南机电落选", "本次招标新锐智造中标"]
    by_name = kpi("competitor_notes_found", ytd(), search="恒通", competitors=None, topics=None)
    assert list(by_name.competitor) == ["恒通科技"]
    literal = kpi("competitor_notes_found", ytd(), search="%", competitors=None, topics=None)
    assert literal.empty  # a plain substring: % is not a wildcard
    priced = kpi("competitor_notes_found", ytd(), search=None, competitors=["新锐智造"], topics=["price"])
    assert list(priced.price_gap_pct.round(1).fillna(999)) == [-30.0, 999, -20.0]  # N6, N3 (no price), N2


# --- commissions (SPEC §4.7, seed 004) -------------------------------------------------------
# tests/fixture: deals.csv, registrations.csv, commission_rules.csv. Rules: 设备 2 % until
# 15 Feb 2026 then 3 %; 耗材 5 %; no rule for 备件; referral share 50 %; lead bonus ¥200/unit.

RULES = {"share_override": None, "bonus_override": None}


def plain(frame):
    """Missing values as None, so a tuple of fields compares with None."""
    return frame.astype(object).where(frame.notna(), None)


def test_each_deal_gets_its_base_commission_and_its_one_attribution(kpi):
    lines = plain(kpi("commission_lines", ytd(), **RULES)).set_index("deal_id")
    # the seed's own example: a ¥4,000 commission (2 % × ¥200,000, rule CR1 in force on
    # 10 Feb), referral by 赵六 (K1, first visit, nobody earlier) → ¥2,000 each
    d1 = lines.loc["D1"]
    assert (d1.base_rule_id, d1.base_commission_cny, d1.attribution, d1.manager_name) == (
        "CR1", 4000, "referral", "赵六")
    assert (d1.share_rule_id, d1.referral_share_cny, d1.closer_keeps_cny) == ("CR4", 2000, 2000)
    # the rule changes mid-month: 20 Feb falls under CR2, 3 % × ¥100,000 = ¥3,000; no claim
    d2 = lines.loc["D2"]
    assert (d2.base_rule_id, d2.base_commission_cny, d2.void_code, d2.claims_count) == ("CR2", 3000, None, 0)
    # a lead: 3 units × ¥200 = ¥600 to 赵六 on top of the closer's 5 % × ¥3,000 = ¥150
    d9 = lines.loc["D9"]
    assert (d9.attribution, d9.manager_id, d9.bonus_rule_id, d9.lead_bonus_cny) == ("lead", "K1", "CR5", 600)
    assert (d9.base_commission_cny, d9.closer_keeps_cny) == (150, 150)
    # no base rate for 备件: nothing, and no rule named
    assert (lines.loc["D10"].base_commission_cny, lines.loc["D10"].base_rule_id) == (0, None)


def test_void_attributions_say_why(kpi):
    lines = plain(kpi("commission_lines", ytd(), **RULES)).set_index("deal_id")
    # D3: 钱七's referral of 乙商贸 (13800000002) — 李四 registered that phone on 1 Dec 2025
    d3 = lines.loc["D3"]
    assert (d3.void_code, d3.earlier_by_name, str(d3.earlier_at)) == (
        "already_registered", "李四", "2025-12-01 09:00:00")
    assert (d3.attribution, d3.referral_share_cny, d3.base_commission_cny, d3.closer_keeps_cny) == (None, 0, 500, 500)
    # D4: the lead's visit was not the customer's first
    assert (lines.loc["D4"].void_code, lines.loc["D4"].lead_bonus_cny) == ("not_first_visit", 0)
    # D7 claims a referral but 丙商贸 has no claim by its close (5 Mar; RG10 comes on 8 Mar)
    assert (lines.loc["D7"].void_code, lines.loc["D7"].manager_id) == ("no_registration", None)


def test_the_earlier_of_two_claims_wins(kpi):
    lines = plain(kpi("commission_lines", ytd(), **RULES)).set_index("deal_id")
    # D5 (戊物流): 钱七's referral on 3 Feb beats 赵六's lead on 5 Feb (same company and
    # phone, so the later one is void); share 50 % × (3 % × ¥50,000 = ¥1,500) = ¥750
    d5 = lines.loc["D5"]
    assert (d5.manager_id, d5.attribution, d5.referral_share_cny, d5.claims_count) == ("K2", "referral", 750, 2)
    # D6 (己科技) claims a lead, but a referral registered earlier (10 Feb, another spelling
    # and phone, so both valid) wins: referral, 50 % × ¥300 = ¥150, no lead bonus
    d6 = lines.loc["D6"]
    assert (d6.manager_id, d6.attribution, d6.referral_share_cny, d6.lead_bonus_cny) == ("K2", "referral", 150, 0)
    claims = plain(kpi("commission_claims", ytd()))
    verdicts = {(r.deal_id, r.manager_id): (r.verdict, r.void_code) for r in claims.itertuples()}
    assert verdicts == {
        ("D1", "K1"): ("won", None), ("D8", "K1"): ("cancelled", None),
        ("D3", "K2"): ("void", "already_registered"), ("D4", "K2"): ("void", "not_first_visit"),
        ("D5", "K2"): ("won", None), ("D5", "K1"): ("void", "already_registered"),
        ("D6", "K2"): ("won", None), ("D6", "K1"): ("lost", None), ("D9", "K1"): ("won", None),
    }


def test_a_cancelled_deal_earns_nothing(kpi):
    d8 = plain(kpi("commission_lines", ytd(), **RULES)).set_index("deal_id").loc["D8"]
    assert (d8.status, d8.base_commission_cny, d8.attribution, d8.lead_bonus_cny) == ("cancelled", 0, None, 0)


def test_payable_per_person_and_month(kpi):
    pay = kpi("commission_payable", ytd(), **RULES)
    got = {(r.person_id, r.month.month): r.payable_cny for r in pay.itertuples()}
    assert got == {
        ("S1", 2): 4000 - 2000 + 3000,  # D1 less 赵六's share, D2
        ("S1", 3): 0,                   # D8 cancelled
        ("S2", 1): 500,                 # D3, the void claim takes nothing
        ("S2", 3): 300 - 150 + 0,       # D6 less 钱七's share, D10 (no rule)
        ("S3", 2): 400 + 1500 - 750,    # D4, D5 less 钱七's share
        ("S3", 3): 100 + 150,           # D7, D9 (the lead bonus is extra, not taken from him)
        ("K1", 2): 2000 - 265,          # D1's share; fines 100 + 60 + 105 (test_weekly_quotas…)
        ("K1", 3): 600 - 960,           # D9's lead bonus 3 × ¥200; fines 660 + 300: negative, not floored
        ("K2", 2): 750 - 2 * 549,       # D5's share; weeks of 16 and 23 Feb: 3×100 + 15×10 + 99×1 each
        ("K2", 3): 150 - 2 * 549,       # D6's share; weeks of 2 and 9 Mar
    }
    # the whole: base 4000+3000+500+400+1500+300+100+150 = 9,950, bonuses 600, fines
    # 265+960+1098+1098 = 3,421 → 7,129; shares move between people and net to zero
    assert pay.payable_cny.sum() == 9950 + 600 - 3421
    assert pay.shares_given_cny.sum() == pay.shares_received_cny.sum() == 2000 + 750 + 150


def test_what_if_changes_the_payable_and_nothing_else(kpi):
    pay = kpi("commission_payable", ytd(), share_override=0.4, bonus_override=300)
    k1 = pay[pay.person_id == "K1"].set_index(pay[pay.person_id == "K1"].month.dt.month).payable_cny
    assert (k1[2], k1[3]) == (0.4 * 4000 - 265, 3 * 300 - 960)
    assert pay.payable_cny.sum() == 9950 + 900 - 3421
    # the store's rules are untouched: the rule values apply again without the overrides
    assert kpi("commission_payable", ytd(), **RULES).payable_cny.sum() == 7129


def test_a_statement_adds_up_to_the_payable(kpi):
    for person in ("S1", "S2", "S3", "K1", "K2"):
        statement = kpi("commission_statement", None, person=person, start_date=D(2026, 1, 1),
                        end_date=D(2026, 3, 15), **RULES)
        pay = kpi("commission_payable", ytd(salespeople=(person,)), **RULES)
        assert statement.amount_cny.sum() == pay.payable_cny.sum(), person
    k1 = kpi("commission_statement", None, person="K1", start_date=D(2026, 1, 1), end_date=D(2026, 3, 15), **RULES)
    kinds = list(zip(k1.kind, k1.deal_id.fillna("-"), k1.amount_cny))
    assert ("share_received", "D1", 2000) in kinds and ("lead_bonus", "D9", 600) in kinds
    assert ("claim_void", "D5", 0) in kinds and ("claim_lost", "D6", 0) in kinds
    assert ("claim_cancelled", "D8", 0) in kinds
    assert sorted(a for k, _, a in kinds if k == "fine") == [-660, -300, -105, -100, -60]


def test_overlapping_rules_are_named(kpi, altered):
    assert not kpi("commission_rules", None, on_date=D(2026, 3, 15)).overlaps_with.notna().any()
    _, run = altered("INSERT INTO commission_rules VALUES ('CR9', 'base_rate', '设备', 0.04, DATE '2026-03-01', NULL)")
    rules = run("commission_rules", None, on_date=D(2026, 3, 15)).set_index("rule_id")
    # CR2 (from 15 Feb, open-ended) and CR9 (from 1 Mar) both cover March for 设备; CR1 ended 15 Feb
    assert list(rules.loc["CR9"].overlaps_with) == ["CR2"] and list(rules.loc["CR2"].overlaps_with) == ["CR9"]
    assert plain(rules).loc["CR1"].overlaps_with is None


def test_commission_invariants_over_the_whole_demo_store(store_con):
    import queries

    everything = Filters(D(2020, 1, 1), D(2026, 11, 23))
    pay = queries.run_filtered("commission_payable", everything, **RULES)
    lines = queries.run_filtered("commission_lines", everything, **RULES)
    fines = queries.run_filtered("activity_weeks", everything, grain="week")
    assert len(lines) > 1000 and fines.fine_cny.sum() > 0 and lines.lead_bonus_cny.sum() > 0
    # every person's payable summed = base commissions + lead bonuses − fines (shares net out)
    assert pay.payable_cny.sum() == lines.base_commission_cny.sum() + lines.lead_bonus_cny.sum() - fines.fine_cny.sum()
    # a split never credits more than the deal's commission, and the closer never goes below zero
    assert (lines.referral_share_cny <= lines.base_commission_cny).all() and (lines.closer_keeps_cny >= 0).all()
    # one customer is never credited to two managers
    credited = lines[lines.attribution.notna()]
    assert credited.groupby("customer_id").manager_id.nunique().max() == 1
    # the demo's planted void attributions show with their reasons
    assert set(queries.run_filtered("commission_claims", everything).void_code.dropna()) == {
        "already_registered", "not_first_visit"}


# --- expenses and the monthly scorecard (SPEC §3.8, §4.11, §4.13) --------------------------------

def test_expense_overruns_and_spend_without_budget(kpi):
    over = plain(kpi("expense_overruns", ytd()))
    got = [(r.month.month, r.salesperson_id, r.category, r.budget_cny, r.actual_cny, r.excess_cny,
            r.control_ratio_pct, r.flag) for r in over.itertuples()]
    assert got == [
        (2, "S1", "travel", 1000, 1500, 500, 150.0, "overrun"),   # 1,500 ÷ 1,000
        (2, "S2", "other", 0, 200, 200, None, "no_budget"),       # flagged, never ÷ 0
        (2, "S3", "travel", 800, 1000, 200, 125.0, "overrun"),    # 1,000 ÷ 800
    ]  # January: S1 travel 600 + 300 = 900 of 1,000 and entertainment 0 of 500 are within budget


def test_the_month_in_progress_is_held_to_its_whole_budget(altered):
    # To the store's today (15 March) March is in progress: S1's March travel budget of 1,000
    # pro-rated to 15 of 31 days is 483.87, but spend is held to the whole 1,000 — 700 spent
    # on 2 March is no overrun; 1,200 is 200 over (120 %).
    from queries.filters import Filters

    period = Filters(D(2026, 1, 1), D(2026, 3, 15))
    _, run = altered("INSERT INTO expenses VALUES ('E9', DATE '2026-03-02', 'S1', 'R1', NULL, 'travel', 700, NULL)")
    over = run("expense_overruns", period)
    assert over[over.month.dt.month == 3].empty
    _, run = altered("INSERT INTO expenses VALUES ('E9', DATE '2026-03-02', 'S1', 'R1', NULL, 'travel', 1200, NULL)")
    over = run("expense_overruns", period)
    march = over[over.month.dt.month == 3]
    assert [(r.budget_cny, r.actual_cny, r.excess_cny, r.control_ratio_pct) for r in march.itertuples()] == [
        (1000, 1200, 200, 120.0)]


def test_the_years_budget_burn(kpi):
    burn = kpi("expense_burn", ytd()).set_index("day")
    today = burn.loc[pd.Timestamp(D(2026, 3, 15))]
    # annual budget = Jan 1,000 + 500, Feb 1,000 + 800, Mar 1,000 = 4,300; spent by 15 Mar
    # 600 + 300 + 1,500 + 1,000 + 200 = 3,600 → 83.7 %; 74 of 365 days elapsed → 20.3 %
    assert (today.annual_budget, today.cumulative_actual) == (4300, 3600)
    assert round(today.burn_pct, 1) == 83.7 and round(today.elapsed_pct, 1) == 20.3 and today.is_today
    # the budget's own plan: January's 1,500 spread over 31 days, then February's 1,800
    assert burn.loc[pd.Timestamp(D(2026, 1, 31))].cumulative_budget == 1500
    assert burn.loc[pd.Timestamp(D(2026, 2, 28))].cumulative_budget == 3300
    assert pd.isna(burn.loc[pd.Timestamp(D(2026, 3, 16))].cumulative_actual)  # after today: not drawn
    assert len(burn) == 365


@pytest.mark.parametrize("ratio, score", [(0.5, 120), (1.0, 100), (1.5, 50), (2.5, 0)])
def test_the_expense_score(ratio, score):
    from queries.scorecard import expense_score

    assert expense_score(ratio) == pytest.approx(score)  # clamp(2 − ratio, 0, 1.2) × 100


def test_february_scorecard_on_the_fixture(kpi):
    from queries.scorecard import scorecard

    card = scorecard(D(2026, 2, 1), ytd(), kpi).set_index("salesperson_id")
    # weights 30 / 20 / 15 / 15 / 10 / 10 (sales, collections, expense, revisits, complaints, new)
    # 王五: sales 5,000/5,000 → 100; collections 0; expense 1,000/800 = 1.25 → 2 − 1.25 → 75;
    #       revisits 0 of 1; complaint late → 0; new customers 1/1 → 100
    #       (30×100 + 20×0 + 15×75 + 15×0 + 10×0 + 10×100) ÷ 100 = 51.25
    assert card.loc["S3"].total_score == pytest.approx(51.25) and card.loc["S3"]["rank"] == 1
    # 李四: sales 3,000/6,000 → 50, collections 0; spend with no budget, no revisit plan, no
    #       complaint, no new-customer target: not scored on those → (30×50 + 20×0) ÷ 50 = 30
    assert card.loc["S2"].total_score == pytest.approx(30) and card.loc["S2"].expense_no_budget
    assert card.loc["S2"].unscored == ["expense_control", "revisit_completion", "complaint_timeliness",
                                        "new_customers"]
    # 张三: sales 0, collections 700/8,000 = 8.75, expense 1.5 → 50, revisits 0, complaint on time
    #       100, no new-customer target → (0 + 20×8.75 + 15×50 + 0 + 10×100) ÷ 90 = 21.39
    assert card.loc["S1"].total_score == pytest.approx(1925 / 90) and card.loc["S1"]["rank"] == 3


def test_the_scorecard_uses_the_targets_pages_attainment(kpi):
    from queries.scorecard import scorecard

    card = scorecard(D(2026, 1, 1), ytd(), kpi).set_index("salesperson_id")
    targets = kpi("attainment", Filters(D(2026, 1, 1), D(2026, 1, 31)), level="salesperson", grain="month")
    for person in ("S1", "S2", "S3"):
        shown = row(targets, node_id=person, metric="sales").plan_attainment_pct
        assert card.loc[person].sales_attainment_pct == shown


def test_scores_are_capped_and_the_weights_must_add_up():
    from queries.scorecard import ScorecardError, compose

    attainment = pd.DataFrame({"node_id": ["S1"], "metric": ["sales"], "plan_attainment_pct": [150.0]})
    empty = pd.DataFrame({"group_id": [], "control_ratio_pct": [], "budget_missing": [], "completion_pct": [],
                          "timeliness_pct": []})
    people = pd.DataFrame({"salesperson_id": ["S1"], "name": ["张三"], "role": ["salesperson"],
                           "region_id": ["R1"], "left_on": [None]})
    weights = pd.DataFrame({"component": ["sales_attainment", "collections_attainment", "expense_control",
                                          "revisit_completion", "complaint_timeliness", "new_customers"],
                            "weight": [30, 20, 15, 15, 10, 10]})
    card = compose(attainment, empty, empty, empty, weights, people, D(2026, 2, 1))
    assert card.iloc[0].sales_attainment_score == 120  # 150 % counts as 120
    assert card.iloc[0].total_score == 120  # the only component with a figure
    with pytest.raises(ScorecardError, match="add up to 95, not 100"):
        compose(attainment, empty, empty, empty, weights.assign(weight=[30, 20, 15, 15, 10, 5]), people,
                D(2026, 2, 1))


# --- data quality (SPEC §3.10, §4.12) ---------------------------------------------------------------

def test_incomplete_customers_owners_who_left_and_orphans(kpi, altered):
    incomplete = kpi("incomplete_customers", None).set_index("customer_id").missing_fields
    assert dict(incomplete) == {"C3": "phone", "C6": "industry"}  # C3 has no phone, C6 no industry
    assert kpi("customers_owner_left", None).empty  # nobody has left in the fixture
    orphans = kpi("orphan_references", None)
    assert len(orphans) > 30 and orphans.orphan_count.sum() == 0  # every reference checked, none broken
    _, run = altered("UPDATE salespeople SET left_on = DATE '2026-03-01' WHERE salesperson_id = 'S3'",
                     "DELETE FROM products WHERE product_id = 'P2'")  # as a replaced table might leave it
    left = run("customers_owner_left", None)
    orphans = run("orphan_references", None).set_index(["table_name", "column_name"])
    assert set(left.customer_id) == {"C3", "C4", "C5"}  # 王五's customers need a new owner
    assert orphans.loc[("sales", "product_id")].example == "P2" and orphans.orphan_count.sum() > 0
