"""Nothing lost, nothing torn: imports are seen whole or not at all, a committed import is in the
store's file, a damaged journal is set aside and said, copies to go back to, and a full disk."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading

import pytest

import queries
from store import backup, db, importer
from tests.test_import import run_cli

SALES_HEADER = "line_id,order_id,order_date,customer_id,product_id,quantity,amount,salesperson_id,region_id\n"


def sales_csv(first: int, lines: int, amount: int = 1) -> bytes:
    """`lines` sales lines of `amount` each, numbered from `first`, in March 2026 (the fixture's year)."""
    return (SALES_HEADER + "".join(f"{first + j},{first + j},2026-03-0{1 + j % 9},C1,P1,1,{amount},S1,R1\n"
                                   for j in range(lines))).encode()


@pytest.fixture
def served_copy(fixture_path, tmp_path, monkeypatch):
    """A copy of the fixture store as the dashboard's process holds it (the shared connection)."""
    path = tmp_path / "store.duckdb"
    shutil.copy(fixture_path, path)
    monkeypatch.setenv("COCKPIT_DB", str(path))
    yield path, db.shared_connection()
    db.close_shared(path)


def totals(con) -> tuple:
    """The sales lines' sum and the daily totals' sum, read in one statement."""
    cursor = con.cursor()
    try:
        return cursor.execute("SELECT (SELECT sum(amount) FROM sales), (SELECT sum(amount) FROM sales_daily)"
                              ).fetchall()[0]
    finally:
        cursor.close()


def test_readers_see_the_store_before_or_after_an_import_never_between(served_copy):
    """Two readers query without pause while eight imports of 150,000 sales lines commit. Each
    reading sums the sales lines and the daily totals in one statement: the two agree in every
    reading (without the commit gate DuckDB 2.0 let 46–59 readings in ten imports see the lines
    of an import without its totals)."""
    path, con = served_copy
    before = totals(con)
    assert before[0] == before[1] == 32600  # the fixture's lines, to the yuan
    torn, readings, done = [], [0], threading.Event()

    def reader():
        while not done.is_set():
            with db.reading():  # as every query of the dashboard (queries.run)
                lines, daily = totals(con)
            readings[0] += 1
            if lines != daily:
                torn.append((lines, daily))

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        for batch in range(8):
            importer.import_file(con, "sales", sales_csv(1_000_000 + batch * 150_000, 150_000), f"batch-{batch}.csv")
    finally:
        done.set()
        for thread in threads:
            thread.join()
    assert readings[0] > 100 and torn == []
    assert totals(con) == (32600 + 8 * 150_000, 32600 + 8 * 150_000)


def test_a_result_is_asked_of_one_version_of_the_store(served_copy):
    """The dashboard keeps results under the store's version: a query asked at a version the store
    has left is refused (the page is then drawn again from the new data), never kept under it."""
    path, con = served_copy
    version = int(queries.run("store_meta").iloc[0].store_version)
    assert len(queries.run("store_meta", version=version)) == 1
    importer.import_file(con, "sales", sales_csv(900_001, 1, 500), "one-line.csv")
    with pytest.raises(queries.StoreChanged):
        queries.run("store_meta", version=version)
    assert int(queries.run("store_meta", version=version + 1).iloc[0].store_version) == version + 1


def test_a_committed_import_is_in_the_stores_file_when_it_says_done(served_copy):
    """The journal (WAL) of a store can be lost or cut short (a crash, a copy of the file alone):
    an import that said done is in the file itself, and survives the loss of the journal."""
    path, con = served_copy
    importer.import_file(con, "sales", sales_csv(900_001, 3, 1000), "three-lines.csv")
    wal = path.with_name(path.name + ".wal")
    assert not wal.exists() or wal.stat().st_size == 0
    db.close_shared(path)
    wal.write_bytes(b"")  # the journal truncated
    reopened = db.connect(path)
    try:
        assert totals(reopened) == (32600 + 3000, 32600 + 3000)
    finally:
        reopened.close()


def test_a_damaged_journal_is_set_aside_and_every_reader_is_told(fixture_path, tmp_path, monkeypatch):
    """A process that wrote and died before its checkpoint leaves its change in the journal; a few
    bytes of it damaged, the store opens as of its last save (never a traceback), the journal is
    kept beside the store, and every page says so in the reader's language until it is moved."""
    from tests.screen import opened
    from ui import fmt
    from ui.urlstate import FilterState

    path = tmp_path / "store.duckdb"
    shutil.copy(fixture_path, path)
    wrote = subprocess.run([sys.executable, "-c", (
        "import os, duckdb, sys\n"
        "con = duckdb.connect(sys.argv[1])\n"
        "con.execute(\"UPDATE regions SET name_en = 'Changed' WHERE region_id = 'R1'\")\n"
        "os._exit(0)  # no checkpoint, no close: the change is only in the journal\n"), str(path)],
        capture_output=True, text=True, timeout=60)
    assert wrote.returncode == 0, wrote.stderr
    wal = path.with_name(path.name + ".wal")
    damaged = bytearray(wal.read_bytes())
    assert len(damaged) > 40
    middle = len(damaged) // 2
    damaged[middle:middle + 8] = bytes(b ^ 0xFF for b in damaged[middle:middle + 8])
    wal.write_bytes(bytes(damaged))
    con = db.connect(path)
    try:
        assert con.execute("SELECT name_en FROM regions WHERE region_id = 'R1'").fetchall() == [("North",)]
    finally:
        con.close()
    [aside] = db.journals_set_aside(path)
    assert aside.read_bytes() == bytes(damaged)  # kept as it was, for whoever investigates
    monkeypatch.setenv("COCKPIT_DB", str(path))
    for lang, words in (("en", "could not be read"), ("zh", "无法读取")):
        app = opened("app.py")
        app.session_state["filter_state"] = FilterState(lang=lang)
        app.run()
        assert not app.exception
        notices = [w.value for w in app.warning if words in w.value]
        assert len(notices) == 1 and fmt.plain(aside.name) in notices[0]
    db.close_shared(path)


def test_a_copy_is_kept_before_each_import_and_a_restore_brings_the_figures_back(served_copy, monkeypatch):
    """The restore drill: a copy by hand, an import (a copy kept before it; only the newest KEPT of
    those), the dashboard stopped, the copy restored: the store's figures are those of the copy
    (32,600 in sales lines), and the store that was replaced is kept too."""
    path, con = served_copy
    monkeypatch.setattr(backup, "KEPT", 2)
    done = run_cli("backup", "--db", str(path))  # the dashboard's process holds the store: not this one
    assert done.returncode == 2 and "held by process" in done.stderr
    with db.write_lock:
        by_hand = backup.take(con, "by-hand")
    for batch in range(3):
        importer.import_file(con, "sales", sales_csv(900_000 + batch * 10, 10, 100), f"batch-{batch}.csv")
    assert totals(con)[0] == 32600 + 3 * 1000
    kept = backup.copies(path)
    assert by_hand in kept and len([c for c in kept if "before-import-sales" in c.name]) == 2
    db.close_shared(path)  # the dashboard stopped
    listed = run_cli("backup", "--list", "--db", str(path))
    assert listed.returncode == 0 and "3 copies" in listed.stdout and "store version 3" in listed.stdout
    restored = run_cli("restore", str(by_hand), "--db", str(path))
    assert restored.returncode == 0, restored.stderr
    assert f"restored {by_hand} (store version 3, as of 2026-03-15)" in restored.stdout
    again = db.connect(path)
    try:
        assert totals(again) == (32600, 32600)
        assert queries.run("store_meta", con=again).iloc[0].store_version == 3
    finally:
        again.close()
    replaced = [c for c in backup.copies(path) if "before-restore" in c.name]
    assert len(replaced) == 1 and backup.describe(replaced[0]).startswith("store version 6")


def test_a_restore_waits_for_the_dashboard_to_stop(served_copy, tmp_path):
    path, con = served_copy
    with db.write_lock:
        copy = backup.take(con, "by-hand")
    refused = run_cli("restore", str(copy), "--db", str(path))
    assert refused.returncode == 2 and "Stop the dashboard, then restore" in refused.stderr
    not_a_store = tmp_path / "notes.duckdb"
    not_a_store.write_text("not a store")
    assert "is not a store that can be restored" in run_cli("restore", str(not_a_store), "--db", str(path)).stderr


@pytest.fixture
def small_disk(tmp_path):
    """A 160 MB disk of its own (tmpfs; mounting one needs root)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a full disk is tried on a small tmpfs, which only root can mount")
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=160m", "tmpfs", str(mount)], capture_output=True,
                          text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk, leave: int) -> None:
    """Fill the disk until `leave` bytes are free."""
    free = shutil.disk_usage(disk).free
    with open(disk / "filler", "ab") as filler:
        filler.write(b"\0" * max(free - leave, 0))


def test_an_import_that_would_not_fit_is_refused_before_anything_is_written(fixture_path, small_disk,
                                                                          monkeypatch):
    path = small_disk / "store.duckdb"
    shutil.copy(fixture_path, path)
    monkeypatch.setenv("COCKPIT_DB", str(path))
    con = db.shared_connection()
    try:
        fill(small_disk, 2 * 2**20)  # 2 MB left: the copy before the import alone needs the store's 15 MB
        with pytest.raises(db.DiskFull, match=r"Not enough free disk space .* it needs about \d+ MB .* 2 MB are free"):
            importer.import_file(con, "sales", sales_csv(900_001, 10), "ten-lines.csv")
        assert totals(con) == (32600, 32600)
        assert queries.run("store_meta").iloc[0].store_version == 3 and backup.copies(path) == []
    finally:
        db.close_shared(path)


def test_a_disk_that_fills_during_an_import_leaves_the_store_whole_and_readable(fixture_path, small_disk,
                                                                              monkeypatch):
    """Another program fills the disk while an import is written: the import says so plainly and
    the store keeps what it had (32,600 in sales lines), never part of the file. With the disk
    still full to the last byte, a dashboard (re)started on the store serves every page for
    reading, with a notice, and opens for writing again once there is room."""
    from tests.screen import opened
    from tools.serve import session_for
    from ui.urlstate import FilterState

    path = small_disk / "store.duckdb"
    shutil.copy(fixture_path, path)
    session_for(path)  # the head's session, made while the disk has room
    monkeypatch.setenv("COCKPIT_DB", str(path))
    con = db.shared_connection()
    try:
        def progress(line: str) -> None:
            if "writing" in line:  # after the checks and the copy: the disk is taken meanwhile
                fill(small_disk, 64 * 2**10)

        with pytest.raises(db.DiskFull, match="ran out of space while big.csv was written: nothing was changed"):
            importer.load(con, importer.read_file(con, "sales", sales_csv(900_000, 200_000), "big.csv"),
                          progress=progress)
        assert totals(con) == (32600, 32600)
        assert queries.run("store_meta").iloc[0].store_version == 3  # still served
    finally:
        db.close_shared(path)
    fill(small_disk, 0)  # not a byte left: the store cannot be opened for writing
    try:
        assert queries.run("store_meta").iloc[0].store_version == 3
        assert db.read_only(path) == f"the disk holding {small_disk} is full"
        assert totals(db.shared_connection()) == (32600, 32600)
        with pytest.raises(db.StoreError):
            importer.import_file(db.shared_connection(), "sales", sales_csv(900_000, 1), "one.csv")
        app = opened("app.py")
        app.session_state["filter_state"] = FilterState(lang="zh")
        app.run()
        assert not app.exception and app.metric  # the Overview's figures, and the notice
        assert any("存放数据库的磁盘已满" in w.value for w in app.warning)
    finally:
        db.close_shared(path)
    (small_disk / "filler").unlink()  # room again: the store opens for writing, whole
    con = db.connect(path)
    try:
        assert db.read_only(path) is None and totals(con) == (32600, 32600)
    finally:
        con.close()
