"""The monthly report to the general manager (每月工作报告): one month's story as a PDF, in
either language — targets and pacing, collections and the overdue ratio, visits, satisfaction
and complaints, competitors, commissions payable, expenses, the scorecard and the alerts —
each chapter with the head's commentary first, then its charts and key tables; the month and
the filters at the top of every page and its number at the foot.

The tables are the meeting pack's (report/pack.py) for the month; the charts are drawn with
Plotly and turned into images offline by kaleido (Debian's chromium), and the page printed to
PDF by the same chromium, with a Chinese font whose text a PDF reader extracts as written
(WenQuanYi Micro Hei, Debian's fonts-wqy-microhei).
"""

from __future__ import annotations

import base64
import calendar
import datetime as dt
import html
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from queries.filters import Filters, Scope
from queries.values import missing
from report import pack
from ui import export, fmt
from ui.i18n import text

CHAPTERS = ("targets", "pipeline", "receivables", "visits", "satisfaction", "competitors", "commissions", "expenses",
            "scorecard", "alerts")  # the story's order; each one's commentary is kept under its name
ROWS = 15  # a table's rows in the report; the page's CSV has them all
FONT = "WenQuanYi Micro Hei"
CHROMIUM = os.environ.get("COCKPIT_CHROMIUM", "/usr/bin/chromium")
_CHARTS_ONE_AT_A_TIME = threading.Lock()  # kaleido keeps one browser for the process


class ReportError(RuntimeError):
    """The report cannot be made here (no chromium, a print that failed): says what to do."""


def month_of(month: dt.date, filters: Filters) -> Filters:
    """The filters over the calendar month of `month`."""
    first = month.replace(day=1)
    return replace(filters, start_date=first, end_date=first.replace(day=calendar.monthrange(first.year,
                                                                                             first.month)[1]))


CHART_ONLY = {"targets.pacing", "recv.trend"}  # their charts say it (the days and months: the pages' CSVs)
# charts the report draws where the pack has none (one month: one bar per region)
EXTRA_CHARTS = {"targets.attainment": pack.Chart("column", "node_name", ("actual_value", "plan_target"))}


def _pacing(load: pack.Load, filters: Filters, lang: str) -> pack.Sheet:
    rows = load("pacing_by_day", filters, metric="sales")
    frame = rows[["day", "cumulative_actual", "cumulative_target"]].rename(
        columns={"cumulative_actual": "actual_value", "cumulative_target": "plan_target"})
    return pack.Sheet("targets", text("targets.pacing", lang), frame,
                      pack.Chart("line", "day", ("actual_value", "plan_target")), "targets.pacing")


def _collections(load: pack.Load, filters: Filters, lang: str) -> pack.Sheet:
    rows = pack.attainment(load("attainment", filters, level="region", grain="month"), lang, "collections")
    return pack.Sheet("receivables", text("report.collections", lang), rows,
                      pack.Chart("column", "node_name", ("actual_value", "plan_target")), "report.collections")


def _alerts(load: pack.Load, filters: Filters, lang: str) -> pack.Sheet:
    rows = pack.alert_rows(load("abnormal_customers", filters, top=ROWS), lang)
    total = int(load("alert_summary", filters).iloc[0].customers_count)  # how many in all (the first ROWS shown)
    return pack.Sheet("alerts", text("overview.alerts", lang), rows.assign(rows_count=total), None,
                      "overview.alerts")


def chapters(load: pack.Load, month: dt.date, filters: Filters, lang: str, today: dt.date, scope: Scope,
             progress: Callable[[float, str], None] = lambda done, what: None) -> dict[str, list[pack.Sheet]]:
    """Each chapter's tables for the month (the pack's, read through `load` within `scope`)."""
    period = month_of(month, filters)
    found: dict[str, list[pack.Sheet]] = {c: [] for c in CHAPTERS}
    pages = [p for p in pack.PAGES if p != "overview"]  # the alerts come last, the first ROWS of them

    def reading(done: float, what: str) -> None:  # the tables are the first half of the work
        progress(done * 0.5, text("pack.making", lang, what=what))
    for sheet in pack.sheets(load, period, lang, today, scope, pages, reading, month=period.start_date):
        chart = sheet.chart or EXTRA_CHARTS.get(sheet.key)
        found[sheet.page].append(replace(sheet, chart=chart))
    found["targets"].insert(1, _pacing(load, period, lang))
    found["receivables"].insert(0, _collections(load, period, lang))
    found["alerts"].append(_alerts(load, period, lang))
    return found


