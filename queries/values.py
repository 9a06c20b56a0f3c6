"""Missing values in query results, tested one way.

A SQL NULL reaches Python as None, NaN, pd.NA or NaT depending on the column's type (pandas 3
turns None into NaN in a string column), so `value is None` misses most of them and
`value == value` only some. Every page and helper asks `missing(value)` instead, and reads a
figure with `first(frame, column)`, which answers None for an empty result or a NULL.
"""

from __future__ import annotations

import pandas as pd


def missing(value: object) -> bool:
    """True for None, NaN, pd.NA and NaT; False for anything else, lists and arrays included."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if not pd.api.types.is_scalar(value):
        return False
    return bool(pd.isna(value))


def present(value: object, default: object = None) -> object:
    """The value, or `default` when it is missing."""
    return default if missing(value) else value


def first(frame: pd.DataFrame, column: str, default: object = None) -> object:
    """The first row's value of `column`, or `default` when there is no row or it is missing."""
    if frame.empty:
        return default
    return present(frame.iloc[0][column], default)
