"""Customer development (README "Pipeline") against the hand-made fixture store.

The store's today is 2026-03-15. tests/fixture/opportunities.csv and opportunity_stages.csv
hold eight opportunities: O1–O6 created in 2026 (the funnel's cohort for the year to date),
O7 and O8 created in 2025 and won in 2026. Each expected figure is worked out by hand from
the CSV rows; the arithmetic is written beside it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from queries.filters import Filters, Scope
from queries.values import missing

D = dt.date
YTD = Filters(D(2026, 1, 1), D(2026, 3, 15))


def by(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    return frame.set_index(column)


def test_funnel_conversion_and_days_in_stage_with_an_opportunity_that_moved_back(kpi):
    funnel = by(kpi("pipeline_funnel", YTD), "stage")
    # furthest stage reached: O1 won, O2 negotiation (moved back to proposal and on again),
    # O3 proposal (then lost), O4 proposal, O5 approved, O6 lead; O7 and O8 were created in 2025
    assert funnel.reached_count.tolist() == [6, 5, 4, 2, 1]
    assert funnel.current_count.tolist() == [1, 1, 1, 1, 1]  # O6, O5, O4, O2, O1 (O3 is lost)
    assert funnel.conversion_pct.tolist()[:4] == pytest.approx([5 / 6 * 100, 4 / 5 * 100, 2 / 4 * 100, 1 / 2 * 100])
    assert pd.isna(funnel.conversion_pct["won"])
    # days in lead: O1 5 (5→10 Jan), O2 5, O3 8, O4 9, O5 9, O6 5 (10 Mar → today) → 5 5 5 8 9 9: (5 + 8) / 2
    assert funnel.median_days_in_stage["lead"] == 6.5
    # approved: O1 10, O2 17, O3 16, O4 10, O5 14 (1 Mar → today) → median 14
    assert funnel.median_days_in_stage["approved"] == 14
    # proposal: O1 12, O3 24 (5 Feb → lost 1 Mar), O4 23 (20 Feb → today), and O2 twice: 1 → 15 Feb
    # (14) and 25 Feb → 5 Mar (8) = 22 → 12 22 23 24: (22 + 23) / 2
    assert funnel.median_days_in_stage["proposal"] == 22.5
    # negotiation: O1 9 (1 → 10 Feb), O2 10 (15 → 25 Feb) + 10 (5 Mar → today) = 20 → (9 + 20) / 2
    assert funnel.median_days_in_stage["negotiation"] == 14.5
    # expected amounts of those that reached approved: O1–O5 = 20000 + 50000 + 30000 + 40000 + 10000
    assert funnel.expected_cny["approved"] == 150_000


def test_weighted_pipeline_and_coverage_of_what_is_left_this_quarter(kpi):
    quarter = by(kpi("pipeline_coverage", YTD, horizon="quarter", group_by="region"), "group_id")
    north, south = quarter.loc["R1"], quarter.loc["R2"]
    # North: O2 in negotiation, 50000 × 70 % (the 2026 probability, not 2025's 50 %), due 31 Mar;
    # O6 (a lead, 31 May) falls after the quarter
    assert (north.open_count, north.weighted_cny) == (1, 35_000)
    # Q1 sales plan of S1 and S2: 3 × 10000 + 3 × 6000 = 48000; sold 1 Jan – 15 Mar: 9000 + 3000
    assert (north.target_cny, north.sales_to_date_cny, north.remaining_cny) == (48_000, 12_000, 36_000)
    assert north.coverage_pct == pytest.approx(35_000 / 36_000 * 100)  # 97.2 %
    # South: O5 (approved, 10000 × 20 %) only — O4 is expected in June; S3's plan 5000 + 5000 + 0
    # is already passed by 11500 sold, so nothing is left to reach and no coverage is given
    assert (south.weighted_cny, south.remaining_cny) == (2_000, 0)
    assert pd.isna(south.coverage_pct)
    year = by(kpi("pipeline_coverage", YTD, horizon="year", group_by="salesperson"), "group_id")
    # the year: S3 has O4, 40000 × 40 %; the year's plan 55000 less 11500 sold
    assert (year.loc["S3", "weighted_cny"], year.loc["S3", "remaining_cny"]) == (16_000, 43_500)
    assert year.loc["S3", "coverage_pct"] == pytest.approx(16_000 / 43_500 * 100)


def test_the_landing_forecast_gains_the_weighted_pipeline_beside_the_run_rate(kpi):
    forecast = by(kpi("landing_forecast", YTD, level="region", metric="sales"), "node_id")
    # North to the year's end: O2 35000 + O6 5000 × 10 % = 35500; actual + pipeline = 12000 + 35500
    assert (forecast.loc["R1", "weighted_pipeline_cny"], forecast.loc["R1", "pipeline_forecast_value"]) == (
        35_500, 47_500)
    # South: O4 16000 + O5 2000; 11500 + 18000
    assert forecast.loc["R2", "pipeline_forecast_value"] == 29_500
    # the run-rate forecast is unchanged beside it: 12000 + 13000 / 90 × 291 days left
    assert forecast.loc["R1", "forecast_value"] == pytest.approx(12_000 + 13_000 / 90 * 291, abs=0.005)
    gross = kpi("landing_forecast", YTD, level="region", metric="gross_profit")
    assert gross.weighted_pipeline_cny.isna().all()  # opportunities carry amounts, not gross profit


def test_stalled_opportunities_projects_without_a_plan_and_overdue_actions(kpi):
    attention = by(kpi("pipeline_attention", YTD, stalled_days=14, top=None), "opportunity_id")
    # O4 last changed 20 Feb (23 days), O5 on 1 Mar (exactly 14 days: stalled); O2 changed 5 Mar
    # but its action A2 was due 10 Mar and is not done; O6 changed 10 Mar, not approved
    assert attention.index.tolist() == ["O4", "O5", "O2"]
    assert attention.is_stalled.tolist() == [True, True, False]
    assert attention.without_plan.tolist() == [False, True, False]  # O5 approved 1 Mar, no action
    assert attention.overdue_actions_count.tolist() == [0, 0, 1]
    assert kpi("pipeline_attention", YTD, stalled_days=15, top=None).opportunity_id.tolist() == ["O4", "O5", "O2"]
    assert by(kpi("pipeline_attention", YTD, stalled_days=15, top=None), "opportunity_id").is_stalled["O5"] == False  # noqa: E712
    actions = kpi("overdue_actions", YTD)
    # A2 due 10 Mar, open: 5 days; A3 is due 20 Mar; A1 and A4 are done
    assert actions[["action_text", "days_overdue"]].values.tolist() == [["高层拜访", 5]]


def test_won_and_lost_by_competitor_and_reason_beside_the_bids_noted(kpi):
    competitors = by(kpi("pipeline_won_lost", YTD, group_by="competitor"), "group_id")
    # closed in the period: O1 won vs 华南机电 (10 Feb), O3 lost vs 新锐智造 (1 Mar), O7 won naming
    # none (14 Mar), O8 won vs 新锐智造 (25 Jan)
    assert competitors.loc["新锐智造", ["won_count", "lost_count"]].tolist() == [1, 1]
    assert competitors.loc["新锐智造", "win_rate_pct"] == 50  # 1 ÷ (1 + 1) × 100
    assert competitors.loc["", "won_cny"] == 8_000
    # the bids noted: N4 lost to 新锐智造 (10 Feb), N5 won against 华南机电 (12 Feb)
    assert competitors.loc["新锐智造", ["bids_won_count", "bids_lost_count", "bid_win_rate_pct"]].tolist() == [0, 1, 0]
    assert competitors.loc["华南机电", ["won_count", "bids_won_count", "bid_win_rate_pct"]].tolist() == [1, 1, 100]
    assert pd.isna(competitors.loc["", "bids_won_count"])  # no note names "no competitor"
    # 恒通科技 is only in a promotion note, no bid: not a row
    assert sorted(competitors.index) == ["", "华南机电", "新锐智造"]
    reasons = kpi("pipeline_won_lost", YTD, group_by="lost_reason")
    assert reasons[["group_id", "lost_count", "lost_cny"]].values.tolist() == [["price", 1, 30_000]]
    assert reasons.bids_won_count.isna().all()
    february = by(kpi("pipeline_won_lost", Filters(D(2026, 2, 1), D(2026, 2, 28)), group_by="competitor"),
                  "group_id")
    # O1 closed on 10 Feb; N4 and N5 were noted in February; O8 (Jan) and O3 (Mar) are outside
    assert february.loc["华南机电", ["won_count", "bids_won_count"]].tolist() == [1, 1]
    assert february.loc["新锐智造", ["won_count", "lost_count", "bids_lost_count"]].tolist() == [0, 0, 1]
    assert pd.isna(february.loc["新锐智造", "win_rate_pct"])  # nothing closed against it: no rate, not 0
    # tier A: O1 (C1) and O8 (C4) stay, the prospects and O7 (C3, tier C) go; the bids were noted on
    # C3 (tier C) and C2 (tier B): none stays
    tier_a = by(kpi("pipeline_won_lost", Filters(YTD.start_date, YTD.end_date, tiers=("A",)), group_by="competitor"),
                "group_id")
    assert tier_a[["won_count", "lost_count"]].to_dict("index") == {
        "华南机电": {"won_count": 1, "lost_count": 0}, "新锐智造": {"won_count": 1, "lost_count": 0}}
    assert tier_a.bids_won_count.isna().all()


def test_the_24_hour_signing_clock_at_24_h_0_min_and_24_h_1_min_and_review_waits(kpi):
    contracts = by(kpi("contracts_status", YTD, top=None), "contract_id")
    # CT1 agreed 10 Feb 09:00, signed 11 Feb 09:00: exactly 24 h — in time
    assert (contracts.loc["CT1", "hours_to_sign"], contracts.loc["CT1", "sign_clock"]) == (24, "met")
    # CT2 agreed 25 Jan 10:00, signed 26 Jan 10:01: 24 h 1 min — late
    assert contracts.loc["CT2", "hours_to_sign"] == pytest.approx(24 + 1 / 60)
    assert contracts.loc["CT2", "sign_clock"] == "breached"
    # CT3 agreed 14 Mar 15:00, not signed: its 24 h ran out 15 Mar 15:00, before today ends
    assert contracts.loc["CT3", ["sign_clock", "review_state"]].tolist() == ["breached", "awaiting_signature"]
    # CT1 signed, no first review: waiting since 11 Feb 09:00 to the end of 15 Mar = 32 days 15 h
    assert contracts.loc["CT1", "review_state"] == "awaiting_first_review"
    assert contracts.loc["CT1", "waiting_days"] == pytest.approx(32 + 15 / 24)
    # CT2 passed its first review 27 Jan 10:00; the GM's is awaited: 47 days 14 h
    assert contracts.loc["CT2", "review_state"] == "awaiting_gm_review"
    assert contracts.loc["CT2", "waiting_days"] == pytest.approx(47 + 14 / 24)
    sla = kpi("contract_sla", YTD).iloc[0]
    assert (sla.contracts_count, sla.met_count, sla.breached_count) == (3, 1, 2)
    assert sla.signed_in_time_pct == pytest.approx(100 / 3)  # 1 of 3 judged
    assert (sla.awaiting_first_review_count, sla.awaiting_gm_review_count) == (1, 1)


def test_invoices_due_this_month_against_those_issued(kpi):
    due = kpi("due_invoicing", YTD)
    # March: CT1 #1 (1 Mar, 1000) issued as I01 on 1 Mar; CT2 #2 (10 Mar, 2000) issued early as
    # I12 on 8 Feb; CT1 #2 (20 Mar, 19000) not yet. CT2 #1 (29 Jan) was issued: not listed
    assert due[["contract_id", "instalment_no", "status"]].values.tolist() == [
        ["CT1", 1, "issued"], ["CT2", 2, "issued"], ["CT1", 2, "to_issue"]]
    assert (due.amount_cny.sum(), due.issued_cny.sum()) == (22_000, 3_000)  # 1000 + 2000 + 19000; 1000 + 2000


def test_an_instalment_paid_in_two_payments(kpi, altered):
    due = by(kpi("due_instalments", YTD), "contract_id")
    # 15 March: CT2's payments on I11/I12 by then are PAY3 4000 (1 Mar), which settles
    # instalment 1 (4000, due 28 Feb — not listed); instalment 2 (8000, due 31 Mar) has nothing yet
    assert due.loc["CT2", ["instalment_no", "collected_cny", "outstanding_cny", "status"]].tolist() == [
        2, 0, 8_000, "due"]
    _, run = altered("UPDATE store_meta SET as_of_date = DATE '2026-03-31'")
    later = by(run("due_instalments", Filters(D(2026, 3, 1), D(2026, 3, 31))), "contract_id")
    # 31 March: PAY5 2000 (16 Mar, I12) and PAY4 6000 (20 Mar, I11) settle instalment 2 in full
    assert later.loc["CT2", ["collected_cny", "outstanding_cny", "status"]].tolist() == [8_000, 0, "collected"]
    assert later.loc["CT2", "paid_in_full_on"] == pd.Timestamp("2026-03-20")
    _, run = altered("UPDATE store_meta SET as_of_date = DATE '2026-03-17'")
    between = by(run("due_instalments", Filters(D(2026, 3, 1), D(2026, 3, 31))), "contract_id")
    assert between.loc["CT2", ["collected_cny", "outstanding_cny"]].tolist() == [2_000, 6_000]  # PAY5 only


def test_instalments_of_a_month_before_any_payment(kpi):
    # February (its report, before the first payment on 1 March): CT2's instalment 1 (4000, due
    # 28 Feb) is due that month with nothing collected; it is due, not overdue, on its own day
    due = kpi("due_instalments", Filters(D(2026, 2, 1), D(2026, 2, 28)))
    assert due[["contract_id", "instalment_no", "collected_cny", "outstanding_cny", "status"]].values.tolist() == [
        ["CT2", 1, 0, 4_000, "due"]]
    assert missing(due.paid_in_full_on.iloc[0])


def test_a_salesperson_sees_only_their_opportunities_and_contracts(kpi):
    own = Scope("salesperson", "S1")
    assert kpi("pipeline_attention", YTD, scope=own, stalled_days=14, top=None).opportunity_id.tolist() == ["O2"]
    assert kpi("contracts_status", YTD, scope=own, top=None).contract_id.tolist() == ["CT1"]
    assert kpi("due_instalments", YTD, scope=own).contract_id.unique().tolist() == ["CT1"]
    # a prospect has no tier: under a tier filter only opportunities with customers remain
    tier_a = kpi("pipeline_funnel", Filters(D(2026, 1, 1), D(2026, 3, 15), tiers=("A",)))
    assert tier_a.reached_count.iloc[0] == 1  # O1 (C1, tier A)
