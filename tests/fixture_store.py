"""The hand-made fixture store: the schema plus the CSV files in tests/fixture/.

Small enough to check every KPI by hand (tests/fixture/README.md tells its story; the
tests write out the arithmetic). Built into a temporary folder for each test session.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from store import db

FIXTURE_DIR = Path(__file__).resolve().parent / "fixture"


def build_fixture_store(path: Path) -> Path:
    """Create the schema at `path` and load every CSV of tests/fixture/ into its table."""
    con = db.connect(path, create=True)
    try:
        db.create_schema(con)
        for csv in sorted(FIXTURE_DIR.glob("*.csv")):
            table = csv.stem
            assert table in db.TABLES, f"{csv.name} names no table of the store"
            frame = pd.read_csv(csv, dtype=str, keep_default_na=False, na_values=[""])
            con.register("frame", frame)
            con.execute(db_insert(table))
            con.unregister("frame")
        db.refresh_derived(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def db_insert(table: str) -> str:
    """The INSERT for one allow-listed table (values arrive as text and are cast by DuckDB)."""
    if table not in db.TABLES:
        raise ValueError(f"not a table of the store: {table}")
    return "INSERT INTO " + table + " BY NAME SELECT * FROM frame"
