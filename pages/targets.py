"""Targets (SPEC §3.2): attainment of the plan at every level and grain, pacing, the landing
forecast, growth, the salesperson × month heatmap and the lines behind any cell."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from queries.filters import Filters
from queries.values import first, missing, missing_each
from report.pack import named_nodes
from ui import fmt
from ui.shell import (
    chart,
    clicked,
    download,
    empty_state,
    footer,
    keep,
    lang,
    linked,
    load,
    load_many,
    loader,
    start_page,
    t,
    table,
    version_choice,
)

page = start_page("targets", "🎯")
filters = page.filters

METRICS = ("sales", "gross_profit", "collections", "new_customers")
choice = st.columns([4, 3, 2])
LEVELS, GRAINS = ("department", "region", "salesperson"), ("year", "quarter", "month")
metric = choice[0].segmented_control(t("targets.metric"), METRICS, key="targets_metric",
                                     default=linked("measure", "targets_metric", METRICS, "sales"),
                                     format_func=lambda m: t("kpi." + m)) or "sales"
level = choice[1].segmented_control(t("targets.level"), LEVELS, key="targets_level",
                                    default=linked("level", "targets_level", LEVELS, "region"),
                                    format_func=lambda v: t("level." + v)) or "region"
grain = choice[2].segmented_control(t("targets.grain"), GRAINS, key="targets_grain",
                                    default=linked("grain", "targets_grain", GRAINS, "month"),
                                    format_func=lambda v: t("grain." + v)) or "month"
for name, value in (("measure", metric), ("level", level), ("grain", grain)):
    keep(name, value)
# the plan read: the targets in force (the latest plan saved, or those imported) or a saved version
chosen, titles, beside = version_choice("targets", "targets_plan", "plan")
filters = replace(filters, plan_version=chosen)
compared = None
if titles:
    compared = beside.selectbox(t("targets.compare_with"), [None, *titles], key="targets_compare",
                               format_func=lambda v: t("targets.no_comparison") if v is None else titles[v])
if not filters.carries_target:
    st.caption(t("notice.no_target"))
paced_metric = metric if metric != "new_customers" else "sales"
asked = {"attainment": loader("attainment", filters, level=level, grain=grain),
         "pacing": loader("pacing_by_day", filters, metric=paced_metric),
         "cells": loader("attainment", filters, level="salesperson", grain="month"),
         "ranking": loader("attainment", filters, level="salesperson", grain="period")}
if metric in ("sales", "gross_profit"):
    asked["forecast"] = loader("landing_forecast", filters, level=level, metric=metric)
if metric != "new_customers":
    asked["growth"] = loader("growth", filters, level=level)
if compared is not None:
    asked["difference"] = loader("plan_difference", filters, level=level, other_version=compared or None)
got = load_many(**asked)  # every figure of the page at once (the ranking is drawn when no cell is picked)


def last_of_month(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def amount(value) -> str:
    return fmt.count(value) if metric == "new_customers" else fmt.money(value, lang())


# --- attainment at the chosen level and grain ---------------------------------------------
st.subheader(t("targets.attainment"))
attainment = got["attainment"]
rows = attainment[attainment.metric == metric]
if rows.empty:
    empty_state(filters)
shown = named_nodes(rows, lang())[["bucket_start", "node_name", "actual_value", "plan_target", "plan_gap_value",
                     "plan_attainment_pct", "stretch_target", "stretch_attainment_pct", "target_note"]].copy()
shown["bucket_start"] = shown["bucket_start"].map(lambda day: fmt.period(day, grain, lang()))
shown["target_note"] = shown["target_note"].map(lambda n: "" if missing(n) else t("note." + n))
if (rows.target_note == "no_cost_data").any():
    st.caption(t("notice.no_cost_data"))
table(shown.drop(columns=["stretch_target"]))  # its attainment stays on screen; the amount in the CSV
download(shown, "targets-attainment", filters, key="attainment_csv")
if "difference" in got:
    st.markdown("**" + t("targets.difference", one=fmt.plain(titles[chosen or 0]),
                         other=fmt.plain(titles[compared])) + "**")
    difference = got["difference"]
    shown = named_nodes(difference[difference.metric == metric], lang())[
        ["node_name", "plan_value", "other_plan_value", "plan_difference_value"]]
    table(shown)
    download(shown, "targets-plan-difference", filters, key="difference_csv")

# --- pacing --------------------------------------------------------------------------------
st.subheader(t("targets.pacing"))
if metric == "new_customers":
    st.caption(t("targets.pacing_sales_only"))
pacing = got["pacing"]


def pacing_figure(pacing: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    figure.add_scatter(x=pacing.day, y=pacing.cumulative_actual, name=t("overview.pacing.actual"), mode="lines",
                       line={"color": "#c0392b", "width": 3})
    figure.add_scatter(x=pacing.day, y=pacing.cumulative_target, name=t("overview.pacing.target"), mode="lines",
                       line={"color": "#7f8c8d", "dash": "dash"})
    today = pacing[pacing.is_today]
    if not missing(first(today, "cumulative_target")):
        now = today.iloc[0]
        figure.add_scatter(x=[now.day], y=[now.cumulative_target], mode="markers", name=t("targets.expected"),
                           marker={"size": 12, "color": "#2c3e50", "symbol": "diamond"})
    figure.update_layout(height=340, margin={"l": 10, "r": 10, "t": 10, "b": 10}, xaxis_title=t("axis.date"),
                         yaxis_title=t("axis.amount"), legend={"orientation": "h", "y": 1.12})
    return figure


today = pacing[pacing.is_today]
if not missing(first(today, "cumulative_target")):
    now = today.iloc[0]
    facts = [t("targets.expected_value", value=amount(now.cumulative_target)),
             t("overview.pacing.today", pct=fmt.pct(now.pacing_pct))]
    if not missing(now.required_daily_rate):
        facts.append(t("targets.required_rate", value=fmt.money(now.required_daily_rate, lang())))
    st.caption(" · ".join(facts))
chart(pacing_figure, pacing, key="targets_pacing")
download(pacing, "targets-pacing", filters, key="pacing_csv")

# --- landing forecast and growth --------------------------------------------------------------
st.subheader(t("targets.forecast"))
if metric in ("sales", "gross_profit"):
    forecast = got["forecast"]
    # beside the run-rate, for sales, actual + the weighted pipeline to the year's end (each labelled)
    beside = ["weighted_pipeline_cny", "pipeline_forecast_value"] if metric == "sales" else []
    shown = named_nodes(forecast, lang())[["node_name", "actual_ytd", "forecast_value", *beside, "annual_target",
                                           "forecast_attainment_pct"]]
    table(shown)
    download(shown, "targets-forecast", filters, key="forecast_csv")
else:
    st.caption(t("targets.forecast_sales_only"))
st.subheader(t("targets.growth"))
if metric != "new_customers":
    growth = got["growth"]
    growth = growth[growth.metric == metric]
    shown = named_nodes(growth, lang())[["node_name", "current_value", "prior_year_value", "yoy_pct",
                                         "previous_period_value", "pop_pct"]]
    table(shown)
    if not growth.empty:
        g = growth.iloc[0]
        st.caption(t("targets.growth_periods", py=f"{g.prior_year_start:%Y-%m-%d} – {g.prior_year_end:%Y-%m-%d}",
                     prev=f"{g.previous_start:%Y-%m-%d} – {g.previous_end:%Y-%m-%d}"))
    download(shown, "targets-growth", filters, key="growth_csv")
else:
    st.caption(t("targets.growth_not_for_counts"))

# --- heatmap salesperson × month, ranking, drill to lines -----------------------------------
st.subheader(t("targets.heatmap"))
cells = got["cells"]
cells = cells[(cells.metric == metric) & ~missing_each(cells.node_id)].copy()  # people only
cells["month"] = cells["bucket_start"].dt.strftime("%Y-%m")
in_progress = page.today.strftime("%Y-%m") if page.today < last_of_month(page.today) else None


def heatmap_figure(cells: pd.DataFrame) -> go.Figure:
    figure = go.Figure(go.Scatter(
        x=cells["month"], y=cells["node_name"], mode="markers",
        marker={"symbol": "square", "size": 18, "color": cells["plan_attainment_pct"].clip(upper=150),
                "colorscale": "RdYlGn", "cmin": 0, "cmax": 150, "showscale": True,
                "colorbar": {"title": {"text": "%"}}},
        customdata=cells[["node_id", "month"]].to_numpy(),
        hovertemplate="%{y} · %{x}<br>%{marker.color:.1f}%<extra></extra>"))
    figure.update_layout(height=max(320, 22 * cells["node_name"].nunique() + 80),
                         margin={"l": 10, "r": 10, "t": 10, "b": 10}, clickmode="event+select")
    return figure


if (cells["month"] == in_progress).any():
    st.caption(t("targets.month_in_progress", month=in_progress, day=page.today.day))
event = chart(heatmap_figure, cells, key="targets_heatmap", on_select="rerun", selection_mode="points")
cell = clicked("cell", "targets_heatmap", event, set(zip(cells.node_id.tolist(), cells.month.tolist())))
if cell:
    person, month = cell
    first_day = dt.date.fromisoformat(month + "-01")
    last_day = last_of_month(first_day)
    span = Filters(max(first_day, filters.start_date), min(last_day, filters.end_date), filters.regions,
                   filters.salespeople, filters.tiers, filters.industries, filters.product_lines)
    name = cells.loc[cells.node_id == person, "node_name"].iloc[0]
    st.markdown(f"**{t('targets.cell', name=fmt.plain(name), month=month)}**")
    picked = cells[(cells.node_id == person) & (cells.month == month)][
        ["month", "node_name", "actual_value", "plan_target", "plan_attainment_pct"]]
    table(picked)
    lines = load("sales_lines", span, salesperson_id=person)
    st.caption(t("targets.lines", n=fmt.count(len(lines))))
    table(lines)
    download(lines, f"targets-lines-{person}-{month}", span, key="lines_csv")
else:
    st.caption(t("targets.click_cell"))
    ranking = got["ranking"]
    ranking = ranking[ranking.metric == metric].sort_values("plan_attainment_pct", ascending=False, na_position="last")
    regions = page.names
    shown = ranking[["node_name", "parent_id", "actual_value", "plan_target", "plan_attainment_pct",
                     "stretch_attainment_pct"]].reset_index(drop=True)
    shown["parent_id"] = shown["parent_id"].map(lambda r: t("code.no_region") if missing(r) else regions.get(r, r))
    shown = shown.rename(columns={"parent_id": "region_name"})
    shown.insert(0, "rank", range(1, len(shown) + 1))
    table(shown)
    download(shown, "targets-ranking", filters, key="ranking_csv")
footer()
