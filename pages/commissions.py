"""Commissions (SPEC §3.7, §4.7): what each person is owed for the period — own deals,
referral shares given and received, lead bonuses, quota fines — with every deal's
attribution or the reason it is void, the flow between people, a what-if on the referral
share and lead bonus, and a per-person statement for payroll. The rules are applied in
one place (store/macros.sql, kpi_commission_lines); this page only presents them."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from queries.values import missing
from report.pack import payable_per_person
from ui import fmt
from ui.i18n import text
from ui.shell import (
    chart,
    download,
    each_row,
    empty_state,
    footer,
    keep,
    kpi_tile,
    lang,
    linked,
    load,
    load_many,
    loader,
    made_from,
    start_page,
    t,
    table,
)

page = start_page("commissions", "💰")
filters = page.filters
if not filters.carries_target:  # a tier, industry or product-line filter is set
    st.caption(t("commissions.filters_ignored"))

rules = load("commission_rules", None, on_date=filters.end_date)
overlapping = rules[rules.overlaps_with.notna()]
if not overlapping.empty:
    pairs = sorted({" ↔ ".join(sorted([r.rule_id, other]))
                    for r in overlapping.itertuples() for other in r.overlaps_with})
    st.error(t("commissions.rule_overlap", pairs="; ".join(map(fmt.plain, pairs))))
    st.stop()


def rule_value(kind: str):
    in_force = rules[(rules.kind == kind) & rules.in_force]
    return float(in_force.value.iloc[0]) if not in_force.empty else 0.0


# --- what if: the referral share and the lead bonus for this view only -----------------------
share_rule, bonus_rule = rule_value("referral_share"), rule_value("lead_bonus_per_unit")
with st.expander(t("commissions.what_if")):
    st.caption(t("commissions.rules_now", date=filters.end_date.isoformat(), share=fmt.pct(share_rule * 100),
                 bonus=fmt.money(bonus_rule, lang())))
    left, right = st.columns(2)
    share_pct = left.number_input(t("commissions.share_input"), min_value=0.0, max_value=100.0, step=5.0,
                                  value=share_rule * 100, key="whatif_share")
    bonus = right.number_input(t("commissions.bonus_input"), min_value=0.0, max_value=100_000.0, step=10.0,
                               value=bonus_rule, key="whatif_bonus")
overrides = {"share_override": None if abs(share_pct / 100 - share_rule) < 1e-9 else round(share_pct / 100, 4),
             "bonus_override": None if abs(bonus - bonus_rule) < 1e-9 else round(bonus, 2)}
what_if = any(v is not None for v in overrides.values())

got = load_many(payable=loader("commission_payable", filters, **overrides),
                lines=loader("commission_lines", filters, **overrides), claims=loader("commission_claims", filters))
payable, lines, claims = got["payable"], got["lines"], got["claims"]
if lines.empty and payable.empty:
    empty_state(filters)

# --- tiles -------------------------------------------------------------------------------
per_person = payable_per_person(payable)
total = payable.payable_cny.sum()
tiles = st.columns(3) + st.columns(3)
kpi_tile(tiles[0], "kpi.payable", fmt.money_compact(total, lang()), "help.payable",
         caption=t("kpi.people_negative", n=fmt.count((per_person.payable_cny < 0).sum())))
kpi_tile(tiles[1], "kpi.base_commission", fmt.money_compact(lines.base_commission_cny.sum(), lang()),
         "help.base_commission", caption=t("kpi.deals", n=fmt.count((lines.status == "closed").sum())))
kpi_tile(tiles[2], "kpi.shares_moved", fmt.money_compact(lines.referral_share_cny.sum(), lang()), "help.shares_moved")
kpi_tile(tiles[3], "kpi.lead_bonuses", fmt.money_compact(lines.lead_bonus_cny.sum(), lang()), "help.lead_bonuses")
kpi_tile(tiles[4], "kpi.fines", fmt.money_compact(payable.fines_cny.sum(), lang()), "help.fines")
kpi_tile(tiles[5], "kpi.void_claims", fmt.count((claims.verdict == "void").sum()), "help.void_claims")

if what_if:
    under_rules = load("commission_payable", filters, share_override=None, bonus_override=None)
    rules_total = under_rules.payable_cny.sum()
    st.info(t("commissions.what_if_on", share=fmt.pct(share_pct), bonus=fmt.money(bonus, lang()),
              total=fmt.money(total, lang()), rules=fmt.money(rules_total, lang()),
              delta=("+" if total >= rules_total else "") + fmt.money(total - rules_total, lang())))
    before = under_rules.groupby("person_id").payable_cny.sum().rename("payable_rules_cny")
    per_person = per_person.join(before, on="person_id")
    per_person["change_cny"] = (per_person.payable_cny - per_person.payable_rules_cny.fillna(0)).round(2)

# --- payable per person and month --------------------------------------------------------
st.subheader(t("commissions.payable_person"))
monthly = payable.copy()
monthly["month"] = monthly["month"].dt.strftime("%Y-%m")
shown_people = per_person
table(shown_people.drop(columns=["person_id"]))
download(shown_people.drop(columns=["person_id"]), "commissions-payable-by-person", filters, key="payable_csv")
with st.expander(t("commissions.payable")):
    table(monthly.drop(columns=["person_id", "region_id"]))
    download(monthly.drop(columns=["person_id", "region_id"]), "commissions-payable-by-month", filters,
             key="payable_month_csv")

# --- the flow between people ----------------------------------------------------------------
st.subheader(t("commissions.flow"))
deals_node, leads_node = t("commissions.node_deals"), t("commissions.node_leads")
fines_node = t("commissions.node_fines")
# Between people first (referral shares closer → manager, lead bonuses, fines), the largest
# LINKS of them; then the base commission of the closers drawn, so each shows what it shares.
between = []  # (from, to, amount)
shared = lines[lines.referral_share_cny > 0]
between += [(c, m, v) for (c, m), v in shared.groupby(["closer_name", "manager_name"]).referral_share_cny.sum().items()]
bonused = lines[lines.lead_bonus_cny > 0]
between += [(leads_node, m, v) for m, v in bonused.groupby("manager_name").lead_bonus_cny.sum().items()]
between += [(name, fines_node, v) for name, v in payable.groupby("name").fines_cny.sum().items() if v > 0]
between = sorted((f for f in between if f[0] != f[1]), key=lambda f: -float(f[2]))
LINKS = 12  # what a room reads on a projector; the caption says how many more there are
if len(between) > LINKS:
    st.caption(t("commissions.flow_top", n=LINKS, total=fmt.count(len(between))))
between = between[:LINKS]
drawn = {f[0] for f in between}
closed = lines[(lines.base_commission_cny > 0) & lines.closer_name.isin(drawn)]
flows = [(deals_node, name, v) for name, v in closed.groupby("closer_name").base_commission_cny.sum().items()]
flows += between


def flow_figure(flows: list[tuple[str, str, float]]) -> go.Figure:
    nodes = list(dict.fromkeys([f[0] for f in flows] + [f[1] for f in flows]))
    index = {name: i for i, name in enumerate(nodes)}
    figure = go.Figure(go.Sankey(
        node={"label": nodes, "pad": 18, "thickness": 16},
        link={"source": [index[f[0]] for f in flows], "target": [index[f[1]] for f in flows],
              "value": [f[2] for f in flows]}))
    figure.update_layout(height=max(360, 28 * len(nodes)), margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return figure


if between:
    chart(flow_figure, [(a, b, float(v)) for a, b, v in flows], key="flow_chart")


# --- the deals, each with its rule and reason ------------------------------------------------
READER = lang()  # the reader's language, read once: the texts below are made for every deal


def said(key: str, **values) -> str:
    return text(key, READER, **values)


def money_text(value) -> str:
    return fmt.money(value, READER)


def deal_rule(row) -> str:
    if missing(row.base_rule_id):
        return said("reason.no_base_rate", line=row.product_line)
    return said("reason.base", rate=f"{float(row.base_rate) * 100:.2f} %", amount=money_text(row.amount),
             rule=row.base_rule_id)


def unpaid_reason(row, cancelled: bool, lost: bool = False) -> str:
    """Why a deal or claim earns nothing — void (why), cancelled, or lost to an earlier
    claim — from its void_code, earlier_by_name and earlier_at; '' if it does earn."""
    if row.void_code == "already_registered":
        return said("reason.already_registered", name=row.earlier_by_name, date=str(row.earlier_at)[:10])
    if not missing(row.void_code):
        return said("reason." + row.void_code)
    if cancelled:
        return said("reason.cancelled")
    return said("reason.lost") if lost else ""


def deal_reason(row) -> str:
    if row.status == "cancelled":
        return said("reason.cancelled")
    if not missing(row.void_code):
        return unpaid_reason(row, cancelled=False)
    if row.attribution == "referral":
        return said("reason.referral", name=row.manager_name, share=fmt.pct(float(row.share) * 100),
                 rule=fmt.text(row.share_rule_id))
    if row.attribution == "lead":
        return said("reason.lead", name=row.manager_name, units=row.units, bonus=money_text(row.bonus_per_unit),
                 rule=fmt.text(row.bonus_rule_id))
    return said("reason.no_base_rate", line=row.product_line) if missing(row.base_rule_id) else ""


RULE_READS = ["base_rule_id", "product_line", "base_rate", "amount"]
REASON_READS = ["status", "void_code", "earlier_by_name", "earlier_at", "attribution", "manager_name", "share",
                "share_rule_id", "units", "bonus_per_unit", "bonus_rule_id", "product_line", "base_rule_id"]
reasons = made_from("commission_lines", filters, f"deal reasons {READER}", lambda: pd.Series(
    each_row(lines[REASON_READS], deal_reason), index=lines.index, dtype=object), **overrides)


@st.fragment
def deal_list() -> None:
    """The deals, all or attributed or void: a change of what is shown redraws this section only."""
    st.subheader(t("commissions.deals"))
    SHOWN = ("all", "attributed", "void")
    show = st.segmented_control(t("commissions.show"), SHOWN, key="deals_show",
                                default=linked("deals", "deals_show", SHOWN, "all"),
                                format_func=lambda v: t("commissions.show." + v)) or "all"
    keep("deals", show)
    picked = lines
    if show == "attributed":
        picked = lines[lines.attribution.notna()]
    elif show == "void":
        picked = lines[lines.void_code.notna() | (lines.status == "cancelled")]
    deals = picked[["deal_id", "close_date", "customer_name", "product_line", "units", "amount", "status",
                    "closer_name", "base_commission_cny", "manager_name", "attribution", "referral_share_cny",
                    "closer_keeps_cny", "lead_bonus_cny"]].copy()
    deals["close_date"] = deals.close_date.dt.date
    deals["manager_name"] = deals.manager_name.fillna("")
    deals["reason"] = reasons  # aligned on the rows picked
    # on screen what a meeting reads (the reason names the manager, or the missing base rate); the date,
    # units, status, the rule applied (written when the CSV is asked for) and the split's parts in the CSV
    table(deals[["deal_id", "customer_name", "amount", "closer_name", "base_commission_cny", "referral_share_cny",
                 "reason"]])
    rules = picked[RULE_READS]
    download(lambda: deals.assign(rule=each_row(rules, deal_rule))[[*deals.columns[:-1], "rule", "reason"]],
             f"commissions-deals-{show}", filters, key="deals_csv")


deal_list()


st.subheader(t("commissions.claims"))
unpaid = claims[claims.verdict != "won"].copy()
unpaid["reason"] = each_row(unpaid[["verdict", "void_code", "earlier_by_name", "earlier_at"]],
                            lambda r: unpaid_reason(r, cancelled=r.verdict == "cancelled", lost=r.verdict == "lost"))
unpaid["close_date"] = unpaid.close_date.dt.date
unpaid = unpaid[["deal_id", "close_date", "customer_name", "closer_name", "manager_name", "channel", "registered_at",
                 "verdict", "reason"]].rename(columns={"manager_name": "claimed_by_name"})
table(unpaid.drop(columns=["close_date", "verdict"]))  # the reason says the verdict; both in the CSV
download(unpaid, "commissions-claims-unpaid", filters, key="claims_csv")

# --- one person's statement ------------------------------------------------------------------
def statement_sheet(statement: pd.DataFrame) -> pd.DataFrame:
    """A person's statement as the page and the CSV show it: each entry's reason in words, a rate as a
    percentage and a bonus per unit in yuan (the rule's own unit)."""
    sheet = statement[["entry_date", "kind", "deal_id", "customer_name", "product_line", "units", "amount",
                       "counterpart_name", "rule_id", "rule_value", "amount_cny"]].copy()
    sheet["entry_date"] = sheet.entry_date.dt.date
    sheet = sheet.astype({"counterpart_name": object, "rule_id": object}).fillna({"counterpart_name": "",
                                                                                  "rule_id": ""})
    sheet["reason"] = each_row(
        statement[["kind", "orgs_short", "batches_short", "leads_short", "status", "void_code", "earlier_by_name",
                   "earlier_at"]],
        lambda r: t("reason.fine", orgs=int(r.orgs_short), batches=int(r.batches_short), leads=int(r.leads_short))
        if r.kind == "fine" else unpaid_reason(r, cancelled=r.status == "cancelled", lost=r.kind == "claim_lost"))
    sheet["rule_value"] = each_row(statement[["rule_value", "kind"]], lambda r: (
        None if missing(r.rule_value) else fmt.money(r.rule_value, READER) if r.kind == "lead_bonus"
        else f"{fmt.rounded(float(r.rule_value) * 100, 2)}%"))
    return sheet


@st.fragment
def person_statement() -> None:
    """One person's statement: choosing another person redraws this section only."""
    st.subheader(t("commissions.statement"))
    people = dict(zip(per_person.person_id, per_person.name))
    if people:
        person = st.selectbox(t("commissions.person"), list(people), format_func=lambda p: f"{people[p]} ({p})",
                              key="statement_person")
        asked = dict(person=person, start_date=filters.start_date, end_date=filters.end_date, **overrides)
        statement = load("commission_statement", None, **asked)
        sheet = made_from("commission_statement", None, f"statement {READER}", lambda: statement_sheet(statement),
                          **asked)
        total = round(statement.amount_cny.sum(), 2)
        # on screen what a person checks, within a projector's width; the deal, its amount, product line,
        # units and rule in the CSV for payroll
        table(sheet.drop(columns=["deal_id", "amount", "product_line", "units", "rule_id"]))
        st.metric(t("commissions.total"), fmt.money(total, lang()))
        total_row = {column: None for column in sheet.columns} | {"kind": t("commissions.total"), "amount_cny": total}
        download(lambda: pd.concat([sheet, pd.DataFrame([total_row])], ignore_index=True),
                 f"commissions-statement-{person}", filters, key="statement_csv",
                 label=t("commissions.statement_download", name=fmt.plain(people[person])))


person_statement()

footer()
