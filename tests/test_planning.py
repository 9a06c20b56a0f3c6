"""Planning (SPEC §3.12): decomposing an annual figure to months and people, to the fen, worked
out by hand below each case."""

from __future__ import annotations

import datetime as dt

import pytest

from store import planning
from store.planning import Note, Person, PlanError, decompose, edit, months_of, split, stretched


def test_the_largest_remainder_adds_up_to_the_whole():
    # ¥100.00 = 10,000 fen in three equal parts: 3,333.33… each, 3,333 whole each and 1 fen left,
    # which goes to the first of the equal fractions
    assert split(10_000, [1, 1, 1]) == [3_334, 3_333, 3_333]
    # 7 units by 1 : 2 : 4 → 1, 2, 4 exactly; by 3 : 3 : 1 → 3, 3, 1
    assert split(7, [1, 2, 4]) == [1, 2, 4]
    assert split(7, [3, 3, 1]) == [3, 3, 1]
    # 10 by 0.5 : 0.3 : 0.2 → 5, 3, 2; 11 by the same → 5.5, 3.3, 2.2: floors 5, 3, 2 and the
    # one left to the largest fraction, 0.5
    assert split(11, [0.5, 0.3, 0.2]) == [6, 3, 2]
    # no weight at all (a new team): equal parts; a negative weight (returns) counts as none
    assert split(5, [0, 0]) == [3, 2]
    assert split(9, [-4, 3]) == [0, 9]
    # whole-unit weights (fen) are split in integers, others exactly as fractions: the same parts.
    # 100,001 by 1.5 : 1 : 1 → 42,857.57…, 28,571.71…, 28,571.71…: floors 99,999 and the 2 left
    # to the two largest fractions (.71… each)
    assert split(100_001, [150_000, 100_000, 100_000]) == split(100_001, [1.5, 1.0, 1.0]) == [42_857, 28_572, 28_572]
    with pytest.raises(PlanError, match="no one"):
        split(1, [])


def test_money_is_counted_in_fen_and_customers_whole():
    assert planning.to_units("1234567.895", "sales") == 123_456_790  # half a fen up
    assert planning.from_units(123_456_790, "sales") == planning.Decimal("1234567.90")
    assert planning.to_units(12, "new_customers") == 12


def test_the_months_by_last_years_pattern_flat_or_by_hand():
    # last year: 100 in each of Jan–Nov and 900 in December (2,000 in all) → December is 45 %
    # of 1,000,000 fen = 450,000; each other month 5 % = 50,000
    last = {m: 100 for m in range(1, 12)} | {12: 900}
    assert months_of(1_000_000, "pattern", last) == [50_000] * 11 + [450_000]
    # flat: 1,000,001 fen / 12 = 83,333.41…: 83,333 each and 5 fen left → the first five months,
    # all fractions equal
    assert months_of(1_000_001, "flat") == [83_334] * 5 + [83_333] * 7
    assert sum(months_of(1_000_001, "flat")) == 1_000_001
    assert months_of(12, "hand", by_hand=[1] * 12) == [1] * 12
    with pytest.raises(PlanError, match="add up to 11, not the annual 12"):
        months_of(12, "hand", by_hand=[1] * 11 + [0])


PEOPLE = [Person("A", "R1", dt.date(2020, 1, 1)), Person("B", "R1", dt.date(2021, 3, 1)),
          Person("C", "R2", dt.date(2022, 6, 1))]


def test_a_region_whose_share_last_year_was_zero_gets_nothing_by_share():
    # last year A sold 600, B 400 (region R1: 1,000) and C in R2 nothing: R2's share is 0 %.
    # Each month of 1,000 units: A 600, B 400, C 0 — and C is noted as having no history
    cells, notes = decompose([1_000] * 12, "share", PEOPLE, 2027, {"A": 600, "B": 400, "C": 0})
    assert {(p, 3): cells[(p, 3)] for p in "ABC"} == {("A", 3): 600, ("B", 3): 400, ("C", 3): 0}
    assert sum(v for (p, _), v in cells.items() if p == "C") == 0
    assert sum(cells.values()) == 12_000
    assert notes == [Note("no_history", "C")]
    # split equally instead: 1,000 / 3 = 333.33… → 334, 333, 333 in every month
    cells, _ = decompose([1_000] * 12, "equal", PEOPLE, 2027, {})
    assert [cells[(p, 5)] for p in "ABC"] == [334, 333, 333]


