"""Planning (SPEC §3.12): an annual figure decomposed to months and to people, reconciled to
the fen, and saved as a named plan version through the import path.

Money is split in whole fen and customers in whole customers, by the largest remainder: each
part gets the whole units of its exact share, and the units left over go one each to the parts
with the largest fractions (the earlier part first on a tie), so the parts always add up to the
whole — never a fen more or less. These functions are pure; the Planning page and the tests
call them, and `save` writes what they made.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import hashlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from store import importer

MEASURES = ("sales", "gross_profit", "collections", "new_customers")  # a targets plan's
BUDGET = "expenses"  # an expense budget plan's one measure, in yuan
CATEGORIES = ("travel", "entertainment", "samples", "marketing", "communication", "other")  # as expense_budgets
# by last year's monthly pattern, by the plan in force's (an adjustment), flat, or by hand
MONTH_METHODS = ("pattern", "current", "flat", "hand")
# by last year's share, by each one's part of the plan in force each month, or equal (by hand: the grid)
PEOPLE_METHODS = ("share", "current", "equal")
MONTHS = tuple(range(1, 13))


class PlanError(ValueError):
    """A plan that cannot be made or changed as asked; the message says what and where, and
    `kind` with `facts` let a page say it in the reader's language."""

    def __init__(self, message: str, kind: str = "other", **facts: object):
        super().__init__(message)
        self.kind, self.facts = kind, facts


def unit(measure: str) -> Decimal:
    """The smallest part a measure is split into: a fen, or one customer."""
    return Decimal(1) if measure == "new_customers" else Decimal("0.01")


