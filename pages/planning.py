"""Planning (SPEC §3.12): the year's targets, or its expense budget, decomposed from an annual
figure to months and to people in a grid that always adds up to the fen, exported to Excel and
read back, and saved as a named plan version through the import path. The arithmetic is
store/planning.py's."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from queries.filters import Filters
from queries.values import missing, missing_each
from store import db, importer, planning
from ui import fmt
from ui.shell import (
    audited_download,
    download,
    footer,
    lang,
    load,
    problems_table,
    start_page,
    t,
    table,
    viewer,
)

page = start_page("planning", "🧮")
who = viewer()
if not who.may("planning"):  # the head and the assistant
    st.info(t("planning.not_allowed"))
    st.stop()
if db.replica():  # a read-only copy: plans are saved on the importing dashboard
    st.info(t("notice.replica"))
    st.stop()
done = st.session_state.pop("plan_saved", None)
if done:
    st.success(done)

st.session_state.update(st.session_state.pop("plan_pending", {}))  # a workbook's figures, read in the last run
today = page.today
top = st.columns([2, 4, 5])
year = top[0].selectbox(t("planning.year"), (today.year, today.year + 1), index=int(today.month >= 10),
                        key="plan_year")
base = year - 1 if dt.date(year - 1, 12, 31) <= today else year - 2  # the last whole year the store has
kind = top[1].radio(t("planning.kind"), ("targets", "budgets", "customers"), key="plan_kind", horizontal=True,
                    format_func=lambda k: t("planning.kind." + k))


def versions_saved(of: str) -> None:
    st.markdown("**" + t("planning.versions") + "**")
    versions = load("plan_versions", None, kind=of)
    if versions.empty:
        st.caption(t("planning.no_versions"))
    else:
        table(versions)
        download(versions, "plan-versions", None, key="versions_csv")


def save_plan(table: str, rows, name: str, said: str) -> None:
    """Save the plan's rows (made by `rows()`) to `table` as the version `name` and say so (text
    `said`) at the next run; or say why nothing was saved, with every problem of the rows."""
    try:
        result = planning.save(db.shared_connection(), table, rows(), name, who.user_name)
        st.session_state["plan_saved"] = t(said, name=fmt.plain(name.strip()), version=result.plan_version,
                                           rows=fmt.count(result.rows))
        st.rerun()
    except importer.ImportRejected as rejected:
        st.error(t("planning.not_saved", name=fmt.plain(name.strip())))
        problems_table(rejected.problems, f"plan-problems-{year}-{kind}", "plan_problems_csv")
    except (db.StoreError, planning.PlanError) as error:
        st.error(t("planning.not_saved", name=fmt.plain(name.strip())) + " " + fmt.plain(error))


def regions_shown(rows: pd.DataFrame) -> list[str]:
    """Each row's region as the reader reads it (region_name, region_name_en), or none."""
    shown = rows.region_name if lang() == "zh" else rows.region_name_en
    return shown.where(~missing_each(rows.region_name), t("code.no_region")).astype(str).tolist()


