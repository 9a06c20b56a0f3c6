"""The shared filters (SPEC §2) as one object, and the viewer scope (SPEC §6).

Pages resolve the sidebar into a `Filters` and hand it to `queries.run_filtered`, which
passes each query the filter parameters it declares. The viewer scope is applied here,
in one place, by narrowing the region and salesperson filters: a viewer limited to a
region or to themself can never widen it by choosing another value (the result is empty).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

FILTER_PARAMS = ("start_date", "end_date", "regions", "salespeople", "tiers", "industries",
                 "product_lines")
# Days without a stage change after which an open opportunity is stalled, until the Pipeline
# page is told otherwise (the meeting pack and the monthly report use this)
STALLED_DAYS = 30
# The plan and budget versions a query reads when none is chosen: those in force
IN_FORCE = {"plan_version": None, "budget_version": None}


@dataclass(frozen=True)
class Scope:
    """What a viewer may see: everything, one region, or one salesperson's figures."""

    kind: str = "all"  # all | region | salesperson
    value: str | None = None

    def __post_init__(self):
        if self.kind not in ("all", "region", "salesperson"):
            raise ValueError(f"unknown viewer scope: {self.kind!r}")
        if (self.kind == "all") != (self.value is None):
            raise ValueError("a region or salesperson scope names its region or salesperson")


EVERYTHING = Scope()


def _narrow(chosen: tuple[str, ...], allowed: str) -> list[str]:
    return [allowed] if not chosen else [v for v in chosen if v == allowed]


@dataclass(frozen=True)
class Filters:
    """The period (inclusive) and the optional multi-value filters; empty means all."""

    start_date: dt.date
    end_date: dt.date
    regions: tuple[str, ...] = field(default=())
    salespeople: tuple[str, ...] = field(default=())
    tiers: tuple[str, ...] = field(default=())
    industries: tuple[str, ...] = field(default=())
    product_lines: tuple[str, ...] = field(default=())
    # the saved plan version (store/planning.py) the targets are read from; None: those in force
    plan_version: int | None = None
    budget_version: int | None = None  # the same for the expense budgets

    def __post_init__(self):
        if self.start_date > self.end_date:
            raise ValueError(f"the period starts ({self.start_date}) after it ends ({self.end_date})")

    def year_earlier(self) -> Filters:
        """The same filters over the same dates a year earlier (29 February → 28)."""
        def back(day: dt.date) -> dt.date:
            try:
                return day.replace(year=day.year - 1)
            except ValueError:
                return day.replace(year=day.year - 1, day=28)
        return replace(self, start_date=back(self.start_date), end_date=back(self.end_date))

    @property
    def carries_target(self) -> bool:
        """Targets exist per salesperson and month only: tier, industry and product-line
        filters carry none (SPEC §4; the queries' carries_target() in store/macros.sql)."""
        return not (self.tiers or self.industries or self.product_lines)

    def versions(self) -> dict[str, int | None]:
        """The plan and budget versions read, for the queries that declare them (None: in force)."""
        return {"plan_version": self.plan_version, "budget_version": self.budget_version}

    def params(self, scope: Scope = EVERYTHING) -> dict[str, object]:
        """Bound parameters for the queries: the period, and lists (None: no filter)."""
        return {"start_date": self.start_date, "end_date": self.end_date,
                **list_params(scope, self.regions, self.salespeople, self.tiers, self.industries,
                              self.product_lines)}


def list_params(scope: Scope = EVERYTHING, regions: tuple[str, ...] = (), salespeople: tuple[str, ...] = (),
                tiers: tuple[str, ...] = (), industries: tuple[str, ...] = (),
                product_lines: tuple[str, ...] = ()) -> dict[str, object]:
    """The multi-value filters as bound lists (None: no filter), narrowed to the scope."""
    region_list, salesperson_list = list(regions) or None, list(salespeople) or None
    if scope.kind == "region":
        region_list = _narrow(regions, scope.value)
    elif scope.kind == "salesperson":
        salesperson_list = _narrow(salespeople, scope.value)
    return {"regions": region_list, "salespeople": salesperson_list, "tiers": list(tiers) or None,
            "industries": list(industries) or None, "product_lines": list(product_lines) or None}
