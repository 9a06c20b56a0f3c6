"""The meeting pack: every page's main tables for the current filters and language in one
Excel workbook — a cover, a sheet per table with its chart as a native Excel chart beside the
data, and the definitions of every figure.

`sheets(load, filters, lang, today, scope)` reads the tables through `load(name, filters,
**extra)` — the pages' own cached loader in the dashboard, a runner from the command line, both
within the viewer's `scope` — with each page's default controls, the columns its
screen shows; `workbook(...)` writes them with XlsxWriter: numbers stay numbers with Excel
formats (money to the fen, in Chinese in 万 where the page reads 万; percentages as %), frozen
headers, fitted widths, text cells that Excel would read as a formula kept as text.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xlsxwriter

from queries.filters import STALLED_DAYS, Filters, Scope
from queries.scorecard import COMPONENTS, ScorecardError, previous_month, scorecard
from queries.values import missing, missing_each
from ui import export, fmt
from ui.i18n import TEXT, text
from ui.urlstate import LIST_KEYS

Load = Callable[..., pd.DataFrame]


@dataclass(frozen=True)
class Chart:
    """A native Excel chart of a sheet's rows: `kind` column, bar (horizontal) or line; one
    series per value column, against the category column."""

    kind: str
    category: str
    values: tuple[str, ...]
    stacked: bool = False


@dataclass(frozen=True)
class Sheet:
    page: str  # the page's key (page.<key> names it)
    title: str  # the table's title, in the reader's language
    frame: pd.DataFrame
    chart: Chart | None = None
    key: str = ""  # the title's text key


@dataclass(frozen=True)
class Section:
    """One table of a page: the query and its controls as the page's defaults, the columns the
    screen shows (`columns`), how its rows are shaped (`shape`, given the frame and the
    language), and its chart."""

    page: str
    title: str  # an i18n key
    query: str
    extra: Callable[[Filters, dt.date], dict] = lambda filters, today: {}
    columns: tuple[str, ...] | None = None
    shape: Callable[[pd.DataFrame, str], pd.DataFrame] | None = None
    chart: Chart | None = None


def _named(frame: pd.DataFrame, lang: str, column: str = "group_name") -> pd.DataFrame:
    """A group's or node's name in the reader's language (the `_en` column in English)."""
    english = column + "_en"
    if english in frame and lang == "en":
        frame = frame.assign(**{column: frame[english].where(~missing_each(frame[english]), frame[column])})
    return frame.drop(columns=[english], errors="ignore")


