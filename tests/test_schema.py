"""The schema encodes the domain: bad rows are refused by the store itself."""

from __future__ import annotations

import re

import duckdb
import pytest

from store import db


def test_every_table_of_the_spec_exists_with_a_comment_saying_what_a_row_is(empty_store):
    tables = {r[0] for r in empty_store.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
    assert tables == set(db.TABLES) | set(db.DERIVED_TABLES) | set(db.ACCOUNT_TABLES)
    schema = "".join(path.read_text(encoding="utf-8")
                     for path in (db.SCHEMA_PATH, db.DERIVED_TABLES_PATH, db.ACCOUNTS_PATH))
    for table in db.TABLES + db.DERIVED_TABLES + db.ACCOUNT_TABLES:
        match = re.search(r"-- One row: [^\n]+\n(?:--[^\n]*\n)*CREATE TABLE (?:IF NOT EXISTS )?" + table + r" \(",
                          schema)
        assert match, f"{table} lacks a '-- One row: …' comment"


VALID = {
    "sales": "INSERT INTO sales VALUES (1, 1, DATE '2026-01-05', 'C1', 'P1', {q}, {a}, {c}, 'S1', 'R1')",
    "surveys": "INSERT INTO surveys VALUES ('SV1', 'C1', 'S1', 'R1', DATE '2026-01-05', {s}, 4, 4, 4, 4, NULL)",
    "invoices": "INSERT INTO invoices VALUES ('I1', 'C1', NULL, DATE '2026-01-05', {due}, 100, 'S1', 'R1',"
                " 0, NULL)",
    "rules": "INSERT INTO commission_rules VALUES ('CR1', 'base_rate', '耗材', 0.02, DATE '2026-01-01', {to})",
    "targets": "INSERT INTO targets VALUES ('S1', {m}, 'sales', 1000, {st})",
}


@pytest.mark.parametrize("sql", [
    VALID["sales"].format(q=2, a=100, c=60),
    VALID["sales"].format(q=-1, a=-50, c=-30),  # a return line
    VALID["surveys"].format(s=5),
    VALID["invoices"].format(due="DATE '2026-01-05'"),  # due on the day of issue
    VALID["rules"].format(to="NULL"),
    VALID["targets"].format(m="DATE '2026-03-01'", st=1000),
])
def test_valid_rows_are_accepted(empty_store, sql):
    empty_store.execute(sql)


@pytest.mark.parametrize("sql", [
    VALID["sales"].format(q=2, a=-100, c=60),  # a sale with a negative amount
    VALID["sales"].format(q=-1, a=50, c=-30),  # a return with a positive amount
    VALID["sales"].format(q=0, a=0, c=0),  # a line of nothing
    VALID["surveys"].format(s=6),
    VALID["surveys"].format(s=0),
    VALID["invoices"].format(due="DATE '2026-01-04'"),  # due before issue
    VALID["rules"].format(to="DATE '2026-01-01'"),  # empty effective range
    VALID["targets"].format(m="DATE '2026-03-02'", st=1000),  # not the first of a month
    VALID["targets"].format(m="DATE '2026-03-01'", st=900),  # stretch below plan
    "INSERT INTO salespeople VALUES ('S1', '张三', 'boss', NULL, NULL, DATE '2020-01-01', NULL)",
    "INSERT INTO customers VALUES ('C1', 'x', 'D', NULL, NULL, NULL, NULL, NULL, 0, DATE '2020-01-01',"
    " NULL, NULL, NULL)",
    "INSERT INTO competitor_notes VALUES ('N1', DATE '2026-01-01', 'S1', NULL, 'R1', 'X', 'price',"
    " NULL, 10, 10, 'won', 'a price note cannot carry a bid outcome')",
    "INSERT INTO complaints VALUES ('CP1', 'C1', 'S1', 'R1', 'quality', TIMESTAMP '2026-01-02 10:00',"
    " TIMESTAMP '2026-01-01 10:00', NULL, NULL, NULL, NULL)",  # forwarded before received
])
def test_rows_that_break_the_domain_are_refused(empty_store, sql):
    with pytest.raises(duckdb.ConstraintException):
        empty_store.execute(sql)


def test_duplicate_keys_are_refused(empty_store):
    empty_store.execute(VALID["targets"].format(m="DATE '2026-03-01'", st=1000))
    with pytest.raises(duckdb.ConstraintException):
        empty_store.execute(VALID["targets"].format(m="DATE '2026-03-01'", st=1200))
