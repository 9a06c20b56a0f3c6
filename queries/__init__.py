"""Named SQL queries: one `.sql` file per question, run with bound parameters.

Each file opens with a header of comment lines:

    -- name: sales_by_month                 (must equal the file name)
    -- Sales per calendar month, returns     (free text: the business definition)
    -- included. SPEC §4.1.
    -- params: start_date, end_date          (every $name the SQL uses; optional)
    -- choice: group_by = region | salesperson   (allowed values of a parameter; optional)
    -- columns: month, sales_cny             (the result's columns, in order)

A query that declares the reserved parameter `today` gets the store's as-of date bound
by the runner (a constant, so DuckDB can plan with it); callers never pass it. One that
declares `through` gets the last day that has happened of what it was asked about: its
`end_date` (or `as_of_date`) or the store's today, whichever is earlier — bound once here,
not written in every query.

`run(name, params)` is the only way pages reach the store: values are bound by DuckDB
(never pasted into SQL text), a parameter declared as a choice only accepts its listed
values (the SQL branches on them with CASE, so no identifier is ever interpolated), and
the result must have exactly the declared columns.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from queries.filters import EVERYTHING, FILTER_PARAMS, IN_FORCE, Filters, Scope, list_params
from store.db import QueryTimeout, StoreError, close_shared, reading, shared_connection

QUERY_DIR = Path(__file__).resolve().parent
TODAY = "today"  # reserved: the runner binds the store's as-of date (SPEC §4 "today")
THROUGH = "through"  # reserved: the runner binds least(end_date or as_of_date, today)
THROUGH_FROM = ("end_date", "as_of_date")
RESERVED = (TODAY, THROUGH)
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_PARAM_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class StoreChanged(StoreError):
    """The store moved to a new version (an import) since the caller read its version."""


class QueryError(ValueError):
    """A query was asked for wrongly (unknown name, bad parameters) or broke its header."""


@dataclass(frozen=True)
class Query:
    name: str
    description: str
    params: tuple[str, ...]
    choices: Mapping[str, tuple[str, ...]]
    columns: tuple[str, ...]
    sql: str
    bound: frozenset[str] = frozenset()  # the parameters the SQL text itself reads


def _split_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def parse(name: str, text: str) -> Query:
    """Read a query file's header; raise QueryError when it is incomplete or untrue."""
    description, params, choices, columns = [], (), {}, None
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        body = line[2:].strip()
        key, _, value = body.partition(":")
        key = key.strip()
        if key == "name":
            if value.strip() != name:
                raise QueryError(f"queries/{name}.sql: header names '{value.strip()}'")
        elif key == "params":
            params = _split_list(value)
        elif key == "choice":
            param, _, allowed = value.partition("=")
            choices[param.strip()] = tuple(v.strip() for v in allowed.split("|") if v.strip())
        elif key == "columns":
            columns = _split_list(value)
        else:
            description.append(body)
    if columns is None:
        raise QueryError(f"queries/{name}.sql: the header has no '-- columns:' line")
    used = set(_PARAM_USE.findall(_strip_comments(text)))
    bound = frozenset(used)
    if THROUGH in params:
        sources = [p for p in THROUGH_FROM if p in params]
        if len(sources) != 1:
            raise QueryError(f"queries/{name}.sql: '{THROUGH}' needs exactly one of {list(THROUGH_FROM)} declared")
        used |= set(sources)  # read through $through
    if used != set(params):
        raise QueryError(
            f"queries/{name}.sql: declares params {sorted(params)} but uses {sorted(used)}"
        )
    unknown = set(choices) - set(params)
    if unknown:
        raise QueryError(f"queries/{name}.sql: choice for undeclared params {sorted(unknown)}")
    return Query(name, " ".join(description).strip(), params, choices, columns, text, bound)


