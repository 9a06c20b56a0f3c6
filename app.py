"""Key-Account Cockpit (大客户驾驶舱): the Overview (SPEC §3.1), the page the department head
opens every morning: KPI tiles for the filtered period, the cumulative sales-vs-target
pacing line, and the abnormal-customer alerts with their reasons."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from queries.values import first, missing
from ui import fmt
from ui.i18n import text
from ui.shell import chart, download, empty_state, footer, kpi_tile, lang, load_many, loader, start_page, t, table

ALERTS_ON_SCREEN = 20
ALERT_REASONS = ("sales_drop", "overdue_90", "complaints_30", "low_survey", "over_credit")

page = start_page("overview", "📊")
filters = page.filters
last_year = filters.year_earlier()

# Every figure of the page, fetched at once (this period and the same period a year earlier).
got = load_many(
    attainment=loader("attainment", filters, level="department", grain="period"),
    growth=loader("growth", filters, level="department"),
    aging=loader("receivables_aging", filters, as_of_date=filters.end_date, group_by="department"),
    aging_before=loader("receivables_aging", last_year, as_of_date=last_year.end_date, group_by="department"),
    revisits=loader("revisit_completion", filters, group_by="total"),
    revisits_before=loader("revisit_completion", last_year, group_by="total"),
    csat=loader("csat", filters, group_by="total"),
    csat_before=loader("csat", last_year, group_by="total"),
    sla=loader("complaint_sla", filters, group_by="total"),
    sla_before=loader("complaint_sla", last_year, group_by="total"),
    payable=loader("commission_payable", filters, share_override=None, bonus_override=None),
    pacing=loader("pacing_by_day", filters, metric="sales"),
    alert_summary=loader("alert_summary", filters),
    alerts=loader("abnormal_customers", filters, top=ALERTS_ON_SCREEN),
)
attainment, growth = got["attainment"].set_index("metric"), got["growth"].set_index("metric")
aging, aging_before = got["aging"], got["aging_before"]
revisits, revisits_before = got["revisits"], got["revisits_before"]
csat, csat_before, sla, sla_before = got["csat"], got["csat_before"], got["sla"], got["sla_before"]

actuals = attainment.actual_value.fillna(0) if not attainment.empty else []
if (len(actuals) == 0 or (actuals == 0).all()) and aging.empty and csat.empty and sla.empty:
    empty_state(filters)
if not filters.carries_target:
    st.caption(t("notice.no_target"))


def change(now, before):
    """Percentage-point change of a rate against a year earlier, shown as +1.2 pp."""
    if missing(now) or missing(before):
        return None
    return t("kpi.points", value=f"{fmt.rounded(now - before, 1):+}")


tiles = st.columns(4)
for column, metric in zip(tiles[:3], ("sales", "gross_profit", "collections")):
    row = attainment.loc[[metric]] if metric in attainment.index else attainment.iloc[:0]
    yoy = growth.loc[[metric]] if metric in growth.index else growth.iloc[:0]
    has_target = not row.empty and missing(first(row, "target_note"))
    target_text = (t("kpi.target", value=fmt.money_compact(first(row, "plan_target"), lang()))
                   if has_target else t("kpi.no_target"))
    attained = t("kpi.vs_target", value=fmt.pct(first(row, "plan_attainment_pct"))) if has_target else None
    kpi_tile(column, "kpi." + metric, fmt.money_compact(first(row, "actual_value", 0), lang()), "help." + metric,
             delta=attained, good=first(row, "plan_attainment_pct", 0) >= 100 if has_target else None,
             caption=" · ".join([target_text, t("kpi.yoy", value=fmt.signed_pct(first(yoy, "yoy_pct")))
                                 if not missing(first(yoy, "yoy_pct")) else t("kpi.yoy_none")]))
ratio, ratio_before = first(aging, "overdue_ratio_pct"), first(aging_before, "overdue_ratio_pct")
kpi_tile(tiles[3], "kpi.overdue_ratio", fmt.pct(ratio), "help.overdue_ratio",
         delta=change(ratio, ratio_before), delta_color="inverse",
         caption=t("kpi.outstanding", value=fmt.money_compact(first(aging, "outstanding_cny", 0), lang())))

tiles = st.columns(4)
completion = first(revisits, "completion_pct")
kpi_tile(tiles[0], "kpi.revisit_completion", fmt.pct(completion), "help.revisit_completion",
         delta=change(completion, first(revisits_before, "completion_pct")),
         caption=t("kpi.planned", n=fmt.count(first(revisits, "planned_count", 0))))
satisfied = first(csat, "csat_pct")
responses = int(first(csat, "responses_count", 0))
kpi_tile(tiles[1], "kpi.csat", fmt.pct(satisfied), "help.csat",
         delta=change(satisfied, first(csat_before, "csat_pct")),
         caption=t("thin", n=responses) if 0 < responses < 5 else t("kpi.responses", n=fmt.count(responses)))
timely = first(sla, "timeliness_pct")
kpi_tile(tiles[2], "kpi.complaint_timeliness", fmt.pct(timely), "help.complaint_timeliness",
         delta=change(timely, first(sla_before, "timeliness_pct")),
         caption=t("kpi.judged", n=fmt.count(first(sla, "judged_count", 0)),
                   pending=fmt.count(first(sla, "pending_count", 0))))

payable = got["payable"]
kpi_tile(tiles[3], "kpi.payable", fmt.money_compact(payable.payable_cny.sum(), lang()), "help.payable",
         caption=t("kpi.deals", n=fmt.count(payable.deals_count.sum())))

st.subheader(t("overview.pacing"))


def pacing_figure(pacing: pd.DataFrame, with_target: bool) -> go.Figure:
    figure = go.Figure()
    figure.add_scatter(x=pacing.day, y=pacing.cumulative_actual, name=t("overview.pacing.actual"), mode="lines",
                       line={"color": "#c0392b", "width": 3})
    if with_target:
        figure.add_scatter(x=pacing.day, y=pacing.cumulative_target, name=t("overview.pacing.target"),
                           mode="lines", line={"color": "#7f8c8d", "dash": "dash"})
    today = pacing[pacing.is_today]
    if not missing(first(today, "pacing_pct")):
        figure.add_annotation(x=today.iloc[0].day, y=today.iloc[0].cumulative_actual, showarrow=True,
                              text=t("overview.pacing.today", pct=fmt.pct(today.iloc[0].pacing_pct)))
    figure.update_layout(height=360, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                         xaxis_title=t("axis.date"), yaxis_title=t("axis.amount"),
                         legend={"orientation": "h", "y": 1.1})
    return figure


pacing = got["pacing"]
chart(pacing_figure, pacing, filters.carries_target, key="pacing_chart")
if not filters.carries_target:
    st.caption(t("overview.pacing.no_target"))
download(pacing, "overview-pacing", filters, key="pacing_csv")

st.subheader(t("overview.alerts"))
summary = got["alert_summary"].iloc[0]
if summary.customers_count == 0:
    st.success(t("overview.alerts.none", date=min(filters.end_date, pacing.day.max().date()).isoformat()))
else:
    counts = sorted(((code, int(summary[code + "_count"])) for code in ALERT_REASONS), key=lambda c: -c[1])
    words = {code: t("code." + code) for code in ALERT_REASONS}
    reader = lang()  # the CSV is made outside this run

    def because(row) -> str:
        """Each reason with its figure: sales −62.5 %, ¥5,400 more than 90 days overdue …"""
        figures = {
            "sales_drop": {"pct": fmt.signed_pct((row.sales_last_90_days_cny / row.sales_prior_year_90_days_cny - 1)
                                                 * 100 if row.sales_prior_year_90_days_cny else None)},
            "overdue_90": {"amount": fmt.money(row.overdue_90_cny, reader)},
            "complaints_30": {"n": fmt.count(row.complaints_30_days_count)},
            "low_survey": {"score": fmt.count(row.latest_overall_score)},
            "over_credit": {"amount": fmt.money(row.outstanding_cny - row.credit_limit_cny, reader)},
        }
        return "；".join(text("alert." + code, reader, **figures[code]) for code in row.reasons.split(","))

    def listed(rows, on_screen=False):
        """The alert rows, each reason with its figure; on screen only what a meeting reads."""
        frame = rows.assign(reasons=[because(r) for r in rows.itertuples()])
        columns = ["customer_name", "tier", "owner_name", "at_risk_cny", "reasons"]
        if not on_screen:
            columns += ["overdue_90_cny", "outstanding_cny", "credit_limit_cny", "sales_last_90_days_cny",
                        "sales_prior_year_90_days_cny", "complaints_30_days_count", "latest_overall_score"]
        return frame[columns]

    total = int(summary.customers_count)
    st.caption(t("overview.alerts.count", n=fmt.count(total),
                 reasons=", ".join(f"{words[code]} {fmt.count(n)}" for code, n in counts if n)))
    # A company-wide store can flag thousands: the screen shows the most at risk, the CSV all.
    if total > ALERTS_ON_SCREEN:
        st.caption(t("overview.alerts.top", shown=fmt.count(ALERTS_ON_SCREEN), n=fmt.count(total)))
    table(listed(got["alerts"], on_screen=True))
    every = loader("abnormal_customers", filters, top=None)
    download(lambda: listed(every()), "overview-alerts", filters, key="alerts_csv",
             label=t("download.all", n=fmt.count(total)))
footer()
