"""The meeting pack (report/pack.py): one Excel workbook of every page's tables, opened as a
reader's Excel would open it (openpyxl): sheets, translated headers, numbers as numbers with
their formats, native charts, text that Excel would run kept as text, the viewer's scope; made
from the command line and from the sidebar."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

from report import pack
from store import db
from tests.screen import opened
from tools.serve import ROOT
from ui.urlstate import FilterState


def made(signed_store, *options: str) -> tuple[subprocess.CompletedProcess, openpyxl.Workbook | None]:
    out = signed_store.parent / "pack.xlsx"
    out.unlink(missing_ok=True)
    done = subprocess.run([sys.executable, "-m", "report", "pack", "--db", str(signed_store), "--out", str(out),
                           *options], cwd=ROOT, capture_output=True, text=True, timeout=120)
    return done, (openpyxl.load_workbook(out) if out.exists() else None)


def rows(book: openpyxl.Workbook, title: str) -> pd.DataFrame:
    """A table sheet's rows under its header (row 3), by the sheet whose title (row 1) ends so."""
    sheet = next(ws for ws in book.worksheets if str(ws["A1"].value).endswith(title))
    values = list(sheet.iter_rows(min_row=3, values_only=True))
    return pd.DataFrame(values[1:], columns=values[0])


def test_the_pack_holds_every_page_as_the_page_shows_it(signed_store, monkeypatch):
    done, book = made(signed_store, "--user", "boss", "--lang", "en")
    assert done.returncode == 0, done.stderr
    names = book.sheetnames
    assert names[0] == "Cover" and names[-1] == "Definitions"
    assert len(names) == 2 + len(pack.SECTIONS) + 1  # every section and the scorecard
    cover = {r[0]: r[1] for r in book["Cover"].iter_rows(min_row=3, max_row=7, values_only=True)}
    assert cover["Period"] == "2026-01-01 – 2026-03-15" and cover["Data as of"] == "2026-03-15"
    assert cover["Filters"] == "none (the whole department)" and cover["Exported by"] == "boss"

    # the aging table has the rows and figures the Receivables page shows (its default view)
    monkeypatch.setenv("COCKPIT_DB", str(signed_store))
    page = opened("pages/receivables.py", "boss")
    page.session_state["filter_state"] = FilterState(lang="en")
    page.run()
    assert not page.exception
    on_page = next(d.value for d in page.dataframe if "Overdue ratio (%)" in d.value.columns)
    aging = rows(book, "Receivables aging by region")
    assert list(aging.columns) == list(on_page.columns)
    assert list(aging["Group"]) == list(on_page["Group"])
    assert aging["Outstanding (¥)"].round(0).tolist() == on_page["Outstanding (¥)"].tolist()
    # outstanding on 15 March, from tests/test_kpis.py: 22,500 in all
    assert aging["Outstanding (¥)"].sum() == pytest.approx(22_500)
    # and the ratio as a share, shown as %: 20,400 ÷ 22,500 over the two regions
    sheet = next(ws for ws in book.worksheets if ws["A1"].value.endswith("Receivables aging by region"))
    assert sheet.cell(4, list(aging.columns).index("Overdue ratio (%)") + 1).number_format == "0.0%"
    assert len(sheet._charts) == 1 and sheet.freeze_panes == "A4"

    # commission payable: base 9,950 + lead bonuses 600 − fines 3,421 = 7,129 (tests/test_kpis.py)
    assert rows(book, "Payable per person")["Payable (¥)"].sum() == pytest.approx(7_129)
    # every main chart is a native chart beside its table
    charted = [s for s in pack.SECTIONS if s.chart] + [None]  # the scorecard's ranking
    assert sum(len(ws._charts) for ws in book.worksheets) == len(charted)
    definitions = dict(book["Definitions"].iter_rows(min_row=4, values_only=True))
    assert definitions["Overdue ratio"].startswith("Outstanding past due ÷ total outstanding")


def test_a_salesperson_s_pack_holds_their_customers_only(signed_store):
    done, book = made(signed_store, "--user", "zhang", "--lang", "zh", "--pages", "receivables,scorecard")
    assert done.returncode == 0, done.stderr
    worklist = rows(book, "催收清单")
    # S1's invoices are C1's and C2's; C3 and C4 (S3's) are overdue too, but not S1's
    assert set(worklist["客户名称"]) == {"甲机械有限公司", "乙商贸有限公司"}
    assert [ws.title for ws in book.worksheets if "应收" in ws.title]  # the Chinese page name
    scorecard = next((ws for ws in book.worksheets if "绩效" in ws.title), None)
    if scorecard is not None:  # a scorecard of the last whole month: their own row only
        assert scorecard.max_row - 3 <= 1


