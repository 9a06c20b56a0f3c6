"""The monthly scorecard (绩效考核表, SPEC §4.13), composed from the KPI queries the other
pages show — attainment, expense_control, revisit_completion, complaint_sla — so each
figure has one definition, and weighted by the `scorecard_weights` rows in force.

For each salesperson and component: score = min(actual ÷ target, 1.2) × 100 (sales,
collections and new customers against their targets; revisit completion and complaint
timeliness against 100 %); expense control: clamp(2 − actual ÷ budget, 0, 1.2) × 100.
Total = Σ weight × score ÷ Σ weight over the components that have a figure that month (a
salesperson with no target, no budget, no planned revisit or no complaint is not scored
on it, and the row says so). The weights in force must add up to 100.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable

import pandas as pd

from queries.filters import Filters
from queries.values import missing

COMPONENTS = ("sales_attainment", "collections_attainment", "expense_control", "revisit_completion",
              "complaint_timeliness", "new_customers")
CAP = 1.2


class ScorecardError(ValueError):
    """The scorecard cannot be computed as configured; the message says what to fix."""


def attainment_score(ratio: float | None) -> float | None:
    """min(actual ÷ target, 1.2) × 100; None when there is no figure."""
    if missing(ratio):
        return None
    return min(float(ratio), CAP) * 100


def expense_score(ratio: float | None) -> float | None:
    """clamp(2 − actual ÷ budget, 0, 1.2) × 100: on budget 100, half the budget 120 (the
    cap), 1.5× the budget 50, twice the budget or more 0; None without a budget."""
    if missing(ratio):
        return None
    return min(max(2 - float(ratio), 0.0), CAP) * 100


def previous_month(today: dt.date) -> dt.date:
    """The default month of the form: the calendar month before today's."""
    first = today.replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def due_date(month: dt.date) -> dt.date:
    """The form for a month is due by the 26th of the next month."""
    following = month.replace(day=28) + dt.timedelta(days=4)
    return following.replace(day=26)


def month_filters(month: dt.date, filters: Filters) -> Filters:
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    return Filters(month, last, regions=filters.regions, salespeople=filters.salespeople)


def scorecard(month: dt.date, filters: Filters, run: Callable[..., pd.DataFrame]) -> pd.DataFrame:
    """The ranked scorecard of `month` for the salespeople the filters choose. `run(name,
    filters, **extra)` runs a named query (the pages' cached loader, or a test's)."""
    f = month_filters(month, filters)
    return compose(
        attainment=run("attainment", f, level="salesperson", grain="period"),
        expenses=run("expense_control", f, group_by="salesperson"),
        revisits=run("revisit_completion", f, group_by="salesperson"),
        complaints=run("complaint_sla", f, group_by="salesperson"),
        weights=run("scorecard_weights", None, on_date=month),
        people=run("salesperson_options", f),
        month=month, salespeople=filters.salespeople)


def compose(attainment: pd.DataFrame, expenses: pd.DataFrame, revisits: pd.DataFrame, complaints: pd.DataFrame,
            weights: pd.DataFrame, people: pd.DataFrame, month: dt.date,
            salespeople: tuple[str, ...] = ()) -> pd.DataFrame:
    weight = {c: float(w) for c, w in zip(weights.component, weights.weight)}
    unweighted = [c for c in COMPONENTS if c not in weight]
    if unweighted or abs(sum(weight.values()) - 100) > 1e-6:
        raise ScorecardError(
            f"The scorecard weights in force on {month.isoformat()} add up to {sum(weight.values()):g}, not 100"
            + (f", and {', '.join(unweighted)} has no weight" if unweighted else "")
            + ": correct the scorecard_weights table.")
    staff = people[(people.role == "salesperson")
                   & (people.left_on.isna() | (pd.to_datetime(people.left_on) >= pd.Timestamp(month)))]
    if salespeople:
        staff = staff[staff.salesperson_id.isin(salespeople)]

    def pct(frame, key, value, **where):
        picked = frame
        for column, wanted in where.items():
            picked = picked[picked[column] == wanted]
        return dict(zip(picked[key], picked[value]))

    actual = {
        "sales_attainment": pct(attainment, "node_id", "plan_attainment_pct", metric="sales"),
        "collections_attainment": pct(attainment, "node_id", "plan_attainment_pct", metric="collections"),
        "expense_control": pct(expenses, "group_id", "control_ratio_pct"),
        "revisit_completion": pct(revisits, "group_id", "completion_pct"),
        "complaint_timeliness": pct(complaints, "group_id", "timeliness_pct"),
        "new_customers": pct(attainment, "node_id", "plan_attainment_pct", metric="new_customers"),
    }
    no_budget = set(expenses.group_id[expenses.budget_missing])
    rows = []
    for person in staff.itertuples():
        row = {"salesperson_id": person.salesperson_id, "name": person.name, "region_id": person.region_id}
        total = weights_used = 0.0
        unscored = []
        for component in COMPONENTS:
            value = actual[component].get(person.salesperson_id)
            value = None if missing(value) else float(value)
            score = (expense_score if component == "expense_control" else attainment_score)(
                None if value is None else value / 100)
            row[component + "_pct"], row[component + "_score"] = value, score
            if score is None:
                unscored.append(component)
            else:
                total += weight[component] * score
                weights_used += weight[component]
        row["total_score"] = total / weights_used if weights_used else None
        row["unscored"] = unscored
        row["expense_no_budget"] = person.salesperson_id in no_budget
        rows.append(row)
    columns = ["salesperson_id", "name", "region_id",
               *[c + suffix for c in COMPONENTS for suffix in ("_pct", "_score")],
               "total_score", "unscored", "expense_no_budget"]
    table = pd.DataFrame(rows, columns=columns)
    figures = [c for c in columns if c.endswith(("_pct", "_score"))]
    table[figures] = table[figures].astype("float64")  # a component nobody has a figure for is NaN, not None
    table = table.sort_values(["total_score", "salesperson_id"], ascending=[False, True], na_position="last")
    table.insert(0, "rank", table.total_score.rank(method="min", ascending=False).astype("Int64"))
    return table.reset_index(drop=True)