# --- charts ---------------------------------------------------------------------------------

COLOURS = ("#2980b9", "#95a5a6", "#e67e22", "#c0392b", "#8e44ad", "#16a085")
STACKED = ("#f1c40f", "#e67e22", "#e74c3c", "#c0392b", "#7b241c")  # the aging buckets, as the Receivables page


def figure(sheet: pack.Sheet, lang: str) -> go.Figure:
    """A sheet's chart as a Plotly figure: its series against its category, amounts in 万 in
    Chinese, percentages as %."""
    spec, frame = sheet.chart, sheet.frame
    categories = frame[spec.category]
    if pd.api.types.is_datetime64_any_dtype(categories):  # days within a month, months over longer
        short = categories.max() - categories.min() <= pd.Timedelta(days=31)
        categories = categories.dt.strftime("%m-%d" if short else "%Y-%m")
    categories = [text("code." + c, lang) if spec.category == "tier" else c for c in categories]
    chart = go.Figure()
    wan = lang == "zh" and any(fmt.kind(c) == "money" for c in spec.values)
    for n, column in enumerate(spec.values):
        values = frame[column].astype("float64")
        if wan:
            values = values / 10_000
        name = export.header(column, lang)
        colours = STACKED if spec.stacked else COLOURS
        colour = colours[n % len(colours)]
        if spec.kind == "line":
            chart.add_scatter(x=categories, y=values, name=name, mode="lines+markers", line={"color": colour})
        else:
            horizontal = spec.kind == "bar"
            chart.add_bar(x=values if horizontal else categories, y=categories if horizontal else values, name=name,
                          orientation="h" if horizontal else "v", marker_color=colour)
    unit = "万元" if wan else ("%" if all(fmt.kind(c) == "pct" for c in spec.values) else "")
    largest = max((frame[c].astype("float64").abs().max() for c in spec.values), default=0)
    value_axis = {**({"tickformat": ",.0f"} if largest / (10_000 if wan else 1) >= 10 else {}),
                  **({"title": {"text": unit}} if unit else {})}
    chart.update_layout(barmode="stack" if spec.stacked else "group", font={"family": FONT, "size": 13},
                        margin={"l": 10, "r": 10, "t": 10, "b": 10}, showlegend=len(spec.values) > 1,
                        legend={"orientation": "h", "y": 1.08, "yanchor": "bottom", "traceorder": "normal"},
                        template="plotly_white",
                        **({"xaxis": value_axis, "yaxis": {"autorange": "reversed", "type": "category"}}
                           if spec.kind == "bar" else {"yaxis": value_axis, "xaxis": {"type": "category"}}))
    return chart


def _height(sheet: pack.Sheet) -> int:
    return max(300, min(700, 24 * len(sheet.frame) + 110)) if sheet.chart.kind == "bar" else 320


def _browser() -> str:
    """Debian's chromium, which draws the charts and prints the PDF."""
    found = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not found:
        raise ReportError(f"the report is drawn and printed by Debian's chromium ({CHROMIUM}, not found): "
                          "apt-get install chromium fonts-wqy-microhei")
    return found


def images(made: dict[str, list[pack.Sheet]], lang: str) -> dict[int, bytes]:
    """Each charted sheet's chart as SVG (by the sheet's id), drawn by kaleido in one browser."""
    import kaleido

    # a chart of one row says no more than its table
    charted = [s for sheets in made.values() for s in sheets if s.chart is not None and len(s.frame) > 1]
    if not charted:
        return {}
    os.environ.setdefault("BROWSER_PATH", _browser())  # kaleido draws with the same chromium
    with _CHARTS_ONE_AT_A_TIME:
        kaleido.start_sync_server(silence_warnings=True)
        try:
            return {id(s): kaleido.calc_fig_sync(figure(s, lang), opts={"format": "svg", "width": 980,
                                                                        "height": _height(s)})
                    for s in charted}
        finally:
            kaleido.stop_sync_server(silence_warnings=True)


