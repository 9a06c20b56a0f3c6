"""Translations, number formats and CSV exports: the parts of the UI with no Streamlit in them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from queries.filters import Filters
from queries.values import missing
from ui import export, fmt
from ui.i18n import LANGS, TEXT

ROOT = Path(__file__).resolve().parent.parent


def test_every_text_exists_in_both_languages_with_the_same_placeholders():
    for key, entry in TEXT.items():
        assert set(entry) == set(LANGS), key
        assert all(entry[lang].strip() for lang in LANGS), key
        placeholders = {lang: set(re.findall(r"\{(\w+)\}", entry[lang])) for lang in LANGS}
        assert placeholders["en"] == placeholders["zh"], key


def test_every_key_the_code_uses_is_in_the_table():
    used = set()
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_.]+)["']""", path.read_text(encoding="utf-8")))
    assert used, "no t('…') call found"
    prefixes = {u for u in used if u.endswith((".", "_"))}  # t("code." + reason): a family of keys
    assert sorted(used - prefixes - set(TEXT)) == []
    assert [p for p in prefixes if not any(k.startswith(p) for k in TEXT)] == []


@pytest.mark.parametrize("value, lang, shown", [
    (1234567, "en", "¥1,234,567"),
    (1234567, "zh", "¥123.5万"),
    (12_345_000, "zh", "¥1,234.5万"),
    (9999, "zh", "¥9,999"),
    (-25000, "zh", "-¥2.5万"),
    (-1000.4, "en", "-¥1,000"),
    (None, "en", "—"),
    (float("nan"), "zh", "—"),
])
def test_money(value, lang, shown):
    assert fmt.money(value, lang) == shown


@pytest.mark.parametrize("value, lang, shown", [
    (3_775_640_712, "en", "¥3.78B"), (377_564_071, "en", "¥377.6M"), (23_500, "en", "¥23,500"),
    (3_775_640_712, "zh", "¥37.76亿"), (23_500, "zh", "¥2.4万"), (-2_500_000, "en", "-¥2.5M"),
])
def test_compact_money_for_tiles(value, lang, shown):
    assert fmt.money_compact(value, lang) == shown


def test_percentages_and_counts():
    assert fmt.pct(36.2337) == "36.2%"
    assert fmt.signed_pct(14.2857) == "+14.3%" and fmt.signed_pct(-3) == "-3.0%"
    assert fmt.count(12345) == "12,345"
    assert fmt.pct(None) == fmt.count(float("nan")) == "—"


def test_csv_has_a_bom_translated_headers_and_neutralised_formulas():
    frame = pd.DataFrame({
        "customer_name": ["=HYPERLINK(\"http://x\")", "  +cmd", "@SUM(A1)", "-2+3", "甲机械有限公司", "\t=1"],
        "outstanding_cny": [-1500.5, 0.0, 12.0, 3.0, 4.0, 5.0],
        "reasons": [["overdue_90"], [], ["a", "b"], [], [], []],
    })
    data = export.csv_bytes(frame, "zh")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["客户名称", "应收余额（元）", "预警原因"]
    assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(\"http://x\")", "'  +cmd", "'@SUM(A1)", "'-2+3",
                                        "甲机械有限公司", "'\t=1"]
    assert rows[1][1] == "-1500.5"  # a negative number stays a number
    assert rows[3][2] == "a; b"


def test_csv_file_name_carries_page_period_and_filters():
    filters = Filters(dt.date(2026, 1, 1), dt.date(2026, 11, 23), regions=("R01",), tiers=("A",))
    assert export.file_name("targets", filters, {"R01": "桂城"}) == "targets_2026-01-01_2026-11-23_桂城_A.csv"
    hostile = Filters(dt.date(2026, 1, 1), dt.date(2026, 1, 31), industries=("../../etc/pass wd",))
    assert "/" not in export.file_name("overview", hostile) and " " not in export.file_name("overview", hostile)


# --- URL state and period presets ---------------------------------------------------------

from ui.urlstate import FilterState, Problem, from_url, period, to_url  # noqa: E402

OPTIONS = {"regions": {"R01", "R02"}, "salespeople": {"S0013"}, "tiers": {"A", "B", "C"},
           "industries": {"制造业"}, "product_lines": {"耗材"}}


