"""What a person sees of a page run under AppTest, where that takes more than reading a value."""

from __future__ import annotations

import os
import re

import pandas as pd
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

import report.pack  # noqa: F401  (the package first: a page run alone puts pages/, with pages/report.py, on the path)
from tools.serve import ROOT, session_for


def opened(script: str, name: str = "head", **made: str) -> AppTest:
    """A page under AppTest (not yet run) over the store COCKPIT_DB names, logged in as account
    `name` (made with `made`, a head by default, when the store has none of that name)."""
    app = AppTest.from_file(str(ROOT / script), default_timeout=60)
    app.session_state["session_token"] = session_for(os.environ["COCKPIT_DB"], name, **made)
    return app


def shown_cells(element) -> pd.DataFrame:
    """A table's cells as drawn: the display text the table was given (or the value's own text),
    and the table's placeholder (Streamlit's default: None) where the value is missing."""
    raw = element.value
    styled = element.proto.arrow_data.styler.display_values
    cells = dataframe_util.convert_arrow_bytes_to_pandas_df(styled) if styled else raw.astype(str)
    cells.columns = raw.columns
    return cells.mask(raw.isna().to_numpy(), element.proto.placeholder or "None")


def seen(markdown: str) -> str:
    """A line of markdown as the reader sees its words: the backslash escapes that stored names and
    link values reach it with (ui.fmt.plain) undone."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)
