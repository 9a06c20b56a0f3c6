"""Number formats, one place. Money on screen is rounded half-up at the precision shown
(¥875,823.84 reads ¥875,824; −97,073.76 reads −97,074), never cut; in Chinese, amounts of
¥10,000 and more in 万 (ten thousands); percentages with one decimal; a missing value as "—".
KPI tiles use the compact form (¥3.78B / ¥37.76亿), tables the full one. CSV files carry
money to the fen and percentages to two decimals (ui/export.py).

A column's kind follows from its name (the queries' unit suffixes): `*_cny` and the
target/actual columns are money, `*_pct` percentages, `*_count` counts."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np
import pandas as pd

from queries.values import missing as _missing

MISSING = "—"

# Money columns whose names carry no `_cny` suffix (their metric's unit is the yuan).
MONEY_COLUMNS = frozenset({
    "actual_value", "plan_target", "plan_gap_value", "stretch_target", "actual_ytd", "forecast_value",
    "annual_target", "annual_budget", "current_value", "prior_year_value", "previous_period_value",
    "cumulative_actual", "cumulative_target", "cumulative_budget", "required_daily_rate", "amount", "target_value",
    "pipeline_forecast_value",
})


def kind(column: str) -> str:
    """How a result column is shown: money, pct, count, year or other (by its name)."""
    if column.endswith("_cny") or column in MONEY_COLUMNS:
        return "money"
    if column.endswith("_pct"):
        return "pct"
    if column.endswith("_count"):
        return "count"
    if column == "year" or column.endswith("_year"):  # a year (plan_year): 2026, never 2,026
        return "year"
    return "other"


def rounded(value: float | Decimal | int, places: int) -> Decimal:
    """The value rounded half-up to `places` decimals, from its shortest decimal form (so
    0.125 → 0.13 and 2.5 → 3, as a person rounds, not as binary floating point does)."""
    try:
        exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    except (InvalidOperation, ValueError):
        exact = Decimal(str(value))
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _grouped(value: float | Decimal, places: int) -> str:
    return f"{rounded(value, places):,.{places}f}"


def money(value: float | Decimal | None, lang: str) -> str:
    """¥1,234,567 (English) or ¥123.5万 (Chinese, from ¥10,000 up); negatives keep their sign."""
    if _missing(value):
        return MISSING
    amount = Decimal(repr(float(value)))
    shown = (f"¥{_grouped(abs(amount) / 10_000, 1)}万" if lang == "zh" and abs(amount) >= 10_000
             else f"¥{_grouped(abs(amount), 0)}")
    return _signed(amount, shown)


def _signed(amount: Decimal, shown: str) -> str:
    """A minus before a negative amount, unless it reads as zero (−0.4 shows ¥0)."""
    return "-" + shown if amount < 0 and any(d in "123456789" for d in shown) else shown


def money_compact(value: float | Decimal | None, lang: str) -> str:
    """A tile-sized amount: ¥377.6M or ¥3.78B (English); ¥37.76亿 from ¥100,000,000 and
    ¥1,234.5万 from ¥10,000 (Chinese); smaller amounts in full."""
    if _missing(value):
        return MISSING
    signed = Decimal(repr(float(value)))
    amount = abs(signed)
    if lang == "zh" and amount >= 100_000_000:
        return _signed(signed, f"¥{_grouped(amount / 100_000_000, 2)}亿")
    if lang != "zh" and amount >= 1_000_000_000:
        return _signed(signed, f"¥{_grouped(amount / 1_000_000_000, 2)}B")
    if lang != "zh" and amount >= 1_000_000:
        return _signed(signed, f"¥{_grouped(amount / 1_000_000, 1)}M")
    return money(value, lang)


def pct(value: float | None) -> str:
    """36.2% (the value is already in percent)."""
    return MISSING if _missing(value) else f"{rounded(value, 1)}%"


def signed_pct(value: float | None) -> str:
    """+12.5% / -3.0%: a change, in percent."""
    return MISSING if _missing(value) else f"{rounded(value, 1):+}%"


def score(value: float | None) -> str:
    """A mean survey score on the 1–5 scale, with one decimal: 4.3."""
    return MISSING if _missing(value) else str(rounded(value, 1))


def count(value: float | int | None) -> str:
    return MISSING if _missing(value) else f"{int(value):,}"


def when(value: object) -> str:
    """A date as 2026-11-01, a moment as 2026-11-01 09:30 (never 00:00:00)."""
    return MISSING if _missing(value) else dates_as_text(pd.Series([value])).iloc[0]


def text(value: object) -> str:
    """A text cell: lists joined, missing as —."""
    if isinstance(value, list | tuple):
        return "; ".join(map(str, value))
    return MISSING if _missing(value) else str(value)


_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def plain(value: object) -> str:
    """A stored or typed text to put in a line Streamlit renders as markdown (a heading, caption,
    notice, label): every ASCII punctuation mark escaped and line breaks made spaces, so a name like
    `![t](http://host/p.png)` or `[x](javascript:…)` shows as written — no image, link, emphasis,
    :emoji:, :color[…] or $formula$."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(text(value).splitlines()))


