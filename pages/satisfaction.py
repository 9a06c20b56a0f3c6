"""Satisfaction and complaints (SPEC §3.5): CSAT by month with its sample size and 95 %
interval, by dimension, region and salesperson; complaint volumes, the two 24-hour clocks,
open complaints; churn and the churned customers; one customer's history on a timeline.
Customers' own words (comments, descriptions) are only ever shown as table text."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from queries.values import first
from ui import fmt
from ui.shell import chart, download, empty_state, footer, kpi_tile, lang, load, load_many, loader, start_page, t, table

page = start_page("satisfaction", "😊")
filters = page.filters

# The page's figures asked for at once (the store answers them side by side), but for the churned
# customers and the picker's list, asked for below: the figures above are on screen meanwhile.
got = load_many(
    total=loader("csat", filters, group_by="total"),
    sla=loader("complaint_sla", filters, group_by="total"),
    churn=loader("churn", filters),
    monthly=loader("csat", filters, group_by="month"),
    regions=loader("csat", filters, group_by="region"),
    people=loader("csat", filters, group_by="salesperson"),
    by_category=loader("complaint_sla", filters, group_by="category"),
    clocks=loader("complaint_clock_hours", filters),
    by_month=loader("complaint_sla", filters, group_by="month"),
    open_now=loader("open_complaints", filters),
)
total = got["total"]
sla = got["sla"]
churn = got["churn"].iloc[0]
if total.empty and sla.empty and churn.base_customers_count == 0:
    empty_state(filters)

tiles = st.columns(4)
kpi_tile(tiles[0], "kpi.csat", fmt.pct(first(total, "csat_pct")), "help.csat",
         caption=t("kpi.responses", n=fmt.count(first(total, "responses_count", 0))))
kpi_tile(tiles[1], "kpi.mean_score", fmt.score(first(total, "overall_mean")), "help.mean_score")
kpi_tile(tiles[2], "kpi.complaint_timeliness", fmt.pct(first(sla, "timeliness_pct")),
         "help.complaint_timeliness",
         caption=t("kpi.judged", n=fmt.count(first(sla, "judged_count", 0)),
                   pending=fmt.count(first(sla, "pending_count", 0))))
kpi_tile(tiles[3], "kpi.churn", fmt.pct(churn.churn_pct), "help.churn",
         caption=t("sat.churn_caption", churned=fmt.count(churn.churned_count), n=fmt.count(churn.base_customers_count),
                   start=f"{churn.window_start:%Y-%m-%d}", end=f"{churn.window_end:%Y-%m-%d}"))

# --- CSAT by month: n at every point, a 95 % band, thin months marked ----------------------
st.subheader(t("sat.by_month"))
monthly = got["monthly"]


def csat_figure(monthly: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    figure.add_scatter(x=list(monthly.group_id) + list(monthly.group_id[::-1]),
                       y=list(monthly.ci_high_pct) + list(monthly.ci_low_pct[::-1]), fill="toself",
                       fillcolor="rgba(192,57,43,0.15)", line={"width": 0}, name=t("sat.band"), hoverinfo="skip")
    solid = monthly[~monthly.thin_sample]
    thin = monthly[monthly.thin_sample]
    figure.add_scatter(x=monthly.group_id, y=monthly.csat_pct, mode="lines", line={"color": "#c0392b"},
                       showlegend=False, hoverinfo="skip")
    figure.add_scatter(x=solid.group_id, y=solid.csat_pct, mode="markers+text", name=t("kpi.csat"),
                       text=[f"n={n}" for n in solid.responses_count], textposition="top center",
                       marker={"color": "#c0392b", "size": 9})
    figure.add_scatter(x=thin.group_id, y=thin.csat_pct, mode="markers+text", name=t("sat.thin"),
                       text=[f"n={n} ⚠" for n in thin.responses_count], textposition="top center",
                       marker={"color": "white", "size": 11, "line": {"color": "#c0392b", "width": 2}})
    figure.update_layout(height=330, margin={"l": 10, "r": 10, "t": 10, "b": 10}, yaxis={"range": [0, 105]},
                         yaxis_title=t("kpi.csat") + " (%)", legend={"orientation": "h", "y": 1.12})
    return figure


chart(csat_figure, monthly, key="csat_month")
thin = monthly[monthly.thin_sample]
if not thin.empty:
    st.caption(t("sat.thin_note", months=", ".join(thin.group_id)))
# on screen the rate, its band and the mean score; the satisfied count and the dimensions in the CSV
CSAT_SHOWN = ["responses_count", "csat_pct", "ci_low_pct", "ci_high_pct", "overall_mean"]
table(monthly[["group_id", *CSAT_SHOWN]])
download(monthly, "satisfaction-csat-by-month", filters, key="csat_month_csv")

st.subheader(t("sat.by_region"))
regions = got["regions"]
table(regions.drop(columns=["group_id", "group_name_en" if lang() == "zh" else "group_name"]).rename(
    columns={"group_name_en": "group_name"})[["group_name", *CSAT_SHOWN]])
download(regions, "satisfaction-csat-by-region", filters, key="csat_region_csv")
st.subheader(t("sat.by_salesperson"))
people = got["people"]
table(people[["group_name", *CSAT_SHOWN]])
download(people, "satisfaction-csat-by-salesperson", filters, key="csat_person_csv")

# --- complaints -----------------------------------------------------------------------------
st.subheader(t("sat.complaints"))
by_category = got["by_category"]
shown = by_category.assign(group_name=by_category.group_id.map(lambda c: t("category." + c)))
# on screen the counts and the three rates with the median hours; each clock's on-time and late counts in the CSV
SLA_SHOWN = ["complaints_count", "open_count", "qa_sla_pct", "action_sla_pct", "timeliness_pct",
             "median_hours_to_qa", "median_hours_to_deliver"]
table(shown[["group_name", *SLA_SHOWN]])
download(shown, "satisfaction-complaints-by-category", filters, key="category_csv")
clocks = got["clocks"]


def hours_figure(clocks: pd.DataFrame) -> go.Figure:
    histogram = go.Figure()
    histogram.add_histogram(x=clocks.hours_to_qa, name=t("sat.hours_to_qa"), xbins={"size": 6}, opacity=0.7)
    histogram.add_histogram(x=clocks.hours_to_deliver, name=t("sat.hours_to_deliver"), xbins={"size": 6},
                            opacity=0.7)
    histogram.add_vline(x=24, line_dash="dash", annotation_text="24 h")
    histogram.update_layout(barmode="overlay", height=300, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                            xaxis_title=t("sat.hours"), legend={"orientation": "h", "y": 1.12})
    return histogram


chart(hours_figure, clocks[["hours_to_qa", "hours_to_deliver"]], key="complaint_hours")
download(clocks, "satisfaction-complaint-hours", filters, key="hours_csv")
by_month = got["by_month"]
table(by_month[["group_id", *SLA_SHOWN]])
download(by_month, "satisfaction-complaints-by-month", filters, key="complaint_month_csv")
st.markdown(f"**{t('sat.open')}**")
open_now = got["open_now"]
table(open_now.drop(columns=["received_at"]))  # its age says how long; the moment is in the CSV
download(open_now, "satisfaction-open-complaints", filters, key="open_csv")

st.subheader(t("sat.churned"))
churned = load("churned_customers", filters)
table(churned)
download(churned, "satisfaction-churned", filters, key="churned_csv")

# --- one customer's history -----------------------------------------------------------------
st.subheader(t("sat.timeline"))
PICKED_AT_RISK = 200
# the customers with an open complaint and the most at risk of the abnormal ones (a store can flag
# tens of thousands; the Overview's CSV lists them all)
choices = load("abnormal_customers", filters, top=PICKED_AT_RISK)
st.caption(t("sat.timeline_choices", n=fmt.count(PICKED_AT_RISK)))
# read out of the frames in one step each (not value by value)
options = list(dict.fromkeys(open_now.customer_id.tolist() + choices.customer_id.tolist()))
names = (dict(zip(open_now.customer_id.tolist(), open_now.customer_name.tolist()))
         | dict(zip(choices.customer_id.tolist(), choices.customer_name.tolist())))


@st.fragment
def timeline_of() -> None:
    """One customer's history: choosing another customer redraws this section only."""
    customer = st.selectbox(t("recv.pick_customer"), options, key="timeline_customer",
                            format_func=lambda c: f"{names.get(c, c)} ({c})")
    timeline = load("customer_timeline", None, customer_id=customer)
    table(timeline)
    download(timeline, f"satisfaction-timeline-{customer}", None, key="timeline_csv")


if options:
    timeline_of()
footer()