if kind == "customers":  # key customers: part of each person's budget of the year set aside for a customer
    budget = load("plan_in_force", None, plan_year=year, kind="budgets", measure=planning.BUDGET)
    found = load("plan_key_customers", None, plan_year=year, base_year=base)
    ownerless = found[missing_each(found.salesperson_id)]
    found = found[~missing_each(found.salesperson_id)]
    st.caption(t("planning.customers.help", year=year, base=base))
    if not ownerless.empty:
        st.caption(t("planning.customers.ownerless", who="、".join(map(fmt.plain, ownerless.customer_name))))
    if budget.empty or found.empty:
        st.info(t("planning.customers.no_budget" if budget.empty else "planning.customers.none", year=year))
        versions_saved(kind)
        footer()
        st.stop()
    budgets = {(p, m): planning.to_units(v, planning.BUDGET)
               for p, m, v in zip(budget.salesperson_id, budget.month.dt.month, budget.amount_cny, strict=True)}
    ids = list(found.customer_id)
    holders = dict(zip(ids, found.salesperson_id, strict=True))
    person_names = dict(zip(found.salesperson_id, found.salesperson_name, strict=True))
    customer_names = dict(zip(ids, found.customer_name, strict=True))
    column, before = t("planning.customers.annual", year=year), t("planning.customers.last_year", year=base)
    fixed = [t("col.region_name"), t("col.salesperson_name"), t("col.customer_name"), before]
    grid = pd.DataFrame({fixed[0]: regions_shown(found), fixed[1]: found.salesperson_name,
                         fixed[2]: found.customer_name, before: found.last_year_value.astype(float),
                         column: found.in_force_value.astype(float)})
    st.subheader(t("planning.customers.title", year=year))
    # a new editor for each store version: the one a save made shows the figures saved, in force now, with
    # no edits left over (an editor whose figures changed under its edits would drop them, and run again)
    set_by_head = st.data_editor(grid, hide_index=True, disabled=fixed, width="stretch",
                                 key=f"plan_customers_{year}_{st.session_state.get('store_version')}",
                                 column_config={column: st.column_config.NumberColumn(format="accounting", min_value=0),
                                                before: st.column_config.NumberColumn(format="accounting")})
    annual = {c: planning.to_units(0 if missing(v) else v, planning.BUDGET)
              for c, v in zip(ids, set_by_head[column], strict=True)}
    asked = (year, tuple(annual.items()), tuple(holders.items()), tuple(budgets.items()))
    split_before = st.session_state.get("plan_customers_split")  # the same figures as at the last run: kept
    try:
        if split_before is None or split_before[0] != asked:
            made = planning.earmark(annual, holders, budgets)
            split_before = (asked, made, planning.over_budgets(made, holders, budgets))
            st.session_state["plan_customers_split"] = split_before
        _, cells, over = split_before
    except planning.PlanError as error:
        st.error(t("planning.error.no_budget", customer=fmt.plain(customer_names[error.facts["customer"]]),
                   who=fmt.plain(person_names[error.facts["who"]]), year=year))
        cells = None
    if cells is not None:
        held = {}
        for c, units in annual.items():  # a customer's months add up to its year, placed (earmark)
            held[holders[c]] = held.get(holders[c], 0) + max(units, 0)
        people_held = sorted(set(holders.values()))
        held_in = dict(zip(found.salesperson_id, grid[fixed[0]], strict=True))  # each person's region as shown
        year_budget = {p: sum(budgets.get((p, m), 0) for m in planning.MONTHS) for p in people_held}
        by_person = pd.DataFrame({
            "region_name": [held_in[p] for p in people_held],
            "salesperson_name": [person_names[p] for p in people_held],
            "annual_budget": [float(planning.from_units(year_budget[p], planning.BUDGET)) for p in people_held],
            "key_customers_cny": [float(planning.from_units(held.get(p, 0), planning.BUDGET)) for p in people_held]})
        by_person["key_customers_pct"] = by_person.key_customers_cny / by_person.annual_budget.where(
            by_person.annual_budget > 0) * 100
        st.markdown("**" + t("planning.customers.by_person") + "**")
        table(by_person)
        download(by_person, f"plan-{year}-key-customers-by-person", None, key="plan_customers_people_csv")
        if over:
            st.error(t("planning.customers.over", n=fmt.count(len(over))))
            table(pd.DataFrame({"salesperson_name": [person_names[p] for p, *_ in over],
                                "month": [fmt.month(f"{year}-{m:02d}", lang()) for _, m, *_ in over],
                                "key_customers_cny": [float(planning.from_units(u, planning.BUDGET))
                                                      for *_, u, _ in over],
                                "budget_cny": [float(planning.from_units(b, planning.BUDGET)) for *_, b in over]}))
        given = [c for c in ids if annual[c] > 0]
        if given:
            with st.expander(t("planning.customers.months")):  # six months a tab, as the grid: a projector's width
                for half, tab in zip((1, 7), st.tabs([t("planning.first_half"), t("planning.second_half")]),
                                     strict=True):
                    with tab:
                        table(pd.DataFrame({"salesperson_name": [person_names[holders[c]] for c in given],
                                            "customer_name": [customer_names[c] for c in given]} | {
                            fmt.month(f"{year}-{m:02d}", lang()): [cells.get((c, m), 0) / 100 for c in given]
                            for m in range(half, half + 6)}))

            def months_rows(cells=cells, holders=holders, customers=customer_names, people=person_names,
                            year=year) -> pd.DataFrame:  # one row a customer and month, to the fen
                kept = sorted(cells)
                return pd.DataFrame({"customer_id": [c for c, _ in kept],
                                     "customer_name": [customers[c] for c, _ in kept],
                                     "salesperson_id": [holders[c] for c, _ in kept],
                                     "salesperson_name": [people[holders[c]] for c, _ in kept],
                                     "month": [f"{year}-{m:02d}" for _, m in kept],
                                     "budget_cny": [float(planning.from_units(cells[k], planning.BUDGET))
                                                    for k in kept]})

            download(months_rows, f"plan-{year}-key-customers", None, key="plan_customers_csv")
        st.subheader(t("planning.save_title"))
        st.caption(t("planning.save_customers_help", year=year))
        name = st.text_input(t("planning.version_name"), value=t("planning.customers.default_name", year=year),
                             key=f"plan_name_{year}_{kind}", max_chars=60)
        if st.button(t("planning.save"), type="primary", key="plan_save", disabled=bool(over) or not cells):
            save_plan("customer_budgets", lambda: planning.customer_rows(year, cells, holders), name,
                      "planning.saved_customers")
    versions_saved(kind)
    footer()
    st.stop()
