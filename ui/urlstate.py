"""The shared filters as URL parameters, and the period presets (SPEC §2).

Pure functions (no Streamlit), so that reading a hostile or stale link is tested directly:
every value is checked against the options the store offers; what is not valid is dropped
and reported, never passed on.

URL keys: lang, period (a preset, or custom with start and end as YYYY-MM-DD), and one
comma-separated list per filter: region, sp, tier, industry, line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from queries.filters import Filters

PRESETS = ("this_month", "this_quarter", "ytd", "last_12_months", "custom")
DEFAULT_PRESET = "ytd"
LIST_KEYS = {  # filter → URL key
    "regions": "region", "salespeople": "sp", "tiers": "tier", "industries": "industry",
    "product_lines": "line",
}


@dataclass
class FilterState:
    """What the sidebar holds: a preset (or a custom range) and the chosen values."""

    lang: str = "en"
    preset: str = DEFAULT_PRESET
    start: dt.date | None = None  # custom range only
    end: dt.date | None = None
    values: dict[str, tuple[str, ...]] = field(default_factory=lambda: {k: () for k in LIST_KEYS})


@dataclass(frozen=True)
class Problem:
    """One thing dropped from a link: which filter, which value, and why."""

    kind: str  # bad_value | bad_date | out_of_range | bad_preset | reversed
    filter: str = ""
    value: str = ""


def period(state: FilterState, today: dt.date) -> tuple[dt.date, dt.date]:
    """The dates a preset stands for, relative to the store's today."""
    if state.preset == "custom" and state.start and state.end:
        return state.start, state.end
    if state.preset == "this_month":
        start = today.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return start, end
    if state.preset == "this_quarter":
        start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        after = dt.date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
        return start, after - dt.timedelta(days=1)
    if state.preset == "last_12_months":
        try:
            start = today.replace(year=today.year - 1) + dt.timedelta(days=1)
        except ValueError:  # 29 February
            start = dt.date(today.year - 1, 3, 1)
        return start, today
    return dt.date(today.year, 1, 1), today


def to_filters(state: FilterState, today: dt.date) -> Filters:
    start, end = period(state, today)
    return Filters(start, end, **state.values)


# the dates a period may have: a link's dates outside them are dropped with a notice (a period
# from year 2 to 9999 would keep the store busy for minutes, and year 1 has no year before it)
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def from_url(params: dict[str, str], options: dict[str, set[str]], langs: tuple[str, ...]
             ) -> tuple[FilterState, list[Problem]]:
    """Read a link's parameters; keep what is valid, report the rest."""
    state, problems = FilterState(), []
    if params.get("lang") in langs:
        state.lang = params["lang"]
    preset = params.get("period")
    if preset is not None:
        if preset in PRESETS:
            state.preset = preset
        else:
            problems.append(Problem("bad_preset", "period", preset))
    if state.preset == "custom":
        start, end = params.get("start"), params.get("end")
        state.start, state.end = _date(start), _date(end)
        for name, raw, parsed in (("start", start, state.start), ("end", end, state.end)):
            if parsed is None:
                problems.append(Problem("bad_date", name, raw or ""))
            elif not EARLIEST <= parsed <= LATEST:
                problems.append(Problem("out_of_range", name, raw))
                setattr(state, name, None)
        if state.start and state.end and state.start > state.end:
            problems.append(Problem("reversed"))
            state.start = state.end = None
        if state.start is None or state.end is None:
            state.preset, state.start, state.end = DEFAULT_PRESET, None, None
    for name, key in LIST_KEYS.items():
        raw = params.get(key)
        if not raw:
            continue
        kept = []
        for value in (v.strip() for v in raw.split(",")):
            if value in options.get(name, set()):
                if value not in kept:
                    kept.append(value)
            elif value:
                problems.append(Problem("bad_value", name, value))
        state.values[name] = tuple(kept)
    return state, problems


def to_url(state: FilterState) -> dict[str, str]:
    """The link parameters for a state (defaults left out, so links stay short)."""
    params: dict[str, str] = {"lang": state.lang}
    if state.preset != DEFAULT_PRESET:
        params["period"] = state.preset
    if state.preset == "custom" and state.start and state.end:
        params["start"], params["end"] = state.start.isoformat(), state.end.isoformat()
    for name, key in LIST_KEYS.items():
        if state.values.get(name):
            params[key] = ",".join(state.values[name])
    return params