def decimals(column: str, values: pd.Series) -> int | None:
    """How many decimals a table shows of a column: money 0 (whole yuan), percentages 1, counts
    and other whole numbers 0, other numbers 2; None for a column that is not numbers, or a year."""
    shown = kind(column)
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values) or shown == "year":
        return None
    if shown == "pct":
        return 1
    if shown in ("money", "count") or pd.api.types.is_integer_dtype(values):
        return 0
    if column.endswith("_mean"):
        return 1  # a mean score on the 1–5 scale
    return 2


def month(value: str, lang: str) -> str:
    """A month label 2026-01 as 2026年1月 (Chinese) or 2026-01."""
    year, number = value.split("-")[:2]
    return f"{year}年{int(number)}月" if lang == "zh" else f"{year}-{number}"


def period(start, grain: str, lang: str) -> str:
    """A bucket of the Targets table by its start: 2026 (year), 2026Q1 (quarter), 2026-01 or
    2026年1月 (month); the whole period as its first day."""
    day = pd.Timestamp(start)
    if grain == "year":
        return str(day.year)
    if grain == "quarter":
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    if grain == "month":
        return month(day.strftime("%Y-%m"), lang)
    return day.strftime("%Y-%m-%d")


def amount_tick(value: float) -> str:
    """An axis tick of an amount in Chinese: 0, 500万, 1,500万, 1.2亿."""
    if abs(value) >= 100_000_000:
        return f"{value / 100_000_000:,.1f}亿".replace(".0亿", "亿")
    if abs(value) >= 10_000:
        return f"{value / 10_000:,.0f}万"
    return f"{value:,.0f}"


def in_wan(frame: pd.DataFrame, lang: str) -> bool:
    """Whether a table shows its money columns in 万元: in Chinese, when one of them holds an
    amount of ¥100,000 or more (smaller amounts read better in yuan). All of a table's money
    columns share one unit, so neighbouring columns are never read in different units."""
    return lang == "zh" and any(
        kind(column) == "money" and pd.api.types.is_numeric_dtype(frame[column])
        and bool((frame[column].abs() >= 100_000).any()) for column in frame.columns)


def wan_header(header: str) -> str:
    """A money column's Chinese header with its unit in 万元: 应收余额（元） → 应收余额（万元）."""
    return header.replace("（元）", "（万元）") if "（元）" in header else header + "（万元）"


def round_half_up(values: pd.Series, places: int) -> pd.Series:
    """A column of numbers rounded half-up to `places` decimals, as `rounded` rounds one (a
    value within 1e-7 of a half is taken as the half, which binary floating point cannot
    always hold exactly); missing values stay missing."""
    scale = 10.0 ** places
    numbers = values.to_numpy(dtype="float64", na_value=np.nan)  # in numpy: a table rounds many columns
    rounded = np.sign(numbers) * np.floor(np.abs(numbers) * scale + 0.5 + 1e-7) / scale + 0.0  # + 0.0: no −0
    return pd.Series(rounded, index=values.index, name=values.name)


def dates_as_text(values: pd.Series) -> pd.Series:
    """Dates as 2026-11-01 and moments as 2026-11-01 09:30, never with a time of 00:00 (a column
    may hold both: a customer's history lists the day of a visit beside the minute of a complaint)."""
    moments = pd.to_datetime(values)
    if isinstance(moments.dtype, pd.DatetimeTZDtype):
        days = moments.dt.strftime("%Y-%m-%d")
    else:  # formatted in one step, not value by value
        days = pd.Series(moments.to_numpy(dtype="datetime64[us]").astype("datetime64[D]").astype(str),
                         index=values.index)
    timed = moments.notna() & (moments != moments.dt.normalize())
    if timed.any():
        days = days.where(~timed, moments[timed].dt.strftime("%Y-%m-%d %H:%M"))
    return days.where(moments.notna(), None)
