"""Shared fixtures: one demo store per test session, built in a temporary folder.

Tests never touch data/; they point COCKPIT_DB at their own store.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest

from store import db, demo

AS_OF = dt.date(2026, 11, 23)  # a Monday: the current ISO week has just begun
SEED = 7


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory):
    """The small demo store (path, Built) as of AS_OF; read-only for tests."""
    path = tmp_path_factory.mktemp("store") / "demo.duckdb"
    built = demo.build(path, seed=SEED, as_of=AS_OF, scale="small", progress=lambda _: None)
    return path, built


@pytest.fixture(scope="session")
def store_con(demo_store):
    """The process's shared connection to the session's demo store."""
    path, _ = demo_store
    previous = os.environ.get("COCKPIT_DB")
    os.environ["COCKPIT_DB"] = str(path)
    yield db.shared_connection()
    db.close_shared()
    if previous is None:
        os.environ.pop("COCKPIT_DB", None)
    else:
        os.environ["COCKPIT_DB"] = previous


@pytest.fixture
def empty_store(tmp_path):
    """A new store with the schema and no rows."""
    con = db.connect(tmp_path / "empty.duckdb", create=True)
    db.create_schema(con)
    yield con
    con.close()


# --- the running dashboard and a real browser (TESTING.md) -------------------------------

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHROMIUM = "/usr/bin/chromium"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def served_app(tmp_path_factory):
    """`streamlit run app.py` on a free local port over its own demo store; yields the base URL."""
    import subprocess
    import sys
    import time
    import urllib.request

    path = tmp_path_factory.mktemp("served") / "demo.duckdb"
    demo.build(path, seed=SEED, as_of=AS_OF, scale="small", progress=lambda _: None)
    port = _free_port()
    env = dict(os.environ, COCKPIT_DB=str(path))
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
         f"--server.port={port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail("the dashboard did not start:\n" + (server.stdout.read() or ""))
        time.sleep(0.3)
    yield url
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; skipped (failed under CI=true) when absent."""
    if not os.path.exists(CHROMIUM):
        message = f"browser tests need {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page; console errors are collected on page.errors."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    tab.errors = []
    tab.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    context.close()


# --- the hand-made fixture store (tests/fixture/) -----------------------------------------

@pytest.fixture(scope="session")
def fixture_path(tmp_path_factory):
    from tests.fixture_store import build_fixture_store

    return build_fixture_store(tmp_path_factory.mktemp("fixture") / "fixture.duckdb")


@pytest.fixture
def kpi(fixture_path):
    """Run a named query on the fixture store: kpi("attainment", filters, level=…)."""
    import queries

    con = db.connect(fixture_path)

    def run(name, filters=None, scope=None, **extra):
        return queries.run_filtered(name, filters, scope=scope, con=con, **extra)

    yield run
    con.close()
