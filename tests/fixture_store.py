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
            frame = pd.read_csv(csv, dtype=str, keep_default_na=False, na_values=[""])
            con.register("frame", frame)
            con.execute(db.insert_from_frame(table))
            con.unregister("frame")
        db.refresh_derived(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path