# --- the page -------------------------------------------------------------------------------

def _cell(column: str, value: object, lang: str, wan: bool) -> str:
    if missing(value):
        return fmt.MISSING
    if isinstance(value, bool):
        return export.yes_no(value, lang)
    kind = fmt.kind(column)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if kind == "money":
            return f"{fmt.rounded(value / 10_000, 2):,}" if wan else fmt.money(value, lang)
        if kind == "pct":
            return fmt.pct(value)
        if kind == "count" or pd.api.types.is_integer(value):
            return fmt.count(value)
        return f"{fmt.rounded(value, 2):,}"
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time(0) else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return fmt.text(value) if isinstance(value, list | tuple) else str(value)


def _table(sheet: pack.Sheet, lang: str, names: dict[str, str]) -> str:
    frame = export.labelled(sheet.frame, lang, names)
    total = int(frame["rows_count"].iloc[0]) if "rows_count" in frame and len(frame) else len(frame)
    frame = frame.drop(columns=["rows_count"], errors="ignore")
    wan = fmt.in_wan(frame, lang)
    amounts = {c for c in frame.columns if fmt.kind(c) == "money"}
    headers = [fmt.wan_header(export.header(c, lang)) if wan and c in amounts else export.header(c, lang)
               for c in frame.columns]
    heads = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    shown = frame.head(ROWS)
    # numbers to the right; a short text (a name, a region) on one line; a long one wraps
    kinds = {c: "n" if pd.api.types.is_numeric_dtype(frame[c]) else
             ("s" if shown[c].astype("str").str.len().max() <= 12 else "t") for c in frame.columns}
    body = "".join(
        "<tr>" + "".join(f'<td class="{kinds[c]}">{html.escape(_cell(c, v, lang, wan))}</td>'
                         for c, v in zip(frame.columns, row)) + "</tr>"
        for row in shown.itertuples(index=False))
    more = text("report.first_rows", lang, shown=fmt.count(ROWS), n=fmt.count(total))
    note = f'<p class="note">{html.escape(more)}</p>' if total > ROWS else ""
    if frame.empty:
        return f'<p class="note">{html.escape(text("report.no_rows", lang))}</p>'
    return f"<table><thead><tr>{heads}</tr></thead><tbody>{body}</tbody></table>{note}"


def _css_string(value: str) -> str:
    """A CSS string literal of `value`: every character but letters, digits and spaces escaped
    (each escape ends with the space that closes it, so a space after it stays)."""
    return '"' + "".join(ch if ch.isalnum() or ch == " " else f"\\{ord(ch):06x} " for ch in value) + '"'


STYLE = """
@page { size: A4; margin: 20mm 14mm 16mm 14mm;
  @top-left { content: %(top)s; font: 8.5pt "%(font)s"; color: #555; }
  @bottom-right { content: counter(page) " / " counter(pages); font: 9pt "%(font)s"; color: #555; } }
body { font: 10pt "%(font)s", sans-serif; color: #222; }
h1 { font-size: 20pt; margin: 0 0 4mm; } h2 { font-size: 15pt; border-bottom: 2px solid #c0392b;
  padding-bottom: 1mm; break-before: page; } h2:first-of-type { break-before: auto; margin-top: 8mm; }
h3 { font-size: 11.5pt; margin: 5mm 0 2mm; break-after: avoid; }
.cover td { padding: 1mm 4mm 1mm 0; } .comment { border-left: 4px solid #c0392b; background: #fdf2f0;
  padding: 2mm 4mm; margin: 3mm 0; white-space: pre-wrap; } .comment b { display: block; margin-bottom: 1mm; }
table.data, table { border-collapse: collapse; width: 100%%; font-size: 8.5pt; margin-bottom: 2mm; }
th { background: #ddebf7; text-align: left; padding: 1mm; border: 0.3pt solid #bbb; }
td { padding: 0.8mm 1mm; border: 0.3pt solid #ddd; } td.n { text-align: right; white-space: nowrap; }
td.s { white-space: nowrap; }
tr { break-inside: avoid; } img { width: 100%%; break-inside: avoid; } .note { color: #666; font-size: 8.5pt; }
.cover { width: auto; font-size: 10.5pt; } .cover td { border: none; }
"""


