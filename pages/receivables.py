"""Receivables (SPEC §3.3): outstanding by aging bucket on a chosen date, overdue ratio, DSO,
CEI and collections against target, the 24-month overdue trend, and the collections
worklist for the meeting, narrowed by a click on the aging chart, with each customer's
invoices and payments."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from queries.values import first, missing
from ui import fmt
from ui.shell import (
    chart,
    clicked,
    download,
    empty_state,
    first_rows,
    footer,
    keep,
    kpi_tile,
    lang,
    linked,
    load,
    load_many,
    loader,
    start_page,
    t,
    table,
)

page = start_page("receivables", "💴")
filters = page.filters

store_today = page.today
default_day = min(filters.end_date, store_today)
controls = st.columns([1, 2])
days = [default_day - dt.timedelta(days=n) for n in range(3 * 366)]  # a link may name any of the last 3 years
as_of = controls[0].date_input(t("recv.as_of"), max_value=store_today, key=f"recv_as_of_{default_day}",
                               value=linked("as_of", f"recv_as_of_{default_day}", days, default_day))
GROUPS = ("region", "salesperson", "tier")
group_by = controls[1].segmented_control(t("recv.group"), GROUPS, key="recv_group",
                                         default=linked("group", "recv_group", GROUPS, "region"),
                                         format_func=lambda v: t("level." + v)
                                         if v != "tier" else t("filter.tiers")) or "region"
keep("as_of", as_of)
keep("group", group_by)

got = load_many(  # the figures above the worklist asked for at once: the store answers them side by side
    department=loader("receivables_aging", filters, as_of_date=as_of, group_by="department"),
    dso=loader("receivables_dso_cei", filters),
    collections=loader("attainment", filters, level="department", grain="period"),
    aging=loader("receivables_aging", filters, as_of_date=as_of, group_by=group_by),
    trend=loader("overdue_ratio_trend", filters, as_of_date=as_of),
)
department, dso, collections = got["department"], got["dso"].iloc[0], got["collections"]
collections = collections[collections.metric == "collections"]
if department.empty and dso.invoiced_cny == 0:
    empty_state(filters)

tiles = st.columns(4)
kpi_tile(tiles[0], "kpi.overdue_ratio", fmt.pct(first(department, "overdue_ratio_pct")), "help.overdue_ratio",
         caption=t("kpi.outstanding", value=fmt.money_compact(first(department, "outstanding_cny", 0), lang())))
kpi_tile(tiles[1], "kpi.dso", fmt.MISSING if missing(dso.dso_days) else t("kpi.days", n=f"{dso.dso_days:.0f}"),
         "help.dso", caption=t("kpi.invoiced", value=fmt.money_compact(dso.invoiced_cny, lang())))
kpi_tile(tiles[2], "kpi.cei", fmt.pct(dso.cei_pct), "help.cei",
         caption=t("kpi.collected", value=fmt.money_compact(dso.collected_cny, lang())))
if not collections.empty:
    c = collections.iloc[0]
    has_target = missing(c.target_note)
    kpi_tile(tiles[3], "kpi.collections_target", fmt.money_compact(c.actual_value, lang()), "help.collections",
             delta=t("kpi.vs_target", value=fmt.pct(c.plan_attainment_pct)) if has_target else None,
             good=c.plan_attainment_pct >= 100 if has_target else None,
             caption=t("kpi.target", value=fmt.money_compact(c.plan_target, lang()))
             if has_target else t("kpi.no_target"))

# --- aging by group: a stacked bar per group, one colour per bucket; a click narrows -------
BUCKETS = ("not_due", "days_1_30", "days_31_60", "days_61_90", "days_91_180", "over_180")
COLOURS = ("#95a5a6", "#f1c40f", "#e67e22", "#e74c3c", "#c0392b", "#7b241c")
st.subheader(t("recv.aging"))
aging = got["aging"]


def aging_figure(aging: pd.DataFrame) -> go.Figure:
    names = aging["group_name"] if lang() == "zh" else aging["group_name_en"]
    figure = go.Figure()
    # The overdue buckets only: beside a wide "not yet due" they would be slivers; it is in the table.
    for bucket, colour in zip(BUCKETS[1:], COLOURS[1:]):
        figure.add_bar(y=names, x=aging[bucket + "_cny"], orientation="h", name=t("bucket." + bucket),
                       marker_color=colour, customdata=[[g, bucket] for g in aging["group_id"]],
                       hovertemplate="%{y} · " + t("bucket." + bucket) + ": ¥%{x:,.0f}<extra></extra>")
    figure.update_layout(barmode="stack", height=max(260, 28 * len(aging) + 90), xaxis_title=t("axis.amount"),
                         margin={"l": 10, "r": 10, "t": 40, "b": 10},
                         legend={"orientation": "h", "y": 1, "yanchor": "bottom"},  # above the bars, never over them
                         yaxis={"autorange": "reversed"}, clickmode="event+select")
    return figure


event = chart(aging_figure, aging, key="recv_aging_chart", on_select="rerun", selection_mode="points")
# on screen the buckets, the balance and the ratio; the overdue sum, credits and invoice count in the CSV
table(aging.drop(columns=["group_id", "group_name_en" if lang() == "zh" else "group_name", "overdue_cny",
                          "credit_cny", "open_invoices_count"]).rename(columns={"group_name_en": "group_name"}))
download(aging, "receivables-aging", filters, key="aging_csv")

st.subheader(t("recv.trend"))
trend = got["trend"]


def trend_figure(trend: pd.DataFrame) -> go.Figure:
    line = go.Figure(go.Scatter(x=trend.month_end, y=trend.overdue_ratio_pct, mode="lines+markers",
                                line={"color": "#c0392b"}, hovertemplate="%{x|%Y-%m-%d}: %{y:.1f}%<extra></extra>"))
    line.update_layout(height=260, margin={"l": 10, "r": 10, "t": 10, "b": 10}, yaxis_title="%")
    return line


chart(trend_figure, trend, key="recv_trend")
download(trend, "receivables-trend", filters, key="trend_csv")

# --- the worklist, narrowed by the chart's selection ---------------------------------------
st.subheader(t("recv.worklist"))
narrow, bucket = filters, "all"
pick = clicked("pick", "recv_aging_chart", event, {(g, b) for g in aging.group_id for b in BUCKETS[1:]})
if pick:
    group_id, picked_bucket = pick
    field = {"region": "regions", "salesperson": "salespeople", "tier": "tiers"}[group_by]
    narrow = replace(filters, **{field: (group_id,)})
    bucket = picked_bucket if picked_bucket != "not_due" else "all"
    label = aging.loc[aging["group_id"] == group_id, "group_name" if lang() == "zh" else "group_name_en"].iloc[0]
    st.caption(t("recv.narrowed", what=f"{fmt.plain(label)} · {t('bucket.' + picked_bucket)}"))


@st.fragment
def one_customer(worklist) -> None:
    """One customer's invoices and payments: choosing another customer redraws this section only."""
    st.subheader(t("recv.customer"))
    customers = worklist.customer_id.tolist()  # read out in one step, not value by value
    customer_names = dict(zip(customers, worklist.customer_name.tolist()))  # one look-up per option
    customer = st.selectbox(t("recv.pick_customer"), customers, key="recv_customer",
                            format_func=customer_names.__getitem__)
    invoices = load("customer_invoices", None, customer_id=customer, as_of_date=as_of)
    payments = load("customer_payments", None, customer_id=customer, as_of_date=as_of)
    st.caption(t("recv.invoices", date=as_of.isoformat()))
    table(invoices.drop(columns=["salesperson_id"]))
    download(invoices, f"receivables-invoices-{customer}", None, key="invoices_csv")
    st.caption(t("recv.payments", date=as_of.isoformat()))
    table(payments)
    download(payments, f"receivables-payments-{customer}", None, key="payments_csv")


ON_SCREEN = 200  # the most overdue customers a meeting reads; the CSV has them all
worklist = load("collections_worklist", narrow, as_of_date=as_of, bucket=bucket, top=ON_SCREEN)
if worklist.empty:
    st.success(t("recv.nothing_overdue", date=as_of.isoformat()))
else:
    # on screen what a meeting chases (the bucket columns are the chart's); every column in the CSV
    on_screen = ["customer_name", "owner_name", "region_id", "max_days_past_due", "overdue_cny",
                 *([bucket + "_cny"] if bucket != "all" else []), "outstanding_cny", "last_payment_date",
                 "over_credit", "open_complaints_count"]
    first_rows(worklist, loader("collections_worklist", narrow, as_of_date=as_of, bucket=bucket, top=None),
               ON_SCREEN, "list.most_overdue", "receivables-worklist", narrow, "worklist_csv", on_screen)

    one_customer(worklist)
footer()