def test_someone_joining_in_july_is_planned_from_july_and_someone_leaving_until_they_go():
    people = [Person("A", "R1", dt.date(2020, 1, 1)), Person("N", "R1", dt.date(2027, 7, 15)),
              Person("L", "R2", dt.date(2019, 1, 1), left_on=dt.date(2027, 3, 10))]
    # 120,000 fen a year flat → 10,000 a month. Equal among those there that month:
    # Jan–Mar A and L (5,000 each; L is there on 1–10 March), Apr–Jun A alone (10,000),
    # Jul–Dec A and N (5,000 each; N is there from 15 July)
    cells, notes = decompose(months_of(120_000, "flat"), "equal", people, 2027, {})
    assert [cells[("A", m)] for m in (1, 3, 4, 6, 7, 12)] == [5_000, 5_000, 10_000, 10_000, 5_000, 5_000]
    assert [cells[("N", m)] for m in (6, 7)] == [0, 5_000]
    assert [cells[("L", m)] for m in (3, 4)] == [5_000, 0]
    # A: 3 × 5,000 + 3 × 10,000 + 6 × 5,000 = 75,000; N: 6 × 5,000 = 30,000; L: 3 × 5,000 = 15,000
    assert [sum(v for (p, _), v in cells.items() if p == who) for who in "ANL"] == [75_000, 30_000, 15_000]
    assert notes == [Note("joins", "N", month=7), Note("leaves", "L", month=3)]


def test_a_share_is_last_years_pace_over_the_months_someone_was_there():
    # last year A sold 1,200 over 12 months (100 a month), B 600 over the 6 months since joining
    # in July (also 100 a month): by share they are planned alike, 500 : 500 of each 1,000
    people = [Person("A", "R1"), Person("B", "R1", dt.date(2026, 7, 1))]
    cells, notes = decompose([1_000] * 12, "share", people, 2027, {"A": 1_200, "B": 600}, {"A": 12, "B": 6})
    assert cells[("A", 1)] == cells[("B", 1)] == 500
    assert notes == [Note("part_year", "B", months=6)]


def test_hand_edits_keep_every_month_and_the_year_to_the_fen():
    cells, _ = decompose([10_000] * 12, "equal", PEOPLE, 2027, {})  # 3,334 / 3,333 / 3,333 a month
    # A's January set to 5,000.00 yuan-fen units: B and C share the other 5,000 as they had
    # 3,333 : 3,333 → 2,500 each
    once = edit(cells, {("A", 1): 5_000})
    assert [once[(p, 1)] for p in "ABC"] == [5_000, 2_500, 2_500]
    # then B's January set to 1,001 with A's kept: C takes the 3,999 left
    twice = edit(once, {("B", 1): 1_001}, kept={("A", 1)})
    assert [twice[(p, 1)] for p in "ABC"] == [5_000, 1_001, 3_999]
    assert sum(v for (_, m), v in twice.items() if m == 1) == 10_000
    assert sum(twice.values()) == sum(cells.values()) == 120_000
    # February untouched
    assert [twice[(p, 2)] for p in "ABC"] == [3_334, 3_333, 3_333]
    # C's set to 5,001 too: 5,000 + 1,001 + 5,001 = 11,002 is more than the month's 10,000
    with pytest.raises(PlanError, match="month 1: the cells set by hand add up to 11002, more than the month's 10000"):
        edit(twice, {("C", 1): 5_001}, kept={("A", 1), ("B", 1)})
    with pytest.raises(PlanError, match="cannot be negative"):
        edit(twice, {("C", 1): -1})


def test_the_stretch_is_on_top_of_the_plan_and_adds_up_too():
    # plan 3,334 + 3,333 + 3,333 = 10,000; 7.5 % on top → 10,750, split 3,334 : 3,333 : 3,333:
    # 3,584.0… , 3,582.9…, 3,582.9… → floors 3,584, 3,582, 3,582 (10,748) and the two left to
    # the larger fractions (the two 0.97…)
    cells = {("A", 1): 3_334, ("B", 1): 3_333, ("C", 1): 3_333}
    stretch = stretched(cells, 7.5)
    assert stretch == {("A", 1): 3_584, ("B", 1): 3_583, ("C", 1): 3_583}
    assert sum(stretch.values()) == 10_750
    assert all(stretch[k] >= cells[k] for k in cells)


# --- saved as plan versions, through the import path ------------------------------------------

@pytest.fixture
def store(fixture_path, tmp_path):
    """A writable copy of the fixture store (15 March 2026): S1 has a sales target of ¥10,000
    in every month of 2026 and, year to date, ¥9,000 of sales (tests/test_kpis.py)."""
    import shutil

    from store import db

    path = tmp_path / "store.duckdb"
    shutil.copy(fixture_path, path)
    con = db.connect(path)
    yield con
    con.close()


def s1_sales(con, version=None):
    import queries
    from queries.filters import Filters

    ytd = Filters(dt.date(2026, 1, 1), dt.date(2026, 3, 15), salespeople=("S1",), plan_version=version)
    rows = queries.run_filtered("attainment", ytd, con=con, level="salesperson", grain="period")
    row = rows[rows.metric == "sales"].iloc[0]
    return float(row.plan_target), round(float(row.plan_attainment_pct), 2)


