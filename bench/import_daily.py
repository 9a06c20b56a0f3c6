"""A daily file into a big store: `python bench/import_daily.py --db /tmp/big.duckdb [--lines 10000] [--runs 3]`.

Copies the store given (build the 10 M-line one with `python -m store demo --db
/tmp/big.duckdb --scale 10m`), writes LINES sales lines dated the day after the store's
today as a UTF-8 CSV in the sales template's layout (lines of the store's latest days with
new line numbers), and times, on a fresh copy each run:

- `store.importer.import_file` with the store open — reading, validation, the write, the
  refresh of the summaries for the touched days, customers and salespeople, the log;
- `python -m store import sales FILE` as a nightly job runs it, start to finish (Python's
  start, opening the store, the import, closing it);
- the same command while another process holds the store and watches its inbox, as the
  running dashboard does (the file handed over, imported there, the outcome handed back);
- what an import adds when it moves the store's today (a store following its data, a file
  of a later day): the alerts and quota weeks judged anew as of the new today;
- the full refresh of every summary from all the facts, which every import did before.

The baseline, in the same process, is pandas reading the same file as text
(`pandas.read_csv(dtype=str)`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="the store to copy (e.g. the 10m demo store)")
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import pandas as pd

    from store import db, importer, inbox

    work = Path(tempfile.mkdtemp(prefix="daily-bench-", dir=Path(args.db).resolve().parent))
    source = db.connect(args.db)
    facts = source.execute("SELECT count(*) FROM sales").fetchone()[0]
    lines = source.execute("""
        SELECT row_number() OVER (ORDER BY line_id) + (SELECT max(line_id) FROM sales) AS line_id,
               order_id + 100000000 AS order_id, (SELECT as_of_date FROM store_meta) + 1 AS order_date,
               customer_id, product_id, quantity, amount, cost, salesperson_id, region_id
        FROM sales ORDER BY line_id DESC LIMIT $n""", {"n": args.lines}).df()
    source.close()
    csv_path = work / "daily.csv"
    lines.to_csv(csv_path, index=False)
    data = csv_path.read_bytes()

    times, cli_times, inbox_times, today_times, full_times, base_times = [], [], [], [], [], []
    command = [sys.executable, "-m", "store", "import", "sales", str(csv_path), "--db"]
    for run in range(args.runs):
        target = work / "run.duckdb"
        shutil.copy(args.db, target)
        began = time.perf_counter()
        con = db.connect(target)
        importer.import_file(con, "sales", data, f"daily-{run}.csv")
        con.close()
        times.append(time.perf_counter() - began)

        shutil.copy(args.db, target)
        began = time.perf_counter()
        subprocess.run(command + [str(target)], cwd=ROOT, check=True, capture_output=True)
        cli_times.append(time.perf_counter() - began)

        shutil.copy(args.db, target)
        con = db.connect(target)
        with inbox.watching(target.resolve(), lambda held=con: held):
            began = time.perf_counter()
            done = subprocess.run(command + [str(target)], cwd=ROOT, check=True, capture_output=True, text=True)
            inbox_times.append(time.perf_counter() - began)
        con.close()
        assert "handed to it" in done.stdout

        con = db.connect(target)
        for refresh, kept in (({"changed": "today"}, today_times), ({}, full_times)):
            began = time.perf_counter()
            con.execute("BEGIN")
            db.refresh_derived(con, **refresh)
            con.execute("ROLLBACK")
            kept.append(time.perf_counter() - began)
        con.close()

        began = time.perf_counter()
        pd.read_csv(csv_path, dtype=str, keep_default_na=False)
        base_times.append(time.perf_counter() - began)
    shutil.rmtree(work)
    base = statistics.median(base_times)
    print(f"{args.lines:,} sales lines ({len(data) / 2**10:,.0f} KiB) into a store of {facts:,} lines; "
          f"{os.cpu_count()} cores; median of {args.runs} runs")
    print("| step | s | ÷ baseline |")
    print("|---|---:|---:|")
    print(f"| pandas.read_csv(dtype=str) (baseline) | {base:.3f} | 1× |")
    for label, values in (("import, store open: read, validate, write, refresh, log", times),
                          ("`python -m store import sales FILE`, start to finish", cli_times),
                          ("the same, handed to the dashboard holding the store", inbox_times),
                          ("added when the import moves the store's today", today_times),
                          ("full refresh of every summary (what an import did before)", full_times)):
        value = statistics.median(values)
        print(f"| {label} | {value:.2f} | {value / base:,.0f}× |")


if __name__ == "__main__":
    main()
