"""Expenses (SPEC §3.8, §4.11): budget against actual by region, salesperson, category and
month, the control ratio, overruns and spend without a budget listed, key customers' budgets
against the spend on them, and the year's budget burn against the share of the year gone."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from queries.values import first, missing
from ui import fmt
from ui.shell import (
    chart,
    download,
    empty_state,
    footer,
    keep,
    kpi_tile,
    lang,
    linked,
    load,
    start_page,
    t,
    table,
    version_choice,
)

page = start_page("expenses", "🧾")
budget_version, _, _ = version_choice("budgets", "expenses_budget", "budget")
filters = replace(page.filters, budget_version=budget_version)
if not filters.carries_target:  # a tier, industry or product-line filter is set
    st.caption(t("expenses.filters_ignored"))

total = load("expense_control", filters, group_by="total")
if total.empty:
    empty_state(filters)
whole = total.iloc[0]
overruns = load("expense_overruns", filters)

tiles = st.columns(4)
kpi_tile(tiles[0], "kpi.expense_budget", fmt.money_compact(whole.budget_cny, lang()), "help.expense_budget")
kpi_tile(tiles[1], "kpi.expense_actual", fmt.money_compact(whole.actual_cny, lang()), "help.expense_actual")
kpi_tile(tiles[2], "kpi.control_ratio", fmt.pct(whole.control_ratio_pct), "help.control_ratio",
         delta=t("expenses.over_budget") if whole.overrun else None, delta_color="inverse")
kpi_tile(tiles[3], "kpi.overruns", fmt.count((overruns.flag == "overrun").sum()), "help.overruns",
         caption=t("expenses.unbudgeted", value=fmt.money(whole.unbudgeted_cny, lang()),
                   n=fmt.count((overruns.flag == "no_budget").sum())))

def budget_figure(groups: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    figure.add_bar(x=groups.group_name, y=groups.budget_cny, name=t("expenses.budget"), marker_color="#95a5a6")
    figure.add_bar(x=groups.group_name, y=groups.actual_cny, name=t("expenses.actual"),
                   marker_color=["#c0392b" if over or missing else "#2980b9"
                                 for over, missing in zip(groups.overrun, groups.budget_missing)])
    figure.update_layout(barmode="group", height=360, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                         yaxis_title=t("axis.amount"), legend={"orientation": "h", "y": 1.1})
    return figure


@st.fragment
def by_group() -> None:
    """Budget against spend by region, person, category or month: a change of grouping redraws this section only."""
    st.subheader(t("expenses.by"))
    GROUPS = ("region", "salesperson", "category", "month")
    group_by = st.segmented_control(t("expenses.group"), GROUPS, key="expense_group",
                                    default=linked("group", "expense_group", GROUPS, "region"),
                                    format_func=lambda g: t("expenses.group." + g)) or "region"
    keep("group", group_by)
    groups = load("expense_control", filters, group_by=group_by)

    def label(row) -> str:
        if group_by == "category":
            return t("category." + row.group_id)
        return row.group_name_en if group_by == "region" and lang() == "en" else row.group_name

    groups["group_name"] = [label(r) for r in groups.itertuples()]
    chart(budget_figure, groups, key="expense_chart")
    st.caption(t("expenses.red"))
    shown = groups.drop(columns=["group_id", "group_name_en"])
    table(shown)
    download(shown, f"expenses-by-{group_by}", filters, key="expense_groups_csv")


by_group()


st.subheader(t("expenses.overruns"))
listed = overruns.drop(columns=["salesperson_id", "region_id", "region_name_en" if lang() == "zh" else "region_name"])
listed = listed.rename(columns={"region_name_en": "region_name"}).assign(month=overruns.month.dt.strftime("%Y-%m"))
if listed.empty:
    st.success(t("expenses.no_overruns"))
else:
    table(listed)
    download(listed, "expenses-overruns", filters, key="overruns_csv")

st.subheader(t("expenses.key_customers"))
held = load("key_customer_budgets", filters)
if held.empty:
    st.caption(t("expenses.no_key_customers"))
else:
    held = held.drop(columns=["customer_id", "salesperson_id", "region_name_en" if lang() == "zh" else "region_name"])
    held = held.rename(columns={"region_name_en": "region_name"})
    st.caption(t("expenses.key_customers_help", n=fmt.count(len(held)), over=fmt.count(held.overrun.sum())))
    table(held)
    download(held, "expenses-key-customers", filters, key="key_customers_csv")

st.subheader(t("expenses.burn"))
burn = load("expense_burn", filters)


def burn_figure(burn: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    figure.add_scatter(x=burn.day, y=burn.burn_pct, mode="lines", name=t("expenses.burn.spent"),
                       line={"color": "#c0392b", "width": 3})
    figure.add_scatter(x=burn.day, y=burn.elapsed_pct, mode="lines", name=t("expenses.burn.elapsed"),
                       line={"color": "#7f8c8d", "dash": "dash"})
    today = burn[burn.is_today]
    if not missing(first(today, "burn_pct")):
        now = today.iloc[0]
        figure.add_annotation(x=now.day, y=now.burn_pct, showarrow=True,
                              text=t("expenses.burn.today", spent=fmt.pct(now.burn_pct),
                                     elapsed=fmt.pct(now.elapsed_pct)))
    figure.update_layout(height=340, margin={"l": 10, "r": 10, "t": 10, "b": 10}, yaxis_title="%",
                         xaxis_title=t("axis.date"), legend={"orientation": "h", "y": 1.1})
    return figure


chart(burn_figure, burn, key="burn_chart")
st.caption(t("expenses.burn.caption", budget=fmt.money(burn.annual_budget.max() if not burn.empty else 0, lang())))
download(burn, "expenses-burn", filters, key="burn_csv")
footer()