def year_of_targets(con, who: str, measure: str, value: int) -> list[dict]:
    """The fixture's 2026 targets with one person's measure set to `value` a month (stretch +20 %)."""
    rows = con.execute("SELECT salesperson_id, strftime(month, '%Y-%m-%d'), metric, plan_value, stretch_value "
                       "FROM targets WHERE year(month) = 2026 ORDER BY ALL").fetchall()
    return [{"salesperson_id": p, "month": m, "metric": k,
             "plan_value": str(value if (p, k) == (who, measure) else v),
             "stretch_value": str(value * 1.2 if (p, k) == (who, measure) else s)} for p, m, k, v, s in rows]


def test_a_saved_plan_is_in_force_kept_as_a_version_and_read_back_equal(store):
    from store import planning

    before = store.execute("SELECT store_version FROM store_meta").fetchone()[0]
    first = planning.save(store, "targets", year_of_targets(store, "S1", "sales", 10_000), "2026 年初计划", "boss")
    second = planning.save(store, "targets", year_of_targets(store, "S1", "sales", 20_000), "年中调整", "boss")
    assert (first.plan_version, second.plan_version) == (1, 2)
    assert second.store_version == before + 2
    # the version read back equals what was saved, and the targets in force are the latest
    kept = store.execute("SELECT salesperson_id, month, metric, plan_value, stretch_value FROM plan_targets "
                         "WHERE version_id = 2 ORDER BY ALL").fetchall()
    assert kept == store.execute("SELECT * FROM targets WHERE year(month) = 2026 ORDER BY ALL").fetchall()
    assert store.execute("SELECT DISTINCT plan_value FROM plan_targets WHERE version_id = 1 AND salesperson_id = 'S1' "
                         "AND metric = 'sales'").fetchall() == [(10_000,)]
    assert store.execute("SELECT name, plan_year, saved_by FROM plan_versions ORDER BY version_id").fetchall() == [
        ("2026 年初计划", 2026, "boss"), ("年中调整", 2026, "boss")]
    assert store.execute("SELECT count(*) FROM import_log WHERE message = 'plan 2026 · 年中调整'").fetchone()[0] == 1
    # attainment of S1's sales, 1 January – 15 March, against each: the first version's target
    # 10,000 + 10,000 + 10,000 × 15/31 = 24,838.71, so 9,000 ÷ 24,838.71 = 36.23 %; the second's
    # 20,000 + 20,000 + 20,000 × 15/31 = 49,677.42 and 18.12 %; in force (None) = the latest
    assert s1_sales(store, 1) == (24_838.71, 36.23)
    assert s1_sales(store, 2) == (49_677.42, 18.12)
    assert s1_sales(store) == (49_677.42, 18.12)


def test_a_plan_that_cannot_be_saved_changes_nothing(store):
    from store import planning
    from store.importer import ImportRejected

    planning.save(store, "targets", year_of_targets(store, "S1", "sales", 10_000), "2026 年初计划", "boss")
    snapshot = store.execute("SELECT * FROM targets ORDER BY ALL").fetchall()
    with pytest.raises(ImportRejected) as taken:
        planning.save(store, "targets", year_of_targets(store, "S1", "sales", 30_000), "2026 年初计划", "boss")
    assert "already saved" in taken.value.problems[0].rule
    spanning = year_of_targets(store, "S1", "sales", 30_000) + [
        {"salesperson_id": "S1", "month": "2027-01-01", "metric": "sales", "plan_value": "1", "stretch_value": "1"}]
    with pytest.raises(ImportRejected) as two_years:
        planning.save(store, "targets", spanning, "跨年", "boss")
    assert two_years.value.problems[0].rule == "a plan is of one year; its months are of 2026, 2027"
    negative = year_of_targets(store, "S1", "sales", -5)
    with pytest.raises(ImportRejected) as refused:
        planning.save(store, "targets", negative, "负数", "boss")
    assert {p.column for p in refused.value.problems} >= {"plan_value"}
    assert store.execute("SELECT * FROM targets ORDER BY ALL").fetchall() == snapshot
    assert store.execute("SELECT count(*) FROM plan_versions").fetchone()[0] == 1


def test_a_month_set_by_hand_is_taken_from_the_other_months_and_the_year_stays():
    # 12,000 flat: 1,000 a month; December set to 2,100 → the other 11 months share 9,900 as
    # they had (1,000 each): 900 each, and the year is still 12,000
    months = {("year", m): 1_000 for m in range(1, 13)}
    after = edit(months, {("year", 12): 2_100}, whole=True)
    assert [after[("year", m)] for m in (1, 11, 12)] == [900, 900, 2_100]
    assert sum(after.values()) == 12_000


# --- the Planning page ---------------------------------------------------------------------------

@pytest.fixture
def planned(fixture_path, tmp_path, monkeypatch):
    import shutil

    path = tmp_path / "store.duckdb"
    shutil.copy(fixture_path, path)
    monkeypatch.setenv("COCKPIT_DB", str(path))
    return path


def planning_page(lang: str = "en", name: str = "head", **made):
    from tests.screen import opened
    from ui.urlstate import FilterState

    app = opened("pages/planning.py", name, **made)
    app.session_state["filter_state"] = FilterState(lang=lang)
    return app.run()


