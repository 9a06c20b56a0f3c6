"""Command line: `python -m store demo …` builds the demo store; `python -m store info` describes one."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from store import db


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date in the form YYYY-MM-DD") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m store", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="build the demo store (deterministic from seed, as-of and scale)")
    demo.add_argument("--db", help="store file (default: $COCKPIT_DB or data/cockpit.duckdb)")
    demo.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    demo.add_argument("--as-of", type=_date, default=None, help="the store's today, YYYY-MM-DD (default: today)")
    demo.add_argument("--scale", choices=["small", "10m"], default="small",
                      help="small: ~300 k sales lines; 10m: 10 million (default small)")
    demo.add_argument("--force", action="store_true", help="replace an existing store")
    info = sub.add_parser("info", help="show a store's as-of date and row counts")
    info.add_argument("--db", help="store file (default: $COCKPIT_DB or data/cockpit.duckdb)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            from store import demo

            demo.build(args.db, seed=args.seed, as_of=args.as_of, scale=args.scale,
                       force=args.force, progress=lambda line: print(line, flush=True))
        else:
            import queries

            con = db.connect(args.db)
            try:
                meta = queries.run("store_meta", con=con).iloc[0]
                print(f"{db.store_path(args.db)}: schema {meta.schema_version}, "
                      f"as of {meta.as_of_date:%Y-%m-%d}, store version {meta.store_version}")
                for row in queries.run("data_freshness", con=con).itertuples():
                    print(f"  {row.table_name:<18} {row.rows_count:>12,}")
            finally:
                con.close()
    except db.StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
