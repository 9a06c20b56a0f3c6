"""Pipeline (客户开发): prospects approved as projects and developed to contracts — the funnel
with conversion and days in each stage, the weighted pipeline against the target still to
reach, opportunities that need attention, won and lost by competitor and reason, the contracts'
24-hour signing clock and review waits, and the invoices and instalments due this month."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from queries.filters import STALLED_DAYS
from queries.values import first
from ui import fmt
from ui.shell import (
    chart,
    clicked,
    download,
    each_row,
    first_rows,
    footer,
    keep,
    kpi_tile,
    lang,
    linked,
    load_many,
    loader,
    start_page,
    t,
    table,
)

STAGES = ("lead", "approved", "proposal", "negotiation", "won")
ON_SCREEN = 200  # the rows of a list a meeting reads (opportunities, contracts); the CSV has them all

page = start_page("pipeline", "🧭")
filters = page.filters

horizon_choices, group_choices = ("quarter", "year"), ("region", "salesperson")
controls = st.columns([2, 2, 2])
horizon = controls[0].radio(t("pipe.horizon"), horizon_choices, horizontal=True, key="pipe_horizon",
                            index=horizon_choices.index(linked("horizon", "pipe_horizon", horizon_choices, "quarter")),
                            format_func=lambda h: t("pipe.horizon." + h))
group_by = controls[1].radio(t("pipe.group_by"), group_choices, horizontal=True, key="pipe_group",
                             index=group_choices.index(linked("by", "pipe_group", group_choices, "region")),
                             format_func=lambda g: t("level." + g))
stalled_days = controls[2].number_input(t("pipe.stalled_days"), min_value=1, max_value=365, step=1, key="pipe_stalled",
                                        value=int(linked("stalled", "pipe_stalled", range(1, 366), STALLED_DAYS)))
keep("horizon", horizon)
keep("by", group_by)
keep("stalled", stalled_days)

got = load_many(
    funnel=loader("pipeline_funnel", filters),
    department=loader("pipeline_coverage", filters, horizon=horizon, group_by="department"),
    coverage=loader("pipeline_coverage", filters, horizon=horizon, group_by=group_by),
    contracts=loader("contract_sla", filters),
    invoicing=loader("due_invoicing", filters),
    instalments=loader("due_instalments", filters),
    by_competitor=loader("pipeline_won_lost", filters, group_by="competitor"),
    by_reason=loader("pipeline_won_lost", filters, group_by="lost_reason"),
    contracts_status=loader("contracts_status", filters, top=ON_SCREEN),
)
funnel, department, coverage = got["funnel"], got["department"], got["coverage"]
sla, invoicing, instalments = got["contracts"], got["invoicing"], got["instalments"]
month = min(filters.end_date, page.today).replace(day=1)

# --- the tiles -------------------------------------------------------------------------------
tiles = st.columns(4)
kpi_tile(tiles[0], "kpi.weighted_pipeline", fmt.money_compact(first(department, "weighted_cny", 0), lang()),
         "help.weighted_pipeline",
         caption=t("pipe.open", n=fmt.count(first(department, "open_count", 0)), horizon=t("pipe.horizon." + horizon),
                   date=page.today.isoformat()))
kpi_tile(tiles[1], "kpi.pipeline_coverage", fmt.pct(first(department, "coverage_pct")), "help.pipeline_coverage",
         caption=t("pipe.remaining", value=fmt.money_compact(first(department, "remaining_cny"), lang()),
                   horizon=t("pipe.horizon." + horizon)))
kpi_tile(tiles[2], "kpi.signed_in_time", fmt.pct(first(sla, "signed_in_time_pct")), "help.signed_in_time",
         caption=t("pipe.contracts", n=fmt.count(first(sla, "contracts_count", 0)),
                   first=fmt.count(first(sla, "awaiting_first_review_count", 0)),
                   gm=fmt.count(first(sla, "awaiting_gm_review_count", 0))))
to_collect = instalments.outstanding_cny.sum() if not instalments.empty else 0
kpi_tile(tiles[3], "kpi.due_to_collect", fmt.money_compact(to_collect, lang()), "help.due_to_collect",
         caption=t("pipe.to_issue", value=fmt.money_compact(
             invoicing.amount_cny.sum() - invoicing.issued_cny.sum() if not invoicing.empty else 0, lang())))

# --- the funnel --------------------------------------------------------------------------------
st.subheader(t("pipe.funnel"))
if funnel.empty:
    st.info(t("pipe.no_opportunities"))
else:
    def funnel_figure(funnel: pd.DataFrame) -> go.Figure:
        names = [t("stage." + s) for s in funnel.stage]
        figure = go.Figure(go.Funnel(y=names, x=funnel.reached_count, textinfo="value+percent initial",
                                     marker={"color": "#2e86c1"},
                                     hovertemplate="%{y}: %{x}<extra></extra>"))
        figure.update_layout(height=300, margin={"l": 10, "r": 10, "t": 10, "b": 10})
        return figure

    left, right = st.columns([1, 2])
    with left:
        chart(funnel_figure, funnel, key="pipe_funnel")
    with right:
        table(funnel, places={"median_days_in_stage": 1})
        st.caption(t("pipe.funnel_note"))
    download(funnel, "pipeline-funnel", filters, key="funnel_csv")

# --- weighted pipeline against what is still to reach -------------------------------------
st.subheader(t("pipe.coverage", horizon=t("pipe.horizon." + horizon)))
name_column = "group_name" if lang() == "zh" else "group_name_en"
if not filters.carries_target:
    st.caption(t("notice.no_target"))


def coverage_figure(coverage: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    names = coverage[name_column]
    figure.add_bar(y=names, x=coverage.weighted_cny, orientation="h", name=t("col.weighted_cny"),
                   marker_color="#2e86c1", customdata=coverage[["group_id"]],
                   hovertemplate="%{y}: ¥%{x:,.0f}<extra></extra>")
    figure.add_bar(y=names, x=coverage.remaining_cny, orientation="h", name=t("col.remaining_cny"),
                   marker_color="#b2babb", customdata=coverage[["group_id"]],
                   hovertemplate="%{y}: ¥%{x:,.0f}<extra></extra>")
    figure.update_layout(barmode="group", height=max(260, 40 * len(coverage) + 90), xaxis_title=t("axis.amount"),
                         margin={"l": 10, "r": 10, "t": 40, "b": 10}, clickmode="event+select",
                         legend={"orientation": "h", "y": 1, "yanchor": "bottom"}, yaxis={"autorange": "reversed"})
    return figure


event = None
if coverage.empty:
    st.info(t("pipe.no_coverage"))
else:
    event = chart(coverage_figure, coverage, key="pipe_coverage_chart", on_select="rerun", selection_mode="points")
    table(coverage.drop(columns=["group_id", "group_name_en" if lang() == "zh" else "group_name"])
          .rename(columns={"group_name_en": "group_name"}))
    download(coverage, "pipeline-coverage", filters, key="coverage_csv")

# --- what needs attention, narrowed by the chart's selection ---------------------------------
st.subheader(t("pipe.attention", n=stalled_days))
narrow = filters
pick = clicked("pick", "pipe_coverage_chart", event, {(g,) for g in coverage.group_id.dropna()})
if pick:
    field = {"region": "regions", "salesperson": "salespeople"}[group_by]
    narrow = replace(filters, **{field: pick})
    label = coverage.loc[coverage.group_id == pick[0], name_column].iloc[0]
    st.caption(t("pipe.narrowed", what=fmt.plain(label)))
lists = load_many(attention=loader("pipeline_attention", narrow, stalled_days=stalled_days, top=ON_SCREEN),
                  actions=loader("overdue_actions", narrow))
attention = lists["attention"]
if attention.empty:
    st.success(t("pipe.nothing_to_chase"))
else:
    def why(row: tuple) -> str:
        """Why the opportunity is on the list, in words (the CSV has each reason as a column)."""
        reasons = [t("pipe.why.stalled", days=fmt.count(row.days_since_change)) if row.is_stalled else "",
                   t("pipe.why.no_plan") if row.without_plan else "",
                   t("pipe.why.actions", n=fmt.count(row.overdue_actions_count)) if row.overdue_actions_count else ""]
        return " · ".join(r for r in reasons if r)

    attention["why"] = each_row(attention[["days_since_change", "is_stalled", "without_plan",
                                           "overdue_actions_count"]], why)
    first_rows(attention, loader("pipeline_attention", narrow, stalled_days=stalled_days, top=None),
               ON_SCREEN, "pipe.shown_of", "pipeline-attention", narrow, key="attention_csv",
               columns=["opportunity_id", "account_name", "owner_name", "stage", "why", "expected_cny",
                        "expected_close_on"])  # the next step and each reason as a column in the CSV
actions = lists["actions"]
st.markdown("**" + t("pipe.overdue_actions") + "**")
if actions.empty:
    st.caption(t("pipe.no_overdue_actions"))
else:
    table(actions)
    download(actions, "pipeline-overdue-actions", narrow, key="actions_csv")

# --- won and lost ------------------------------------------------------------------------------
st.subheader(t("pipe.won_lost"))
by_competitor, by_reason = got["by_competitor"], got["by_reason"]
if by_competitor.empty and by_reason.empty:
    st.caption(t("pipe.nothing_closed"))
else:
    left, right = st.columns(2)
    with left:
        st.markdown("**" + t("pipe.by_competitor") + "**")
        shown = by_competitor.assign(group_id=by_competitor.group_id.replace("", t("pipe.none_named"))).rename(
            columns={"group_id": "competitor"})
        table(shown[["competitor", "won_count", "lost_count", "win_rate_pct", "bid_win_rate_pct"]])  # all in the CSV
        download(shown, "pipeline-won-lost", filters, key="won_lost_csv")
        st.caption(t("pipe.won_lost_note"))
    with right:
        st.markdown("**" + t("pipe.by_reason") + "**")
        shown = by_reason.rename(columns={"group_id": "lost_reason"})[["lost_reason", "lost_count", "lost_cny"]]
        table(shown)
        download(shown, "pipeline-lost-reasons", filters, key="reasons_csv")

# --- contracts ---------------------------------------------------------------------------------
st.subheader(t("pipe.contracts_title"))
contracts = got["contracts_status"]
if contracts.empty:
    st.caption(t("pipe.no_contracts"))
else:
    st.caption(t("pipe.contracts_note", first=fmt.count(first(sla, "awaiting_first_review_count", 0)),
                 first_days=fmt.text(fmt.rounded(first(sla, "longest_first_review_wait_days", 0), 1)),
                 gm=fmt.count(first(sla, "awaiting_gm_review_count", 0)),
                 gm_days=fmt.text(fmt.rounded(first(sla, "longest_gm_review_wait_days", 0), 1))))
    first_rows(contracts, loader("contracts_status", filters, top=None), ON_SCREEN, "pipe.contracts_shown_of",
               "pipeline-contracts", filters, key="contracts_csv",
               columns=[c for c in contracts.columns if c not in ("region_id", "signed_at", "waiting_since",
                                                                   "rows_count")],
               places={"hours_to_sign": 1, "waiting_days": 1})

# --- due this month ------------------------------------------------------------------------------
st.subheader(t("pipe.due", month=fmt.month(month.strftime("%Y-%m"), lang())))
st.markdown("**" + t("pipe.invoices_due") + "**")
if invoicing.empty:
    st.caption(t("pipe.nothing_due"))
else:
    st.caption(t("pipe.invoices_sum", due=fmt.money(invoicing.amount_cny.sum(), lang()),
                 issued=fmt.money(invoicing.issued_cny.sum(), lang())))
    table(invoicing)
    download(invoicing, "pipeline-invoices-due", filters, key="invoicing_csv")
st.markdown("**" + t("pipe.instalments_due") + "**")
if instalments.empty:
    st.caption(t("pipe.nothing_due"))
else:
    st.caption(t("pipe.instalments_sum", due=fmt.money(instalments.amount_cny.sum(), lang()),
                 collected=fmt.money(instalments.collected_cny.sum(), lang())))
    table(instalments)
    download(instalments, "pipeline-instalments-due", filters, key="instalments_csv")
footer()
