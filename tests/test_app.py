"""The entry page renders the store at a glance, under AppTest and in a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_entry_page_shows_the_as_of_date_and_table_sizes(store_con):
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert "2026-11-23" in app.caption[0].value
    counts = app.dataframe[0].value
    assert dict(zip(counts.table_name, counts.rows_count))["customers"] == 3000


def test_entry_page_explains_a_missing_store(monkeypatch, tmp_path):
    monkeypatch.setenv("COCKPIT_DB", str(tmp_path / "missing.duckdb"))
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert "python -m store demo" in app.error[0].value


@pytest.mark.browser
def test_the_dashboard_serves_in_a_real_browser(served_app, page):
    page.goto(served_app)
    page.get_by_text("Key-Account Cockpit · 大客户驾驶舱").wait_for(timeout=30_000)
    page.get_by_text("2026-11-23").first.wait_for(timeout=30_000)
    assert page.errors == []
