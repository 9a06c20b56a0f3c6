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
    prefixes = {u for u in used if u.endswith(".")}  # t("code." + reason): a family of keys
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
