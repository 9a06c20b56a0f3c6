"""Command line, for unattended runs (cron on the 1st):
`python -m report pack --out FILE.xlsx [--pages targets,receivables]` makes the meeting pack,
`python -m report monthly --month 2026-11 --out FILE.pdf` the month's report to the GM; both take
`--lang zh|en`, `--link "region=R01&tier=A"` (a dashboard link's filters, the part after `?`) and
`--user NAME` (as that account sees it; without it the whole department). While the dashboard
serves the store, the command is handed to it (store/inbox.py) and the dashboard writes the file.
Exit code 0 made, 2 refused (no such account, a bad page or path, no store, no chromium)."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
from pathlib import Path
from urllib.parse import parse_qsl

from pypdf import PdfReader

import queries
from report import monthly, pack
from store import accounts
from ui import export
from ui.i18n import LANGS
from ui.urlstate import LIST_KEYS, from_url, to_filters


def make(con, ask: dict, say) -> int:
    """Make what `ask` describes — the meeting pack ("pack") or a month's report ("monthly") — on
    an open store and write it to ask["out"] (whole or not at all: written beside it, then moved
    into place); its exit code. Without an account: the whole department, audited as the
    command line's."""
    who = accounts.viewer_by_name(con, ask["user"]) if ask.get("user") else CLI
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
    options, people = load("filter_options", None), load("salesperson_options", None, regions=None)
    names = export.filter_names(options, people, lang)
    values = {k: set(options.loc[options["filter"] == k, "value"]) for k in LIST_KEYS if k != "salespeople"}
    values["salespeople"] = set(people.salesperson_id)
    state, problems = from_url(dict(parse_qsl(ask.get("link") or "")), values, LANGS)
    for problem in problems:
        say(f"warning: the link's {problem.filter or 'period'} {problem.value!r} is left out ({problem.kind})", True)
    filters = to_filters(state, today)
    if ask["command"] == "monthly":
        month = dt.date.fromisoformat(ask["month"] + "-01")
        try:
            data = monthly.report(load, month, filters, lang, today, who.scope, names, who.display_name,
                                  accounts.comments(con, month))
        except monthly.ReportError as problem:
            say(f"error: {problem}", True)
            return 2
        name, what = monthly.file_name(month, filters, lang, names), f"{len(PdfReader(io.BytesIO(data)).pages)} pages"
        subject = "monthly-report"
    else:
        made = pack.sheets(load, filters, lang, today, who.scope, ask["pages"])
        data = pack.workbook(made, lang, pack.cover(filters, lang, names, today, who.display_name,
                                                    dt.datetime.now()), names)
        name, what, subject = pack.file_name(filters, names), f"{len(made)} tables", "meeting-pack"
    part = out.with_name(out.name + ".part")
    part.write_bytes(data)
    os.replace(part, out)
    accounts.record(con, who.user_name, "export", subject, f"{name} · {what} (command line)")
    say(f"wrote {out}: {what}, {len(data):,} bytes", False)
    return 0


CLI = accounts.Viewer("cli", "cli", "head", None, None)  # the command line without --user: the whole department


def _month(value: str) -> str:
    try:
        return dt.date.fromisoformat(value + "-01").strftime("%Y-%m")
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a month in the form YYYY-MM") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m report", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("pack", help="the meeting pack: every page's tables in one Excel workbook")
    one.add_argument("--pages", default=",".join(pack.PAGES), help="pages, comma-separated (default: all of "
                     + ", ".join(pack.PAGES) + ")")
    month = sub.add_parser("monthly", help="the month's report to the general manager, as PDF")
    month.add_argument("--month", required=True, type=_month, help="the month, YYYY-MM")
    for each in (one, month):
        each.add_argument("--out", required=True, help="the file to write")
        each.add_argument("--user", help="the account whose view it shows (its scope; default: the whole department)")
        each.add_argument("--lang", choices=LANGS, default="zh", help="its language (default zh)")
        each.add_argument("--link", default="", help="a dashboard link's filters, e.g. 'region=R01&tier=A'")
        each.add_argument("--db", help="store file (default: $COCKPIT_DB or data/cockpit.duckdb)")
    args = parser.parse_args(argv)
    ask = {"command": args.command, "user": args.user, "out": str(Path(args.out).resolve()), "lang": args.lang,
           "link": args.link.lstrip("?")}
    if args.command == "monthly":
        ask["month"] = args.month
    else:
        pages = [p.strip() for p in args.pages.split(",") if p.strip()]
        unknown = [p for p in pages if p not in pack.PAGES]
        if unknown or not pages:
            print(f"error: --pages: {', '.join(unknown) or 'none given'}; the pages are {', '.join(pack.PAGES)}",
                  file=sys.stderr)
            return 2
        ask["pages"] = pages
    from store import db
    from store.__main__ import _run

    try:
        return _run(ask, b"", args.db)
    except db.StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