if kind == "targets":
    measure = top[2].segmented_control(t("planning.measure"), planning.MEASURES, default="sales", key="plan_measure",
                                       format_func=lambda m: t("kpi." + m)) or "sales"
else:
    measure = planning.BUDGET
counts = measure == "new_customers"

people = load("plan_people", None, plan_year=year, base_year=base)
if kind == "budgets":  # a budget row names its region: someone without one cannot be given a budget
    people = people[~missing_each(people.region_id)]
if people.empty:
    st.info(t("planning.no_people", year=year))
    st.stop()
if kind == "targets":
    actuals = load("attainment", Filters(dt.date(base, 1, 1), dt.date(base, 12, 31)), level="salesperson",
                   grain="month")
    actuals = actuals[actuals.metric == measure].rename(columns={"node_id": "salesperson_id", "bucket_start": "month",
                                                                 "actual_value": "amount"})
else:
    actuals = load("plan_expenses", None, base_year=base).rename(columns={"amount_cny": "amount"})
month_of = actuals.month.dt.month
pattern = actuals.groupby(month_of).amount.sum().to_dict()  # the whole department's, unassigned sales too
named = actuals[~missing_each(actuals.salesperson_id)]
last_year = named.groupby("salesperson_id").amount.sum().to_dict()
last_cells = named.groupby([named.salesperson_id, named.month.dt.month]).amount.sum().to_dict()
last_total = float(sum(pattern.values()))


def day(value) -> dt.date | None:
    return None if missing(value) else pd.Timestamp(value).date()


persons = [planning.Person(r.salesperson_id, None if missing(r.region_id) else r.region_id, day(r.hired_on),
                           day(r.left_on)) for r in people.itertuples()]
names = dict(zip(people.salesperson_id, people.salesperson_name, strict=True))
regions = dict(zip(people.salesperson_id, regions_shown(people), strict=True))  # each person's region as shown
worked = dict(zip(people.salesperson_id, people.base_months.astype(int), strict=True))
open_cells = {(p.salesperson_id, m) for p in persons for m in planning.MONTHS if p.active(year, m)}


