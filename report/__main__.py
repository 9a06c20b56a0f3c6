"""Command line: `python -m report pack --user NAME --out FILE.xlsx [--lang zh] [--link "period=ytd&region=R01"]
[--pages targets,receivables]` makes the meeting pack for an account, as it would see it, with the
filters of a dashboard link (the part after `?`), for unattended runs (cron). While the dashboard
serves the store, the command is handed to it (store/inbox.py) and the dashboard writes the file.
Exit code 0 made, 2 refused (no such account, a bad page or path, no store)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from urllib.parse import parse_qsl

import queries
from report import pack
from store import accounts
from ui.i18n import LANGS
from ui.urlstate import LIST_KEYS, from_url, to_filters


def make(con, ask: dict, say) -> int:
    """Make the pack `ask` describes on an open store and write it to ask["out"] (whole or not
    at all: written beside it, then moved into place); its exit code."""
    who = accounts.viewer_by_name(con, ask["user"])
    if who is None:
        say(f"error: no enabled account named '{ask['user']}' (python -m store user list)", True)
        return 2
    out = Path(ask["out"])
    if not out.parent.is_dir():
        say(f"error: cannot write {out}: the folder {out.parent} does not exist", True)
        return 2

    def load(name: str, filters, **extra):
        return queries.run(name, queries.bind(name, filters, who.scope, **extra), con=con)

    today = queries.run("store_meta", con=con).iloc[0].as_of_date.date()
    lang = ask["lang"]
    names = pack.names(load, lang)
    options = load("filter_options", None)
    values = {k: set(options.loc[options["filter"] == k, "value"]) for k in LIST_KEYS if k != "salespeople"}
    values["salespeople"] = set(load("salesperson_options", None, regions=None).salesperson_id)
    state, problems = from_url(dict(parse_qsl(ask.get("link") or "")), values, LANGS)
    for problem in problems:
        say(f"warning: the link's {problem.filter or 'period'} {problem.value!r} is left out ({problem.kind})", True)
    filters = to_filters(state, today)
    made = pack.sheets(load, filters, lang, today, who.scope, ask["pages"])
    data = pack.workbook(made, lang, pack.cover(filters, lang, names, today, who.display_name, dt.datetime.now()),
                         names)
    part = out.with_name(out.name + ".part")
    part.write_bytes(data)
    os.replace(part, out)
    accounts.record(con, who.user_name, "export", "meeting-pack",
                    f"{pack.file_name(filters, names)} · {len(made)} tables (command line)")
    say(f"wrote {out}: {len(made)} tables, {len(data):,} bytes, {filters.start_date} – {filters.end_date}", False)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m report", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("pack", help="the meeting pack: every page's tables in one Excel workbook")
    one.add_argument("--user", required=True, help="the account whose view the pack shows (its scope)")
    one.add_argument("--out", required=True, help="the .xlsx file to write")
    one.add_argument("--lang", choices=LANGS, default="zh", help="the pack's language (default zh)")
    one.add_argument("--link", default="", help="a dashboard link's filters, e.g. 'period=last_month&region=R01'")
    one.add_argument("--pages", default=",".join(pack.PAGES), help="pages, comma-separated (default: all of "
                     + ", ".join(pack.PAGES) + ")")
    one.add_argument("--db", help="store file (default: $COCKPIT_DB or data/cockpit.duckdb)")
    args = parser.parse_args(argv)
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    unknown = [p for p in pages if p not in pack.PAGES]
    if unknown or not pages:
        print(f"error: --pages: {', '.join(unknown) or 'none given'}; the pages are {', '.join(pack.PAGES)}",
              file=sys.stderr)
        return 2
    from store import db
    from store.__main__ import _run

    ask = {"command": "pack", "user": args.user, "out": str(Path(args.out).resolve()), "lang": args.lang,
           "link": args.link.lstrip("?"), "pages": pages}
    try:
        return _run(ask, b"", args.db)
    except db.StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