def test_the_planning_page_splits_the_year_and_saves_it_as_the_plan_in_force(planned):
    from store import db

    app = planning_page()
    assert not app.exception
    # the fixture's 2025 sales (the last whole year before 15 March 2026): S1 4,000 and S3 5,100;
    # its 2026 sales targets in force: S1 12 × 10,000 + S2 12 × 6,000 + S3 55,000 (11 × 5,000) = 247,000
    assert app.caption[0].value == ("Last year's pattern and shares are 2025's, the last whole year in the store: "
                                    "¥9,100 in all. In force for 2026: ¥247,000.")
    app.number_input(key="plan_annual_2026_sales").set_value(18_200.0)
    app.radio(key="plan_people_2026_sales").set_value("equal")
    app.run()
    # by 2025's pattern (January 4,000 of 9,100) January is 18,200 × 4,000 / 9,100 = 8,000 and June
    # (100) 200; equal among the five salespeople: 1,600 and 40 each; a year of 18,200 / 5 = 3,640
    people = next(d.value for d in app.dataframe if "Months with us last year" in d.value.columns).set_index(
        "Salesperson")
    assert people.loc["张三", "Plan"] == 3_640
    assert people.loc["张三", "Last year"] == 4_000
    assert round(people.loc["张三", "Growth %"], 1) == -9.0  # 3,640 / 4,000 − 1
    months = next(d.value for d in app.dataframe if "Month" in d.value.columns).set_index("Month")
    assert (months.loc["2026-01", "Plan"], months.loc["2026-06", "Plan"], months.loc["Year", "Plan"]) == (
        8_000, 200, 18_200)
    app.text_input(key="plan_name_2026_targets").set_value("2026 年中调整")
    app.button(key="plan_save").click()
    app.run()
    assert not app.exception and not app.error
    # 5 people × 12 months of sales; the stretch 10 % on top: January's 1,600 → 1,760
    assert app.success[0].value == "Saved '2026 年中调整' as version 1: 60 targets, now in force."
    con = db.connect(planned)
    try:
        assert con.execute("SELECT plan_value, stretch_value FROM targets WHERE salesperson_id = 'S1' "
                           "AND month = DATE '2026-01-01' AND metric = 'sales'").fetchone() == (1_600, 1_760)
        assert con.execute("SELECT plan_value FROM targets WHERE salesperson_id = 'S1' AND month = DATE '2026-01-01' "
                           "AND metric = 'gross_profit'").fetchone() == (3_000,)  # not planned: as it was
        assert con.execute("SELECT sum(plan_value) FROM targets WHERE year(month) = 2026 AND metric = 'sales'"
                           ).fetchone() == (18_200,)
    finally:
        con.close()
    versions = next(d.value for d in app.dataframe if "Saved by" in d.value.columns)
    # the year as written (2026, text), not a number a table would show as 2,026
    assert versions[["Version", "Name", "Year planned"]].values.tolist() == [[1, "2026 年中调整", "2026"]]


def test_the_planning_page_speaks_chinese_and_is_only_for_the_head_and_the_assistant(planned):
    app = planning_page("zh")
    assert not app.exception
    assert app.title[0].value == "计划分解"
    assert "上年的月度分布和个人占比取 2025 年" in app.caption[0].value
    assert [r.label for r in app.main.radio] == ["计划类型", "分解到月", "分解到人"]
    app = planning_page("en", "zhang", role="salesperson", salesperson="S1")
    assert [i.value for i in app.info] == ["Planning is for the head and the assistant."]
    assert not app.dataframe and not app.number_input


def test_the_targets_page_reads_attainment_against_any_version_and_their_difference(planned):
    from store import db, planning
    from tests.screen import opened
    from ui.urlstate import FilterState

    con = db.connect(planned)
    try:
        planning.save(con, "targets", year_of_targets(con, "S1", "sales", 10_000), "2026 年初计划", "boss")
        planning.save(con, "targets", year_of_targets(con, "S1", "sales", 20_000), "年中调整", "boss")
    finally:
        con.close()
    app = opened("pages/targets.py")
    state = FilterState(lang="en", preset="ytd")
    state.values["salespeople"] = ("S1",)
    app.session_state["filter_state"] = state
    app.run()
    assert app.selectbox(key="targets_plan").options == ["In force", "年中调整 (2026)", "2026 年初计划 (2026)"]

    def january_plan():
        attainment = next(d.value for d in app.dataframe if "Attainment (%)" in d.value.columns)
        return attainment.loc[attainment.Period == "2026-01", "Plan"].tolist()

    assert january_plan() == [20_000]  # in force: the latest version's
    app.selectbox(key="targets_plan").set_value(1).run()
    assert january_plan() == [10_000]
    app.selectbox(key="targets_compare").set_value(2).run()
    assert not app.exception
    # 1 January – 15 March: version 1's 10,000 + 10,000 + 10,000 × 15/31 = 24,838.71 against
    # version 2's 20,000 + 20,000 + 20,000 × 15/31 = 49,677.42: −24,838.71 (region R1, North)
    difference = next(d.value for d in app.dataframe if "Difference" in d.value.columns)
    assert difference.values.tolist() == [["North", 24_838.71, 49_677.42, -24_838.71]]


