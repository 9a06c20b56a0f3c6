"""Time the demo-store build: `python bench/build.py [--scale small|10m] [--runs N]`.

Builds into a temporary folder (never data/) and prints, per run, the wall time, the
number of sales lines and the file size; then the median. The machine's core count is
printed too, since the build's load step uses every core.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from store import demo  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=sorted(demo.SCALES), default="small")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--as-of", default="2026-11-23")
    args = parser.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    print(f"demo build, scale {args.scale}, as of {as_of}, {os.cpu_count()} cores")
    seconds = []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(1, args.runs + 1):
            path = Path(folder) / f"bench{run}.duckdb"
            built = demo.build(path, as_of=as_of, scale=args.scale, progress=lambda _: None)
            seconds.append(built.seconds)
            print(f"run {run}: {built.seconds:6.1f} s, {built.tables['sales'].num_rows:,} sales lines,"
                  f" {path.stat().st_size / 2**20:,.0f} MiB")
            path.unlink()
    print(f"median: {statistics.median(seconds):.1f} s over {len(seconds)} run(s)")


if __name__ == "__main__":
    main()
