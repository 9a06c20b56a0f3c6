"""Time the meeting pack (report/pack.py) on a store: reading every page's tables and writing
the workbook, with no query result cached (as the first pack of a morning) and with the
pages' results already read (as in the dashboard after the pages were opened).

    python bench/pack.py --db /tmp/big.duckdb [--runs 3] [--lang zh]

Build the store first (`python -m store demo --db /tmp/big.duckdb --scale 10m`). The baseline,
run in the same process, is one CSV download of the largest table in the pack (its rows read
once, then made into CSV bytes, as the page's download button does): the ratio pack ÷ one CSV
is what carries to another machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import queries  # noqa: E402
from queries.filters import EVERYTHING, Filters  # noqa: E402
from report import pack  # noqa: E402
from store import db  # noqa: E402
from ui import export  # noqa: E402
from ui.i18n import text  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lang", choices=("en", "zh"), default="zh")
    args = parser.parse_args()
    con = db.connect(args.db)
    meta = con.execute("SELECT as_of_date, (SELECT count(*) FROM sales) FROM store_meta").fetchone()
    today = meta[0]
    filters = Filters(today.replace(month=1, day=1), today)
    print(f"store {args.db}: {meta[1]:,} sales lines, as of {today}; filters: year to date, whole department")

    kept: dict[tuple, object] = {}

    def read(name, f, **extra):
        return queries.run(name, queries.bind(name, f, EVERYTHING, **extra), con=con)

    def read_kept(name, f, **extra):  # a result read before is reused, as the pages' cache does
        key = (name, repr(f), repr(sorted(extra.items())))
        if key not in kept:
            kept[key] = read(name, f, **extra)
        return kept[key]

    def whole(load) -> tuple[float, float, int, int]:
        start = time.perf_counter()
        made = pack.sheets(load, filters, args.lang, today, EVERYTHING)
        middle = time.perf_counter()
        data = pack.workbook(made, args.lang, pack.cover(filters, args.lang, {}, today, "bench", dt.datetime.now()))
        return middle - start, time.perf_counter() - middle, sum(len(s.frame) for s in made), len(data)

    largest = max(pack.sheets(read_kept, filters, args.lang, today, EVERYTHING), key=lambda s: len(s.frame))
    section = next(s for s in pack.SECTIONS if text(s.title, args.lang) == largest.title)

    def one_csv() -> None:
        frame = read(section.query, filters, **section.extra(filters, today))
        export.csv_bytes(frame, args.lang)

    base = statistics.median(_times(one_csv, args.runs))
    print(f"baseline: one CSV of '{section.query}' ({len(largest.frame):,} rows in the pack): {base * 1000:,.0f} ms")
    for label, load in (("cold (every query run)", read), ("warm (results read before)", read_kept)):
        runs = [whole(load) for _ in range(args.runs)]
        reading = statistics.median(r[0] for r in runs)
        writing = statistics.median(r[1] for r in runs)
        total = reading + writing
        print(f"{label}: {total:5.2f} s ({total / base:5.1f}× one CSV) — reading {reading:5.2f} s, "
              f"writing {writing:5.2f} s; {runs[0][2]:,} rows, {runs[0][3] / 2**20:,.1f} MiB")


def _times(call, runs: int) -> list[float]:
    call()
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        out.append(time.perf_counter() - start)
    return out


if __name__ == "__main__":
    main()
