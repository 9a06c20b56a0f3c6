"""Commands handed to the running dashboard, so that `python -m store import …` (and `info`)
work whether or not the dashboard holds the store.

DuckDB lets one process write a store file. While the dashboard serves a store it watches a
folder beside it, `<store>.inbox/`, and keeps a heartbeat file there. A command that finds
the store held writes its request there (the file's bytes and what to do with them); the
dashboard runs it on its own connection — the same reading, validation, all-or-nothing
write and import log as the command line — and answers with the lines the command line
would have printed and its exit code, which the waiting command prints as its own.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from store import db

log = logging.getLogger(__name__)
HEARTBEAT = "dashboard.alive"
BEAT_SECONDS = 1.0
ALIVE_SECONDS = 10.0  # a heartbeat older than this: no dashboard watches the inbox
Say = Callable[[str, bool], None]  # a line of output, and whether it goes to stderr


def folder(store: Path) -> Path:
    return store.with_name(store.name + ".inbox")


# --- the commands, run wherever the store is open -------------------------------------------

def run(con, ask: dict, data: bytes, say: Say) -> int:
    """Run one command on an open store, saying what the command line says; its exit code."""
    if ask["command"] == "info":
        return _info(con, ask, say)
    if ask["command"] == "user":
        return _user(con, ask, say)
    if ask["command"] == "backup":
        return _backup(con, say)
    if ask["command"] in ("pack", "monthly"):  # python -m report
        from report.__main__ import make

        return make(con, ask, say)
    if ask["command"] == "audit":  # a replica's audit row (store/publish.py)
        from store import accounts

        accounts.record(con, ask["user"], ask["action"], ask.get("subject"), ask.get("detail"))
        return 0
    return _import(con, ask, data, say)


def _user(con, ask: dict, say: Say) -> int:
    from store import accounts

    action, name = ask["action"], ask.get("name")
    try:
        if action == "list":
            rows = con.execute("SELECT user_name, role, coalesce(region_id, salesperson_id, ''), disabled, "
                               "locked_until FROM users ORDER BY user_name").fetchall()
            for user, role, sees, disabled, locked in rows:
                state = "disabled" if disabled else (f"locked until {locked:%Y-%m-%d %H:%M}" if locked else "")
                say(f"  {user:<20} {role:<14} {sees:<8} {state}".rstrip(), False)
            say(f"{len(rows)} accounts", False)
        elif action == "add":
            password = accounts.add_user(con, name, ask["role"], region=ask.get("region"),
                                         salesperson=ask.get("salesperson"), email=ask.get("email"),
                                         display_name=ask.get("display_name"))
            say(f"account {name} ({ask['role']}) added; its password, shown this once: {password}", False)
        elif action == "reset-password":
            say(f"account {name}: new password, shown this once: {accounts.reset_password(con, name)}", False)
        elif action == "set-email":
            accounts.set_email(con, name, ask.get("email"))
            say(f"account {name}: e-mail {ask.get('email') or 'removed'}", False)
        elif action == "set-role":
            accounts.set_role(con, name, ask["role"], region=ask.get("region"), salesperson=ask.get("salesperson"))
            say(f"account {name} is now {ask['role']}", False)
        else:
            accounts.set_disabled(con, name, action == "disable")
            say(f"account {name} {action}d", False)
    except accounts.AccountError as exc:
        say(f"error: {exc}", True)
        return 2
    return 0


def _backup(con, say: Say) -> int:
    from store import backup

    try:
        with db.write_lock:
            copy = backup.take(con, "by-hand")
    except db.StoreError as exc:
        say(f"error: {exc}", True)
        return 2
    say(f"kept a copy of the store: {copy} ({backup.describe(copy)})", False)
    return 0


def _import(con, ask: dict, data: bytes, say: Say) -> int:
    from store import importer

    table = ask["table"]
    try:
        parsed = importer.read_file(con, table, data, ask["file_name"], ask.get("sheet"),
                                    ask.get("date_order", "ymd"), ask.get("encoding"))
        for header in parsed.unknown_headers:  # said before anything is written
            say(f"warning: column '{header}' is not a column of {table}; it will not be loaded", False)
        for header in parsed.ignored_derived:
            say(f"warning: column '{header}' is derived by the store; the file's values will not be loaded", False)
        result = importer.load(con, parsed, mode=ask.get("mode", "append"), user="cli", write=not ask.get("check"),
                               progress=lambda line: say(line, False))
    except importer.ImportRejected as rejected:
        say(f"error: {rejected}", True)
        for p in rejected.problems[:200]:
            where = ", ".join(x for x in (f"row {p.row}" if p.row else "", p.column or "") if x)
            say(f"  {where + ': ' if where else ''}{p.rule}" + (f" — {p.value!r}" if p.value is not None else ""),
                True)
        if len(rejected.problems) > 200:
            say(f"  … and {len(rejected.problems) - 200:,} more", True)
        return 1
    except db.StoreError as exc:
        say(f"error: {exc}", True)
        return 2
    if ask.get("check"):
        say(f"checked {result.rows:,} rows for {table} ({result.encoding}): no problem; nothing was written", False)
    else:
        say(f"loaded {result.rows:,} rows into {table} ({result.encoding}); store version {result.store_version}",
            False)
    return 0


def _info(con, ask: dict, say: Say) -> int:
    import queries
    from store import importer

    meta = queries.run("store_meta", con=con).iloc[0]
    how = "pinned" if meta.as_of_pinned else "following the data"
    say(f"{ask['store']}: schema {meta.schema_version}, as of {meta.as_of_date:%Y-%m-%d} ({how}), "
        f"store version {meta.store_version}", False)
    fresh = queries.run("data_freshness", {"tables": list(importer.IMPORTABLE)}, con=con)
    for row in fresh.itertuples():
        say(f"  {row.table_name:<18} {row.rows_count:>12,}", False)
    return 0


# --- the command line's side ---------------------------------------------------------------

def watched(store: Path) -> bool:
    """Whether a running dashboard watches this store's inbox (its heartbeat is recent)."""
    beat = folder(store) / HEARTBEAT
    try:
        return time.time() - beat.stat().st_mtime < ALIVE_SECONDS
    except OSError:
        return False


