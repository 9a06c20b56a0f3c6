"""Read-only copies of the store for replicas: more viewers than one dashboard process serves.

The importing dashboard (the writer, started with COCKPIT_PUBLISH=FOLDER) holds the store as
always and publishes into FOLDER:
- a copy of the store at its start and after every import (`store-v<version>-<time>.duckdb`,
  copied the way a backup is), then `current`, naming the newest copy, replaced atomically;
  the two newest copies are kept (a replica may still be reading the one before);
- `accounts.json` after every change to accounts or sessions (a login, a logout, a disabled
  account): the accounts and the open sessions' token digests, never a password's hash;
- `writer`: the writer's store file, whose inbox takes what a replica must write (the audit
  rows of its CSV downloads and company logins).

A replica (a dashboard started with COCKPIT_REPLICA=FOLDER) serves the copy `current` names,
opened read-only (any number of replicas read the same copy). At each run it looks at
`current` and moves to a newer copy between queries; its cached results are keyed by the
copy and its store version, so they follow. It checks sessions against `accounts.json`.
Logins, imports and account changes are the writer's: the proxy (deploy/) sends /login and
/logout to it, and the Data and Users pages of a replica say where to import.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import threading
from pathlib import Path

import duckdb

from store import db

CURRENT, ACCOUNTS, WRITER = "current", "accounts.json", "writer"
KEPT = 2


def publish_folder() -> Path | None:
    """Where this dashboard (the writer) publishes, or None."""
    value = os.environ.get("COCKPIT_PUBLISH")
    return Path(value).resolve() if value else None


def replica_folder() -> Path | None:
    """The published folder this dashboard serves as a replica, or None."""
    value = os.environ.get("COCKPIT_REPLICA")
    return Path(value).resolve() if value else None


def _write_atomically(path: Path, text: str) -> None:
    part = path.with_name(path.name + ".part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(part, path)


# --- the writer's side ---------------------------------------------------------------------

_publishing = threading.Lock()


def publish_store(con: duckdb.DuckDBPyConnection) -> Path | None:
    """A copy of the store as committed now, named by `current` once whole; None when this
    dashboard does not publish. The caller holds db.write_lock (nothing is written meanwhile)."""
    from store import backup

    folder = publish_folder()
    store = backup.store_of(con)
    if folder is None or store is None:
        return None
    with _publishing:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        version = con.execute("SELECT store_version FROM store_meta").fetchone()[0]
        need, free = store.stat().st_size, shutil.disk_usage(folder).free
        if free < need:
            raise db.DiskFull(f"Not enough free disk space in {folder} for the replicas' copy of the store: it "
                              f"needs about {need / 2**20:,.0f} MB, {free / 2**20:,.0f} MB are free")
        db.checkpoint(con)
        target = folder / f"store-v{version}-{dt.datetime.now():%Y%m%d-%H%M%S-%f}.duckdb"
        part = target.with_name(target.name + ".part")
        backup.copy_file(store, part)
        os.replace(part, target)
        _write_atomically(folder / WRITER, str(store))
        _write_atomically(folder / CURRENT, target.name)
        for old in sorted(folder.glob("store-v*.duckdb"), key=lambda p: p.stat().st_mtime_ns)[:-KEPT]:
            old.unlink()  # a replica still reading it keeps its open file until it moves on
    return target


def publish_accounts(con: duckdb.DuckDBPyConnection) -> None:
    """The accounts and open sessions, for the replicas (when this dashboard publishes)."""
    folder = publish_folder()
    if folder is None:
        return
    cursor = con.cursor()
    try:
        users = cursor.execute("""SELECT user_name, coalesce(display_name, user_name), role, region_id,
                                         salesperson_id, email, disabled FROM users""").fetchall()
        sessions = cursor.execute("""SELECT token_sha256, user_name, expires_at FROM user_sessions
                                     WHERE revoked_at IS NULL AND expires_at > $now""",
                                  {"now": dt.datetime.now()}).fetchall()
    finally:
        cursor.close()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    _write_atomically(folder / ACCOUNTS, json.dumps({
        "users": [dict(zip(("name", "display_name", "role", "region", "salesperson", "email", "disabled"), u))
                  for u in users],
        "sessions": {digest: [user, until.isoformat()] for digest, user, until in sessions},
    }, ensure_ascii=False))


# --- the replica's side --------------------------------------------------------------------

_seen: dict[str, tuple[int, object]] = {}  # file name -> (mtime_ns, what was read)
_seen_lock = threading.Lock()


def _read(folder: Path, name: str, parse):
    """A published file, read again only when it changed (a stat at each look)."""
    path = folder / name
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    with _seen_lock:
        held = _seen.get(str(path))
        if held is None or held[0] != stamp:
            held = (stamp, parse(path.read_text(encoding="utf-8")))
            _seen[str(path)] = held
        return held[1]


def current_copy(folder: Path) -> Path:
    """The copy a replica serves now."""
    name = _read(folder, CURRENT, str.strip)
    if not name:
        raise db.StoreError(f"No copy of the store is published in {folder} yet: start the importing "
                            "dashboard with COCKPIT_PUBLISH set to this folder.")
    return folder / name


def accounts_snapshot(folder: Path) -> dict:
    return _read(folder, ACCOUNTS, json.loads) or {"users": [], "sessions": {}}


def writer_store(folder: Path) -> Path | None:
    name = _read(folder, WRITER, str.strip)
    return Path(name) if name else None