def test_the_grid_goes_to_excel_and_comes_back_reconciled_or_refused_with_where(tmp_path):
    import io

    import openpyxl

    from store.planning import GridRejected, grid_xlsx, read_grid

    people = [Person("A", "R1"), Person("N", "R1", dt.date(2027, 7, 1))]
    cells, _ = decompose(months_of(1_200_000, "flat"), "equal", people, 2027, {})  # ¥12,000: ¥1,000 a month
    open_cells = {(p.salesperson_id, m) for p in people for m in range(1, 13) if p.active(2027, m)}
    data = grid_xlsx("targets", "sales", 2027, 1_200_000, cells, [("A", "北区", "甲"), ("N", "北区", "乙")],
                     ["id", "区域", "业务员"])
    path = tmp_path / "plan.xlsx"
    path.write_bytes(data)  # a real file, edited below as a person would in Excel

    def edited(*changes: tuple[str, object]) -> bytes:
        book = openpyxl.load_workbook(path)
        for cell, value in changes:
            sheet, _, where = cell.rpartition("!")
            book[sheet or "plan"][where] = value
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    # unchanged, it reads back equal: A ¥1,000 a month to June, then ¥500 with N (from July)
    assert read_grid(data, "targets", "sales", 2027, ["A", "N"], open_cells) == (1_200_000, cells)
    # A's January (D2) to 1,200.50 and February (E2) to 799.50: the year still adds up to 12,000
    annual, back = read_grid(edited(("D2", 1_200.5), ("E2", 799.5)), "targets", "sales", 2027, ["A", "N"],
                             open_cells)
    assert (annual, back[("A", 1)], back[("A", 2)], sum(back.values())) == (1_200_000, 120_050, 79_950, 1_200_000)
    # only January raised by 0.01: 12,000.01 against the annual 12,000: a fen over
    with pytest.raises(GridRejected) as off:
        read_grid(edited(("D2", 1_000.01)), "targets", "sales", 2027, ["A", "N"], open_cells)
    assert [p.rule for p in off.value.problems] == [
        "the cells add up to 12000.01, the annual figure is 12000.00: 0.01 over"]
    # …unless the annual figure on the about sheet says so too
    assert read_grid(edited(("D2", 1_000.01), ("about!B4", 12_000.01)), "targets", "sales", 2027, ["A", "N"],
                     open_cells)[0] == 1_200_001
    # a third decimal, text, N in June (before joining), and a row of someone not in the plan
    with pytest.raises(GridRejected) as bad:
        read_grid(edited(("F2", 999.999), ("G2", "abc"), ("I3", 10), ("A4", "X"), ("D4", 5)),
                  "targets", "sales", 2027, ["A", "N"], open_cells)
    assert [(p.row, p.column, p.value, p.rule) for p in bad.value.problems] == [
        (2, "F (2027-03)", "999.999", "not an amount of 0 or more to the fen"),
        (2, "G (2027-04)", "abc", "not an amount of 0 or more to the fen"),
        (3, "I (2027-06)", "10", "not with the department that month"),
        (4, "A", "X", "not a salesperson of this plan")]
    # another year's workbook is not read as this one's
    with pytest.raises(GridRejected, match="1 problems"):
        read_grid(data, "targets", "sales", 2028, ["A", "N"], open_cells)


def test_an_expense_budget_is_split_to_months_people_and_categories_and_saved(planned):
    from store import db

    app = planning_page()
    app.radio(key="plan_kind").set_value("budgets").run()
    app.number_input(key="plan_annual_2026_expenses").set_value(12_000.0)
    app.radio(key="plan_months_2026_expenses").set_value("flat")
    app.radio(key="plan_people_2026_expenses").set_value("equal")
    app.run()
    # ¥12,000 flat: ¥1,000 a month; equal among the five salespeople: ¥200 each. The fixture has
    # no spend in 2025, so the categories' weights are all 0 and each ¥200 = 20,000 fen is split
    # equally over the six: 3,333.33… → 3,334, 3,334 (the 2 fen left go to the first two), then 3,333 × 4
    app.text_input(key="plan_name_2026_budgets").set_value("2026 费用预算")
    app.button(key="plan_save").click().run()
    assert not app.exception and not app.error
    assert app.success[0].value == "Saved '2026 费用预算' as version 1: 360 budget rows, now in force."  # 5 × 12 × 6
    con = db.connect(planned)
    try:
        january = con.execute("SELECT category, budget_amount FROM expense_budgets WHERE salesperson_id = 'S1' "
                              "AND month = DATE '2026-01-01' ORDER BY budget_amount DESC, category").fetchall()
        assert [float(a) for _, a in january] == [33.34, 33.34, 33.33, 33.33, 33.33, 33.33]
        assert {c for c, a in january[:2]} == {"travel", "entertainment"}
        assert con.execute("SELECT sum(budget_amount), count(DISTINCT region_id) FROM expense_budgets "
                           "WHERE year(month) = 2026").fetchone() == (12_000, 2)
        assert con.execute("SELECT kind, name FROM plan_versions").fetchall() == [("budgets", "2026 费用预算")]
        assert con.execute("SELECT count(*) FROM plan_budgets WHERE version_id = 1").fetchone() == (360,)
    finally:
        con.close()


