"""Missing values in query results, tested one way; and text a spreadsheet would run.

A SQL NULL reaches Python as None, NaN, pd.NA or NaT depending on the column's type (pandas 3
turns None into NaN in a string column), so `value is None` misses most of them and
`value == value` only some. Every page and helper asks `missing(value)` instead, and reads a
figure with `first(frame, column)`, which answers None for an empty result or a NULL.
"""

from __future__ import annotations

import re

import pandas as pd


def missing(value: object) -> bool:
    """True for None, NaN, pd.NA and NaT; False for anything else, lists and arrays included."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if not pd.api.types.is_scalar(value):
        return False
    return bool(pd.isna(value))


def missing_each(values: pd.Series) -> pd.Series:
    """`missing` of every value of a column at once (True for None, NaN, pd.NA and NaT)."""
    return values.isna()


def present(value: object, default: object = None) -> object:
    """The value, or `default` when it is missing."""
    return default if missing(value) else value


def first(frame: pd.DataFrame, column: str, default: object = None) -> object:
    """The first row's value of `column`, or `default` when there is no row or it is missing."""
    if frame.empty:
        return default
    return present(frame.iloc[0][column], default)


# A text a spreadsheet runs as a formula: = + - @ first (after white space too), or a leading tab
# or carriage return. Every file the product writes gives such a text a leading apostrophe.
FORMULA_START = r"^(?:\s*[=+\-@]|[\t\r])"
_FORMULA_START = re.compile(FORMULA_START)


def neutralise(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, with a leading apostrophe; any other value as it is."""
    return "'" + value if isinstance(value, str) and _FORMULA_START.match(value) else value


def neutralised(values: pd.Series) -> pd.Series:
    """`neutralise` over a column of text, at once."""
    return values.mask(values.str.contains(FORMULA_START, regex=True, na=False), "'" + values)