amount_format = "%d" if counts else "accounting"  # the grid's cells: whole customers, or yuan with separators


def shown(units: int) -> str:
    return fmt.count(units) if counts else fmt.money(planning.from_units(units, measure), lang())


in_force = load("plan_in_force", None, plan_year=year, kind=kind, measure=measure)
in_force_cells = {(p, m): v for p, m, v in zip(in_force.salesperson_id, in_force.month.dt.month, in_force.amount_cny,
                                               strict=True)}
in_force_months = in_force.groupby(in_force.month.dt.month).amount_cny.sum().to_dict()
in_force_total = float(in_force.amount_cny.sum())

# --- the annual figure and how it is split ------------------------------------------------------
st.caption(t("planning.base", year=base, total=shown(planning.to_units(last_total, measure)))
           + (t("planning.in_force_total", year=year, total=shown(planning.to_units(in_force_total, measure)))
              if in_force_total else ""))
st.caption(t("planning.whole_department"))
inputs = st.columns([3, 2, 2, 2])
suggested = round(last_total * 1.1, 0 if counts else -3)
annual = inputs[0].number_input(t("planning.annual_count" if counts else "planning.annual", year=year), min_value=0.0,
                                value=in_force_total or float(max(suggested, 0)), step=1.0 if counts else 10_000.0,
                                format="%.0f" if counts else "%.2f", key=f"plan_annual_{year}_{measure}")
month_method = inputs[1].radio(t("planning.months_by"), planning.MONTH_METHODS, key=f"plan_months_{year}_{measure}",
                               format_func=lambda m: t("planning.months." + m))
people_method = inputs[2].radio(t("planning.people_by"), planning.PEOPLE_METHODS, key=f"plan_people_{year}_{measure}",
                                format_func=lambda m: t("planning.people." + m))
stretch_pct = inputs[3].number_input(t("planning.stretch"), min_value=0.0, max_value=200.0, value=10.0, step=1.0,
                                     key=f"plan_stretch_{year}_{measure}") if kind == "targets" else 0.0
st.caption(shown(planning.to_units(annual, measure))
           + (t("planning.growth", pct=fmt.pct((annual / last_total - 1) * 100)) if last_total > 0 else ""))

total_units = planning.to_units(annual, measure)
plans = st.session_state.setdefault("plans", {})
asked = (total_units, month_method, people_method, base, tuple(persons))
plan = plans.get((year, measure))
if plan is None or plan["asked"] != asked:
    start = "flat" if month_method == "hand" else month_method
    months = dict(zip(planning.MONTHS, planning.months_of(total_units, start, in_force_months if start == "current"
                                                          else pattern), strict=True))
    cells, notes = planning.decompose(list(months.values()), people_method, persons, year, last_year, worked,
                                      in_force_cells)
    plan = {"asked": asked, "months": months, "cells": cells, "kept": set(), "kept_months": set(), "notes": notes,
            "round": 0}
    plans[(year, measure)] = plan
plan["stretch"] = stretch_pct


def problem(error: planning.PlanError) -> str:
    facts = {k: shown(v) if k in ("wanted", "total", "rest") else v for k, v in error.facts.items()}
    if "who" in facts:
        facts["who"] = fmt.plain(names.get(facts["who"], facts["who"]))
    return t("planning.error." + error.kind, **facts) if error.kind != "other" else str(error)


def redraw() -> None:
    plan["round"] += 1  # a new editor, showing the rebalanced figures
    st.rerun()


def to_cell(value: object) -> int:
    return planning.to_units(0 if missing(value) else value, measure)


def month_label(m: int) -> str:
    return fmt.month(f"{year}-{m:02d}", lang())


