"""CSV downloads (SPEC §2): exactly the rows shown, UTF-8 with a BOM so Excel on a Chinese
Windows opens them cleanly, headers in the reader's language, and text cells that a
spreadsheet would run as a formula (= + - @, also after leading spaces, tabs or a carriage
return) neutralised with a leading apostrophe. Numbers stay numbers, negatives included."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from queries.filters import Filters
from queries.values import missing, neutralise
from ui import fmt
from ui.i18n import CODE_COLUMNS, TEXT, label, text

_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\s]+')


def header(column: str, lang: str) -> str:
    """A column's translated header; a column with no entry keeps its own name."""
    key = "col." + column
    return text(key, lang) if key in TEXT else column


NAMED_COLUMNS = ("region_id",)  # ids shown by the name the sidebar gives them


def labelled(frame: pd.DataFrame, lang: str, names: dict[str, str] | None = None) -> pd.DataFrame:
    """The frame with every stored code (a role, a tier, a status …) by its label
    (ui.i18n.CODE_COLUMNS), and region ids by their `names`; missing values stay missing."""
    coded = [c for c in frame.columns if c in CODE_COLUMNS and not pd.api.types.is_numeric_dtype(frame[c])]
    named = [c for c in frame.columns if c in NAMED_COLUMNS and names]
    # yes/no with gaps (a column of true, false and missing) reads as words
    gappy = [c for c in frame.columns if frame[c].dtype == object and frame[c].map(lambda v: isinstance(v, bool)).any()]
    if not coded and not named and not gappy:
        return frame
    return frame.assign(**{c: _each_value(frame[c], lambda v, c=c: label(c, v, lang)) for c in coded},
                        **{c: _each_value(frame[c], lambda v: names.get(v, v)) for c in named},
                        **{c: frame[c].map(lambda v: yes_no(v, lang)) for c in gappy})


def filter_names(options: pd.DataFrame, people: pd.DataFrame, lang: str) -> dict[str, str]:
    """The filters' values (regions, tiers, people …) by their names in the reader's language:
    `options` from the filter_options query, `people` from salesperson_options."""
    names = dict(zip(options["value"].tolist(), options["label_zh" if lang == "zh" else "label_en"].tolist()))
    return names | dict(zip(people.salesperson_id.tolist(), people.name.tolist()))


# A code column a table leaves off screen when the name beside it says the same (the CSV keeps both).
CODE_BESIDE_NAME = {"customer_id": "customer_name", "salesperson_id": "salesperson_name", "owner_id": "owner_name"}


def without_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame without the code columns whose name column stands beside them."""
    return frame.drop(columns=[c for c, name in CODE_BESIDE_NAME.items() if c in frame and name in frame])


def _each_value(values: pd.Series, word) -> pd.Series:
    """`word(v)` for every value, worked out once per distinct value (a column of 30,000 codes
    has a handful); a missing value stays missing."""
    words = {v: word(v) for v in values.dropna().unique()}
    return values.map(words)


def yes_no(value: object, lang: str) -> object:
    """True and False in words (是 / 否); a missing value stays missing."""
    return value if missing(value) else text("bool." + str(bool(value)).lower(), lang)


def csv_bytes(frame: pd.DataFrame, lang: str, names: dict[str, str] | None = None) -> bytes:
    """The frame as CSV bytes: BOM, translated headers, codes and yes/no by their labels,
    neutralised text cells; money to the fen and percentages to two decimals (half-up),
    other decimals to four; dates as 2026-11-01 and moments without seconds; a missing value
    as an empty cell."""
    safe = labelled(frame, lang, names).copy()
    for column in safe.columns:
        values = safe[column]
        if pd.api.types.is_bool_dtype(values):
            safe[column] = values.map(lambda v: yes_no(v, lang))
            continue
        if pd.api.types.is_integer_dtype(values):
            continue
        if pd.api.types.is_float_dtype(values):
            safe[column] = fmt.round_half_up(values, 2 if fmt.kind(column) in ("money", "pct") else 4)
        elif pd.api.types.is_datetime64_any_dtype(values) or values.map(lambda v: isinstance(v, dt.date)).any():
            safe[column] = fmt.dates_as_text(values)
        else:
            safe[column] = values.map(lambda v: neutralise(fmt.text(v) if isinstance(v, list | tuple) else v))
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