@functools.cache
def load(name: str) -> Query:
    """The query called `name` (a file queries/<name>.sql)."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise QueryError(f"not a query name: {name!r}")
    path = QUERY_DIR / f"{name}.sql"
    if not path.is_file():
        raise QueryError(f"unknown query '{name}' (no file queries/{name}.sql)")
    return parse(name, path.read_text(encoding="utf-8"))


def names() -> list[str]:
    """Every query the project has."""
    return sorted(p.stem for p in QUERY_DIR.glob("*.sql"))


def run(
    name: str,
    params: Mapping[str, object] | None = None,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    version: int | None = None,
    _again: bool = False,
) -> pd.DataFrame:
    """Run a named query with bound parameters on a fresh cursor; return a DataFrame. The query
    runs wholly before or after any import's commit (db.reading); with `version`, only on the
    store of that version (StoreChanged otherwise), so a result is never kept under another."""
    query = load(name)
    given = dict(params or {})
    for reserved in RESERVED:
        if reserved in given:
            raise QueryError(f"query '{name}': '{reserved}' is bound from the store's as-of date, not passed")
    missing = [p for p in query.params if p not in given and p not in RESERVED]
    extra = sorted(set(given) - set(query.params))
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {missing}")
        if extra:
            parts.append(f"unexpected {extra}")
        raise QueryError(f"query '{name}': parameters " + ", ".join(parts))
    for param, allowed in query.choices.items():
        if given[param] not in allowed:
            raise QueryError(
                f"query '{name}': {param} must be one of {list(allowed)}, not {given[param]!r}"
            )
    cursor = (con or shared_connection()).cursor()
    try:
        with reading():
            if version is not None and cursor.execute("SELECT store_version FROM store_meta").fetchone()[0] != version:
                raise StoreChanged(f"query '{name}': the store is no longer at version {version}")
            if TODAY in query.params or THROUGH in query.params:
                today = cursor.execute("SELECT as_of_date FROM store_meta WHERE id = 1").fetchone()[0]
                if TODAY in query.params:
                    given[TODAY] = today
                if THROUGH in query.params:
                    asked = next(given[p] for p in THROUGH_FROM if p in query.params)
                    given[THROUGH] = cursor.execute("SELECT least($asked::DATE, $today::DATE)",
                                                    {"asked": asked, "today": today}).fetchone()[0]
            frame = cursor.execute(query.sql, {k: v for k, v in given.items() if k in query.bound}).df()
    except duckdb.InterruptException as stopped:
        raise QueryTimeout(f"query '{name}' ran past its time limit and was stopped") from stopped
    except duckdb.FatalException:
        if con is not None or _again:
            raise
        # the store's instance is unusable after a fatal error (a disk that filled during a write):
        # opened anew (for reading only while the disk is full), the query is asked again
        close_shared()
        return run(name, params, version=version, _again=True)
    finally:
        cursor.close()
    if tuple(frame.columns) != query.columns:
        raise QueryError(
            f"query '{name}' returned columns {list(frame.columns)}, "
            f"its header declares {list(query.columns)}"
        )
    return frame


def bind(name: str, filters: Filters | None, scope: Scope | None = None, **extra: object) -> dict[str, object]:
    """The parameters for a query: the shared filters it declares (narrowed to the viewer's
    scope; without filters nothing is filtered but the scope still applies), the plan and budget
    versions it reads (the filters'; without, those in force) plus its own extra parameters (a
    level, a grain, an as-of date …)."""
    query = load(name)
    scope = scope or EVERYTHING
    given = {**(filters.params(scope) if filters is not None else list_params(scope)),
             **(filters.versions() if filters is not None else IN_FORCE)}
    return {**{k: v for k, v in given.items() if k in query.params}, **extra}


def run_filtered(
    name: str,
    filters: Filters | None,
    *,
    scope: Scope | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    **extra: object,
) -> pd.DataFrame:
    """Run a query with the shared filters (see `bind`)."""
    return run(name, bind(name, filters, scope, **extra), con=con)


def ignored_filters(name: str) -> list[str]:
    """The shared filters a query cannot apply (a page says so beside its figures)."""
    return [p for p in FILTER_PARAMS if p not in load(name).params]