def test_a_stretch_set_by_hand_for_one_person_and_the_rest_at_the_percentage_above():
    from store.planning import stretched_by_person

    # A: 1,000 + 2,000 a year with 20 % by hand → 3,600 split 1 : 2 → 1,200 and 2,400;
    # B: 333 + 334 at the 10 % above → 733.7 → 734 half up, split 333 : 334 → 366.45…, 367.55… →
    # floors 366, 367 (733) and the fen left to the larger fraction (B's second month, 0.55…)
    cells = {("A", 1): 1_000, ("A", 2): 2_000, ("B", 1): 333, ("B", 2): 334}
    assert stretched_by_person(cells, 10, {"A": 20}) == {("A", 1): 1_200, ("A", 2): 2_400, ("B", 1): 366,
                                                        ("B", 2): 368}


def test_expenses_read_against_a_saved_budget_version(planned):
    import queries
    from queries.filters import Filters
    from store import db, planning
    from tests.screen import opened
    from ui.urlstate import FilterState

    con = db.connect(planned)
    try:
        regions = dict(con.execute("SELECT salesperson_id, region_id FROM salespeople WHERE region_id IS NOT NULL"
                                   ).fetchall())
        for name, yearly in (("年初预算", 1_200_000), ("年中调整", 2_400_000)):  # ¥12,000, then ¥24,000, S1's alone
            cells = dict(zip([("S1", m) for m in range(1, 13)], months_of(yearly, "flat"), strict=True))
            planning.save(con, "expense_budgets", planning.budget_rows(2026, cells, {}, regions), name, "boss")

        def budget(version):
            ytd = Filters(dt.date(2026, 1, 1), dt.date(2026, 3, 15), budget_version=version)
            return float(queries.run_filtered("expense_control", ytd, con=con, group_by="total").budget_cny.iloc[0])

        # 1 January – 15 March: ¥1,000 + 1,000 + 1,000 × 15/31 = 2,483.87 by the first; twice that
        # by the second (4,967.74), which is also the budget in force
        assert (budget(1), budget(2), budget(None)) == (2_483.87, 4_967.74, 4_967.74)
    finally:
        con.close()
    app = opened("pages/expenses.py")
    app.session_state["filter_state"] = FilterState(lang="en", preset="ytd")
    app.run()
    app.selectbox(key="expenses_budget").set_value(1).run()
    assert not app.exception
    assert next(m.value for m in app.metric if m.label == "Budget") == "¥2,484"


def test_an_adjustment_keeps_the_shape_of_the_plan_in_force():
    # in force: January 300 (A) + 100 (B), February 0 + 600 (B) = 1,000. Raised to 1,500 "as the
    # plan in force": January 400 × 1.5 = 600, February 900; January's 600 split 3 : 1 → 450 and
    # 150; February all B's
    in_force = {("A", 1): 300, ("B", 1): 100, ("B", 2): 600}
    months = months_of(1_500, "current", {1: 400, 2: 600})
    assert months[:2] == [600, 900] and sum(months) == 1_500
    cells, notes = decompose(months, "current", [Person("A", "R1"), Person("B", "R1")], 2026, {}, None, in_force)
    assert [cells[k] for k in (("A", 1), ("B", 1), ("A", 2), ("B", 2))] == [450, 150, 0, 900]
    assert notes == []


def test_next_years_plan_is_saved_though_its_months_are_ahead_of_the_store(store):
    from store import planning

    # the fixture's today is 15 March 2026: 2027's months are far ahead, as a plan's are
    rows = [{"salesperson_id": "S1", "month": f"2027-{m:02d}-01", "metric": "sales", "plan_value": "1000",
             "stretch_value": "1100"} for m in range(1, 13)]
    assert planning.save(store, "targets", rows, "2027 年初计划", "boss").plan_version == 1
    assert store.execute("SELECT sum(plan_value) FROM targets WHERE year(month) = 2027").fetchone() == (12_000,)


