"""Shared fixtures: one demo store per test session, built in a temporary folder.

Tests never touch data/; they point COCKPIT_DB at their own store.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest

from store import db, demo

AS_OF = dt.date(2026, 11, 23)  # a Monday: the current ISO week has just begun
SEED = 7


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory):
    """The small demo store (path, Built) as of AS_OF; read-only for tests."""
    path = tmp_path_factory.mktemp("store") / "demo.duckdb"
    built = demo.build(path, seed=SEED, as_of=AS_OF, scale="small", progress=lambda _: None)
    return path, built


@pytest.fixture(scope="session")
def store_con(demo_store):
    """The process's shared connection to the session's demo store."""
    path, _ = demo_store
    previous = os.environ.get("COCKPIT_DB")
    os.environ["COCKPIT_DB"] = str(path)
    yield db.shared_connection()
    db.close_shared()
    if previous is None:
        os.environ.pop("COCKPIT_DB", None)
    else:
        os.environ["COCKPIT_DB"] = previous


@pytest.fixture
def empty_store(tmp_path):
    """A new store with the schema and no rows."""
    con = db.connect(tmp_path / "empty.duckdb", create=True)
    db.create_schema(con)
    yield con
    con.close()
