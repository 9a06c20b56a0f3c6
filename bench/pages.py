"""Time a full rerun of every page, server-side: `python bench/pages.py --db PATH [--runs 3] [--page targets]`.

Runs each page under Streamlit's AppTest over the given store with the connection open, looked
at as the head (everything). A rerun is what happens when the reader changes a filter: the same
session runs the page again. For each page: the default view (this year to date, no filter)
with the query caches cold (cleared before each rerun) and warm, and cold under one industry,
one product line and one salesperson (the store's busiest of each). The baseline is a rerun of
a page that only draws a title, in the same process; every time is also given as a ratio to it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.overview import clear_caches, compile_once, median_ms, rerun  # noqa: E402
from bench.queries import BUSIEST  # noqa: E402
from tools.screenshots import PAGES as SIDEBAR  # noqa: E402

# (name, script, the page's own choices as the reader made them): the sidebar's pages, and views
# of a page that a choice on it opens (the Planning page's key customers, for the store's year)
PAGES = [(name, f"pages/{path}.py" if path else "app.py", {}) for name, path in SIDEBAR] + [
    ("planning-key-customers", "pages/planning.py", {"plan_kind": "customers", "plan_year": "today"})]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--page", action="append", help="only this page (by name); may be given again")
    args = parser.parse_args()
    os.environ["COCKPIT_DB"] = str(Path(args.db).resolve())
    compile_once()
    from streamlit.testing.v1 import AppTest

    from store import db
    from tools.serve import session_for
    from ui.urlstate import LIST_KEYS, FilterState

    con = db.shared_connection().cursor()
    lines = con.execute("SELECT count(*) FROM sales").fetchall()[0][0]
    today = con.execute("SELECT as_of_date FROM store_meta").fetchall()[0][0]
    busiest = {name: con.execute(sql).fetchall()[0][0] for name, sql in BUSIEST.items()}
    con.close()
    head = session_for(args.db, "head")

    def session(path: str, chosen: dict | None = None, **state) -> AppTest:
        app = AppTest.from_file(str(ROOT / path), default_timeout=300)
        app.session_state["session_token"] = head
        for key, value in (chosen or {}).items():
            app.session_state[key] = today.year if value == "today" else value
        if state:
            app.session_state["filter_state"] = FilterState(**state)
        app.run()
        assert not app.exception, f"{path}: {app.exception}"
        return app

    def narrowed(key: str) -> dict:
        return {k: (busiest[key],) if k == key else () for k in LIST_KEYS}

    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as empty:
        empty.write("import streamlit as st\nst.title('baseline')\n")
    session("app.py")  # warm the connection and imports
    base = median_ms(rerun(AppTest.from_file(empty.name).run()), max(args.runs, 5))
    os.unlink(empty.name)
    cold = {"before": clear_caches}
    rows = []
    for name, script, chosen in PAGES:
        if args.page and name not in args.page:
            continue
        default = session(script, chosen, lang="en", preset="ytd")
        row = [name, median_ms(rerun(default), args.runs, **cold), median_ms(rerun(default), args.runs)]
        for key in ("industries", "product_lines", "salespeople"):
            row.append(median_ms(rerun(session(script, chosen, lang="en", preset="ytd", values=narrowed(key))),
                                 args.runs, **cold))
        rows.append(row)
        print(f"  {name}: " + " · ".join(f"{ms:,.0f}" for ms in row[1:]), file=sys.stderr, flush=True)
    print(f"store {args.db}: {lines:,} sales lines; {os.cpu_count()} cores; median of {args.runs} runs; "
          f"empty page rerun {base:.1f} ms; narrowed to industry {busiest['industries']}, product line "
          f"{busiest['product_lines']}, salesperson {busiest['salespeople']}")
    print("| page | default cold | default warm | one industry cold | one product line cold | "
          "one salesperson cold |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, *times in rows:
        print(f"| {name} | " + " | ".join(f"{ms:,.0f} ms ({ms / base:,.0f}×)" for ms in times) + " |")


if __name__ == "__main__":
    main()