def test_a_key_customers_year_follows_its_salespersons_months_to_the_fen():
    from store.planning import customer_rows, earmark, over_budgets

    # S1's budget: January ¥1,500, February and March ¥1,000 each (fen below), nothing after.
    budgets = {("S1", 1): 150_000, ("S1", 2): 100_000, ("S1", 3): 100_000, ("S3", 2): 80_000}
    holders = {"C1": "S1", "C2": "S1", "C4": "S3", "C6": "S2"}
    # C1: ¥1,750.01 = 175,001 fen by 1.5 : 1 : 1 → 75,000.43, 50,000.29, 50,000.29: floors
    # 75,000 + 50,000 + 50,000 = 175,000 and the fen left to the largest fraction, January's
    cells = earmark({"C1": 175_001, "C2": 0, "C4": 80_000}, holders, budgets)
    assert cells == {("C1", 1): 75_001, ("C1", 2): 50_000, ("C1", 3): 50_000, ("C4", 2): 80_000}
    assert over_budgets(cells, holders, budgets) == []
    assert customer_rows(2026, cells, holders)[0] == {"customer_id": "C1", "month": "2026-01-01",
                                                      "salesperson_id": "S1", "budget_amount": "750.01"}
    # C2 too, ¥700 of S1's: February 70,000 × 1/3.5 = 20,000 → C1 50,000 + C2 20,000 = 70,000 of
    # 100,000, within; ¥3,000 for C2 puts February at 50,000 + 3,000 × 100/3.5 (85,714) = 135,714
    assert over_budgets(earmark({"C1": 175_001, "C2": 70_000}, holders, budgets), holders, budgets) == []
    too_much = earmark({"C1": 175_001, "C2": 300_000}, holders, budgets)
    assert too_much[("C2", 2)] == 85_714  # 300,000 / 3.5 = 85,714.28…
    assert over_budgets(too_much, holders, budgets) == [("S1", 1, 75_001 + 128_572, 150_000),
                                                      ("S1", 2, 135_714, 100_000), ("S1", 3, 135_714, 100_000)]
    # S2 has no budget in the year: C6 cannot be given any of it
    with pytest.raises(PlanError) as refused:
        earmark({"C6": 100}, holders, budgets)
    assert (refused.value.kind, refused.value.facts) == ("no_budget", {"customer": "C6", "who": "S2"})


def key_customers(con, **filters):
    import queries
    from queries.filters import Filters

    ytd = Filters(dt.date(2026, 1, 1), dt.date(2026, 3, 15), **filters)
    return queries.run_filtered("key_customer_budgets", ytd, con=con).set_index("customer_id")


def test_key_customers_budgets_are_saved_as_versions_and_read_against_the_spend_on_them(store):
    from store.planning import customer_rows, earmark, save

    holders = {"C1": "S1", "C4": "S3"}
    budgets = {("S1", 1): 150_000, ("S1", 2): 100_000, ("S1", 3): 100_000, ("S3", 2): 80_000}  # the fixture's
    cells = earmark({"C1": 175_001, "C4": 80_000}, holders, budgets)
    first = save(store, "customer_budgets", customer_rows(2026, cells, holders), "重点客户", "head")
    assert first.plan_version == 1 and first.rows == 4
    # spend on C1 by someone else counts too: ¥100 of S2's on 1 March, beside S1's ¥1,500 on 5 February
    store.execute("INSERT INTO expenses VALUES ('E9', DATE '2026-03-01', 'S2', 'R1', 'C1', 'entertainment', 100, "
                  "NULL)")
    rows = key_customers(store)
    # 1 January – 15 March, C1: 750.01 + 500 + 500 × 15/31 (241.935…) = 1,491.945… → 1,491.95;
    # spent 1,500 + 100 = 1,600: 107.24 % of it, 108.05 over. C4: 800 (February), nothing spent
    c1, c4 = rows.loc["C1"], rows.loc["C4"]
    assert (float(c1.budget_cny), float(c1.actual_cny), float(c1.left_cny)) == (1_491.95, 1_600.0, -108.05)
    assert round(float(c1.control_ratio_pct), 2) == 107.24 and bool(c1.overrun)
    assert (c1.customer_name, c1.salesperson_name) == ("甲机械有限公司", "张三")
    assert (float(c4.budget_cny), float(c4.actual_cny), float(c4.control_ratio_pct), bool(c4.overrun)) == (
        800.0, 0.0, 0.0, False)
    assert list(rows.index) == ["C1", "C4"]  # most used first
    # the filters pick customers by the salesperson whose budget holds them
    assert list(key_customers(store, salespeople=("S3",)).index) == ["C4"]
    assert list(key_customers(store, regions=("R1",)).index) == ["C1"]
    # a second version without C4: the year's key customers are replaced, the first version kept
    second = save(store, "customer_budgets", customer_rows(2026, {k: v for k, v in cells.items() if k[0] == "C1"},
                                                           holders), "年中调整", "head")
    assert second.plan_version == 2
    assert list(key_customers(store).index) == ["C1"]
    assert store.execute("SELECT version_id, count(*), sum(budget_amount)::DOUBLE FROM plan_customer_budgets "
                         "GROUP BY ALL ORDER BY 1").fetchall() == [(1, 4, 2_550.01), (2, 3, 1_750.01)]
    assert store.execute("SELECT kind, name FROM plan_versions ORDER BY version_id").fetchall() == [
        ("customers", "重点客户"), ("customers", "年中调整")]