def page(made: dict[str, list[pack.Sheet]], pictures: dict[int, bytes], month: dt.date, lang: str,
         cover: list[tuple[str, str]], comments: dict[str, str], names: dict[str, str]) -> str:
    """The report as one HTML page (every value escaped; nothing fetched: images are inline)."""
    title = text("report.title", lang, month=fmt.month(month.strftime("%Y-%m"), lang))
    filters = next((value for label, value in cover if label == text("pack.filters", lang)), "")
    top = f"{title} · {text('pack.filters', lang)}{'：' if lang == 'zh' else ': '}{filters}"
    parts = [f"<h1>{html.escape(title)}</h1><table class='cover'>"
             + "".join(f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(v)}</td></tr>" for k, v in cover)
             + "</table>"]
    for chapter in CHAPTERS:
        heading = text("overview.alerts" if chapter == "alerts" else "page." + chapter, lang)
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        if comments.get(chapter):
            parts.append(f"<div class='comment'><b>{html.escape(text('report.comment', lang))}</b>"
                         f"{html.escape(comments[chapter])}</div>")
        for sheet in made[chapter]:
            if sheet.title != heading:
                parts.append(f"<h3>{html.escape(sheet.title)}</h3>")
            if id(sheet) in pictures:
                svg = base64.b64encode(pictures[id(sheet)]).decode()
                parts.append(f"<img alt='' src='data:image/svg+xml;base64,{svg}'>")
            if sheet.key not in CHART_ONLY:
                parts.append(_table(sheet, lang, names))
    return ("<!doctype html><html lang='" + ("zh-CN" if lang == "zh" else "en") + "'><head><meta charset='utf-8'>"
            "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; img-src data:; "
            "style-src 'unsafe-inline'\">"
            f"<title>{html.escape(title)}</title><style>{STYLE % {'top': _css_string(top), 'font': FONT}}</style>"
            f"</head><body>{''.join(parts)}</body></html>")


def pdf(document: str) -> bytes:
    """The page printed to PDF by headless chromium (A4, no browser header or footer)."""
    browser = _browser()
    with tempfile.TemporaryDirectory(prefix="report-") as folder:
        source, out = Path(folder) / "report.html", Path(folder) / "report.pdf"
        source.write_text(document, encoding="utf-8")
        done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                               "--disable-background-networking", "--disable-component-update", "--no-first-run",
                               f"--user-data-dir={folder}/profile", f"--print-to-pdf={out}", source.as_uri()],
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0 or not out.exists():
            raise ReportError(f"chromium could not print the report (exit {done.returncode}): "
                              + (done.stderr.strip().splitlines() or ["no message"])[-1])
        return out.read_bytes()


def report(load: pack.Load, month: dt.date, filters: Filters, lang: str, today: dt.date, scope: Scope,
           names: dict[str, str], by: str, comments: dict[str, str],
           progress: Callable[[float, str], None] = lambda done, what: None) -> bytes:
    """The month's report as PDF bytes."""
    made = chapters(load, month, filters, lang, today, scope, progress)
    progress(0.6, text("report.drawing", lang))
    pictures = images(made, lang)
    progress(0.9, text("report.printing", lang))
    period = month_of(month, filters)
    cover = pack.cover(period, lang, names, today, by, dt.datetime.now())
    document = page(made, pictures, month, lang, cover, comments, names)
    data = pdf(document)
    progress(1.0, text("report.printing", lang))
    return data


def file_name(month: dt.date, filters: Filters, lang: str, names: dict[str, str] | None = None) -> str:
    """e.g. monthly-report_2026-11_zh.pdf (with the chosen filters, as a CSV's name)."""
    chosen = export.file_name("x", replace(filters, start_date=month, end_date=month), names).removesuffix(".csv")
    rest = chosen.split("_", 3)[3:]  # the filter values after the page and the two dates
    return "_".join(["monthly-report", month.strftime("%Y-%m"), lang, *rest]) + ".pdf"