def hand_over(store: Path, ask: dict, data: bytes, say: Say, wait: float = 3600) -> int:
    """Hand a command to the dashboard watching `store`, wait for its answer and say it.
    If the dashboard has not taken it within `wait` seconds, the request is withdrawn."""
    inbox = folder(store)
    stem = f"{dt.datetime.now():%Y%m%d-%H%M%S-%f}-{os.getpid()}"
    request, payload, answer = (inbox / f"{stem}.request.json", inbox / f"{stem}.data",
                                inbox / f"{stem}.answer.json")
    payload.write_bytes(data)
    _write_atomically(request, json.dumps(ask, ensure_ascii=False))
    say(f"the dashboard holds the store; handed to it (inbox {inbox}), waiting for the outcome…", False)
    deadline = time.monotonic() + wait
    while not answer.exists():
        if time.monotonic() > deadline:
            with contextlib.suppress(FileNotFoundError):
                request.unlink()  # not taken yet: withdrawn, nothing was written
                payload.unlink()
                say(f"error: the dashboard did not take the command within {wait:.0f} s; it was withdrawn and "
                    "nothing was written", True)
                return 2
            deadline = float("inf")  # taken: it runs to its end, however long
        if not watched(store) and request.exists():
            with contextlib.suppress(FileNotFoundError):
                request.unlink()
                payload.unlink()
                say("error: the dashboard stopped before taking the command; nothing was written", True)
                return 2
        time.sleep(0.1)
    outcome = json.loads(answer.read_text(encoding="utf-8"))
    answer.unlink()
    for line, to_stderr in outcome["lines"]:
        say(line, to_stderr)
    return outcome["code"]


def post(store: Path, ask: dict) -> None:
    """Leave a command for the dashboard holding `store` without waiting for it: it is run when
    that dashboard next looks (at once while it runs, else when it starts again)."""
    inbox = folder(store)
    stem = f"{dt.datetime.now():%Y%m%d-%H%M%S-%f}-{os.getpid()}-{threading.get_ident()}"
    (inbox / f"{stem}.data").write_bytes(b"")
    _write_atomically(inbox / f"{stem}.request.json", json.dumps({**ask, "posted": True}, ensure_ascii=False))


def _write_atomically(path: Path, text: str) -> None:
    part = path.with_name(path.name + ".part")
    part.write_text(text, encoding="utf-8")
    os.replace(part, path)


# --- the dashboard's side ------------------------------------------------------------------

def serve_one(store: Path, request: Path, con) -> None:
    """Take one request from the inbox, run it on `con`, and leave the answer beside it."""
    stem = request.name.removesuffix(".request.json")
    taken = request.with_name(stem + ".taken.json")
    try:
        os.replace(request, taken)  # taken: the command line waits for the answer from now on
    except FileNotFoundError:
        return  # withdrawn meanwhile
    payload = request.with_name(stem + ".data")
    lines: list[tuple[str, bool]] = []
    ask: dict = {}
    try:
        ask = json.loads(taken.read_text(encoding="utf-8"))
        code = run(con, {**ask, "store": str(store)}, payload.read_bytes(), lambda line, err: lines.append((line, err)))
    except Exception as exc:  # the command line must hear of any failure, never hang
        log.exception("inbox request %s failed", stem)
        lines.append((f"error: the dashboard could not run the command: {exc}", True))
        code = 2
    if ask.get("posted"):  # nobody waits for the answer: a failure is in the log
        if code:
            log.error("inbox request %s (%s): %s", stem, ask.get("command"), lines)
    else:
        _write_atomically(request.with_name(stem + ".answer.json"), json.dumps({"lines": lines, "code": code},
                                                                               ensure_ascii=False))
    taken.unlink()
    payload.unlink(missing_ok=True)


@contextlib.contextmanager
def watching(store: Path, connect: Callable[[], object]) -> Iterator[None]:
    """While open, watch the store's inbox: a heartbeat every second and the requests run in
    the order they came, on the connection `connect` gives."""
    inbox = folder(store)
    inbox.mkdir(mode=0o700, parents=True, exist_ok=True)  # its files may hold a new password, briefly
    stop = threading.Event()

    def beat() -> None:
        while not stop.is_set():
            (inbox / HEARTBEAT).write_text(str(os.getpid()), encoding="utf-8")
            stop.wait(BEAT_SECONDS)

    def work() -> None:
        while not stop.is_set():
            for request in sorted(inbox.glob("*.request.json")):
                try:
                    with contextlib.closing(connect().cursor()) as con:  # the sessions use the connection too
                        serve_one(store, request, con)
                except Exception:  # the watcher keeps watching
                    log.exception("inbox: could not serve %s", request.name)
            stop.wait(0.2)

    threads = [threading.Thread(target=beat, name="inbox-heartbeat", daemon=True),
               threading.Thread(target=work, name="inbox", daemon=True)]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=5)
        (inbox / HEARTBEAT).unlink(missing_ok=True)