def named_nodes(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Targets' rows with `node_name` in the reader's language. The department's own row and the
    targets of salespeople who have no region are named for what they are, never one for the other."""
    names = frame["node_name" if lang == "zh" else "node_name_en"]
    department = frame["node_id"].eq("department").fillna(False).to_numpy(bool)
    fallback = np.where(department, text("code.department", lang), text("code.no_region", lang))
    return frame.assign(node_name=names.where(names.notna(), pd.Series(fallback, index=frame.index)))


def attainment(frame: pd.DataFrame, lang: str, metric: str = "sales") -> pd.DataFrame:
    """One measure's rows as the Targets page shows them."""
    rows = named_nodes(frame[frame.metric == metric], lang)
    rows = rows.assign(bucket_start=[fmt.period(d, "month", lang) for d in rows.bucket_start])
    return rows[["bucket_start", "node_name", "actual_value", "plan_target", "plan_gap_value",
                 "plan_attainment_pct", "stretch_attainment_pct"]]


def _months(frame: pd.DataFrame, lang: str, column: str = "group_id") -> pd.DataFrame:
    return frame.assign(**{column: [fmt.month(str(m)[:7], lang) if not missing(m) else m for m in frame[column]]})


def _category(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return frame.assign(group_name=[text("category." + c, lang) for c in frame.group_id]).drop(
        columns=["group_id", "group_name_en"], errors="ignore")


def payable_per_person(payable: pd.DataFrame) -> pd.DataFrame:
    """commission_payable's rows (per person and month) summed per person over the period, most
    payable first (the Commissions page's table and the pack's)."""
    return payable.groupby(["person_id", "name", "role"], as_index=False, dropna=False)[
        ["deals_count", "own_commission_cny", "shares_given_cny", "shares_received_cny", "lead_bonuses_cny",
         "fines_cny", "payable_cny"]].sum().round(2).sort_values("payable_cny", ascending=False)  # fen stay fen


def _report_month(filters: Filters, today: dt.date) -> dt.date:
    """The competitors' monthly report's month: the period's last month, or the last whole one
    when the period runs into the month in progress (as the Competitors page opens)."""
    last = min(filters.end_date, today).replace(day=1)
    return previous_month(today) if last == today.replace(day=1) else last


# the columns each page's screen shows (pages/satisfaction.py)
CSAT = ["responses_count", "csat_pct", "ci_low_pct", "ci_high_pct", "overall_mean"]
SLA = ["complaints_count", "open_count", "qa_sla_pct", "action_sla_pct", "timeliness_pct", "median_hours_to_qa",
       "median_hours_to_deliver"]
TOP = 200  # a list's rows, as its page shows them

def alert_rows(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The abnormal customers as a meeting reads them: each one's reasons in words."""
    between = "；" if lang == "zh" else "; "
    reasons = [between.join(text("code." + r, lang) for r in codes.split(",")) for codes in rows.reasons]
    return rows.assign(reasons=reasons)[["customer_name", "tier", "owner_name", "at_risk_cny", "reasons"]]


SECTIONS: tuple[Section, ...] = (
    Section("overview", "overview.alerts", "abnormal_customers", lambda f, d: {"top": TOP}, shape=alert_rows),
    Section("targets", "targets.attainment", "attainment", lambda f, d: {"level": "region", "grain": "month"},
            shape=attainment),
    Section("targets", "pack.department_months", "attainment",
            lambda f, d: {"level": "department", "grain": "month"}, shape=attainment,
            chart=Chart("column", "bucket_start", ("actual_value", "plan_target"))),
    Section("pipeline", "pack.coverage", "pipeline_coverage", lambda f, d: {"horizon": "quarter", "group_by": "region"},
            shape=lambda x, lang: _named(x, lang).drop(columns=["group_id"]),
            chart=Chart("bar", "group_name", ("weighted_cny", "remaining_cny"))),
    Section("pipeline", "pipe.funnel", "pipeline_funnel"),
    Section("pipeline", "pack.attention", "pipeline_attention", lambda f, d: {"stalled_days": STALLED_DAYS, "top": TOP},
            columns=("opportunity_id", "account_name", "owner_name", "stage", "days_since_change", "is_stalled",
                     "without_plan", "overdue_actions_count", "expected_cny", "expected_close_on", "next_step")),
    Section("pipeline", "pipe.contracts_title", "contracts_status", lambda f, d: {"top": TOP},
            shape=lambda x, lang: x.drop(columns=["region_id", "signed_at", "waiting_since"])),
    Section("pipeline", "pipe.invoices_due", "due_invoicing"),
    Section("pipeline", "pipe.instalments_due", "due_instalments"),
    Section("receivables", "pack.aging", "receivables_aging",
            lambda f, d: {"as_of_date": min(f.end_date, d), "group_by": "region"},
            shape=lambda x, lang: _named(x, lang).drop(columns=["group_id", "overdue_cny", "credit_cny",
                                                                 "open_invoices_count"]),
            chart=Chart("bar", "group_name", ("days_1_30_cny", "days_31_60_cny", "days_61_90_cny",
                                              "days_91_180_cny", "over_180_cny"), stacked=True)),
    Section("receivables", "recv.trend", "overdue_ratio_trend", lambda f, d: {"as_of_date": min(f.end_date, d)},
            chart=Chart("line", "month_end", ("overdue_ratio_pct",))),
    Section("receivables", "recv.worklist", "collections_worklist",
            lambda f, d: {"as_of_date": min(f.end_date, d), "bucket": "all", "top": TOP},
            columns=("customer_name", "owner_name", "region_id", "max_days_past_due", "overdue_cny",
                     "outstanding_cny", "last_payment_date", "over_credit", "open_complaints_count")),
    Section("visits", "visits.revisits", "revisit_completion", lambda f, d: {"group_by": "salesperson"},
            shape=lambda x, lang: x.drop(columns=["group_id"])),
    Section("visits", "pack.revisit_months", "revisit_completion", lambda f, d: {"group_by": "month"},
            shape=lambda x, lang: _months(x.drop(columns=["group_name"]), lang),
            chart=Chart("line", "group_id", ("completion_pct",))),
    Section("visits", "visits.uncovered", "uncovered_key_accounts", lambda f, d: {"top": TOP}),
    Section("visits", "visits.quotas", "activity_weeks", lambda f, d: {"grain": "week"},
            shape=lambda x, lang: x.assign(period_start=x.period_start.dt.strftime("%Y-%m-%d"))[
                ["name", "region_id", "period_start", "orgs_short", "batches_short", "leads_short", "fine_cny",
                 "short_weeks", "short_streak", "flagged"]]),
    Section("satisfaction", "sat.by_month", "csat", lambda f, d: {"group_by": "month"},
            shape=lambda x, lang: _months(x[["group_id", *CSAT]], lang),
            chart=Chart("line", "group_id", ("csat_pct",))),
    Section("satisfaction", "sat.by_region", "csat", lambda f, d: {"group_by": "region"},
            shape=lambda x, lang: _named(x, lang)[["group_name", *CSAT]]),
    Section("satisfaction", "sat.complaints", "complaint_sla", lambda f, d: {"group_by": "category"},
            shape=lambda x, lang: _category(x, lang)[["group_name", *SLA]],
            chart=Chart("column", "group_name", ("complaints_count", "open_count"))),
    Section("satisfaction", "sat.churned", "churned_customers"),
    Section("competitors", "comp.report", "competitor_report", lambda f, d: {"month": _report_month(f, d)},
            chart=Chart("bar", "competitor", ("mentions_count", "previous_mentions_count"))),
    Section("competitors", "comp.monthly", "competitor_monthly",
            shape=lambda x, lang: x.assign(month=x.month.dt.strftime("%Y-%m"))[
                ["month", "competitor", "mentions_count", "share_of_voice_pct", "price_gap_median_pct",
                 "win_rate_pct"]]),
    Section("competitors", "comp.win_loss", "pipeline_won_lost", lambda f, d: {"group_by": "competitor"},
            shape=lambda x, lang: x.assign(group_id=x.group_id.replace("", text("pipe.none_named", lang))).rename(
                columns={"group_id": "competitor"})),
    Section("competitors", "comp.topics", "competitor_topics"),
    Section("commissions", "commissions.payable_person", "commission_payable",
            lambda f, d: {"share_override": None, "bonus_override": None},
            shape=lambda x, lang: payable_per_person(x).drop(columns=["person_id"]),
            chart=Chart("bar", "name", ("payable_cny",))),
    Section("commissions", "commissions.claims", "commission_claims",
            shape=lambda x, lang: x[x.verdict != "won"].rename(columns={"manager_name": "claimed_by_name"})[
                ["deal_id", "close_date", "customer_name", "closer_name", "claimed_by_name", "channel",
                 "registered_at", "verdict"]]),
    Section("expenses", "expenses.by", "expense_control", lambda f, d: {"group_by": "region"},
            shape=lambda x, lang: _named(x, lang).drop(columns=["group_id"]),
            chart=Chart("column", "group_name", ("budget_cny", "actual_cny"))),
    Section("expenses", "expenses.overruns", "expense_overruns",
            shape=lambda x, lang: _named(x.drop(columns=["salesperson_id", "region_id"]), lang, "region_name").assign(
                month=x.month.dt.strftime("%Y-%m"))),
)

PAGES = ("overview", "targets", "pipeline", "receivables", "visits", "satisfaction", "competitors", "commissions",
         "expenses", "scorecard")  # in the order of the sidebar


def _scorecard(load: Load, filters: Filters, lang: str, month: dt.date, scope: Scope) -> Sheet | None:
    """The scorecard of `month` as the page shows it: a salesperson their own row, ranked among all."""
    try:
        card = scorecard(month, filters, load)
    except ScorecardError:
        return None
    if scope.kind == "salesperson":
        card = card[card.salesperson_id == scope.value]
    frame = pd.DataFrame({"rank": card["rank"], "name": card.name, "region_id": card.region_id})
    for c in COMPONENTS:
        frame[text("component." + c, lang) + " · " + text("scorecard.score", lang)] = card[c + "_score"]
    frame[text("scorecard.total", lang)] = card.total_score
    return Sheet("scorecard", text("page.scorecard", lang) + " " + month.strftime("%Y-%m"), frame,
                 Chart("bar", "name", (text("scorecard.total", lang),)), "page.scorecard")


def sheets(load: Load, filters: Filters, lang: str, today: dt.date, scope: Scope, pages: Iterable[str] = PAGES,
           progress: Callable[[float, str], None] = lambda done, what: None, month: dt.date | None = None
           ) -> list[Sheet]:
    """The chosen pages' tables, each as its page shows it by default (`load` runs the query
    within the viewer's `scope`; the scorecard of `month`, by default the last whole one);
    `progress(share done, what)` after each."""
    chosen = [p for p in PAGES if p in set(pages)]
    todo = [s for s in SECTIONS if s.page in chosen]
    made: list[Sheet] = []
    steps = len(todo) + ("scorecard" in chosen)
    for done, section in enumerate(todo, 1):
        frame = load(section.query, filters, **section.extra(filters, today))
        frame = frame.drop(columns=["rows_count"], errors="ignore")
        if section.shape:
            frame = section.shape(frame, lang)
        if section.columns:
            frame = frame[list(section.columns)]
        frame = export.without_codes(frame)
        made.append(Sheet(section.page, text(section.title, lang), frame.reset_index(drop=True), section.chart,
                          section.title))
        progress(done / steps, text(section.title, lang))
    if "scorecard" in chosen:
        sheet = _scorecard(load, filters, lang, month or previous_month(today), scope)
        if sheet is not None:
            made.append(sheet)
        progress(1.0, text("page.scorecard", lang))
    return made


def cover(filters: Filters, lang: str, names: dict[str, str], today: dt.date, by: str, at: dt.datetime
          ) -> list[tuple[str, str]]:
    """The cover's lines: the period, the filters (by their names), the data's date, who and when."""
    colon = "：" if lang == "zh" else ": "
    chosen = [text("filter." + k, lang) + colon + "、".join(names.get(v, v) for v in getattr(filters, k))
              for k in LIST_KEYS if getattr(filters, k)]
    return [(text("pack.period", lang), f"{filters.start_date.isoformat()} – {filters.end_date.isoformat()}"),
            (text("pack.filters", lang), "；".join(chosen) or text("pack.none", lang)),
            (text("pack.as_of", lang), today.isoformat()),
            (text("pack.by", lang), by),
            (text("pack.at", lang), at.strftime("%Y-%m-%d %H:%M"))]


def file_name(filters: Filters, names: dict[str, str] | None = None) -> str:
    """e.g. meeting-pack_2026-01-01_2026-11-23.xlsx (with the chosen filters, as a CSV's name)."""
    return export.file_name("meeting-pack", filters, names).removesuffix(".csv") + ".xlsx"


# --- the workbook ---------------------------------------------------------------------------

_SHEET_NAME = re.compile(r"[\[\]:*?/\\']")
FORMULA_LIKE = ("=", "+", "-", "@")
MONEY, MONEY_WAN, PCT, WHOLE, DECIMAL, DATE, MOMENT = ("#,##0.00", '0!.0,"万"', "0.0%", "#,##0", "#,##0.00##",
                                                      "yyyy-mm-dd", "yyyy-mm-dd hh:mm")


def _width(value: object) -> int:
    """How many character widths a value takes (a Chinese character two)."""
    shown = str(value)
    return len(shown) + sum(1 for ch in shown if ord(ch) > 0x2E80)


def definitions(lang: str) -> list[tuple[str, str]]:
    """Every figure's definition (the tiles' help), by the figure's name."""
    found = []
    for key in TEXT:
        if key.startswith("help."):
            name = key[len("help."):]
            title = next((text(k, lang) for k in ("kpi." + name, "col." + name) if k in TEXT), name)
            found.append((title, text(key, lang)))
    return found


def workbook(made: list[Sheet], lang: str, cover: list[tuple[str, str]], names: dict[str, str] | None = None
             ) -> bytes:
    """The pack as .xlsx bytes: the cover (its `cover` lines, then a linked list of the sheets),
    a sheet per table (its chart beside it) and the definitions."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "nan_inf_to_errors": True})
    book.set_properties({"title": text("pack.title", lang), "comments": "Key-Account Cockpit"})
    bold = book.add_format({"bold": True})
    title_format = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
    quoted = book.add_format({"quote_prefix": True})
    link = book.add_format({"font_color": "blue", "underline": 1})
    formats = {f: book.add_format({"num_format": f}) for f in (MONEY, MONEY_WAN, PCT, WHOLE, DECIMAL, DATE, MOMENT)}

    front = book.add_worksheet(text("pack.cover", lang)[:31])
    front.write_string(0, 0, text("pack.title", lang), title_format)
    for row, (label, value) in enumerate(cover, 2):
        front.write_string(row, 0, label, bold)
        _text(front, row, 1, value, quoted)
    row = len(cover) + 3
    front.write_string(row, 0, text("pack.contents", lang), bold)
    taken: set[str] = {text("pack.cover", lang)[:31]}
    named = []
    for number, sheet in enumerate(made, 1):
        page = text("page." + sheet.page, lang)
        name = _SHEET_NAME.sub(" ", f"{number:02d} {page} {sheet.title}")[:31].strip()
        while name in taken:
            name = name[:28] + f"~{number}"
        taken.add(name)
        named.append(name)
        front.write_url(row + number, 0, f"internal:'{name}'!A1", link, string=name)
        front.write_string(row + number, 1, f"{len(sheet.frame):,}")
    front.set_column(0, 0, 28)
    front.set_column(1, 1, 60)

    for sheet, name in zip(made, named):
        _table(book, book.add_worksheet(name), sheet, lang, names, title_format, head, quoted, formats)

    words = book.add_worksheet(text("pack.definitions", lang)[:31])
    words.write_string(0, 0, text("pack.definitions", lang), title_format)
    words.write_string(2, 0, text("pack.figure", lang), head)
    words.write_string(2, 1, text("pack.definition", lang), head)
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for row, (name, meaning) in enumerate(definitions(lang), 3):
        words.write_string(row, 0, name, bold)
        words.write_string(row, 1, meaning, wrap)
    words.set_column(0, 0, 30)
    words.set_column(1, 1, 100)
    words.freeze_panes(3, 0)
    book.close()
    return out.getvalue()


def _text(ws, row: int, col: int, value: str, quoted) -> None:
    """A text cell; one that Excel would take for a formula is kept as typed (quote prefix)."""
    if value.lstrip(" \t\r\n").startswith(FORMULA_LIKE):
        ws.write_string(row, col, value, quoted)
    else:
        ws.write_string(row, col, value)


def _table(book, ws, sheet: Sheet, lang: str, names, title_format, head, quoted, formats) -> None:
    frame = export.labelled(sheet.frame, lang, names)
    wan = fmt.in_wan(frame, lang)
    ws.write_string(0, 0, f"{text('page.' + sheet.page, lang)} · {sheet.title}", title_format)
    top = 2  # the header's row; the rows below it
    widths = []
    for col, column in enumerate(frame.columns):
        values, header = frame[column], export.header(column, lang)
        kind = fmt.kind(column)
        number = None
        if pd.api.types.is_bool_dtype(values):
            values = values.map(lambda v: export.yes_no(v, lang))
        elif pd.api.types.is_numeric_dtype(values):
            if kind == "money":
                number = MONEY_WAN if wan else MONEY
                header = fmt.wan_header(header) if wan else header
            elif kind == "pct":
                number = PCT
            elif kind == "count" or pd.api.types.is_integer_dtype(values):
                number = WHOLE
            else:
                number = DECIMAL
        ws.write_string(top, col, header, head)
        width = _width(header) // (2 if len(header) > 24 else 1)
        for row, value in enumerate(values.tolist(), top + 1):
            if missing(value):
                continue
            if number is not None:
                ws.write_number(row, col, float(value) / (100 if number == PCT else 1), formats[number])
                width = max(width, 12 if number != PCT else 8)
            elif isinstance(value, pd.Timestamp | dt.datetime | dt.date):
                day = value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
                if isinstance(day, dt.datetime) and day.time() != dt.time(0):
                    ws.write_datetime(row, col, day, formats[MOMENT])
                    width = max(width, 17)
                else:
                    ws.write_datetime(row, col, dt.datetime.combine(day, dt.time(0)) if not isinstance(
                        day, dt.datetime) else day, formats[DATE])
                    width = max(width, 11)
            else:
                shown = fmt.text(value) if isinstance(value, list | tuple) else str(value)
                _text(ws, row, col, shown, quoted)
                width = max(width, _width(shown))
        widths.append(min(max(width, 6) + 2, 60))
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.freeze_panes(top + 1, 0)
    if len(frame.columns):
        ws.autofilter(top, 0, top + len(frame), len(frame.columns) - 1)
    if sheet.chart and len(frame):
        _chart(book, ws, sheet, frame, lang, top, len(frame.columns) + 1)


def _chart(book, ws, sheet: Sheet, frame: pd.DataFrame, lang: str, top: int, beside: int) -> None:
    spec = sheet.chart
    chart = book.add_chart({"type": spec.kind, **({"subtype": "stacked"} if spec.stacked else {})})
    category = list(frame.columns).index(spec.category)
    first, last = top + 1, top + len(frame)
    for column in spec.values:
        col = list(frame.columns).index(column)
        chart.add_series({"name": [ws.name, top, col], "categories": [ws.name, first, category, last, category],
                          "values": [ws.name, first, col, last, col]})
    chart.set_title({"name": sheet.title})
    chart.set_legend({"position": "bottom"} if len(spec.values) > 1 else {"none": True})
    if spec.kind == "bar":
        chart.set_y_axis({"reverse": True})
    chart.set_size({"width": 720, "height": max(360, min(900, 22 * len(frame) + 120)) if spec.kind == "bar"
                    else 360})
    ws.insert_chart(top, beside, chart)
