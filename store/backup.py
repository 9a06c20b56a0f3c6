"""Copies of the store to go back to, in the folder `<store>.backups/` beside it: one taken before
every import (the newest KEPT of those kept) and any taken by hand (`python -m store backup`,
kept until removed). `python -m store restore FILE` puts a copy back while the dashboard is
stopped, keeping the store it replaces as one more copy, so a restore can itself be undone."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import duckdb

from store import db

KEPT = int(os.environ.get("COCKPIT_BACKUPS_KEPT", "5"))  # copies taken before imports
BEFORE_IMPORT = "before-import"


def folder(store: Path) -> Path:
    return store.with_name(store.name + ".backups")


def store_of(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The store file a connection is open on (None for a store in memory)."""
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return Path(row[0]).resolve() if row and row[0] else None


def copies(store: Path) -> list[Path]:
    """The copies of `store`, oldest first."""
    return sorted(folder(store).glob("*.duckdb"))


def take(con: duckdb.DuckDBPyConnection, why: str, extra: int = 0) -> Path | None:
    """A copy of the store as it is now, named by the time and `why`; None for a store in memory.
    The caller holds db.write_lock, so nothing is written meanwhile: the store is checkpointed
    (everything committed in its file) and the file copied. `extra`: bytes the caller will write
    next, counted in the room the copy needs."""
    store = store_of(con)
    if store is None:
        return None
    db.ensure_space(store, store.stat().st_size + extra, f"a copy of the store ({why})")
    db.checkpoint(con)
    target = folder(store) / f"{store.stem}-{dt.datetime.now():%Y%m%d-%H%M%S-%f}-{why}.duckdb"
    target.parent.mkdir(mode=0o700, exist_ok=True)  # the copies hold what the store holds
    part = target.with_name(target.name + ".part")
    copy_file(store, part)
    os.replace(part, target)
    automatic = [c for c in copies(store) if f"-{BEFORE_IMPORT}-" in c.name]
    for old in automatic[:-KEPT] if KEPT > 0 else automatic:
        old.unlink()
    return target


def copy_file(source: Path, target: Path) -> None:
    """Copy a file by another process: a process that opened and closed the store's file itself
    would drop the lock DuckDB holds on it (POSIX locks belong to the process, not the handle)."""
    done = subprocess.run(["cp", "--", str(source), str(target)], capture_output=True, text=True)
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        raise db.StoreError(f"could not copy {source} to {target}: {done.stderr.strip()}")


def describe(copy: Path) -> str:
    """A copy's store version and as-of date, read without changing it."""
    con = duckdb.connect(str(copy), read_only=True, config=db.CONFIG)
    try:
        version, as_of = con.execute("SELECT store_version, as_of_date FROM store_meta").fetchone()
    finally:
        con.close()
    return f"store version {version}, as of {as_of:%Y-%m-%d}"


def restore(store: Path, source: Path) -> tuple[Path | None, str]:
    """Put the copy `source` in the place of `store` (which no process may hold), keeping the
    store it replaces as a copy ('before-restore'), and open the result once to check it (an
    older copy is upgraded as any older store). Returns that copy and what was restored."""
    if not source.is_file():
        raise db.StoreError(f"no copy at {source}")
    try:
        about = describe(source)
    except duckdb.Error as exc:
        raise db.StoreError(f"{source} is not a store that can be restored: {exc}") from exc
    kept = None
    if store.exists():
        try:
            con = db.connect(store)
        except db.StoreBusy as busy:
            raise db.StoreBusy(f"{busy} Stop the dashboard, then restore.") from busy
        try:
            with db.write_lock:
                kept = take(con, "before-restore")
        finally:
            con.close()
    db.ensure_space(store, source.stat().st_size, f"restoring {source.name}")
    part = store.with_name(store.name + ".restoring")
    copy_file(source, part)
    wal = store.with_name(store.name + ".wal")
    if wal.exists():  # the closed store's journal is empty; one left would not belong to the copy
        os.replace(wal, wal.with_name(f"{wal.name}.before-restore-{dt.datetime.now():%Y%m%d-%H%M%S}"))
    os.replace(part, store)
    db.connect(store).close()
    return kept, about