# the months, by hand: any month may be changed, the months not yet set by hand take up the rest
if month_method == "hand":
    st.markdown("**" + t("planning.months_title") + "**")
    column = t("col.plan_value")
    months_shown = pd.DataFrame({t("col.month"): [month_label(m) for m in planning.MONTHS],
                                 column: [float(planning.from_units(plan["months"][m], measure))
                                          for m in planning.MONTHS]})
    edited = st.data_editor(months_shown, hide_index=True, disabled=[t("col.month")],
                            key=f"plan_month_editor_{year}_{measure}_{plan['round']}",
                            column_config={column: st.column_config.NumberColumn(format=amount_format, min_value=0)})
    changes = {("year", m): to_cell(edited[column].iloc[i]) for i, m in enumerate(planning.MONTHS)
               if to_cell(edited[column].iloc[i]) != plan["months"][m]}
    if changes:
        try:
            months = planning.edit({("year", m): v for m, v in plan["months"].items()}, changes,
                                   kept={("year", m) for m in plan["kept_months"]}, whole=True)
            plan["months"] = {m: months[("year", m)] for m in planning.MONTHS}
            plan["kept_months"] |= {m for _, m in changes}
            cells, _ = planning.decompose(list(plan["months"].values()), people_method, persons, year, last_year,
                                          worked, in_force_cells)
            try:  # the people's cells set by hand stay where their months allow
                cells = planning.edit(cells, {k: plan["cells"][k] for k in plan["kept"]}, open_cells=open_cells)
            except planning.PlanError:
                plan["kept"] = set()
            plan["cells"] = cells
            redraw()
        except planning.PlanError as error:
            st.error(problem(error))

# --- the grid: people × months ----------------------------------------------------------------------
measure_name = t("kpi." + measure) if kind == "targets" else t("planning.kind.budgets")
st.subheader(t("planning.grid", year=year, measure=measure_name))
for kind_of_note in ("joins", "leaves", "part_year", "no_history"):  # one line a kind, naming everyone it is about
    about = [note for note in plan["notes"] if note.kind == kind_of_note]
    if about:
        st.caption(t("planning.note." + kind_of_note, who="、".join(
            fmt.plain(names.get(n.salesperson_id, n.salesperson_id)) + (f" ({month_label(n.month)})" if n.month else "")
            + (f" ({n.months})" if n.months else "") for n in about)))
ids = [p.salesperson_id for p in persons]
fixed = [t("col.region_name"), t("col.salesperson_name")]
who_rows = pd.DataFrame({fixed[0]: [regions[p] for p in ids], fixed[1]: [names[p] for p in ids]})  # every table's
changes = {}
for half, tab in zip((1, 7), st.tabs([t("planning.first_half"), t("planning.second_half")]), strict=True):
    months = range(half, half + 6)  # six months a tab: the grid fits a projector's width
    grid = who_rows.assign(**{month_label(m): [float(planning.from_units(plan["cells"][(p, m)], measure))
                                               for p in ids] for m in months})
    with tab:
        edited = st.data_editor(grid, hide_index=True, disabled=fixed, width="stretch",
                                key=f"plan_editor_{year}_{measure}_{half}_{plan['round']}",
                                column_config={month_label(m): st.column_config.NumberColumn(
                                    format=amount_format, min_value=0) for m in months})
        with st.expander(t("planning.last_year_cells", year=base)):  # beside each cell: last year's
            before_labels = {m: fmt.month(f"{base}-{m:02d}", lang()) for m in months}
            last = who_rows.assign(**{before_labels[m]: [float(last_cells.get((p, m), 0)) for p in ids]
                                         for m in months})
            st.dataframe(last, hide_index=True, width="stretch", column_config={
                label: st.column_config.NumberColumn(format=amount_format) for label in before_labels.values()})
    labels = [month_label(m) for m in months]
    before, after = grid[labels].to_numpy(), edited[labels].to_numpy()
    for i, j in zip(*(before != after).nonzero(), strict=True):  # the cells changed (a cleared one: NaN)
        if to_cell(after[i, j]) != plan["cells"][(ids[i], months[j])]:
            changes[(ids[i], months[j])] = to_cell(after[i, j])
