"""Time a full rerun of the Overview, server-side: `python bench/overview.py --db PATH [--runs 7]`.

Runs app.py under Streamlit's AppTest over the given store with the connection open. A rerun
is what happens when the reader changes a filter: the same session runs the page again.
Measured with the query caches cold (cleared before each rerun) and warm, for the default
view (this year to date, no filter) and for a view with a tier filter (which the store's
summaries cannot answer, so every figure comes from the facts). The baseline is a rerun of a
page that only draws a title, in the same process; the first run of a new session (which
includes AppTest's own start-up) is shown for reference.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def clear_caches() -> None:
    """Every query result and what pages made from them, forgotten (a cold rerun), quietly:
    outside a page's run Streamlit warns of the missing run context at each clear."""
    import logging

    import streamlit as st

    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)
    st.cache_resource.clear()


def compile_once() -> None:
    """Page scripts compiled once, as the server does: AppTest compiles the page anew at every
    run (a new script cache each time), 3–16 ms a page here, which a served rerun never pays."""
    import streamlit.testing.v1.app_test as app_test
    import streamlit.testing.v1.local_script_runner as local_script_runner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared


def median_ms(run, runs: int, before=lambda: None) -> float:
    times = []
    for _ in range(runs):
        before()
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def rerun(app):
    """A rerun of an AppTest session (what a changed filter causes), failing on a page error."""
    def run():
        app.run()
        assert not app.exception, app.exception
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ["COCKPIT_DB"] = str(Path(args.db).resolve())
    compile_once()
    from streamlit.testing.v1 import AppTest

    from store import db
    from tools.serve import session_for
    from ui.urlstate import LIST_KEYS, FilterState

    lines = db.shared_connection().execute("SELECT count(*) FROM sales").fetchone()[0]
    head = session_for(args.db, "head")  # the pages are looked at as the head (everything)

    def session(path: str, **state) -> AppTest:
        app = AppTest.from_file(path, default_timeout=120)
        app.session_state["session_token"] = head
        if state:
            app.session_state["filter_state"] = FilterState(**state)
        app.run()
        assert not app.exception, app.exception
        return app

    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as empty:
        empty.write("import streamlit as st\nst.title('baseline')\n")
    overview = str(ROOT / "app.py")
    session(overview)  # warm the connection and imports
    base = median_ms(rerun(session(empty.name)), args.runs)
    default = session(overview, lang="en", preset="ytd")
    tiered = session(overview, lang="en", preset="ytd", values={k: ("A",) if k == "tiers" else () for k in LIST_KEYS})
    results = [
        ("empty page, rerun (baseline)", base),
        ("Overview rerun, caches cold", median_ms(rerun(default), args.runs, before=clear_caches)),
        ("Overview rerun, caches warm", median_ms(rerun(default), args.runs)),
        ("Overview rerun, tier A, caches cold", median_ms(rerun(tiered), args.runs, before=clear_caches)),
        ("Overview, first run of a new session, caches cold",
         median_ms(lambda: session(overview), args.runs, before=clear_caches)),
    ]
    os.unlink(empty.name)
    print(f"store {args.db}: {lines:,} sales lines; {os.cpu_count()} cores; median of {args.runs} runs")
    print("| run | ms | ÷ empty page rerun |")
    print("|---|---:|---:|")
    for label, ms in results:
        print(f"| {label} | {ms:,.0f} | {ms / base:,.0f}× |")


if __name__ == "__main__":
    main()
