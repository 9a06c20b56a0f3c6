"""The page sweep: every page under the views a department head tries — each period preset, one
day, a period with no data, the month in progress (the store's today is the 2nd), regions,
salespeople chosen for their edges (no target, no sales, no visits, left, joined late, a
key-account manager, the head), a tier, an industry, a product line — in both languages, on
the demo store. No view may raise, and nothing a person reads — text, tiles, table cells and
headers, chart labels — may say None, nan, NaN, NaT, <NA> or 00:00:00.

The views alternate between the two languages, so each language meets every kind of view;
every page runs in one process (AppTest), about four hundred runs in all."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from store import demo
from tests.conftest import SEED
from tests.screen import opened, shown_cells
from ui.urlstate import LIST_KEYS, FilterState

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 12, 2)  # the 2nd: this month has just begun
PAGES = ["app.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))]
SHOWS_MISSING = re.compile(r"\b(None|nan|NaN|NaT)\b|<NA>|00:00:00")

# S0001 the head and S0002 the assistant (no region, no target, no sales); S0003 and S0007
# key-account managers (no target, no sales; S0007 short of quota); S0025 left in Feb 2025
# (nothing this year); S0026 joined in Feb 2025; S0019 and S0036 in 平洲 and 黄岐 (S0036 with
# few sales); S0013, S0047 (the busiest), S0051, S0060.
PEOPLE = ("S0001", "S0002", "S0003", "S0007", "S0013", "S0019", "S0025", "S0026", "S0036", "S0047", "S0051",
          "S0060")


def chosen(**values: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {key: values.get(key, ()) for key in LIST_KEYS}


VIEWS = [
    *[(f"preset {p}", {"preset": p}) for p in ("this_month", "this_quarter", "ytd", "last_12_months")],
    ("one day", {"preset": "custom", "start": dt.date(2026, 12, 1), "end": dt.date(2026, 12, 1)}),
    ("today only", {"preset": "custom", "start": TODAY, "end": TODAY}),
    ("no data", {"preset": "custom", "start": dt.date(2012, 1, 1), "end": dt.date(2012, 3, 31)}),
    ("after today", {"preset": "custom", "start": dt.date(2027, 1, 1), "end": dt.date(2027, 1, 31)}),
    ("last year", {"preset": "custom", "start": dt.date(2025, 1, 1), "end": dt.date(2025, 12, 31)}),
    *[(f"region {r}", {"values": chosen(regions=(r,))}) for r in ("R01", "R02", "R05", "R10")],
    ("region 平洲 and S0019", {"values": chosen(regions=("R02",), salespeople=("S0019",))}),
    *[(f"salesperson {s}", {"values": chosen(salespeople=(s,))}) for s in PEOPLE],
    ("salesperson S0036, this month", {"preset": "this_month", "values": chosen(salespeople=("S0036",))}),
    ("salesperson S0025, last year", {"preset": "custom", "start": dt.date(2025, 1, 1), "end": dt.date(2025, 3, 31),
                                      "values": chosen(salespeople=("S0025",))}),
    *[(f"tier {t}", {"values": chosen(tiers=(t,))}) for t in ("A", "C")],
    ("industry 物流运输", {"values": chosen(industries=("物流运输",))}),
    ("product line 软件服务", {"values": chosen(product_lines=("软件服务",))}),
    ("everything at once", {"values": chosen(regions=("R07",), salespeople=("S0047",), tiers=("A",),
                                             industries=("制造业",), product_lines=("耗材",))}),
]


@pytest.fixture(scope="module")
def sweep_store(tmp_path_factory):
    """The small demo store as of the 2nd of December."""
    path = tmp_path_factory.mktemp("sweep") / "demo.duckdb"
    demo.build(path, seed=SEED, as_of=TODAY, scale="small", progress=lambda _: None)
    return path


_ISO_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?([ T][0-9:.]+)?$")


def _chart_texts(spec: str) -> list[str]:
    """The words of a Plotly figure a reader sees: trace names, text labels, titles; and, for
    a date axis drawn without a date format, the 00:00:00 its ticks would show on a short span."""
    figure, found = json.loads(spec), []
    for letter in ("x", "y"):
        values = [v for trace in figure.get("data", []) for v in (trace.get(letter) or [])
                  if isinstance(trace.get(letter), list)]
        if values and all(isinstance(v, str) and _ISO_DATE.match(v) for v in values):
            axis = figure.get("layout", {}).get(letter + "axis", {})
            if axis.get("type") != "category" and "%Y" not in axis.get("tickformat", ""):
                found.append(f"00:00:00 (the {letter} axis of dates has no date format)")

    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key in ("name", "text", "title", "ticktext", "label", "hovertext"):
            found.append(node)

    walk({"data": figure.get("data", []), "layout": figure.get("layout", {})})
    return found


def read_by_a_person(app: AppTest) -> list[str]:
    """Every piece of text the page shows."""
    texts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error",
                 "success", "exception"):
        texts += [str(e.value) for e in getattr(app, kind)]
    for metric in app.metric:
        texts += [metric.label, metric.value, metric.delta or ""]
    for widget in (*app.selectbox, *app.multiselect, *app.radio):
        texts += [widget.label, *map(str, widget.options)]
    for frame in app.dataframe:
        texts += [str(c) for c in frame.value.columns]
        texts += [str(v) for v in shown_cells(frame).to_numpy().ravel()]
    for chart in app.get("plotly_chart"):
        texts += _chart_texts(chart.proto.spec)
    return texts


@pytest.mark.parametrize("page", PAGES)
def test_every_page_under_every_view_in_both_languages(sweep_store, monkeypatch, page):
    monkeypatch.setenv("COCKPIT_DB", str(sweep_store))
    problems = []
    for number, (name, view) in enumerate(VIEWS):
        for lang in (("en", "zh") if number % 4 == 0 else ("zh",) if number % 2 else ("en",)):
            app = opened(page)
            app.session_state["filter_state"] = FilterState(lang=lang, **view)
            app.run()
            if app.exception:
                problems.append(f"{page} · {name} · {lang}: {app.exception[0].value}")
                continue
            shown = [t for t in read_by_a_person(app) if SHOWS_MISSING.search(t)]
            if shown:
                problems.append(f"{page} · {name} · {lang}: shows {shown[:5]}")
    assert problems == []
