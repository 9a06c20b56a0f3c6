"""Visits and activity (SPEC §3.4): revisit-plan completion, visit-record timeliness,
key-account coverage, and the key-account managers' weekly quotas and fines."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from queries.values import first
from ui import fmt
from ui.shell import (
    chart,
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

ON_SCREEN = 200  # rows of a list a meeting reads; the CSV has them all

page = start_page("visits", "🤝")
filters = page.filters

got = load_many(  # the page's figures asked for at once: the store answers them side by side
    completion=loader("revisit_completion", filters, group_by="total"),
    records=loader("visit_record_timeliness", filters, group_by="total"),
    coverage=loader("key_account_coverage", filters),
    months=loader("activity_weeks", filters, grain="month"),
    by_person=loader("revisit_completion", filters, group_by="salesperson"),
    by_month=loader("revisit_completion", filters, group_by="month"),
    missed=loader("revisits_not_done", filters, top=ON_SCREEN),
    late=loader("late_visit_records", filters, top=ON_SCREEN),
    uncovered=loader("uncovered_key_accounts", filters, top=ON_SCREEN),
    volume=loader("visit_volume", filters),
)
completion = got["completion"]
records = got["records"]
coverage = got["coverage"].iloc[0]
months = got["months"]
if completion.empty and records.empty and months.empty:  # coverage is as of a day: always there
    empty_state(filters)

tiles = st.columns(4)
kpi_tile(tiles[0], "kpi.revisit_completion", fmt.pct(first(completion, "completion_pct")),
         "help.revisit_completion", caption=t("kpi.planned", n=fmt.count(first(completion, "planned_count", 0))))
kpi_tile(tiles[1], "kpi.record_timeliness", fmt.pct(first(records, "timeliness_pct")),
         "help.record_timeliness",
         caption=t("visits.records_caption", n=fmt.count(first(records, "visits_count", 0)),
                   pending=fmt.count(first(records, "pending_count", 0))))
kpi_tile(tiles[2], "kpi.coverage", fmt.pct(coverage.coverage_pct), "help.coverage",
         caption=t("visits.coverage_caption", covered=fmt.count(coverage.covered_count),
                   n=fmt.count(coverage.tier_a_count)))
flagged = months[months.flagged]
kpi_tile(tiles[3], "kpi.flagged_kams", fmt.count(flagged.salesperson_id.nunique()), "help.flagged_kams",
         caption=t("visits.fines_caption", value=fmt.money(months.fine_cny.sum() if not months.empty else 0, lang())))

st.subheader(t("visits.revisits"))
by_person = got["by_person"]
table(by_person.drop(columns=["group_id"]))
download(by_person, "visits-revisits-by-salesperson", filters, key="revisit_person_csv")
by_month = got["by_month"]
table(by_month.drop(columns=["group_name"]))
download(by_month, "visits-revisits-by-month", filters, key="revisit_month_csv")


def listed(name: str, shown: pd.DataFrame, file: str, key: str, says: str = "list.latest") -> None:
    """A list of which the screen shows the first ON_SCREEN rows; the CSV has all."""
    first_rows(shown, loader(name, filters, top=None), ON_SCREEN, says, file, filters, key)


st.caption(t("visits.missed", n=fmt.count(first(got["missed"], "rows_count", 0))))
listed("revisits_not_done", got["missed"], "visits-revisits-not-done", "missed_csv")

st.subheader(t("visits.late_records"))
listed("late_visit_records", got["late"], "visits-late-records", "late_csv")
st.subheader(t("visits.uncovered"))
listed("uncovered_key_accounts", got["uncovered"], "visits-uncovered-key-accounts", "uncovered_csv", "list.longest")

@st.fragment
def quota_section() -> None:
    """The activity quotas by week or month: a change of grain redraws this section only."""
    st.subheader(t("visits.quotas"))
    grain = st.segmented_control(t("targets.grain"), ("week", "month"), key="quota_grain",
                                 default=linked("grain", "quota_grain", ("week", "month"), "week"),
                                 format_func=lambda g: t("visits.by_" + g)) or "week"
    keep("grain", grain)
    quotas = load("activity_weeks", filters, grain=grain)
    if not flagged.empty:
        st.warning(t("visits.flagged", names="、".join(map(fmt.plain, sorted(set(flagged.name))))))
    shown = quotas.drop(columns=["salesperson_id"])
    shown["period_start"] = shown["period_start"].dt.strftime("%Y-%m-%d" if grain == "week" else "%Y-%m")
    # on screen each quota's shortfall, the fine and the streak; what was done and the quotas in the CSV
    table(shown[["name", "region_id", "period_start", "orgs_short", "batches_short", "leads_short", "fine_cny",
                 "short_weeks", "short_streak", "flagged"]])
    download(quotas, f"visits-quotas-by-{grain}", filters, key="quotas_csv")


quota_section()


st.subheader(t("visits.volume"))
volume = got["volume"]


def volume_figure(volume: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    for outcome in sorted(volume.outcome.unique()):
        part = volume[volume.outcome == outcome]
        figure.add_bar(x=part.week_start, y=part.visits_count, name=t("outcome." + outcome))
    figure.update_layout(barmode="stack", height=300, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                         xaxis_title=t("axis.week"), yaxis_title=t("axis.visits"),
                         legend={"orientation": "h", "y": 1.1})
    return figure


chart(volume_figure, volume, key="visit_volume")
download(volume, "visits-volume", filters, key="volume_csv")
footer()
