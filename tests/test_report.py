"""The monthly report to the GM (report/monthly.py) read back as a PDF reader reads it: its pages,
every chapter's title, Chinese text as written, the month and filters atop every page and its
number at the foot, the commentary kept with the month; made from the command line and from
its page."""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys

import pdfplumber
import pytest

from report import monthly
from store import accounts, db
from tests.screen import opened
from tools.serve import ROOT
from ui.i18n import text
from ui.urlstate import FilterState

FEBRUARY = dt.date(2026, 2, 1)  # a whole month of the fixture store (its today: 15 March 2026)


@pytest.fixture(autouse=True)
def chromium():
    if not os.path.exists(monthly.CHROMIUM):
        message = f"the monthly report needs {monthly.CHROMIUM} (apt-get install chromium fonts-wqy-microhei)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)


def pages_of(path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def squeezed(line: str) -> str:
    """A line without its spaces (a reader's text of a small header spaces it its own way)."""
    return "".join(line.split())


def made(signed_store, *options: str, env: dict | None = None) -> tuple[subprocess.CompletedProcess, list[str] | None]:
    out = signed_store.parent / "report.pdf"
    out.unlink(missing_ok=True)
    done = subprocess.run([sys.executable, "-m", "report", "monthly", "--db", str(signed_store), "--out", str(out),
                           *options], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    return done, (pages_of(out) if out.exists() else None)


def test_the_month_s_report_tells_every_chapter_in_chinese_with_the_filters_on_every_page(signed_store):
    con = db.connect(signed_store)
    hostile = "<script>alert(1)</script> 回款落后，下月追回。"
    accounts.save_comments(con, FEBRUARY, {"receivables": hostile, "targets": "二月完成计划。"}, "boss")
    con.close()
    done, pages = made(signed_store, "--month", "2026-02", "--lang", "zh", "--link", "region=R1", "--user", "boss")
    assert done.returncode == 0, done.stderr
    whole = "\n".join(pages)
    # every chapter, in the story's order, its title as written (extractable Chinese, not look-alike radicals)
    titles = [text("overview.alerts" if c == "alerts" else "page." + c, "zh") for c in monthly.CHAPTERS]
    at = [whole.index("\n" + title + "\n") for title in titles]
    assert at == sorted(at)
    assert "月度工作报告 · 2026年2月" in pages[0] and "2026-02-01 – 2026-02-28" in pages[0]
    for number, page in enumerate(pages, 1):  # the month and the filters atop, the number at the foot
        lines = page.splitlines()
        assert squeezed(lines[0]).startswith("月度工作报告·2026年2月·筛选：区域：北区"), lines[0]
        assert f"{number} / {len(pages)}" in lines
    # the commentary, kept with the month, comes first in its chapter, as typed
    receivables = whole.index("\n应收回款\n")
    assert whole.index("部门负责人点评", receivables) < whole.index("各区域回款完成情况", receivables) < whole.index(
        "按区域应收账龄", receivables)
    assert hostile in whole.replace("\n", "")
    assert "南区" not in whole.split("\n", 1)[1].replace("区域：北区", "")  # South is outside the filter


def test_an_english_report_and_the_command_line_s_refusals(signed_store):
    done, pages = made(signed_store, "--month", "2026-02", "--lang", "en")
    assert done.returncode == 0, done.stderr
    whole = "\n".join(pages)
    assert squeezed(pages[0]).startswith(squeezed("Monthly report · 2026-02 · Filters: none (the whole department)"))
    assert "Receivables aging by region" in whole and "Payable per person" in whole
    con = db.connect(signed_store)
    try:
        assert con.execute("SELECT user_name, subject, detail FROM audit_log WHERE action = 'export'").fetchall() == [
            ("cli", "monthly-report", f"monthly-report_2026-02_en.pdf · {len(pages)} pages (command line)")]
    finally:
        con.close()
    done, pages = made(signed_store, "--month", "2026-13")
    assert done.returncode == 2 and "not a month in the form YYYY-MM" in done.stderr and pages is None
    done, pages = made(signed_store, "--month", "2026-02", "--user", "nobody")
    assert done.returncode == 2 and "no enabled account named 'nobody'" in done.stderr and pages is None
    # no chromium on the machine: said, with what to install, and no file
    bare = {k: v for k, v in os.environ.items() if k != "BROWSER_PATH"}
    bare |= {"COCKPIT_CHROMIUM": "/nowhere/chromium", "PATH": os.path.dirname(sys.executable)}
    done, pages = made(signed_store, "--month", "2026-02", env=bare)
    assert done.returncode == 2 and "apt-get install chromium fonts-wqy-microhei" in done.stderr and pages is None


def test_commentary_is_kept_whole_or_not_at_all(signed_store):
    con = db.connect(signed_store)
    try:
        accounts.save_comments(con, FEBRUARY, {"targets": "一", "visits": "二"}, "boss")
        with pytest.raises(accounts.AccountError, match="at most 2,000"):
            accounts.save_comments(con, FEBRUARY, {"targets": "改", "visits": "长" * 2_001}, "boss")
        assert accounts.comments(con, FEBRUARY) == {"targets": "一", "visits": "二"}  # nothing half-changed
        accounts.save_comments(con, FEBRUARY, {"targets": "  ", "visits": "三"}, "boss")  # empty: removed
        assert accounts.comments(con, FEBRUARY) == {"visits": "三"}
        assert accounts.comments(con, dt.date(2026, 1, 1)) == {}
    finally:
        con.close()


def test_the_report_page_keeps_the_commentary_and_makes_the_pdf(signed_store, monkeypatch):
    monkeypatch.setenv("COCKPIT_DB", str(signed_store))
    app = opened("pages/report.py", "boss")
    app.session_state["filter_state"] = FilterState(lang="en")
    app.run()
    assert not app.exception
    assert app.selectbox(key="report_month").value == FEBRUARY  # the last whole month
    app.text_area(key=f"comment_{FEBRUARY}_targets").input("February on plan.")
    app.button[0].click().run()  # the form's save button
    assert not app.exception and "Commentary for 2026-02 saved." in [s.value for s in app.success]
    con = db.connect(signed_store)
    assert accounts.comments(con, FEBRUARY) == {"targets": "February on plan."}
    con.close()
    app.button(key="report_make").click().run()
    assert not app.exception
    assert [s.value for s in app.success if s.value.startswith("Ready:")]
    # a salesperson may not open it
    other = opened("pages/report.py", "zhang")
    other.session_state["filter_state"] = FilterState(lang="en")
    other.run()
    assert "The monthly report is the head's and the assistant's." in [i.value for i in other.info]
    assert not other.text_area


def test_a_store_made_before_the_commentary_gains_its_table_when_opened(signed_store):
    import duckdb

    raw = duckdb.connect(str(signed_store))
    raw.execute("DROP TABLE report_comments")
    raw.close()
    con = db.connect(signed_store)
    try:
        assert accounts.comments(con, FEBRUARY) == {}
        accounts.save_comments(con, FEBRUARY, {"targets": "一"}, "boss")
        assert accounts.comments(con, FEBRUARY) == {"targets": "一"}
    finally:
        con.close()
