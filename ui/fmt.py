"""Number formats, one place: ¥ with thousands separators; in Chinese, amounts of ¥10,000
and more in 万 (ten thousands); percentages with one decimal; a missing value as "—".
KPI tiles use the compact form (¥3.78B / ¥37.76亿), tables the full one."""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd

MISSING = "—"


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def money(value: float | Decimal | None, lang: str) -> str:
    """¥1,234,567 (English) or ¥123.5万 (Chinese, from ¥10,000 up); negatives keep their sign."""
    if _missing(value):
        return MISSING
    amount = float(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if lang == "zh" and amount >= 10_000:
        return f"{sign}¥{amount / 10_000:,.1f}万"
    return f"{sign}¥{amount:,.0f}"


def money_compact(value: float | Decimal | None, lang: str) -> str:
    """A tile-sized amount: ¥377.6M or ¥3.78B (English); ¥37.76亿 from ¥100,000,000 and
    ¥1,234.5万 from ¥10,000 (Chinese); smaller amounts in full."""
    if _missing(value):
        return MISSING
    amount = float(value)
    sign, amount = ("-" if amount < 0 else ""), abs(amount)
    if lang == "zh":
        if amount >= 100_000_000:
            return f"{sign}¥{amount / 100_000_000:,.2f}亿"
        return money(float(value), lang)
    if amount >= 1_000_000_000:
        return f"{sign}¥{amount / 1_000_000_000:,.2f}B"
    if amount >= 1_000_000:
        return f"{sign}¥{amount / 1_000_000:,.1f}M"
    return money(float(value), lang)


def pct(value: float | None) -> str:
    """36.2% (the value is already in percent)."""
    return MISSING if _missing(value) else f"{float(value):.1f}%"


def signed_pct(value: float | None) -> str:
    """+12.5% / -3.0%: a change, in percent."""
    return MISSING if _missing(value) else f"{float(value):+.1f}%"


def count(value: float | int | None) -> str:
    return MISSING if _missing(value) else f"{int(value):,}"
