"""Import throughput: `python bench/import_sales.py [--lines 1000000] [--runs 3]`.

Builds the small demo store, makes an empty store holding only its regions, people,
customers and products (imported through their templates), writes LINES sales lines as a
UTF-8 CSV in the sales template's layout (the demo's lines repeated with new line numbers),
and times `store.importer.import_file` on it — reading, validation (types, rules, keys,
references, dates), the write, the derived refresh and the log — into a fresh copy each
run. The baseline, in the same process, is pandas reading the same file as text
(`pandas.read_csv(dtype=str)`): the least any importer has to do.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import pandas as pd

    from store import db, demo, importer

    work = Path(tempfile.mkdtemp(prefix="import-bench-"))
    source_path = work / "demo.duckdb"
    demo.build(source_path, seed=7, as_of=dt.date(2026, 11, 23), scale="small", progress=lambda _: None)
    source = db.connect(source_path)
    base = db.init(work / "base.duckdb", dt.date(2026, 11, 23))
    con = db.connect(base)
    for table in ("regions", "salespeople", "customers", "products"):
        importer.import_file(con, table, importer.export_csv(source, table), f"{table}.csv")
    con.close()
    lines = source.execute("SELECT * EXCLUDE (line_id) FROM sales ORDER BY line_id").df()
    source.close()
    copies = -(-args.lines // len(lines))
    big = pd.concat([lines] * copies, ignore_index=True).head(args.lines)
    big.insert(0, "line_id", range(1, len(big) + 1))
    big["order_id"] = big["order_id"] + (big.index // len(lines)) * 10_000_000
    data = big.to_csv(index=False).encode("utf-8")
    del big, lines
    csv_path = work / "sales.csv"
    csv_path.write_bytes(data)

    def baseline():
        pd.read_csv(csv_path, dtype=str, keep_default_na=False)

    times, base_times = [], []
    for run in range(args.runs):
        target = work / f"run{run}.duckdb"
        shutil.copy(base, target)
        con = db.connect(target)
        began = time.perf_counter()
        result = importer.import_file(con, "sales", data, f"sales-{run}.csv")
        times.append(time.perf_counter() - began)
        con.close()
        assert result.rows == args.lines
        began = time.perf_counter()
        baseline()
        base_times.append(time.perf_counter() - began)
    shutil.rmtree(work)
    ours, theirs = statistics.median(times), statistics.median(base_times)
    print(f"{args.lines:,} sales lines, UTF-8 CSV of {len(data) / 2**20:,.0f} MiB; {os.cpu_count()} cores; "
          f"median of {args.runs} runs")
    print("| step | s | rows/s | ÷ baseline |")
    print("|---|---:|---:|---:|")
    print(f"| pandas.read_csv(dtype=str) (baseline) | {theirs:.2f} | {args.lines / theirs:,.0f} | 1.0× |")
    print(f"| import: read, validate, write, refresh, log | {ours:.2f} | {args.lines / ours:,.0f} | "
          f"{ours / theirs:.1f}× |")


if __name__ == "__main__":
    main()