def test_key_customers_above_a_persons_budget_are_refused_on_import_row_by_row(store):
    from store import importer
    from ui.i18n import import_rule

    # S1's February budget is ¥1,000: C1 ¥600 and C2 ¥500 held by S1 come to ¥1,100; C6 held by
    # S2, who has no budget, ¥1. C4's ¥800 of S3's ¥800 is within.
    data = (b"customer_id,month,salesperson_id,budget_amount\n"
            b"C1,2026-02-01,S1,600\nC2,2026-02-01,S1,500\nC6,2026-02-01,S2,1\nC4,2026-02-01,S3,800\n")
    with pytest.raises(importer.ImportRejected) as refused:
        importer.import_file(store, "customer_budgets", data, "重点客户.csv")
    problems = [(p.row, p.column, p.value, p.rule) for p in refused.value.problems]
    over_s1 = ("the key customers of S1 in 2026-02 come to 1,100.00, more than the month's expense budget of "
               "1,000.00 (import the expense budget first)")
    assert problems == [(2, "budget_amount", "1100.00", over_s1), (3, "budget_amount", "1100.00", over_s1),
                        (4, "budget_amount", "1.00", "the key customers of S2 in 2026-02 come to 1.00, more than "
                                                     "the month's expense budget of 0.00 (import the expense budget "
                                                     "first)")]
    assert import_rule(over_s1, "zh") == ("S1 在 2026-02 的重点客户预算合计 1,100.00，超过其当月费用预算 1,000.00"
                                          "（请先导入费用预算）")
    assert store.execute("SELECT count(*) FROM customer_budgets").fetchone() == (0,)
    # within the budgets it loads; appended next to it, C2's ¥500 is over again (600 + 500)
    importer.import_file(store, "customer_budgets", data.replace(b"C2,2026-02-01,S1,500\nC6,2026-02-01,S2,1\n", b""),
                         "重点客户.csv")
    assert store.execute("SELECT count(*), sum(budget_amount) FROM customer_budgets").fetchone() == (2, 1_400)
    with pytest.raises(importer.ImportRejected, match="1 problems"):
        importer.import_file(store, "customer_budgets", b"customer_id,month,salesperson_id,budget_amount\n"
                                                        b"C2,2026-02-01,S1,500\n", "追加.csv")


def test_the_planning_page_sets_key_customers_apart_and_the_expenses_page_shows_them(planned):
    from store import db, planning
    from tests.screen import opened
    from ui.urlstate import FilterState

    app = planning_page()
    app.radio(key="plan_kind").set_value("customers").run()
    assert not app.exception
    # the tier-A customers C1 (S1), C4 (S3) and C6 (S2), nothing in force yet: nothing to save
    grid = next(d.value for d in app.dataframe if "Budget 2026 (¥)" in d.value.columns)
    assert list(grid["Customer"]) == ["甲机械有限公司", "己科技有限公司", "丁机械有限公司"]  # by region, then person
    assert app.button(key="plan_save").disabled
    con = db.connect(planned)
    try:
        holders = {"C1": "S1", "C4": "S3"}
        budgets = {("S1", 1): 150_000, ("S1", 2): 100_000, ("S1", 3): 100_000, ("S3", 2): 80_000}
        planning.save(con, "customer_budgets",
                      planning.customer_rows(2026, planning.earmark({"C1": 175_001, "C4": 40_000}, holders, budgets),
                                             holders), "重点客户", "head")
    finally:
        con.close()
    for lang in ("zh", "en"):
        app = opened("pages/planning.py")
        app.session_state["filter_state"] = FilterState(lang=lang)
        app.session_state["plan_kind"] = "customers"  # chosen before the radio is drawn: read in either language
        app.run()
        assert not app.exception and not app.error
        held, budget = ("Key customers (¥)", "Year's budget (¥)") if lang == "en" else ("重点客户预算（元）",
                                                                                      "年度预算（元）")
        people = next(d.value for d in app.dataframe if held in d.value.columns)
        # S1: ¥3,500 budget, ¥1,750.01 of it for C1 (shown to the yuan); S2: none; S3: ¥800, ¥400 for C4
        assert [float(v) for v in people[held]] == [1_750.0, 0.0, 400.0]
        assert [float(v) for v in people[budget]] == [3_500.0, 0.0, 800.0]
    app.text_input(key="plan_name_2026_customers").set_value("再次保存")
    app.button(key="plan_save").click().run()
    assert app.success[0].value == "Saved '再次保存' as version 2: 4 key customer budget rows, now in force."
    con = db.connect(planned)
    try:  # saved again as the page read it, to the fen: 1,750.01 + 400
        assert con.execute("SELECT sum(budget_amount)::DOUBLE FROM customer_budgets").fetchone() == (2_150.01,)
    finally:
        con.close()
    expenses = opened("pages/expenses.py")
    expenses.session_state["filter_state"] = FilterState(lang="en", preset="ytd")
    expenses.run()
    assert not expenses.exception
    held = next(f.value for f in expenses.dataframe if "Customer" in f.value.columns)
    assert list(held.Customer) == ["甲机械有限公司", "丁机械有限公司"]  # C1 (1,500 of 1,491.95) first
