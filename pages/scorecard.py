"""The monthly scorecard (绩效考核表, SPEC §3.9, §4.13): for a chosen month — by default
the previous one, whose form is due by the 26th — one row per salesperson with each
component's figure, score and weight and the weighted total, ranked; the formula on the
page and a CSV in the appraisal form's layout. The figures are those of the other pages
(queries/scorecard.py composes the same queries)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from queries.scorecard import COMPONENTS, ScorecardError, due_date, previous_month, scorecard
from ui import fmt
from ui.fmt import round_half_up
from ui.shell import chart, download, footer, keep, linked, load, month_text, start_page, t, table, viewer

page = start_page("scorecard", "📋")
filters = page.filters
today = page.today  # the store's as-of date
if not filters.carries_target:  # a tier, industry or product-line filter is set
    st.caption(t("scorecard.filters_ignored"))

default = previous_month(today)
months = [default]
for _ in range(23):
    months.append(previous_month(months[-1]))
months.insert(0, today.replace(day=1))  # the month in progress, for a look before it ends
month = st.selectbox(t("scorecard.month"), months, key="scorecard_month",
                     index=months.index(linked("month", "scorecard_month", months, default, as_text=month_text)),
                     format_func=lambda m: month_text(m) + (t("month.in_progress") if m == months[0] else ""))
keep("month", month, as_text=month_text)
due = due_date(month)
left = (due - today).days
st.caption(t("scorecard.due", month=month.strftime("%Y-%m"), due=due.isoformat())
           + " " + (t("scorecard.due_in", n=left) if left >= 0 else t("scorecard.due_past")))

try:
    card = scorecard(month, filters, load)
except ScorecardError as problem:
    st.error(t("scorecard.weights_problem", detail=str(problem)))
    st.stop()
who = viewer()
if who.scope.kind == "salesperson":  # a salesperson sees their own row, ranked among all
    card = card[card.salesperson_id == who.scope.value]
weights = load("scorecard_weights", None, on_date=month).set_index("component").weight

with st.expander(t("scorecard.formula"), expanded=True):
    st.markdown(t("scorecard.formula_text"))
    st.dataframe(pd.DataFrame({t("scorecard.component"): [t("component." + c) for c in COMPONENTS],
                               t("scorecard.weight"): [float(weights[c]) for c in COMPONENTS]}),
                 hide_index=True)

if card.empty:
    st.info(t("scorecard.nobody", month=month.strftime("%Y-%m")))
    st.stop()



def ranking_figure(ranked: pd.DataFrame) -> go.Figure:
    figure = go.Figure(go.Bar(x=ranked.total_score, y=ranked.name, orientation="h", marker_color="#2980b9",
                              text=[f"{v:.1f}" for v in ranked.total_score], textposition="outside"))
    figure.update_layout(height=max(260, 22 * len(ranked)), margin={"l": 10, "r": 10, "t": 10, "b": 10},
                         yaxis={"autorange": "reversed"}, xaxis_title=t("scorecard.total"))
    return figure


chart(ranking_figure, card.loc[card.total_score.notna(), ["total_score", "name"]], key="scorecard_chart")


def form(card: pd.DataFrame) -> pd.DataFrame:
    """The appraisal form's layout: rank, name, region, then per component its figure and
    score, the weighted total, and what was not scored."""
    region_names = page.names
    out = pd.DataFrame({t("scorecard.rank"): card["rank"], t("col.name"): card.name,
                        t("col.region_id"): card.region_id.map(lambda r: region_names.get(r, r))})
    for c in COMPONENTS:
        out[t("component." + c) + " (%)"] = round_half_up(card[c + "_pct"], 2)
        out[t("component." + c) + " · " + t("scorecard.score")] = round_half_up(card[c + "_score"], 2)
    out[t("scorecard.total")] = round_half_up(card.total_score, 2)
    out[t("scorecard.notes")] = [
        "；".join([t("scorecard.not_scored", what="、".join(t("component." + c) for c in unscored))] * bool(unscored)
                 + [t("scorecard.no_budget")] * bool(no_budget))
        for unscored, no_budget in zip(card.unscored, card.expense_no_budget)]
    return out


sheet = form(card)
# on screen each component's score under its name; the figures and the region in the CSV (the form)
scores = {t("component." + c) + " · " + t("scorecard.score"): t("component." + c) for c in COMPONENTS}
# and what was not scored beneath it, not as a wide column
on_screen = sheet.drop(columns=[c for c in sheet.columns if c.endswith(" (%)")]
                       + [t("col.region_id"), t("scorecard.notes")])
on_screen = on_screen.rename(columns=scores)
st.caption(t("scorecard.scores_only"))
table(on_screen, places={column: 2 if column == t("scorecard.total") else 1
                         for column in on_screen.columns if on_screen[column].dtype.kind == "f"})
for note, people in sheet[sheet[t("scorecard.notes")] != ""].groupby(t("scorecard.notes"))[t("col.name")]:
    st.caption(t("scorecard.notes_who", note=fmt.plain(note), names="、".join(map(fmt.plain, people))))
download(sheet, f"scorecard-{month.strftime('%Y-%m')}", filters, key="scorecard_csv")
footer()