def to_units(value: object, measure: str) -> int:
    """An amount in whole units of its measure (yuan → fen, half a fen up)."""
    return int((Decimal(str(value)) / unit(measure)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_units(units: int, measure: str) -> Decimal:
    return units * unit(measure)


def split(total: int, weights: Sequence[float | int | Decimal]) -> list[int]:
    """`total` whole units in proportion to `weights` by the largest remainder. A negative
    weight counts as zero; when every weight is zero the parts are equal (still to the unit)."""
    if not weights:
        if total:
            raise PlanError(f"{total} units to split among no one")
        return []
    if total < 0:
        raise PlanError(f"a negative total cannot be split: {total}")
    if all(isinstance(w, int) for w in weights):  # whole units (fen): the same split in integers, faster
        exact = [max(w, 0) for w in weights]
        if sum(exact) == 0:
            exact = [1] * len(weights)
        whole = sum(exact)
        parts, fractions = zip(*(divmod(total * w, whole) for w in exact), strict=True)
        parts = list(parts)
        for i in sorted(range(len(parts)), key=lambda i: (-fractions[i], i))[:total - sum(parts)]:
            parts[i] += 1
        return parts
    exact = [max(Fraction(str(w)), Fraction(0)) for w in weights]
    if sum(exact) == 0:
        exact = [Fraction(1)] * len(weights)
    whole = sum(exact)
    shares = [total * w / whole for w in exact]
    parts = [int(s) for s in shares]  # shares are ≥ 0: int() is the floor
    left = total - sum(parts)
    by_fraction = sorted(range(len(shares)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in by_fraction[:left]:
        parts[i] += 1
    return parts


@dataclass(frozen=True)
class Person:
    """Someone a plan may give a share to, and when they were with the department."""

    salesperson_id: str
    region_id: str | None
    hired_on: dt.date | None = None
    left_on: dt.date | None = None

    def active(self, year: int, month: int) -> bool:
        """With the department for at least a day of the month."""
        first = dt.date(year, month, 1)
        last = first.replace(day=calendar.monthrange(year, month)[1])
        return (self.hired_on is None or self.hired_on <= last) and (self.left_on is None or self.left_on >= first)


@dataclass(frozen=True)
class Note:
    """Something about a person that the plan handled in a way the head should see."""

    kind: str  # joins | leaves | no_history | part_year
    salesperson_id: str
    month: int | None = None  # the first (joins) or last (leaves) month with the department
    months: int | None = None  # months with the department last year (part_year)


def months_of(total: int, method: str, last_year: Mapping[int, float] | None = None,
              by_hand: Sequence[int] | None = None) -> list[int]:
    """The annual figure in units split into 12 months: by a monthly pattern (`last_year`:
    last year's, or the plan in force's for "current"), flat, or as given by hand (which must
    add up to the total)."""
    if method not in MONTH_METHODS:
        raise PlanError(f"unknown way to split the months: {method}")
    if method == "hand":
        if by_hand is None or len(by_hand) != 12:
            raise PlanError("twelve months are needed")
        if any(v < 0 for v in by_hand):
            raise PlanError(f"month {next(i + 1 for i, v in enumerate(by_hand) if v < 0)} is negative")
        if sum(by_hand) != total:
            raise PlanError(f"the months add up to {sum(by_hand)}, not the annual {total}")
        return list(by_hand)
    weights = [(last_year or {}).get(m, 0) for m in MONTHS] if method in ("pattern", "current") else [1] * 12
    return split(total, weights)


def decompose(months: Sequence[int], method: str, people: Sequence[Person], year: int,
              last_year: Mapping[str, float], last_year_months: Mapping[str, int] | None = None,
              in_force: Mapping[tuple[str, int], float] | None = None
              ) -> tuple[dict[tuple[str, int], int], list[Note]]:
    """Each month's units split among the people with the department that month: equally, or
    by last year's share — each person's average month last year (their total over the months
    they were there, so someone who joined mid-year is not planned at half their pace). A
    person with no sales last year has no share (noted, to set by hand); in a month where no
    one has a share the month is split equally. By "current", each month in proportion to
    each one's part of that month in the plan in force (`in_force`: an adjustment keeps its
    shape). Returns {(person, month): units} and notes."""
    if method not in PEOPLE_METHODS:
        raise PlanError(f"unknown way to split among people: {method}")
    cells: dict[tuple[str, int], int] = {}
    pace = {}
    for p in people:
        worked = (last_year_months or {}).get(p.salesperson_id, 12) or 0
        pace[p.salesperson_id] = Fraction(str(last_year.get(p.salesperson_id, 0) or 0)) / worked if worked else 0
    for m, units in zip(MONTHS, months, strict=True):
        here = [p for p in people if p.active(year, m)]
        if not here and units:
            raise PlanError(f"month {m}: no one is with the department to plan for")
        weights = ([pace[p.salesperson_id] for p in here] if method == "share"
                   else [(in_force or {}).get((p.salesperson_id, m), 0) for p in here] if method == "current"
                   else [1] * len(here))
        for p, part in zip(here, split(units, weights), strict=True):
            cells[(p.salesperson_id, m)] = part
        for p in people:
            cells.setdefault((p.salesperson_id, m), 0)
    return cells, notes_on(people, year, last_year, last_year_months or {}, method)


def notes_on(people: Sequence[Person], year: int, last_year: Mapping[str, float],
             last_year_months: Mapping[str, int], method: str) -> list[Note]:
    notes = []
    for p in people:
        active = [m for m in MONTHS if p.active(year, m)]
        if not active:  # not with the department that year: nothing planned, nothing to say
            continue
        if active[0] > 1:
            notes.append(Note("joins", p.salesperson_id, month=active[0]))
        if active[-1] < 12:
            notes.append(Note("leaves", p.salesperson_id, month=active[-1]))
        if method == "share" and not (last_year.get(p.salesperson_id) or 0) > 0:
            notes.append(Note("no_history", p.salesperson_id))
        elif method == "share" and 0 < last_year_months.get(p.salesperson_id, 12) < 12:
            notes.append(Note("part_year", p.salesperson_id, months=last_year_months[p.salesperson_id]))
    return notes


def edit(cells: Mapping[tuple, int], changes: Mapping[tuple, int], kept: set[tuple] = frozenset(),
         open_cells: set[tuple] | None = None, whole: bool = False) -> dict[tuple, int]:
    """The grid after cells (person, month) were set by hand: each month keeps its total, the
    other cells of that month that are open (not set by hand before — `kept` — and for someone
    with the department) taking up the difference in proportion to what they had (equally if
    they had nothing). With `whole`, all the cells are one group (the months of a year, which
    keep the annual figure). Raises PlanError when a month cannot: a negative cell, cells set
    by hand adding up to more than the month, or nothing left to take up the difference."""
    result = dict(cells)
    for (person, m), value in changes.items():
        if value < 0:
            raise PlanError(f"{person}, month {m}: a target cannot be negative", "negative", month=m, who=person)
        if open_cells is not None and (person, m) not in open_cells:
            raise PlanError(f"{person}, month {m}: not with the department that month", "absent", month=m, who=person)
    for m in sorted({0 if whole else m for _, m in changes}):
        column = [key for key in result if whole or key[1] == m]
        total = sum(result[key] for key in column)
        fixed = {key for key in column if key in changes or key in kept}
        wanted = sum(changes.get(key, result[key]) for key in fixed)
        takers = [key for key in column if key not in fixed and (open_cells is None or key in open_cells)]
        rest = total - wanted
        if rest < 0:
            raise PlanError(f"month {m}: the cells set by hand add up to {wanted}, more than the month's {total}",
                            "over", month=m, wanted=wanted, total=total)
        if not takers and rest:
            raise PlanError(f"month {m}: no other cell is left to take up the difference of {rest}",
                            "no_room", month=m, rest=rest)
        for key in fixed:
            result[key] = changes.get(key, result[key])
        for key, part in zip(takers, split(rest, [result[key] for key in takers]), strict=True):
            result[key] = part
    return result


def stretched(cells: Mapping[tuple[str, int], int], pct: float | Decimal) -> dict[tuple[str, int], int]:
    """The stretch target: the plan's total raised by `pct` per cent (to the unit, half up),
    split over the cells in proportion to their plan, so it too adds up exactly and no cell's
    stretch is below its plan."""
    if Decimal(str(pct)) < 0:
        raise PlanError("the stretch is a percentage on top of the plan: it cannot be negative")
    keys = list(cells)
    plan = sum(cells.values())
    total = int((plan * (1 + Decimal(str(pct)) / 100)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return dict(zip(keys, split(total, [cells[k] for k in keys]), strict=True)) if plan else dict(cells)


def stretched_by_person(cells: Mapping[tuple[str, int], int], pct: float | Decimal,
                        by_hand: Mapping[str, float | Decimal] | None = None) -> dict[tuple[str, int], int]:
    """The stretch person by person: each person's year raised by their own percentage where one
    was set by hand, else by `pct`, and split over their months as `stretched` does — so each
    person's stretch adds up exactly too."""
    result: dict[tuple[str, int], int] = {}
    for person in dict.fromkeys(p for p, _ in cells):
        own = {k: v for k, v in cells.items() if k[0] == person}
        result |= stretched(own, (by_hand or {}).get(person, pct))
    return result


def target_rows(year: int, plans: Mapping[str, Mapping[tuple[str, int], int]],
                stretches: Mapping[str, Mapping[tuple[str, int], int]]) -> list[dict[str, object]]:
    """The targets rows of a plan: per measure planned, each person's month with its plan and
    stretch in yuan (or customers)."""
    rows = []
    for measure, cells in plans.items():
        stretch = stretches.get(measure, cells)
        for (person, m), units in sorted(cells.items()):
            rows.append({"salesperson_id": person, "month": dt.date(year, m, 1).isoformat(), "metric": measure,
                         "plan_value": str(from_units(units, measure)),
                         "stretch_value": str(from_units(stretch[(person, m)], measure))})
    return rows


def budget_rows(year: int, cells: Mapping[tuple[str, int], int], mix: Mapping[str, float],
                regions: Mapping[str, str]) -> list[dict[str, object]]:
    """The expense_budgets rows of a budget plan: each person's month split over the categories
    by the mix's weights (to the fen), with the person's region."""
    weights = [mix.get(c, 0) for c in CATEGORIES]
    rows = []
    for (person, m), units in sorted(cells.items()):
        for category, part in zip(CATEGORIES, split(units, weights), strict=True):
            rows.append({"salesperson_id": person, "region_id": regions[person],
                         "month": dt.date(year, m, 1).isoformat(), "category": category,
                         "budget_amount": str(from_units(part, BUDGET))})
    return rows


def earmark(annual: Mapping[str, int], holders: Mapping[str, str],
            budgets: Mapping[tuple[str, int], int]) -> dict[tuple[str, int], int]:
    """Key customers' budgets over the months: each customer's annual figure (fen) split in
    proportion to the monthly expense budget of the salesperson whose budget holds it (months
    without a budget get nothing), by the largest remainder: {(customer, month): fen}. A
    customer given an amount whose salesperson has no budget in the year cannot be placed."""
    cells = {}
    for customer, units in annual.items():
        if units <= 0:
            continue
        weights = [budgets.get((holders[customer], m), 0) for m in MONTHS]
        if not any(weights):
            raise PlanError(f"{customer}: {holders[customer]} has no expense budget in the year to hold it",
                            "no_budget", customer=customer, who=holders[customer])
        cells.update({(customer, m): part for m, part in zip(MONTHS, split(units, weights), strict=True) if part})
    return cells


def over_budgets(cells: Mapping[tuple[str, int], int], holders: Mapping[str, str],
                 budgets: Mapping[tuple[str, int], int]) -> list[tuple[str, int, int, int]]:
    """The months in which a salesperson's key customers come to more than the person's budget
    of the month: (person, month, key customers' fen, budget's fen), in order."""
    held: dict[tuple[str, int], int] = {}
    for (customer, m), units in cells.items():
        held[(holders[customer], m)] = held.get((holders[customer], m), 0) + units
    return [(p, m, units, budgets.get((p, m), 0)) for (p, m), units in sorted(held.items())
            if units > budgets.get((p, m), 0)]


def customer_rows(year: int, cells: Mapping[tuple[str, int], int],
                  holders: Mapping[str, str]) -> list[dict[str, object]]:
    """The customer_budgets rows of a key customers' plan (months with nothing left out)."""
    return [{"customer_id": customer, "month": dt.date(year, m, 1).isoformat(), "salesperson_id": holders[customer],
             "budget_amount": str(from_units(units, BUDGET))} for (customer, m), units in sorted(cells.items())]


def save(con, table: str, rows: Sequence[Mapping[str, object]], name: str, user: str):
    """Write a plan's rows (targets, expense budgets or key customers' budgets) through the
    import path — validated, all or nothing, logged, the store's version moved on — replacing
    its year's, and keep them as a new plan version named `name`. Returns the import's Result
    (its plan_version); raises ImportRejected with every problem."""
    if not rows:
        raise PlanError("the plan has no rows to save")
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    data = text.getvalue().encode("utf-8")
    parsed = importer.read_file(con, table, data, f"plan · {name.strip()}.csv")
    # the name is part of what is saved: the same figures under another name are another version
    parsed.sha256 = hashlib.sha256(name.strip().encode("utf-8") + b"\n" + data).hexdigest()
    return importer.load(con, parsed, mode="replace", user=user, plan=name)


# --- the Excel round trip: the grid out to be edited, and back with every problem named ----------------

GRID_SHEET, ABOUT_SHEET = "plan", "about"


def _at(row: int | None, column: str | None, value: str | None, rule: str) -> importer.Problem:
    """A problem of a plan workbook, where first: the sheet's row and column as Excel shows them."""
    return importer.Problem(rule, row, column, value)


class GridRejected(PlanError):
    """A plan workbook not read; `problems` says every reason, as an import's do."""

    def __init__(self, problems: list[importer.Problem]):
        super().__init__(f"{len(problems)} problems in the plan workbook", "grid")
        self.problems = problems


def grid_xlsx(kind: str, measure: str, year: int, annual: int, cells: Mapping[tuple[str, int], int],
              people: Sequence[tuple[str, str, str]], headers: Sequence[str]) -> bytes:
    """The plan as a workbook to edit in Excel: sheet `plan`, a row per person (id, region, name,
    the twelve months YYYY-MM), and sheet `about`, what it plans and its annual figure. `people`
    is (id, region, name) in order; `headers` the three first columns' titles."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = GRID_SHEET
    sheet.append([*headers, *(f"{year}-{m:02d}" for m in MONTHS)])
    for person, region, name in people:
        sheet.append([person, region, name, *(float(from_units(cells[(person, m)], measure)) for m in MONTHS)])
    sheet.freeze_panes = "D2"
    about = book.create_sheet(ABOUT_SHEET)
    for row in (("kind", kind), ("measure", measure), ("year", year), ("annual", float(from_units(annual, measure)))):
        about.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_grid(data: bytes, kind: str, measure: str, year: int, people: Sequence[str],
              open_cells: set[tuple[str, int]]) -> tuple[int, dict[tuple[str, int], int]]:
    """A plan workbook edited in Excel, read back: (annual figure, cells) in units, once every cell
    is a non-negative amount to the fen (whole customers), every person of the plan is there
    once, no one has a figure in a month they are not with the department, and the cells add
    up exactly to the annual figure; otherwise GridRejected names every problem."""
    from openpyxl.utils import get_column_letter

    book = importer._workbook(data, data_only=True)
    try:
        missing_sheets = [s for s in (GRID_SHEET, ABOUT_SHEET) if s not in book.sheetnames]
        if missing_sheets:
            raise GridRejected([_at(None, None, None, f"no sheet '{s}': not a plan workbook from this page")
                                for s in missing_sheets])
        about = {str(r[0]).strip(): r[1] for r in book[ABOUT_SHEET].iter_rows(values_only=True) if r and r[0]}
        rows = [list(r) for r in book[GRID_SHEET].iter_rows(values_only=True)]
    finally:
        book.close()
    problems: list[importer.Problem] = []
    said = (str(about.get("kind")), str(about.get("measure")), str(about.get("year")))
    if said != (kind, measure, str(year)):
        problems.append(_at(None, ABOUT_SHEET, " ".join(said),
                                    f"the workbook plans {' '.join(said)}, not {kind} {measure} {year}"))
        raise GridRejected(problems)
    wanted = [f"{year}-{m:02d}" for m in MONTHS]
    header = [str(h).strip() if h is not None else "" for h in (rows[0] if rows else [])]
    places = {}
    for month, title in zip(MONTHS, wanted, strict=True):
        if title in header:
            places[month] = header.index(title)
        else:
            problems.append(_at(1, None, None, f"no column {title}"))
    if problems:
        raise GridRejected(problems)
    annual = _amount(about.get("annual"), measure)
    if annual is None:
        problems.append(_at(4, "B", _text(about.get("annual")), "the annual figure is not an amount"))
    cells: dict[tuple[str, int], int] = {}
    seen: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):
        person = _text(row[0] if row else None)
        if not person:
            if any(v not in (None, "") for v in row):
                problems.append(_at(number, "A", None, "no salesperson id"))
            continue
        if person not in people:
            problems.append(_at(number, "A", person, "not a salesperson of this plan"))
            continue
        if person in seen:
            problems.append(_at(number, "A", person, "appears twice"))
            continue
        seen.add(person)
        for month, place in places.items():
            value = row[place] if place < len(row) else None
            units = 0 if value in (None, "") else _amount(value, measure)
            where = (number, f"{get_column_letter(place + 1)} ({wanted[month - 1]})")
            if units is None or units < 0:
                problems.append(_at(*where, _text(value), "not an amount of 0 or more"
                                            + ("" if measure != "new_customers" else " in whole customers")
                                            + ("" if measure == "new_customers" else " to the fen")))
            elif units and (person, month) not in open_cells:
                problems.append(_at(*where, _text(value), "not with the department that month"))
            else:
                cells[(person, month)] = units
    for person in people:
        if person not in seen:
            problems.append(_at(None, "A", person, "missing from the workbook"))
    if not problems and sum(cells.values()) != annual:
        added = sum(cells.values())
        gap = from_units(abs(added - annual), measure)
        problems.append(_at(None, None, None, f"the cells add up to {from_units(added, measure)}, the annual "
                                    f"figure is {from_units(annual, measure)}: {gap} "
                                    f"{'over' if added > annual else 'short'}"))
    if problems:
        raise GridRejected(problems)
    return annual, {(p, m): cells.get((p, m), 0) for p in people for m in MONTHS}


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _amount(value: object, measure: str) -> int | None:
    """A cell as whole units, or None when it is not an amount to the unit (a fen, a customer)."""
    try:
        exact = Decimal(str(value).replace(",", "").strip())
    except ArithmeticError:
        return None
    units = exact / unit(measure)
    if not exact.is_finite() or units != units.to_integral_value():
        return None
    return int(units)
