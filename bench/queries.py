"""Time every KPI query on a store, and five of the heaviest against pandas.

    python bench/queries.py --db /tmp/big.duckdb [--runs 5] [--narrow industries]

Build the store first (`python -m store demo --db /tmp/big.duckdb --scale 10m`). Each query
runs once to warm up, then --runs times; the median is reported. For five heavy queries the
same figures are then computed in pandas from DataFrames already in memory (loading them is
not timed), the two results are checked to agree, and the ratio pandas ÷ DuckDB is printed:
both run in this process on this machine, so the ratio, not the milliseconds, is what
carries to another machine. `--narrow industries` (or `product_lines`, `salespeople`) runs
every query that takes the filters under the store's busiest value of that filter instead
(no pandas baselines then).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import queries  # noqa: E402
from queries.filters import Filters  # noqa: E402
from store import db  # noqa: E402


def timed(call: Callable[[], object], runs: int) -> tuple[float, object]:
    call()  # warm-up
    times, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), result


def cases(today: dt.date, customer: str, kam: str) -> dict[str, tuple[Filters | None, dict]]:
    """One meeting-sized call per query: year to date, department level."""
    ytd = Filters(dt.date(today.year, 1, 1), today)
    return {
        "abnormal_customers": (ytd, {"top": None}),
        "alert_summary": (ytd, {}),
        "competitor_monthly": (ytd, {}),
        "competitor_notes_found": (ytd, {"search": "报价", "competitors": None, "topics": None}),
        "competitor_report": (None, {"month": dt.date(today.year, today.month, 1)}),
        "competitor_topics": (ytd, {}),
        "churned_customers": (ytd, {}),
        "complaint_clock_hours": (ytd, {}),
        "customer_timeline": (None, {"customer_id": customer}),
        "open_complaints": (ytd, {}),
        "activity_weeks": (ytd, {"grain": "week"}),
        "late_visit_records": (ytd, {"top": 200}),
        "revisits_not_done": (ytd, {"top": 200}),
        "uncovered_key_accounts": (ytd, {"top": 200}),
        "visit_volume": (ytd, {}),
        "archive_completeness": (None, {}),
        "attainment": (ytd, {"level": "region", "grain": "month"}),
        "churn": (ytd, {}),
        "commission_claims": (ytd, {}),
        "commission_lines": (ytd, {"share_override": None, "bonus_override": None}),
        "commission_payable": (ytd, {"share_override": None, "bonus_override": None}),
        "commission_rules": (None, {"on_date": today}),
        "commission_statement": (None, {"person": kam, "start_date": ytd.start_date, "end_date": today,
                                        "share_override": None, "bonus_override": None}),
        "complaint_sla": (ytd, {"group_by": "month"}),
        "collections_worklist": (None, {"as_of_date": today, "bucket": "all", "top": 200}),
        "credit_breaches": (None, {"as_of_date": today}),
        "customer_invoices": (None, {"customer_id": customer, "as_of_date": today}),
        "customer_payments": (None, {"customer_id": customer, "as_of_date": today}),
        "overdue_ratio_trend": (None, {"as_of_date": today}),
        "csat": (ytd, {"group_by": "month"}),
        "expense_control": (ytd, {"group_by": "salesperson"}),
        "expense_burn": (ytd, {}),
        "expense_overruns": (ytd, {}),
        "key_customer_budgets": (ytd, {}),
        "scorecard_weights": (None, {"on_date": dt.date(today.year, today.month, 1)}),
        "growth": (ytd, {"level": "region"}),
        "key_account_coverage": (ytd, {}),
        "landing_forecast": (ytd, {"level": "salesperson", "metric": "sales"}),
        "pacing_by_day": (ytd, {"metric": "sales"}),
        "receivables_aging": (None, {"as_of_date": today, "group_by": "region"}),
        "receivables_dso_cei": (ytd, {}),
        "revisit_completion": (ytd, {"group_by": "salesperson"}),
        "sales_lines": (Filters(dt.date(today.year, today.month, 1), today), {"salesperson_id": "S0100"}),
        "salesperson_options": (None, {}),
        "store_meta": (None, {}),
        "data_freshness": (None, {"tables": list(db.TABLES)}),
        "table_profile": (None, {}),
        "orphan_references": (None, {}),
        "incomplete_customers": (None, {}),
        "customers_owner_left": (None, {}),
        "filter_options": (None, {}),
        "visit_record_timeliness": (ytd, {"group_by": "month"}),
        "pipeline_funnel": (ytd, {}),
        "pipeline_coverage": (ytd, {"horizon": "quarter", "group_by": "salesperson"}),
        "pipeline_attention": (ytd, {"stalled_days": 30, "top": 200}),
        "overdue_actions": (ytd, {}),
        "pipeline_won_lost": (ytd, {"group_by": "competitor"}),
        "contracts_status": (ytd, {"top": 200}),
        "contract_sla": (ytd, {}),
        "due_invoicing": (ytd, {}),
        "due_instalments": (ytd, {}),
        "plan_people": (None, {"plan_year": today.year + 1, "base_year": today.year - 1}),
        "plan_versions": (None, {"kind": "targets"}),
        "plan_in_force": (None, {"plan_year": today.year, "kind": "targets", "measure": "sales"}),
        "plan_expenses": (None, {"base_year": today.year - 1}),
        "plan_key_customers": (None, {"plan_year": today.year, "base_year": today.year - 1}),
        "plan_difference": (ytd, {"level": "salesperson", "other_version": None}),
    }


# --- the pandas baselines: the same figures from DataFrames in memory -----------------------

def pandas_attainment_sales(f: dict[str, pd.DataFrame], today: dt.date) -> pd.DataFrame:
    s = f["sales"]
    s = s[(s.order_date >= pd.Timestamp(today.year, 1, 1)) & (s.order_date <= pd.Timestamp(today))]
    out = s.assign(month=s.order_date.dt.to_period("M").dt.start_time).groupby(
        ["month", "region_id"]).amount.sum()
    return out.rename("actual").reset_index()


def pandas_growth(f: dict[str, pd.DataFrame], today: dt.date) -> pd.DataFrame:
    s = f["sales"]
    start = pd.Timestamp(today.year, 1, 1)
    length = (pd.Timestamp(today) - start).days + 1

    def between(a, b):
        return s[(s.order_date >= a) & (s.order_date <= b)].groupby("region_id").amount.sum()

    cur = between(start, pd.Timestamp(today))
    py = between(start - pd.DateOffset(years=1), pd.Timestamp(today) - pd.DateOffset(years=1))
    prev = between(start - pd.Timedelta(days=length), start - pd.Timedelta(days=1))
    return pd.DataFrame({"cur": cur, "py": py, "prev": prev}).fillna(0)


def pandas_aging(f: dict[str, pd.DataFrame], today: dt.date) -> pd.DataFrame:
    d = pd.Timestamp(today)
    inv = f["invoices"][f["invoices"].issue_date <= d]
    pay = f["payments"]
    paid = pay[pay.paid_on <= d].groupby("invoice_id").amount.sum()
    inv = inv.assign(paid=inv.invoice_id.map(paid).fillna(0))
    inv = inv.assign(outstanding=(inv.amount - inv.paid).round(2).clip(lower=0),  # to the fen
                     dpd=(d - inv.due_date).dt.days)
    bucket = pd.cut(inv.dpd, [-np.inf, 0, 30, 60, 90, 180, np.inf],
                    labels=["not_due", "d30", "d60", "d90", "d180", "over"])
    return inv.groupby(["region_id", bucket], observed=False).outstanding.sum().unstack()


def pandas_churn(f: dict[str, pd.DataFrame], today: dt.date) -> tuple[int, int]:
    s = f["sales"]
    start = pd.Timestamp(today.year, 1, 1)
    base_start = start - pd.DateOffset(months=12)
    orders = s[(s.quantity > 0) & (s.order_date >= base_start) & (s.order_date <= pd.Timestamp(today))]
    base = set(orders[orders.order_date < start].customer_id)
    active = set(orders[orders.order_date >= start].customer_id)
    return len(base), len(base - active)


def pandas_pacing(f: dict[str, pd.DataFrame], today: dt.date) -> pd.Series:
    s = f["sales"]
    s = s[(s.order_date >= pd.Timestamp(today.year, 1, 1)) & (s.order_date <= pd.Timestamp(today))]
    days = pd.date_range(pd.Timestamp(today.year, 1, 1), pd.Timestamp(today))
    return s.groupby("order_date").amount.sum().reindex(days, fill_value=0).cumsum()


def agree(name: str, ours: pd.DataFrame, theirs, today: dt.date) -> bool:
    """Whether DuckDB's result and the pandas baseline give the same figures."""
    if name == "attainment":
        got = ours[ours.metric == "sales"][["bucket_start", "node_id", "actual_value"]]
        got = got[got.bucket_start <= pd.Timestamp(today)]
        merged = got.merge(theirs, left_on=["bucket_start", "node_id"], right_on=["month", "region_id"])
        return len(merged) == len(theirs) and np.allclose(merged.actual_value, merged.actual, atol=0.005)
    if name == "growth":
        got = ours[ours.metric == "sales"].set_index("node_id")
        return all(np.allclose(got[a].astype(float), theirs.loc[got.index, b], atol=0.005)
                   for a, b in [("current_value", "cur"), ("prior_year_value", "py"),
                                ("previous_period_value", "prev")])
    if name == "receivables_aging":
        got = ours.set_index("group_id")
        cols = ["not_due_cny", "days_1_30_cny", "days_31_60_cny", "days_61_90_cny",
                "days_91_180_cny", "over_180_cny"]
        return np.allclose(got[cols].astype(float).values, theirs.loc[got.index].values, atol=0.005)
    if name == "churn":
        r = ours.iloc[0]
        return (r.base_customers_count, r.churned_count) == theirs
    if name == "pacing_by_day":
        got = ours[ours.day <= pd.Timestamp(today)].set_index("day").cumulative_actual
        return np.allclose(got.astype(float).values, theirs.values, atol=0.005)
    raise KeyError(name)


