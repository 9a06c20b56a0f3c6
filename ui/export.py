"""CSV downloads (SPEC §2): exactly the rows shown, UTF-8 with a BOM so Excel on a Chinese
Windows opens them cleanly, headers in the reader's language, and text cells that a
spreadsheet would run as a formula (= + - @, also after leading spaces, tabs or a carriage
return) neutralised with a leading apostrophe. Numbers stay numbers, negatives included."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from queries.filters import Filters
from queries.values import missing
from ui import fmt
from ui.i18n import TEXT, text

_FORMULA_START = re.compile(r"^[\s]*[=+\-@]")
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\s]+')


def neutralise(value: object) -> object:
    """A text cell that starts (after white space) with = + - @ gets a leading apostrophe."""
    if isinstance(value, str) and (_FORMULA_START.match(value) or value[:1] in ("\t", "\r")):
        return "'" + value
    return value


def header(column: str, lang: str) -> str:
    """A column's translated header; a column with no entry keeps its own name."""
    key = "col." + column
    return text(key, lang) if key in TEXT else column


def csv_bytes(frame: pd.DataFrame, lang: str) -> bytes:
    """The frame as CSV bytes: BOM, translated headers, neutralised text cells; money to the
    fen and percentages to two decimals (half-up), other decimals to four; dates as
    2026-11-01 and moments without seconds; a missing value as an empty cell."""
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if pd.api.types.is_bool_dtype(values) or pd.api.types.is_integer_dtype(values):
            continue
        if pd.api.types.is_float_dtype(values):
            safe[column] = fmt.round_half_up(values, 2 if fmt.kind(column) in ("money", "pct") else 4)
        elif pd.api.types.is_datetime64_any_dtype(values):
            safe[column] = values.map(lambda v: "" if missing(v) else fmt.when(v))
        else:
            safe[column] = values.map(
                lambda v: neutralise("; ".join(map(str, v)) if isinstance(v, list | tuple)
                                     else fmt.when(v) if isinstance(v, dt.date | dt.datetime) else v))
    safe.columns = [header(c, lang) for c in safe.columns]
    return safe.to_csv(index=False).encode("utf-8-sig")


def file_name(page: str, filters: Filters | None, names: dict[str, str] | None = None) -> str:
    """e.g. targets_2026-01-01_2026-11-23_桂城.csv: the page, the period and the chosen filter
    values (by their display names where given), safe as a file name."""
    parts = [page]
    if filters is not None:
        parts += [filters.start_date.isoformat(), filters.end_date.isoformat()]
        for values in (filters.regions, filters.salespeople, filters.tiers, filters.industries,
                       filters.product_lines):
            parts += [(names or {}).get(v, v) for v in values]
    stem = "_".join(_UNSAFE_IN_NAME.sub("-", p).strip("-.") or "-" for p in parts)
    return stem[:180] + ".csv"