def test_the_command_line_refuses_what_it_cannot_do(signed_store):
    done, book = made(signed_store, "--user", "nobody")
    assert done.returncode == 2 and "no enabled account named 'nobody'" in done.stderr and book is None
    done, book = made(signed_store, "--user", "boss", "--pages", "targets,bogus")
    assert done.returncode == 2 and "bogus" in done.stderr and book is None
    done, book = made(signed_store, "--user", "boss", "--link", "period=next_century&region=R9", "--pages", "targets")
    assert done.returncode == 0 and "'next_century'" in done.stderr and "'R9'" in done.stderr
    assert book["封面"]["B3"].value == "2026-01-01 – 2026-03-15"  # the default period, the whole department
    assert book["封面"]["B4"].value == "无（全部门）"


def test_cells_are_numbers_with_formats_and_text_never_runs(tmp_path):
    frame = pd.DataFrame({
        "customer_name": ["=HYPERLINK(\"http://x\",\"y\")", "  +1", "甲机械有限公司"],
        "outstanding_cny": [1_234_567.891, -25_000.0, None],
        "overdue_ratio_pct": [47.2, 0.0, 100.0],
        "open_invoices_count": [3, 0, 12],
        "last_payment_date": [dt.date(2026, 3, 1), None, dt.date(2025, 12, 31)],
    })
    sheet = pack.Sheet("receivables", "测试", frame, pack.Chart("bar", "customer_name", ("outstanding_cny",)))
    path = tmp_path / "t.xlsx"
    path.write_bytes(pack.workbook([sheet], "zh", [("期间", "=cmd|' /C calc'!A0")]))
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[1]
    assert [c.value for c in ws[3]] == ["客户名称", "应收余额（万元）", "占压率（%）", "未结发票数", "最近回款"]
    name, amount, ratio, count, day = ws[4]
    assert name.data_type == "s" and name.value.startswith("=HYPERLINK") and name.quotePrefix
    assert ws["A5"].quotePrefix and not ws["A6"].quotePrefix  # "  +1" too; a plain name not
    assert amount.value == pytest.approx(1_234_567.891) and amount.number_format == '0!.0,"万"'  # reads 123.5万
    assert ws["B6"].value is None  # missing stays empty
    assert ratio.value == pytest.approx(0.472) and ratio.number_format == "0.0%"
    assert count.value == 3 and count.number_format == "#,##0"
    assert day.is_date and day.value == dt.datetime(2026, 3, 1) and day.number_format == "yyyy-mm-dd"
    assert ws.freeze_panes == "A4" and len(ws._charts) == 1
    assert book.worksheets[0]["B3"].quotePrefix  # the cover's values too
    # in English, or in Chinese with small amounts, money reads in yuan to the fen
    path.write_bytes(pack.workbook([pack.Sheet("receivables", "t", frame.assign(outstanding_cny=[1.5, 2, 3]))],
                                   "zh", []))
    assert openpyxl.load_workbook(path).worksheets[1]["B4"].number_format == "#,##0.00"


def test_the_sidebar_makes_the_pack_for_the_page_s_filters(signed_store, monkeypatch):
    monkeypatch.setenv("COCKPIT_DB", str(signed_store))
    app = opened("pages/receivables.py", "boss")
    app.session_state["filter_state"] = FilterState(lang="en")
    app.run()
    assert not app.exception
    app.button(key="pack_make").click().run()
    assert not app.exception
    assert f"Ready: {len(pack.SECTIONS) + 1} tables." in [c.value for c in app.sidebar.caption]
    # another period: the pack made for the first is not offered for it
    app.selectbox(key="w_preset").set_value("this_month").run()
    assert not app.exception
    assert not [c.value for c in app.sidebar.caption if c.value.startswith("Ready")]


def test_the_command_line_hands_the_pack_to_the_dashboard_that_holds_the_store(signed_store):
    from tools.serve import serving

    with serving(signed_store):
        done, book = made(signed_store, "--user", "boss", "--lang", "en", "--pages", "commissions")
    assert done.returncode == 0, done.stderr
    assert "handed to it" in done.stdout and "wrote" in done.stdout
    # base 9,950 + lead bonuses 600 − fines 3,421 = 7,129, read by the dashboard's own connection
    assert rows(book, "Payable per person")["Payable (¥)"].sum() == pytest.approx(7_129)
    con = db.connect(signed_store)
    try:
        assert con.execute("SELECT user_name, subject FROM audit_log WHERE action = 'export'").fetchall() == [
            ("boss", "meeting-pack")]
    finally:
        con.close()
