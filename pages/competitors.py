"""Competitors (SPEC §3.6): the notes salespeople file after visits, searchable; mentions and
share of voice per competitor and month, the price gap with its observations, topic mix,
win/loss; and the monthly competitor report for the GM. Notes are shown only as table text."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui import fmt
from ui.shell import chart, download, empty_state, footer, keep, linked, load, month_text, start_page, t, table

page = start_page("competitors", "🔭")
filters = page.filters

monthly = load("competitor_monthly", filters)
if monthly.empty:
    empty_state(filters)

# --- the monthly report: the page's first answer in the meeting ---------------------------
@st.fragment
def monthly_report() -> None:
    """The competitors' monthly report: choosing another month redraws this section only."""
    st.subheader(t("comp.report"))
    months = sorted(monthly.month.dt.date.unique(), reverse=True)
    in_progress = page.today.replace(day=1)  # the month of the store's today is not over
    complete = [m for m in months if m < in_progress]
    first = linked("month", "comp_month", months, complete[0] if complete else months[0], as_text=month_text)
    month = st.selectbox(t("comp.month"), months, key="comp_month", index=months.index(first),
                         format_func=lambda m: month_text(m) + (t("month.in_progress") if m >= in_progress else ""))
    keep("month", month, as_text=month_text)
    report = load("competitor_report", filters, month=month)
    table(report)
    download(report, f"competitors-report-{month:%Y-%m}", filters, key="report_csv")


monthly_report()

# --- trends ----------------------------------------------------------------------------------


def mentions_figure(monthly: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    for competitor in sorted(monthly.competitor.unique()):
        part = monthly[monthly.competitor == competitor]
        figure.add_bar(x=part.month, y=part.mentions_count, name=competitor,
                       customdata=part.share_of_voice_pct,
                       hovertemplate=competitor + " %{x|%Y-%m}: %{y} (%{customdata:.1f}%)<extra></extra>")
    figure.update_layout(barmode="stack", height=320, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                         legend={"orientation": "h", "y": 1.12})
    return figure


def price_gap_figure(monthly: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    priced = monthly[monthly.price_observations_count > 0]
    for competitor in sorted(priced.competitor.unique()):
        part = priced[priced.competitor == competitor]
        figure.add_scatter(x=part.month, y=part.price_gap_median_pct, name=competitor, mode="lines+markers",
                           customdata=part.price_observations_count,
                           hovertemplate=competitor + " %{x|%Y-%m}: %{y:.1f}% (n=%{customdata})<extra></extra>")
    figure.add_hline(y=0, line_dash="dot")
    figure.update_layout(height=320, margin={"l": 10, "r": 10, "t": 10, "b": 10}, yaxis_title="%",
                         legend={"orientation": "h", "y": 1.12})
    return figure


left, right = st.columns(2)
with left:
    st.subheader(t("comp.mentions"))
    chart(mentions_figure, monthly, key="comp_mentions")
with right:
    st.subheader(t("comp.price_gap"))
    chart(price_gap_figure, monthly, key="comp_gap")
st.caption(t("comp.monthly_note"))
# on screen mentions, share, price gap and win rate; the counts behind them in the CSV
table(monthly.assign(month=monthly.month.dt.strftime("%Y-%m"))[
    ["month", "competitor", "mentions_count", "share_of_voice_pct", "price_gap_median_pct", "win_rate_pct"]])
download(monthly, "competitors-monthly", filters, key="monthly_csv")

st.subheader(t("comp.win_loss"))  # the same table as the Pipeline page's, with the money in it
win_loss = load("pipeline_won_lost", filters, group_by="competitor")
win_loss = win_loss.assign(group_id=win_loss.group_id.replace("", t("pipe.none_named"))).rename(
    columns={"group_id": "competitor"})
if win_loss.empty:
    st.caption(t("pipe.nothing_closed"))
else:
    table(win_loss)
    st.caption(t("pipe.won_lost_note"))
    download(win_loss, "competitors-won-lost", filters, key="won_lost_csv")

st.subheader(t("comp.topics"))
topics = load("competitor_topics", filters)
table(topics)
download(topics, "competitors-topics", filters, key="topics_csv")

# --- the notes, searchable --------------------------------------------------------------------
st.subheader(t("comp.notes"))
cols = st.columns([2, 2, 2])
search = cols[0].text_input(t("comp.search"), key="comp_search", max_chars=100).strip() or None
competitors = cols[1].multiselect(t("comp.competitors"), sorted(monthly.competitor.unique()), key="comp_competitors",
                                  placeholder=t("filter.all"))
topic_choices = ("price", "product", "promotion", "service", "personnel", "bid")
chosen_topics = cols[2].multiselect(t("comp.topic"), topic_choices, key="comp_topics",
                                    format_func=lambda x: t("topic." + x), placeholder=t("filter.all"))
notes = load("competitor_notes_found", filters, search=search, competitors=competitors or None,
             topics=list(chosen_topics) or None)
st.caption(t("comp.found", n=fmt.count(len(notes))))
table(notes.drop(columns=["region_id", "their_price_cny", "our_price_cny"]))  # the gap stays; all in the CSV
download(notes, "competitors-notes", filters, key="notes_csv")
footer()
