"""Shared fixtures: one demo store per test session, built in a temporary folder.

Tests never touch data/; they point COCKPIT_DB at their own store.
"""

from __future__ import annotations

import datetime as dt
import os
import re

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

_SERVED_HEAD: dict[str, str] = {}  # served_app's URL → a session of its demo store's head


@pytest.fixture(scope="session")
def served_app(tmp_path_factory):
    """`streamlit run dashboard.py` on a free local port over its own demo store; yields the base
    URL (a `page` of a test that uses it is logged in as the demo's head)."""
    from tools.serve import serving, session_for

    path = tmp_path_factory.mktemp("served") / "demo.duckdb"
    demo.build(path, seed=SEED, as_of=AS_OF, scale="small", progress=lambda _: None)
    token = session_for(path, "head")
    with serving(path) as url:
        _SERVED_HEAD[url] = token
        yield url


def head_context(browser, served_url: str, **options):
    """Another browser (a new context) of the served app's head: a link opened elsewhere."""
    from tools.serve import sign_in

    context = browser.new_context(**options)
    sign_in(context, served_url, _SERVED_HEAD[served_url])
    return context


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; skipped (failed under CI=true) when absent."""
    from tools.serve import CHROMIUM, CHROMIUM_ARGS

    if not os.path.exists(CHROMIUM):
        message = f"browser tests need {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context and page (logged in as the head when the test uses served_app);
    console errors are collected on page.errors."""
    from tools.serve import sign_in

    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN",
                                  accept_downloads=True)
    if "served_app" in request.fixturenames:
        url = request.getfixturevalue("served_app")
        sign_in(context, url, _SERVED_HEAD[url])
    tab = context.new_page()
    tab.errors, tab.not_found = [], []
    tab.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    tab.on("response", lambda r: tab.not_found.append(r.url) if r.status == 404 else None)
    yield tab
    context.close()


# Opening a page's own URL (…/targets) makes Streamlit's frontend probe these two under the
# page's path before the app's root, logging two 404s (streamlit#7074, open): expected.
_PAGE_PATH_PROBE = re.compile(r"/[a-z_]+/_stcore/(health|host-config)$")


def console_errors(tab) -> list[str]:
    """The page's console errors, less the two 404s of Streamlit's base-path probe."""
    unexpected = [url for url in tab.not_found if not _PAGE_PATH_PROBE.search(url)]
    return unexpected + [e for e in tab.errors if not ("status of 404" in e and not unexpected)]


# --- the hand-made fixture store (tests/fixture/) -----------------------------------------

@pytest.fixture(scope="session")
def fixture_path(tmp_path_factory):
    from tests.fixture_store import build_fixture_store

    return build_fixture_store(tmp_path_factory.mktemp("fixture") / "fixture.duckdb")


@pytest.fixture
def altered(fixture_path, tmp_path):
    """A copy of the fixture store changed by the test's own SQL: `path, run =
    altered("UPDATE …")`; `run` is like `kpi` on that copy, `path` for a page to open."""
    import shutil

    import queries

    opened = []

    def make(*statements: str):
        path = tmp_path / f"altered-{len(opened)}.duckdb"
        shutil.copy(fixture_path, path)
        con = db.connect(path)
        opened.append(con)
        for statement in statements:
            con.execute(statement)
        db.refresh_derived(con)  # as every load does

        def run(name, filters=None, scope=None, **extra):
            return queries.run_filtered(name, filters, scope=scope, con=con, **extra)
        return path, run

    yield make
    for con in opened:
        con.close()


@pytest.fixture
def signed_store(fixture_path, tmp_path):
    """A copy of the fixture store (15 March 2026) with a head (boss) and a salesperson (zhang,
    S1) account, for tests that write to it or act as an account."""
    import shutil

    from store import accounts

    path = tmp_path / "store.duckdb"
    shutil.copy(fixture_path, path)
    con = db.connect(path)
    accounts.add_user(con, "boss", "head", by="test")
    accounts.add_user(con, "zhang", "salesperson", salesperson="S1", by="test")
    con.close()
    return path


@pytest.fixture
def kpi(fixture_path):
    """Run a named query on the fixture store: kpi("attainment", filters, level=…)."""
    import queries

    con = db.connect(fixture_path)

    def run(name, filters=None, scope=None, **extra):
        return queries.run_filtered(name, filters, scope=scope, con=con, **extra)

    yield run
    con.close()