if changes:
    try:
        plan["cells"] = planning.edit(plan["cells"], changes, kept=plan["kept"], open_cells=open_cells)
        plan["kept"] |= set(changes)
        redraw()
    except planning.PlanError as error:
        st.error(problem(error))
st.caption(t("planning.grid_help"))
if kind == "targets":  # the stretch: the percentage on top for everyone, or each person's own set by hand
    with st.expander(t("planning.stretch_by_hand")):
        own = plan.setdefault("stretch_by_hand", {})
        column = t("planning.stretch")
        people_pct = who_rows.assign(**{column: [float(own.get(p, stretch_pct)) for p in ids]})
        set_pct = st.data_editor(people_pct, hide_index=True, disabled=fixed,
                                 key=f"plan_stretch_editor_{year}_{measure}",
                                 column_config={column: st.column_config.NumberColumn(min_value=0, max_value=200,
                                                                                      format="%.1f")})
        own.clear()
        own.update({p: float(v) for p, v in zip(ids, set_pct[column], strict=True)
                    if not missing(v) and float(v) != stretch_pct})
        st.caption(t("planning.stretch_help"))

# what the grid adds up to, beside last year
month_totals = [sum(plan["cells"][(p, m)] for p in ids) for m in planning.MONTHS]
summary = pd.DataFrame({"month": [month_label(m) for m in planning.MONTHS] + [t("planning.year_total")],
                        "plan_value": [float(planning.from_units(u, measure)) for u in month_totals]
                        + [float(planning.from_units(sum(month_totals), measure))],
                        "last_year_value": [float(pattern.get(m, 0)) for m in planning.MONTHS] + [last_total]})
summary["growth_pct"] = (summary.plan_value / summary.last_year_value.where(summary.last_year_value > 0) - 1) * 100
by_person = pd.DataFrame({"region_name": [regions[p] for p in ids],
                          "salesperson_name": [names[p] for p in ids],
                          "plan_value": [float(planning.from_units(sum(plan["cells"][(p, m)] for m in planning.MONTHS),
                                                                   measure)) for p in ids],
                          "last_year_value": [float(last_year.get(p, 0)) for p in ids],
                          "last_year_months": [worked[p] for p in ids]})
by_person["growth_pct"] = (by_person.plan_value / by_person.last_year_value.where(by_person.last_year_value > 0)
                           - 1) * 100
left, right = st.columns([2, 3])
with left:
    st.markdown("**" + t("planning.by_month") + "**")
    table(summary)
    download(summary, f"plan-{year}-{measure}-by-month", None, key="plan_months_csv")
with right:
    st.markdown("**" + t("planning.by_person") + "**")
    table(by_person)
    download(by_person, f"plan-{year}-{measure}-by-person", None, key="plan_people_csv")
if sum(month_totals) != total_units:  # the arithmetic guarantees it; said plainly if ever not
    st.error(t("planning.unreconciled", grid=shown(sum(month_totals)), annual=shown(total_units)))
cells_frame = pd.DataFrame([{"salesperson_id": p, "salesperson_name": names[p], "month": f"{year}-{m:02d}",
                             "plan_value": float(planning.from_units(plan["cells"][(p, m)], measure)),
                             "last_year_value": float(last_cells.get((p, m), 0))}
                            for p in ids for m in planning.MONTHS])
download(cells_frame, f"plan-{year}-{measure}", None, key="plan_csv")