@pytest.mark.parametrize("preset, today, expected", [
    ("ytd", dt.date(2026, 11, 23), (dt.date(2026, 1, 1), dt.date(2026, 11, 23))),
    ("this_month", dt.date(2026, 2, 10), (dt.date(2026, 2, 1), dt.date(2026, 2, 28))),
    ("this_quarter", dt.date(2026, 11, 23), (dt.date(2026, 10, 1), dt.date(2026, 12, 31))),
    ("this_quarter", dt.date(2026, 5, 1), (dt.date(2026, 4, 1), dt.date(2026, 6, 30))),
    ("last_12_months", dt.date(2026, 11, 23), (dt.date(2025, 11, 24), dt.date(2026, 11, 23))),
    ("last_12_months", dt.date(2028, 2, 29), (dt.date(2027, 3, 1), dt.date(2028, 2, 29))),
])
def test_period_presets_follow_the_stores_today(preset, today, expected):
    assert period(FilterState(preset=preset), today) == expected


def test_a_good_link_is_read_back_exactly():
    state = FilterState(lang="zh", preset="custom", start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
    state.values.update(regions=("R01", "R02"), industries=("制造业",))
    again, problems = from_url(to_url(state), OPTIONS, ("en", "zh"))
    assert problems == [] and again == state


def test_a_hostile_link_keeps_what_is_valid_and_reports_the_rest():
    state, problems = from_url({"region": "R01,R99,'; DROP TABLE sales; --", "tier": "A,A",
                                "period": "custom", "start": "2026-02-30", "end": "2026-01-01",
                                "lang": "fr"}, OPTIONS, ("en", "zh"))
    assert state.values["regions"] == ("R01",) and state.values["tiers"] == ("A",)
    assert state.preset == "ytd" and state.lang == "en"
    assert Problem("bad_value", "regions", "R99") in problems
    assert Problem("bad_value", "regions", "'; DROP TABLE sales; --") in problems
    assert Problem("bad_date", "start", "2026-02-30") in problems


@pytest.mark.parametrize("start, end, dropped", [
    ("0002-01-01", "9999-12-31", [Problem("out_of_range", "start", "0002-01-01"),
                                  Problem("out_of_range", "end", "9999-12-31")]),
    ("0001-01-01", "2026-03-31", [Problem("out_of_range", "start", "0001-01-01")]),
    ("1999-12-31", "2100-01-01", [Problem("out_of_range", "start", "1999-12-31"),
                                  Problem("out_of_range", "end", "2100-01-01")]),
])
def test_a_link_with_dates_outside_2000_to_2099_falls_back_with_a_notice(start, end, dropped):
    state, problems = from_url({"period": "custom", "start": start, "end": end}, OPTIONS, ("en", "zh"))
    assert problems == dropped and state.preset == "ytd" and state.start is None
    kept, problems = from_url({"period": "custom", "start": "2000-01-01", "end": "2099-12-31"}, OPTIONS, ("en", "zh"))
    assert problems == [] and (kept.start, kept.end) == (dt.date(2000, 1, 1), dt.date(2099, 12, 31))


def test_a_reversed_period_in_a_link_is_dropped():
    state, problems = from_url({"period": "custom", "start": "2026-03-01", "end": "2026-01-01"},
                               OPTIONS, ("en", "zh"))
    assert problems == [Problem("reversed")] and state.preset == "ytd"


@pytest.mark.parametrize("value, lang, shown", [
    (875_823.84, "en", "¥875,824"),   # rounded, not cut to 875,823
    (-97_073.76, "en", "-¥97,074"),
    (2.5, "en", "¥3"), (3.5, "en", "¥4"),  # half-up, not to the even neighbour
    (-0.4, "en", "¥0"),                    # no minus before a zero
    (12_345.05, "zh", "¥1.2万"), (12_350.0, "zh", "¥1.2万"), (12_500.0, "zh", "¥1.3万"),
])
def test_money_on_screen_is_rounded_half_up(value, lang, shown):
    assert fmt.money(value, lang) == shown


def test_percentages_round_half_up_and_missing_reads_as_a_dash():
    assert fmt.pct(22.95) == "23.0%" and fmt.pct(0.05) == "0.1%" and fmt.signed_pct(-2.25) == "-2.3%"
    for nothing in (None, float("nan"), pd.NA, pd.NaT):
        assert fmt.pct(nothing) == fmt.money(nothing, "en") == fmt.when(nothing) == fmt.text(nothing) == "—"
    assert fmt.when(pd.Timestamp("2026-11-01")) == "2026-11-01"  # never 00:00:00
    # a customer's history: the day of a visit beside the minute of a complaint, each as it was kept
    kept = pd.Series([pd.Timestamp("2026-11-17 09:44"), pd.Timestamp("2026-06-17"), None])
    shown = fmt.dates_as_text(kept).tolist()
    assert shown[:2] == ["2026-11-17 09:44", "2026-06-17"] and missing(shown[2])
    assert fmt.when(pd.Timestamp("2026-11-01 09:30:12")) == "2026-11-01 09:30"


def test_csv_carries_money_to_the_fen_and_percentages_to_two_decimals():
    frame = pd.DataFrame({"amount_cny": [20565.6206, 0.125], "share_of_voice_pct": [22.957333333333334, 50.0],
                          "base_rate": [0.0275, 0.03], "month": pd.to_datetime(["2026-11-01", "2026-12-01"])})
    rows = list(csv.reader(io.StringIO(export.csv_bytes(frame, "en").decode("utf-8-sig"))))
    assert rows[1][0] == "20565.62" and rows[2][0] == "0.13"  # half-up at the fen
    assert rows[1][1] == "22.96"
    assert rows[1][2] == "0.0275"  # a rate keeps its decimals
    assert rows[1][3] == "2026-11-01"


def test_every_result_column_has_a_header_in_both_languages():
    import queries

    unlabelled = sorted({f"{name}.{column}" for name in queries.names() for column in queries.load(name).columns
                         if "col." + column not in TEXT})
    assert unlabelled == []


def test_every_stored_code_has_a_label_in_both_languages():
    """Each closed vocabulary of the schema (CHECK … IN (…)) is shown by its labels: its
    column is in CODE_COLUMNS and every value has a key, in both languages."""
    from ui.i18n import CODE_COLUMNS, label

    schema = (ROOT / "store" / "schema.sql").read_text(encoding="utf-8")
    unlabelled = []
    for column, listed in re.findall(r"CHECK \((\w+) IN \(([^)]*)\)\)", schema):
        for value in re.findall(r"'([^']*)'", listed):
            if column not in CODE_COLUMNS or CODE_COLUMNS[column] + value not in TEXT:
                unlabelled.append(f"{column} = {value}")
    assert unlabelled == []
    assert label("tier", "A", "zh") == "A类" and label("status", "cancelled", "zh") == "已取消"
    assert label("customer_name", "A", "zh") == "A"  # not a code column: unchanged


def test_csv_and_tables_show_codes_by_their_labels():
    frame = pd.DataFrame({"role": ["key_account_manager", None], "tier": ["A", "B"], "amount_cny": [1.0, 2.0],
                          "over_credit": [True, False]})
    rows = list(csv.reader(io.StringIO(export.csv_bytes(frame, "zh").decode("utf-8-sig"))))
    assert rows[1] == ["大客户经理", "A类", "1.0", "是"] and rows[2] == ["", "B类", "2.0", "否"]


def test_import_problems_read_in_chinese():
    from store import importer
    from ui.i18n import import_rule

    assert import_rule("required: empty", "zh") == "必填：为空"
    assert (import_rule("unknown in customers (import customers first)", "zh")
            == "在 customers 中不存在（请先导入 customers）")
    assert import_rule(importer._exact_words("DECIMAL(18,4)"), "zh") == "超过 4 位小数（保存时会被四舍五入）"
    assert import_rule("required: empty", "en") == "required: empty"
    for type_ in ("DECIMAL(18,4)", "INTEGER", "SMALLINT", "BIGINT", "DATE", "TIMESTAMP", "BOOLEAN"):
        assert import_rule("not " + importer._type_words(type_), "zh").startswith("不是")


def test_every_text_in_the_table_is_used():
    """A key no code asks for is dead text: each is named in the code, or belongs to a family
    the code looks up by prefix (t("code." + reason), column headers, stored codes)."""
    from ui.i18n import CODE_COLUMNS

    code = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "app.py", *ROOT.glob("pages/*.py"),
                                                               *ROOT.glob("ui/*.py"), *ROOT.glob("tools/*.py")])
    named = set(re.findall(r"""["']([a-z0-9_.]+)["']""", code))
    families = set(re.findall(r"""["']([a-z_]+\.)["']\s*\+""", code)) | set(CODE_COLUMNS.values()) | {"col."}
    assert [k for k in TEXT if k not in named and not k.startswith(tuple(families))] == []


def test_the_text_table_keeps_each_kind_in_one_block():
    source = (ROOT / "ui" / "i18n.py").read_text(encoding="utf-8")
    keys = re.findall(r'^    "([A-Za-z0-9_.]+)": \{', source, flags=re.M)
    assert set(keys) == set(TEXT)
    kinds = [k.split(".")[0] if "." in k else "" for k in keys if not k.startswith("help.")]  # help beside its KPI
    runs = [kind for i, kind in enumerate(kinds) if i == 0 or kind != kinds[i - 1]]
    assert sorted(kind for kind in set(runs) if runs.count(kind) > 1) == []


def test_every_template_note_is_in_both_languages():
    from store import columns

    assert set(columns.NOTES) == set(columns.NOTES_ZH)
    assert all(columns.NOTES_ZH.values())
