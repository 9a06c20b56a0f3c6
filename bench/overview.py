"""Time a full rerun of the Overview, server-side: `python bench/overview.py --db PATH [--runs 5]`.

Runs app.py under Streamlit's AppTest over the given store with the connection open: cold
(query caches cleared before each run) and warm (cached). The baseline is AppTest running a
page that only draws a title, in the same process, so the ratio shows what the Overview
itself costs on this machine.
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


def median_ms(run, runs: int, before=lambda: None) -> float:
    times = []
    for _ in range(runs):
        before()
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ["COCKPIT_DB"] = str(Path(args.db).resolve())
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from store import db

    lines = db.shared_connection().execute("SELECT count(*) FROM sales").fetchone()[0]

    def overview():
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
        assert not app.exception, app.exception

    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as empty:
        empty.write("import streamlit as st\nst.title('baseline')\n")

    def baseline():
        AppTest.from_file(empty.name, default_timeout=60).run()

    overview()  # warm the connection and imports
    base = median_ms(baseline, args.runs)
    cold = median_ms(overview, args.runs, before=st.cache_data.clear)
    warm = median_ms(overview, args.runs)
    os.unlink(empty.name)
    print(f"store {args.db}: {lines:,} sales lines; {os.cpu_count()} cores; median of {args.runs} runs")
    print("| run | ms | ÷ empty page |")
    print("|---|---:|---:|")
    for label, ms in (("empty page (AppTest baseline)", base), ("Overview, caches cold", cold),
                      ("Overview, caches warm", warm)):
        print(f"| {label} | {ms:,.0f} | {ms / base:.1f}× |")


if __name__ == "__main__":
    main()