# --- the Excel round trip: the grid out, edited there, and back with its reconciliation checked -------
st.markdown("**" + t("planning.excel") + "**")
out, back = st.columns([1, 2])
with out:
    headers = [t("planning.excel_id"), t("col.region_name"), t("col.salesperson_name")]
    rows_out = [(p, regions[p], names[p]) for p in ids]
    frozen = (kind, measure, year, total_units, dict(plan["cells"]), rows_out, headers)
    audited_download(t("planning.excel_out"), "plan_xlsx", f"plan-{year}-{measure}.xlsx", "planning",
                     lambda: (planning.grid_xlsx(*frozen), f"{len(rows_out)} people"),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
with back:
    upload = st.file_uploader(t("planning.excel_in"), type=["xlsx"],
                              key=f"plan_upload_{year}_{measure}_{plan['round']}")
if upload is not None:
    try:
        annual_in, cells_in = planning.read_grid(upload.getvalue(), kind, measure, year, ids, open_cells)
        months_in = {m: sum(cells_in[(p, m)] for p in ids) for m in planning.MONTHS}
        st.session_state["plan_pending"] = {f"plan_annual_{year}_{measure}": float(planning.from_units(annual_in,
                                                                                                      measure)),
                                            f"plan_months_{year}_{measure}": "hand"}  # set before they are drawn
        plan.update(asked=(annual_in, "hand", people_method, base, tuple(persons)), months=months_in,
                    cells=cells_in, kept=set(cells_in), kept_months=set())
        st.session_state["plan_saved"] = t("planning.excel_read", name=fmt.plain(upload.name))
        redraw()
    except planning.GridRejected as rejected:
        st.error(t("planning.excel_rejected", name=fmt.plain(upload.name), n=fmt.count(len(rejected.problems))))
        problems_table(rejected.problems, f"plan-workbook-problems-{year}-{measure}", "plan_workbook_problems_csv")
    except db.StoreError as unreadable:
        st.error(t("data.unreadable", name=fmt.plain(upload.name), detail=fmt.plain(unreadable)))

# --- a budget's categories: each person's month split by the mix (last year's, or as set) -------------
if kind == "budgets":
    st.markdown("**" + t("planning.categories") + "**")
    spent = named.groupby("category").amount.sum()
    mix = st.session_state.setdefault("plan_mix", {}).setdefault(year, {c: float(spent.get(c, 0))
                                                                        for c in planning.CATEGORIES})
    shares = pd.DataFrame({t("col.category"): [t("category." + c) for c in planning.CATEGORIES],
                           t("planning.weight"): [mix[c] for c in planning.CATEGORIES]})
    weights = st.data_editor(shares, hide_index=True, disabled=[t("col.category")], key=f"plan_mix_{year}",
                             column_config={t("planning.weight"): st.column_config.NumberColumn(min_value=0,
                                                                                                format="%.2f")})
    mix.update({c: max(0.0, 0.0 if missing(w) else float(w))
                for c, w in zip(planning.CATEGORIES, weights[t("planning.weight")], strict=True)})
    st.caption(t("planning.categories_help"))

# --- save as a plan version -------------------------------------------------------------------------
st.subheader(t("planning.save_title"))
kinds = planning.MEASURES if kind == "targets" else (planning.BUDGET,)
made = [m for m in kinds if (year, m) in plans]
st.caption(t("planning.save_help", measures=", ".join(t("kpi." + m) for m in made), year=year) if kind == "targets"
           else t("planning.save_budget_help", year=year))
name = st.text_input(t("planning.version_name"), value=t("planning.default_name", year=year),
                     key=f"plan_name_{year}_{kind}", max_chars=60)


def targets_planned() -> list[dict]:
    """The targets rows of every measure planned this session for the year, each with its stretch."""
    chosen = {m: plans[(year, m)] for m in made}
    stretch = {m: planning.stretched_by_person(p["cells"], p["stretch"], p.get("stretch_by_hand"))
               for m, p in chosen.items()}
    return planning.target_rows(year, {m: p["cells"] for m, p in chosen.items()}, stretch)


if st.button(t("planning.save"), type="primary", key="plan_save"):
    if kind == "targets":
        save_plan("targets", targets_planned, name, "planning.saved")
    else:
        regions_of = {p.salesperson_id: p.region_id for p in persons}
        save_plan("expense_budgets", lambda: planning.budget_rows(year, plan["cells"], mix, regions_of), name,
                  "planning.saved_budget")

versions_saved(kind)
footer()
