"""Command line: `python -m store demo …` builds the demo store; `init` makes an empty one;
`import TABLE FILE` loads a CSV or Excel file into a table (all or nothing); `export TABLE`
writes a table in its import template's layout; `info` describes a store; `user …` manages
the accounts; `backup` keeps a copy of the store and `restore COPY` puts one back. While the
dashboard serves the store, `import`, `info`, `user` and `backup` are handed to it
(store/inbox.py)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

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
    init = sub.add_parser("init", help="make an empty store, to import a department's own data into")
    init.add_argument("--db", help="store file (default: $COCKPIT_DB or data/cockpit.duckdb)")
    init.add_argument("--as-of", type=_date, default=None,
                      help="pin the store's today to this date, YYYY-MM-DD (default: the date of the latest data "
                           "imported, today's date until then)")
    today = sub.add_parser("set-today", help="pin the store's today to a date, or let it follow the data")
    today.add_argument("date", nargs="?", type=_date, help="the date to pin, YYYY-MM-DD")
    today.add_argument("--follow", action="store_true", help="follow the data: the latest fact's date")
    today.add_argument("--db", help="store file (default: $COCKPIT_DB or data/cockpit.duckdb)")
    load = sub.add_parser("import", help="load a CSV (UTF-8, UTF-8 BOM, GBK/GB18030) or .xlsx file into a table")
    load.add_argument("table", help="the table, e.g. sales (see the Data page for templates)")
    load.add_argument("file", help="the CSV or .xlsx file")
    load.add_argument("--db", help="store file (default: $COCKPIT_DB or data/cockpit.duckdb)")
    load.add_argument("--mode", choices=["append", "replace"], default="append",
                      help="append rows (default) or replace the table's rows")
    load.add_argument("--sheet", help="the sheet of a workbook with several")
    load.add_argument("--check", action="store_true",
                      help="a dry run: read and validate the file, say every problem, write nothing")
    load.add_argument("--encoding", choices=["utf-8", "gb18030", "big5"], default=None,
                      help="read a CSV in this encoding (default: detected, and named in the output; GBK is "
                           "read as gb18030)")
    load.add_argument("--date-order", choices=["ymd", "mdy", "dmy"], default="ymd",
                      help="how the file writes dates with the year last: mdy (1/2/2026 is 2 January) or dmy "
                           "(1 February); ymd, the default, reads only dates with the year first "
                           "(2026-01-02, 2026/1/2, 2026年1月2日, 20260102) and names any other")
    export = sub.add_parser("export", help="write a table as CSV in its import template's layout")
    export.add_argument("table")
    export.add_argument("--db", help="store file (default: $COCKPIT_DB or data/cockpit.duckdb)")
    export.add_argument("--out", required=True, help="the CSV file to write")
    user = sub.add_parser("user", help="accounts that may log in: add, disable, enable, reset-password, set-role, "
                                       "set-email, list (a new or reset password is generated and shown once)")
    user.add_argument("action", choices=["add", "disable", "enable", "reset-password", "set-role", "set-email",
                                         "list"])
    user.add_argument("name", nargs="?", help="the account's login name")
    user.add_argument("--role", choices=["head", "viewer", "regional_lead", "salesperson", "assistant"],
                      help="head: everything, imports, accounts; viewer (general manager): everything, read only; "
                           "regional_lead: one region (--region); salesperson: their own figures (--salesperson); "
                           "assistant: everything, imports")
    user.add_argument("--region", help="the region a regional lead sees")
    user.add_argument("--salesperson", help="the salesperson an account of role salesperson is")
    user.add_argument("--email", help="the e-mail an identity provider's login maps to this account")
    user.add_argument("--display-name", help="the name shown on the page (default: the login name)")
    user.add_argument("--db", help="store file (default: $COCKPIT_DB or data/cockpit.duckdb)")
    keep = sub.add_parser("backup", help="keep a copy of the store as it is now (beside it, in <store>.backups/), "
                                         "or list the copies kept (--list)")
    keep.add_argument("--list", action="store_true", help="list the copies kept, oldest first")
    keep.add_argument("--db", help="store file (default: $COCKPIT_DB or data/cockpit.duckdb)")
    back = sub.add_parser("restore", help="put a copy back in the store's place (stop the dashboard first); the "
                                          "store it replaces is kept as one more copy")
    back.add_argument("copy", help="the copy to restore: a file of `backup --list`")
    back.add_argument("--db", help="store file (default: $COCKPIT_DB or data/cockpit.duckdb)")
    info = sub.add_parser("info", help="show a store's as-of date and row counts")
    info.add_argument("--db", help="store file (default: $COCKPIT_DB or data/cockpit.duckdb)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            from store import demo

            built = demo.build(args.db, seed=args.seed, as_of=args.as_of, scale=args.scale,
                               force=args.force, progress=lambda line: print(line, flush=True))
            print("\nLog in at the dashboard's /login with one of these demo accounts (passwords generated "
                  "for this store and shown only now; a new one: python -m store user reset-password NAME):")
            for name, about, password in built.logins:
                print(f"  {name:<6} {password}   {about}")
        elif args.command == "init":
            db.init(args.db, args.as_of)
            print(f"{db.store_path(args.db)}: an empty store, " + (f"its today pinned to {args.as_of:%Y-%m-%d}"
                  if args.as_of else "its today the date of the latest data imported"))
        elif args.command == "set-today":
            if (args.date is None) == (not args.follow):
                print("error: give a date to pin, or --follow", file=sys.stderr)
                return 2
            con = db.connect(args.db)
            try:
                day = db.set_today(con, args.date)
            finally:
                con.close()
            print(f"{db.store_path(args.db)}: today is {day:%Y-%m-%d}, "
                  + ("pinned" if args.date else "following the data"))
        elif args.command == "import":
            return _import(args)
        elif args.command == "user":
            if args.action != "list" and not args.name:
                print(f"error: user {args.action} needs the account's name", file=sys.stderr)
                return 2
            if args.action in ("add", "set-role") and not args.role:
                print(f"error: user {args.action} needs --role", file=sys.stderr)
                return 2
            ask = {"command": "user", "action": args.action, "name": args.name, "role": args.role,
                   "region": args.region, "salesperson": args.salesperson, "email": args.email,
                   "display_name": args.display_name}
            return _run(ask, b"", args.db)
        elif args.command == "backup":
            return _backups(args)
        elif args.command == "restore":
            from store import backup

            kept, about = backup.restore(db.store_path(args.db).resolve(), Path(args.copy))
            print(f"restored {args.copy} ({about})" + (f"; the store it replaced is kept as {kept}" if kept else ""))
        elif args.command == "export":
            from store import importer

            con = db.connect(args.db)
            try:
                Path(args.out).write_bytes(importer.export_csv(con, args.table))
            finally:
                con.close()
        else:
            return _run({"command": "info", "store": str(db.store_path(args.db))}, b"", args.db)
    except db.StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _say(line: str, to_stderr: bool) -> None:
    print(line, file=sys.stderr if to_stderr else sys.stdout, flush=True)


def _run(ask: dict, data: bytes, path: str | None) -> int:
    """Run a command on the store, or hand it to the dashboard that holds the store."""
    from store import inbox

    try:
        con = db.connect(path)
    except db.StoreBusy:
        store = db.store_path(path).resolve()
        if not inbox.watched(store):
            raise
        return inbox.hand_over(store, ask, data, _say)
    try:
        return inbox.run(con, ask, data, _say)
    finally:
        con.close()


def _backups(args) -> int:
    from store import backup

    store = db.store_path(args.db).resolve()
    if not args.list:
        return _run({"command": "backup"}, b"", args.db)
    for copy in backup.copies(store):
        try:
            about = backup.describe(copy)
        except Exception as exc:  # a damaged copy is listed as such
            about = f"cannot be read: {exc}"
        print(f"  {copy}  {copy.stat().st_size / 2**20:,.1f} MB  {about}")
    print(f"{len(backup.copies(store))} copies in {backup.folder(store)}")
    return 0


def _import(args) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"error: no file {path}", file=sys.stderr)
        return 2
    ask = {"command": "import", "table": args.table, "file_name": path.name, "mode": args.mode,
           "sheet": args.sheet, "date_order": args.date_order, "encoding": args.encoding, "check": args.check}
    return _run(ask, path.read_bytes(), args.db)


if __name__ == "__main__":
    sys.exit(main())