BASELINES = {
    "attainment": pandas_attainment_sales, "growth": pandas_growth,
    "receivables_aging": pandas_aging, "churn": pandas_churn, "pacing_by_day": pandas_pacing,
}


BUSIEST = {  # the value of each filter with the most sales lines: the heaviest narrowed view
    "industries": "SELECT c.industry FROM sales s JOIN customers c USING (customer_id) GROUP BY ALL "
                  "ORDER BY count(*) DESC LIMIT 1",
    "product_lines": "SELECT p.product_line FROM sales s JOIN products p USING (product_id) GROUP BY ALL "
                     "ORDER BY count(*) DESC LIMIT 1",
    "salespeople": "SELECT salesperson_id FROM sales WHERE salesperson_id IS NOT NULL GROUP BY ALL "
                   "ORDER BY count(*) DESC LIMIT 1",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="the store to measure (never data/ by default)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--narrow", choices=sorted(BUSIEST), help="under the busiest value of this filter")
    args = parser.parse_args()
    con = db.connect(args.db)
    narrowed = {}
    if args.narrow:
        narrowed = {args.narrow: (con.execute(BUSIEST[args.narrow]).fetchone()[0],)}
        print(f"narrowed to {args.narrow} {narrowed[args.narrow][0]}")
    today = con.execute("SELECT as_of_date FROM store_meta").fetchone()[0]
    customer = con.execute("SELECT customer_id FROM invoices ORDER BY invoice_id DESC LIMIT 1").fetchone()[0]
    kam = con.execute("SELECT min(salesperson_id) FROM salespeople WHERE role = 'key_account_manager'").fetchone()[0]
    counts = dict(con.execute("SELECT table_name, estimated_size FROM duckdb_tables()").fetchall())
    print(f"store {args.db}: {counts['sales']:,} sales lines, as of {today}, "
          f"{os.cpu_count()} cores, median of {args.runs} warm runs\n")
    results, rows = {}, []
    for name, (filters, extra) in cases(today, customer, kam).items():
        if narrowed and filters is None:
            continue  # a query that takes no filters: the same as without --narrow
        if narrowed:
            filters = dataclasses.replace(filters, **narrowed)
        ms, frame = timed(lambda n=name, f=filters, e=extra: queries.run_filtered(n, f, con=con, **e), args.runs)
        results[name] = frame
        rows.append([name, ms])
    if not narrowed:
        print("loading DataFrames for the pandas baselines (not timed)…", flush=True)
        frames = {t: con.execute("SELECT * FROM " + t).df()
                  for t in ("sales", "invoices", "payments")}
    for row in rows:
        name = row[0]
        if name in BASELINES and not narrowed:
            ms, theirs = timed(lambda n=name: BASELINES[n](frames, today), args.runs)
            if not agree(name, results[name], theirs, today):
                raise SystemExit(f"{name}: DuckDB and pandas disagree")
            row += [ms, ms / row[1]]
        else:
            row += [None, None]
    rows.sort(key=lambda r: -r[1])
    print("| query | DuckDB ms | pandas ms | pandas ÷ DuckDB |")
    print("|---|---:|---:|---:|")
    for name, ms, pms, ratio in rows:
        pandas_part = f"{pms:,.0f} | {ratio:.1f}×" if pms is not None else "– | –"
        print(f"| {name} | {ms:,.0f} | {pandas_part} |")


if __name__ == "__main__":
    main()
