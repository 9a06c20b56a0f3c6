"""The pages under AppTest: figures against the fixture store, both languages, the empty
state, and a hostile link; plus a real-browser smoke test of the served app."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.screen import opened, seen, shown_cells
from ui.i18n import text
from ui.urlstate import FilterState

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def on_fixture(fixture_path, monkeypatch):
    monkeypatch.setenv("COCKPIT_DB", str(fixture_path))


def page(path: str, **state) -> AppTest:
    app = opened(path)
    app.session_state["filter_state"] = FilterState(**state)
    return app.run()


def metrics(app: AppTest) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta) for m in app.metric}


def test_overview_tiles_show_the_fixture_figures(on_fixture):
    app = page("app.py", lang="en", preset="ytd")  # 1 Jan – 15 Mar 2026 on the fixture store
    assert not app.exception
    shown = metrics(app)
    # sales 23500 against 49741.94 (see tests/test_kpis.py): 47.2 %
    assert shown["Sales"] == ("¥23,500", "47.2% of target")
    assert shown["Gross profit"][0] == "¥9,050"
    assert shown["Overdue ratio"][0] == "90.7%"  # 20400 ÷ 22500
    assert shown["Revisit-plan completion"][0] == "50.0%"
    assert shown["CSAT"][0] == "62.5%"  # 5 of 8 responses scored 4 or 5 (Jan 2 of 3, Feb 3 of 5)
    assert shown["Complaints within SLA"][0] == "25.0%"
    # base 9,950 + lead bonuses 600 − fines 3,421 (tests/test_kpis.py, commissions)
    assert shown["Commission payable"][0] == "¥7,129"
    alerts = app.dataframe[0].value
    assert set(alerts["Customer"]) == {"乙商贸有限公司", "丙商贸有限公司", "丁机械有限公司"}
    # C3 (丙商贸): 1,500 against 4,000 a year earlier = −62.5 %; 5,400 more than 90 days overdue;
    # latest survey 1 — each reason with its figure (tests/test_kpis.py)
    assert alerts.iloc[0]["Reasons"] == ("Sales -62.5% vs a year ago (90 days)；¥5,400 over 90 days overdue；"
                                         "Latest survey scored 1")
    assert not app.warning


def test_overview_in_chinese_reads_amounts_in_wan(on_fixture):
    app = page("app.py", lang="zh", preset="ytd")
    assert not app.exception
    shown = metrics(app)
    assert shown["销售额"] == ("¥2.4万", "完成目标 47.2%")
    assert "异常客户预警" in [h.value for h in app.subheader]
    assert "预警原因" in app.dataframe[0].value.columns


def test_a_long_alert_list_shows_the_most_serious_on_screen(store_con):
    import queries
    from queries.filters import Filters

    flagged = queries.run_filtered("abnormal_customers", Filters(dt.date(2026, 1, 1), dt.date(2026, 11, 23)), top=None)
    assert len(flagged) > 20  # the small demo store flags several hundred
    app = page("app.py", lang="en", preset="ytd")
    assert not app.exception
    shown = app.dataframe[0].value
    assert list(shown["Customer"]) == list(flagged.customer_name[:20])
    assert list(shown.columns) == ["Customer", "Tier", "Owner", "Money at risk (¥)", "Reasons"]
    assert shown["Money at risk (¥)"].is_monotonic_decreasing
    assert f"Showing the 20 most at risk of {len(flagged):,}" in " ".join(c.value for c in app.caption)


def test_a_filter_that_matches_nothing_shows_the_empty_state(on_fixture):
    # the only 物流运输 customer (C5) is in the South: the North has no sales, invoices,
    # surveys or complaints of that industry
    app = page("app.py", lang="en", values={"regions": ("R1",), "salespeople": (), "tiers": (),
                                           "industries": ("物流运输",), "product_lines": ()})
    assert not app.exception
    assert "No data for" in app.info[0].value
    assert not app.metric


def test_a_chart_or_table_drawn_before_is_sent_again_and_any_change_draws_it_anew(on_fixture, monkeypatch):
    from ui import shell
    shell._kept.clear()
    drawn = []
    draw_chart, draw_table = shell._draw_chart, shell._draw_table
    monkeypatch.setattr(shell, "_draw_chart", lambda figure, key: drawn.append(key) or draw_chart(figure, key))
    monkeypatch.setattr(shell, "_draw_table", lambda frame, *a: drawn.append("table") or draw_table(frame, *a))

    def shown(app: AppTest) -> tuple[str, list]:
        return app.get("plotly_chart")[0].proto.spec, [list(d.value.columns) + d.value.to_numpy().tolist()
                                                        for d in app.dataframe]

    app = page("app.py", lang="en", preset="ytd")
    english, first = shown(app), list(drawn)
    assert first[0] == "pacing_chart" and len(app.dataframe) == first.count("table") > 0
    assert json.loads(english[0])["data"][0]["name"] == text("overview.pacing.actual", "en")
    app.run()  # a rerun with nothing changed: the same elements, sent again without being made again
    assert drawn == first and shown(app) == english
    chinese = shown(page("app.py", lang="zh", preset="ytd"))  # another language: made anew
    assert drawn == first * 2
    assert json.loads(chinese[0])["data"][0]["name"] == text("overview.pacing.actual", "zh")
    assert "客户名称" in chinese[1][0]
    north = {"regions": ("R1",), "salespeople": (), "tiers": (), "industries": (), "product_lines": ()}
    other = shown(page("app.py", lang="en", preset="ytd", values=north))  # other rows: made anew
    assert drawn == first * 3 and other[0] != english[0]
    # another viewer with the first view: the elements first made, sent again
    assert shown(page("app.py", lang="en", preset="ytd")) == english and drawn == first * 3


def test_a_salesperson_outside_the_chosen_region_is_dropped(on_fixture):
    app = page("app.py", lang="en", values={"regions": ("R2",), "salespeople": ("S1",), "tiers": (),
                                           "industries": (), "product_lines": ()})
    assert app.session_state["filter_state"].values["salespeople"] == ()
    assert metrics(app)["Sales"][0] == "¥11,500"  # all of the South: S3's 11500


def test_a_tier_filter_says_it_carries_no_target(on_fixture):
    app = page("app.py", lang="en", values={"regions": (), "salespeople": (), "tiers": ("A",),
                                           "industries": (), "product_lines": ()})
    shown = metrics(app)
    assert shown["Sales"][0] == "¥13,000" and not shown["Sales"][1]  # no attainment shown
    assert any("No target at this filter" in c.value for c in app.caption)


def test_a_hostile_link_is_dropped_with_a_notice(on_fixture):
    app = opened("app.py")
    app.query_params.update({"region": "R1,'; DROP TABLE sales; --", "period": "custom",
                             "start": "2026-02-30", "end": "2026-03-01", "tier": "Z"})
    app.run()
    assert not app.exception
    notice = seen(app.warning[0].value)
    assert "DROP TABLE" in notice and "2026-02-30" in notice and "“Z”" in notice
    assert app.session_state["filter_state"].values["regions"] == ("R1",)
    assert metrics(app)["Sales"][0] == "¥12,000"  # the page still renders, for the North (R1)


def test_a_link_for_a_period_of_millennia_falls_back_to_the_year_with_a_notice(on_fixture):
    app = opened("app.py")
    app.query_params.update({"period": "custom", "start": "0001-01-01", "end": "9999-12-31", "lang": "zh"})
    app.run()
    assert not app.exception
    assert seen(app.warning[0].value) == ("链接中以下内容无效，已忽略：开始日期“0001-01-01”（超出 2000–2099 年）；"
                                    "结束日期“9999-12-31”（超出 2000–2099 年）")
    assert metrics(app)["销售额"][0] == "¥2.4万"  # the year to date instead: 23,500 (tests/test_kpis.py)


def test_data_page_shows_archive_completeness(on_fixture):
    app = page("pages/data.py", lang="en")
    assert not app.exception
    assert metrics(app)["Customer archive completeness"][0] == "66.7%"  # 4 of 6 customers
    missing = frame_with(app, "Required field")
    assert dict(zip(missing["Required field"], missing["Customers missing it"]))["Phone"] == 1
    incomplete = frame_with(app, "Missing").set_index("Customer ID").Missing
    assert dict(incomplete) == {"C3": "Phone", "C6": "Industry"}
    assert metrics(app)["Broken references"][0] == "0"
    # the template of the table chosen (regions, the first) describes each column
    described = frame_with(app, "Chinese header").set_index("Column")
    assert tuple(described.loc["region_id", ["Chinese header", "Required"]]) == ("区域编号", "yes")
    profile = frame_with(app, "Rows loaded").set_index("Table")
    assert profile.loc["Sales lines · sales", "Rows"] > 0


def test_data_page_in_chinese_with_the_sales_template(on_fixture):
    app = opened("pages/data.py")
    app.session_state["filter_state"] = FilterState(lang="zh")
    app.session_state["import_table"] = "sales"
    app.run()
    assert not app.exception
    described = frame_with(app, "中文表头").set_index("字段名")
    assert described.loc["quantity", "说明"] == "退货行为负数"
    assert described.loc["customer_id", "允许的值"] == "须在 customers 中存在"
    assert (described.loc["amount", "类型"], described.loc["amount", "必填"]) == ("数字", "是")
    assert [h.value for h in app.subheader][1] == "销售明细导入模板"  # the table by its name, not its code


def test_a_missing_store_is_explained(monkeypatch, tmp_path):
    monkeypatch.setenv("COCKPIT_DB", str(tmp_path / "missing.duckdb"))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()  # no store: no account to log in
    assert not app.exception
    assert "python -m store demo" in seen(app.error[0].value)


@pytest.mark.browser
def test_the_dashboard_serves_in_a_real_browser(served_app, page):
    page.goto(served_app)
    page.get_by_text("Key-Account Cockpit").first.wait_for(timeout=30_000)
    page.get_by_text("Data as of 2026-11-23").wait_for(timeout=30_000)
    assert page.errors == []


@pytest.mark.parametrize("state", [
    {"lang": "en"},
    {"lang": "zh"},
    {"lang": "en", "preset": "this_month"},
    {"lang": "zh", "values": {"regions": ("R1",), "salespeople": (), "tiers": ("A",), "industries": (),
                              "product_lines": ()}},
    {"lang": "en", "values": {"regions": (), "salespeople": (), "tiers": (), "industries": (),
                              "product_lines": ("设备",)}},
])
def test_targets_page_renders_under_several_filters(on_fixture, state):
    app = page("pages/targets.py", **state)
    assert not app.exception
    assert app.dataframe  # the attainment table at least


def test_targets_attainment_by_region_and_month(on_fixture):
    app = page("pages/targets.py", lang="en")
    table = app.dataframe[0].value
    north = table[table["Name"] == "North"].set_index("Period")
    # North: January 7000 (L7, L8) against 16000; March to date 2000 (3000 − 1000 return)
    # against 16000 in full (attainment compares with the whole month's plan)
    assert north.loc["2026-01", "Actual"] == 7000 and north.loc["2026-01", "Plan"] == 16000
    assert north.loc["2026-03", "Actual"] == 2000
    assert any("Expected to date" in c.value for c in app.caption)


def test_a_heatmap_cell_narrows_to_its_sales_lines(on_fixture):
    app = opened("pages/targets.py")
    app.session_state["filter_state"] = FilterState(lang="en")
    app.session_state["targets_heatmap"] = {
        "selection": {"points": [{"x": "2026-01", "y": "张三", "customdata": ["S1", "2026-01"]}],
                      "point_indices": [0], "box": [], "lasso": []}}
    app.run()
    assert not app.exception
    lines = next(d.value for d in app.dataframe if "Line" in d.value.columns)
    assert list(lines["Line"]) == [8, 7] and lines["Amount (¥)"].sum() == 7000
    assert any("2 sales lines behind this cell" in c.value for c in app.caption)



def test_a_heatmap_cell_heading_shows_a_stored_name_as_written(altered, monkeypatch):
    # the heading is markdown: a salesperson's name reaches it escaped, so it draws no image
    name = "![t](http://127.0.0.1:9/p.png) *张三*"
    path, _ = altered(f"UPDATE salespeople SET name = '{name}' WHERE salesperson_id = 'S1'")
    monkeypatch.setenv("COCKPIT_DB", str(path))
    app = opened("pages/targets.py")
    app.session_state["filter_state"] = FilterState(lang="en")
    app.session_state["targets_heatmap"] = {
        "selection": {"points": [{"x": "2026-01", "y": name, "customdata": ["S1", "2026-01"]}],
                      "point_indices": [0], "box": [], "lasso": []}}
    app.run()
    heading = next(m.value for m in app.markdown if "2026-01" in m.value)
    assert r"\!\[t\]\(http\:\/\/127\.0\.0\.1\:9\/p\.png\) \*张三\*" in heading

def test_receivables_page_shows_the_worklist(on_fixture):
    app = page("pages/receivables.py", lang="en")
    assert not app.exception
    assert metrics(app)["Overdue ratio"][0] == "90.7%"  # 20400 ÷ 22500 on 15 March
    worklist = next(d.value for d in app.dataframe if "Days past due" in d.value.columns)
    # C4, C3, C2, C1: most overdue first
    assert list(worklist["Customer"]) == ["丁机械有限公司", "丙商贸有限公司", "乙商贸有限公司", "甲机械有限公司"]


def test_receivables_page_in_chinese_and_empty(on_fixture):
    app = page("pages/receivables.py", lang="zh")
    assert not app.exception
    assert "催收清单" in [h.value for h in app.subheader]
    empty = page("pages/receivables.py", lang="en", values={"regions": ("R1",), "salespeople": (), "tiers": (),
                                                            "industries": ("物流运输",), "product_lines": ()})
    assert not empty.exception and "No data for" in empty.info[0].value


def test_a_click_on_the_aging_chart_narrows_the_worklist(on_fixture):
    app = opened("pages/receivables.py")
    app.session_state["filter_state"] = FilterState(lang="en")
    app.session_state["recv_aging_chart"] = {
        "selection": {"points": [{"y": "South", "x": 1900, "customdata": ["R2", "over_180"]}],
                      "point_indices": [0], "box": [], "lasso": []}}
    app.run()
    assert not app.exception
    worklist = next(d.value for d in app.dataframe if "Days past due" in d.value.columns)
    assert list(worklist["Customer"]) == ["丙商贸有限公司"]  # the South's only amount over 180 days (I10)
    assert any("Narrowed to South · Over 180 days" in c.value for c in app.caption)


def test_visits_page_shows_quotas_and_flags(on_fixture):
    app = page("pages/visits.py", lang="en")
    assert not app.exception
    shown = metrics(app)
    assert shown["Revisit-plan completion"][0] == "50.0%"
    assert shown["Visit records on time"][0] == "40.0%"  # 2 of 5 judged (see test_kpis)
    assert shown["Key-account coverage"][0] == "66.7%"
    assert shown["Managers short 4+ weeks"][0] == "1"  # K2
    assert "钱七" in app.warning[0].value
    quotas = next(d.value for d in app.dataframe if "Fine (¥)" in d.value.columns)
    assert quotas["Fine (¥)"].sum() == 0 + 100 + 60 + 105 + 0 + 660 + 300 + 4 * 549


def test_visits_page_in_chinese_and_empty(on_fixture):
    app = page("pages/visits.py", lang="zh")
    assert not app.exception and "每周任务与罚款" in [h.value for h in app.subheader]
    empty = page("pages/visits.py", lang="en", preset="custom", start=dt.date(2030, 1, 1), end=dt.date(2030, 12, 31))
    assert not empty.exception
    assert "No data for 2030-01-01 – 2030-12-31" in empty.info[0].value


def test_long_lists_show_their_first_rows_and_say_how_many_there_are(demo_store, monkeypatch):
    import queries
    from queries.filters import Filters

    monkeypatch.setenv("COCKPIT_DB", str(demo_store[0]))
    app = page("pages/visits.py", lang="en", preset="ytd")
    assert not app.exception
    late = queries.run_filtered("late_visit_records", Filters(dt.date(2026, 1, 1), dt.date(2026, 11, 23)), top=None)
    assert len(late) > 200  # the demo's year has more late records than a screen shows
    said = f"Showing the latest 200 of {len(late):,}; the CSV lists all {len(late):,}."
    assert said in [c.value for c in app.caption]
    shown = next(d.value for d in app.dataframe if "Days late" in d.value.columns)
    assert len(shown) == 200 and "Rows" not in shown.columns
    assert list(shown["Days late"]) == list(late["days_late"][:200])  # the latest first, as in the CSV
    # the collections worklist likewise: its 200 most overdue, and the customer picker offers those
    app = page("pages/receivables.py", lang="zh", preset="ytd")
    assert not app.exception
    worklist = queries.run_filtered("collections_worklist", None, as_of_date=dt.date(2026, 11, 23), bucket="all",
                                    top=None)
    assert len(worklist) > 200
    assert f"显示逾期金额最大的 200 个，共 {len(worklist):,} 个；CSV 含全部 {len(worklist):,} 个。" in [
        c.value for c in app.caption]
    assert len(app.selectbox(key="recv_customer").options) == 200


def test_satisfaction_page_with_thin_months_and_inert_text(on_fixture):
    app = page("pages/satisfaction.py", lang="en")
    assert not app.exception
    shown = metrics(app)
    assert shown["CSAT"][0] == "62.5%" and shown["Complaints within SLA"][0] == "25.0%"
    # mean score: January 11 over 3 responses, February 3.6 × 5 = 18 → 29 ÷ 8 = 3.625, one decimal
    assert shown["Mean overall score"][0] == "3.6"
    assert any("Too few responses to rely on: 2026-01" in c.value for c in app.caption)
    # customers' words reach the screen only as table cells, never as markdown
    assert all("<script>" not in m.value and "javascript:" not in m.value for m in app.markdown)
    opened = next(d.value for d in app.dataframe if "Description" in d.value.columns)
    assert "[点此查看](javascript:alert(1)) 发票金额有误" in list(opened["Description"])


def test_satisfaction_page_in_chinese_and_empty(on_fixture):
    app = page("pages/satisfaction.py", lang="zh")
    assert not app.exception and "流失客户" in [h.value for h in app.subheader]
    empty = page("pages/satisfaction.py", lang="en", preset="custom", start=dt.date(2030, 1, 1),
                 end=dt.date(2030, 12, 31))
    assert not empty.exception
    assert "No data for 2030-01-01 – 2030-12-31" in empty.info[0].value


def test_competitors_page_on_the_fixture(on_fixture):
    app = page("pages/competitors.py", lang="zh")
    assert not app.exception and "竞争对手月报" in [h.value for h in app.subheader]
    notes = next(d.value for d in app.dataframe if "记录内容" in d.value.columns)
    assert "新锐智造推出新型号 <b>试用</b>" in list(notes["记录内容"])  # markup stays text
    assert all("<b>" not in m.value for m in app.markdown)
    year = page("pages/competitors.py", lang="zh", preset="ytd")
    won_lost = frame_with(year, "投标胜率（%）").set_index("竞争对手")
    # the pipeline's O3 lost and O8 won against 新锐智造; the bid noted in N4 lost to it
    assert won_lost.loc["新锐智造", ["赢单", "输单", "我方胜率（%）", "投标胜率（%）"]].tolist() == [1, 1, 50, 0]
    assert "（未填写）" in won_lost.index  # O7 named no competitor
    empty = page("pages/competitors.py", lang="en", preset="custom", start=dt.date(2030, 1, 1),
                 end=dt.date(2030, 12, 31))
    assert not empty.exception and "No data for" in empty.info[0].value


def test_the_planted_competitor_surge_shows_on_the_page(store_con, demo_store):
    _, built = demo_store
    app = opened("pages/competitors.py")
    app.session_state["filter_state"] = FilterState(lang="en", preset="last_12_months")
    app.session_state["comp_month"] = dt.date(2026, 10, 1)  # the last complete month
    app.run()
    assert not app.exception
    report = app.dataframe[0].value
    top = report.iloc[0]
    assert top["Competitor"] == built.stories["surging_competitor"]
    assert top["Change"] > 0 and top["Median price gap (%)"] < -10


def frame_with(app: AppTest, column: str):
    return next(d.value for d in app.dataframe if column in d.value.columns)


def test_commissions_page_on_the_fixture(on_fixture):
    app = page("pages/commissions.py", lang="en", preset="ytd")
    assert not app.exception
    shown = metrics(app)
    assert shown["Commission payable"][0] == "¥7,129"  # 9,950 + 600 − 3,421
    assert shown["Referral shares"][0] == "¥2,900"  # 2,000 + 750 + 150
    assert shown["Void claims"][0] == "3"  # D3 and D5 (registered earlier), D4 (not a first visit)
    people = frame_with(app, "Shares received (¥)").set_index("Name")
    assert people.loc["钱七", "Payable (¥)"] == 750 + 150 - 4 * 549  # negative, not floored
    deals = frame_with(app, "Reason").set_index("Deal")
    assert deals.loc["D1", "Reason"] == "Referral by 赵六: 50.0% of the commission (CR4)"
    assert deals.loc["D3", "Reason"] == "Void: already registered by 李四 on 2025-12-01"
    assert deals.loc["D7", "Reason"] == "Void: no registration found"
    assert deals.loc["D10", "Reason"] == "No base rate in force for 备件"
    assert deals.loc["D10", "Base commission (¥)"] == 0
    claims = frame_with(app, "Claimed by")
    assert sorted(claims["Deal"]) == ["D3", "D4", "D5", "D6", "D8"]


def test_commissions_what_if_changes_the_payable_without_writing(on_fixture):
    app = page("pages/commissions.py", lang="en", preset="ytd")
    app.number_input(key="whatif_share").set_value(40.0).run()
    assert not app.exception
    assert metrics(app)["Commission payable"][0] == "¥7,129"  # shares move between people: total unchanged
    people = frame_with(app, "Change (¥)").set_index("Name")
    assert people.loc["赵六", "Change (¥)"] == -400  # D1: 40 % instead of 50 % of ¥4,000
    assert "Nothing is saved" in app.info[0].value
    app.number_input(key="whatif_bonus").set_value(300.0).run()
    assert metrics(app)["Commission payable"][0] == "¥7,429"  # D9: 3 × ¥300 instead of 3 × ¥200
    from store import db
    rules = db.shared_connection().execute("SELECT rule_id, value FROM commission_rules WHERE kind <> 'base_rate'")
    assert dict(rules.fetchall()) == {"CR4": 0.5, "CR5": 200}  # the store's rules are untouched


def test_commissions_page_in_chinese_and_empty(on_fixture):
    app = page("pages/commissions.py", lang="zh", preset="ytd")
    assert not app.exception
    assert "个人提成明细（用于发薪）" in [h.value for h in app.subheader]
    assert "无效：非首次到访" in set(frame_with(app, "原因")["原因"])
    empty = page("pages/commissions.py", lang="en", values={"regions": ("R9",), "salespeople": (), "tiers": (),
                                                           "industries": (), "product_lines": ()})
    assert not empty.exception and "No data for" in empty.info[0].value


def test_overlapping_commission_rules_stop_the_page_with_their_names(altered, monkeypatch):
    path, _ = altered("INSERT INTO commission_rules VALUES"
                      " ('CR9', 'referral_share', NULL, 0.3, DATE '2026-03-01', NULL)")
    monkeypatch.setenv("COCKPIT_DB", str(path))
    app = page("pages/commissions.py", lang="en", preset="ytd")
    assert not app.exception
    assert "CR4 ↔ CR9" in app.error[0].value and not app.metric


def test_expenses_page_on_the_fixture(on_fixture):
    app = page("pages/expenses.py", lang="en", preset="ytd")
    assert not app.exception
    shown = metrics(app)
    # budget to 15 Mar: Jan 1,500 + Feb 1,800 + Mar 1,000 × 15/31 = 3,783.87; spent 3,600
    assert (shown["Budget"][0], shown["Spent"][0], shown["Control ratio"][0]) == ("¥3,784", "¥3,600", "95.1%")
    assert shown["Overruns"][0] == "2"
    overruns = frame_with(app, "Over by (¥)")
    assert list(overruns["Flag"]) == ["Over budget", "No budget", "Over budget"]
    assert "¥200 spent without a budget (1 items)" in [c.value for c in app.caption]
    app.segmented_control(key="expense_group").set_value("category").run()
    categories = frame_with(app, "Control ratio (%)").set_index("Group")
    assert categories.loc["Entertainment", "Spent (¥)"] == 0  # a budget with no spend: ratio 0, not flagged
    assert categories.loc["Other", "No budget"]  # spend with no budget: flagged, no ratio
    assert pd.isna(categories.loc["Other", "Control ratio (%)"])


def test_expenses_page_in_chinese_and_empty(on_fixture):
    app = page("pages/expenses.py", lang="zh", preset="ytd")
    assert not app.exception
    assert "年度预算使用进度" in [h.value for h in app.subheader]
    empty = page("pages/expenses.py", lang="en", values={"regions": ("R9",), "salespeople": (), "tiers": (),
                                                        "industries": (), "product_lines": ()})
    assert not empty.exception and "No data for" in empty.info[0].value


def test_scorecard_page_on_the_fixture(on_fixture):
    app = page("pages/scorecard.py", lang="en", preset="ytd")
    assert not app.exception
    # the store's today is 15 Mar 2026: the default month is February, due by 26 March
    assert any("The appraisal form for 2026-02 is due by 2026-03-26. 11 days left." in c.value for c in app.caption)
    form = frame_with(app, "Weighted score")
    assert list(form["Name"]) == ["王五", "李四", "张三"]  # 51.25, 30, 21.39 (tests/test_kpis.py)
    assert list(form["Weighted score"]) == [51.25, 30.0, 21.39]
    # what was not scored is said beneath the form, with whom
    assert any(seen(c.value).startswith("not scored: Expense control、Revisit-plan completion")
               and c.value.endswith("李四") for c in app.caption)
    assert "min(actual ÷ target, 1.2) × 100" in app.markdown[0].value  # the formula is on the page


def test_scorecard_page_in_chinese_empty_and_with_bad_weights(on_fixture, altered, monkeypatch):
    app = page("pages/scorecard.py", lang="zh", preset="ytd")
    assert not app.exception
    assert "加权总分" in frame_with(app, "加权总分").columns
    empty = page("pages/scorecard.py", lang="en", values={"regions": ("R9",), "salespeople": (), "tiers": (),
                                                         "industries": (), "product_lines": ()})
    assert not empty.exception and "No salesperson to appraise" in empty.info[0].value
    path, _ = altered("UPDATE scorecard_weights SET weight = 5 WHERE component = 'new_customers'")
    monkeypatch.setenv("COCKPIT_DB", str(path))
    bad = page("pages/scorecard.py", lang="en", preset="ytd")
    assert not bad.exception
    assert "add up to 95, not 100" in bad.error[0].value


def test_target_tiles_keep_their_target_when_another_metric_has_none(altered, monkeypatch):
    # Only sales targets left: the sales tile still compares with its target (47.2 %, as in
    # test_overview_tiles_show_the_fixture_figures); gross profit and collections say "No target".
    path, _ = altered("DELETE FROM targets WHERE metric <> 'sales'")
    monkeypatch.setenv("COCKPIT_DB", str(path))
    app = page("app.py", lang="en", preset="ytd")
    assert not app.exception
    assert metrics(app)["Sales"] == ("¥23,500", "47.2% of target")
    assert not metrics(app)["Gross profit"][1]
    # Only collections targets left: the Receivables tile compares collections 7,700 with
    # (8000 + 5000 + 4000) × 2 + 17000 × 15/31 = 42,225.81 → 18.2 %.
    path, _ = altered("DELETE FROM targets WHERE metric <> 'collections'")
    monkeypatch.setenv("COCKPIT_DB", str(path))
    app = page("pages/receivables.py", lang="en", preset="ytd")
    assert not app.exception
    assert metrics(app)["Collections vs target"] == ("¥7,700", "18.2% of target")


def test_the_scorecard_of_one_salesperson_with_components_nobody_has(on_fixture):
    # 李四 (S2) in February: no expense budget, no revisit plan and no complaint, so three
    # components have no figure for anyone shown; the form says so instead of crashing.
    app = page("pages/scorecard.py", lang="en", preset="ytd",
               values={"regions": (), "salespeople": ("S2",), "tiers": (), "industries": (), "product_lines": ()})
    assert not app.exception
    form = frame_with(app, "Weighted score")
    assert list(form["Name"]) == ["李四"] and list(form["Weighted score"]) == [30.0]
    scored = next(d for d in app.dataframe if "Weighted score" in d.value.columns)
    cells = shown_cells(scored)
    assert cells.iloc[0]["Revisit-plan completion"] == "—"  # its score: nothing to score
    drawn = json.loads(scored.proto.columns)["Weighted score"]
    assert (drawn["type_config"]["format"], drawn["type_config"]["step"]) == ("localized", 0.01)  # 30.00


def test_tables_round_money_half_up_and_show_missing_as_a_dash(altered, monkeypatch):
    # One sales line of 875,823.84 on 2 March and a return of −97,073.76: the table shows
    # whole yuan rounded half-up (875,824 and −97,074), never cut (875,823 / −97,073).
    path, _ = altered(
        "INSERT INTO sales SELECT 901, 901, DATE '2026-03-02', 'C1', product_id, 1, 875823.84, 0, 'S1', 'R1' "
        "FROM products LIMIT 1",
        "INSERT INTO sales SELECT 902, 902, DATE '2026-03-02', 'C1', product_id, -1, -97073.76, 0, 'S1', 'R1' "
        "FROM products LIMIT 1")
    monkeypatch.setenv("COCKPIT_DB", str(path))
    app = opened("pages/targets.py")
    app.session_state["filter_state"] = FilterState(lang="en")
    app.session_state["targets_heatmap"] = {
        "selection": {"points": [{"x": "2026-03", "y": "张三", "customdata": ["S1", "2026-03"]}],
                      "point_indices": [0], "box": [], "lasso": []}}
    app.run()
    assert not app.exception
    lines = next(d for d in app.dataframe if "Line" in d.value.columns)
    amount = [c for c in lines.value.columns if c.startswith("Amount")][0]
    shown = lines.value.set_index("Line")[amount]
    assert shown[901] == 875824 and shown[902] == -97074
    # drawn with thousands separators and no decimals: 875,824
    assert json.loads(lines.proto.columns)[amount]["type_config"]["format"] == "localized"
    # the attainment table of a month with no target yet shows — where there is no figure
    attainment = shown_cells(app.dataframe[0])
    assert not attainment.isin(["None", "nan", "NaN", "<NA>"]).any().any()


def test_targets_of_salespeople_without_a_region_are_named_as_such(altered, monkeypatch):
    # The head (H1) has no region; give them a January sales target of 1,000. By region the
    # page shows North, South and a "No region" row with plan 1,000 and actual 0 — never a row
    # called "Department". The department's January plan is 10000 + 6000 + 5000 + 1000 = 22,000.
    path, run = altered("INSERT INTO targets VALUES ('H1', DATE '2026-01-01', 'sales', 1000, 1000)")
    monkeypatch.setenv("COCKPIT_DB", str(path))
    app = page("pages/targets.py", lang="en")
    assert not app.exception
    january = app.dataframe[0].value.query("Period == '2026-01'").set_index("Name")
    assert sorted(january.index) == ["No region", "North", "South"]
    assert january.loc["No region", "Plan"] == 1000 and january.loc["No region", "Actual"] == 0
    zh = page("pages/targets.py", lang="zh")
    assert "未分配区域" in set(zh.dataframe[0].value["名称"]) and "全部门" not in set(zh.dataframe[0].value["名称"])
    from queries.filters import Filters
    department = run("attainment", Filters(dt.date(2026, 1, 1), dt.date(2026, 1, 31)), level="department",
                     grain="period")
    assert department.query("metric == 'sales'").plan_target.iloc[0] == 22000


def test_in_chinese_large_amounts_read_in_wan_and_codes_by_their_names(demo_store, monkeypatch):
    import queries
    from queries.filters import Filters

    path, _ = demo_store
    monkeypatch.setenv("COCKPIT_DB", str(path))
    app = page("pages/targets.py", lang="zh", preset="ytd")
    assert not app.exception
    shown = app.dataframe[0].value
    assert "实际（万元）" in shown.columns and "计划目标（万元）" in shown.columns
    regions = queries.run_filtered("attainment", Filters(dt.date(2026, 1, 1), dt.date(2026, 11, 23)),
                                   level="region", grain="month")
    first = regions[regions.metric == "sales"].iloc[0]
    label = f"{first.bucket_start.year}年{first.bucket_start.month}月"  # months read 2026年1月 in Chinese
    row = shown[(shown["期间"] == label) & (shown["名称"] == first.node_name)].iloc[0]
    assert row["实际（万元）"] == pytest.approx(round(first.actual_value / 10_000, 2), abs=0.005)
    ranking = next(d.value for d in app.dataframe if "排名" in d.value.columns)
    assert set(ranking["区域"]) <= {"桂城", "平洲", "大沥", "盐步", "黄岐", "罗村", "狮山", "丹灶", "西樵", "九江"}
    # a table's money columns share one unit: the aging table's "over 180 days" (all ¥0 in the
    # demo store) reads in 万元 beside buckets of millions
    recv = page("pages/receivables.py", lang="zh", preset="ytd")
    aging = next(d.value for d in recv.dataframe if "分组" in d.value.columns)
    assert "180天以上（万元）" in aging.columns and (aging["180天以上（万元）"] == 0).all()
    assert all(c.endswith("（万元）") for c in aging.columns if "元" in c)
    # two years of month ends read by month on the axis: 2025年1月, never 2025-01-01
    trend = [json.loads(c.proto.spec) for c in recv.get("plotly_chart")
             if json.loads(c.proto.spec)["data"][0].get("mode") == "lines+markers"][0]
    assert trend["layout"]["xaxis"]["tickformat"] == "%Y年%-m月"


def test_a_link_with_page_controls_reopens_the_same_view(on_fixture):
    app = opened("pages/targets.py")
    app.query_params.update({"lang": "en", "measure": "gross_profit", "level": "salesperson", "grain": "quarter"})
    app.run()
    assert not app.exception
    shown = app.dataframe[0].value
    assert set(shown["Name"]) == {"张三", "李四", "王五"} and set(shown["Period"]) == {"2026Q1"}
    # 2026 Q1 gross profit to 15 March of 王五 (S3): 4,750 (tests/test_kpis.py, the South)
    assert shown.set_index("Name").loc["王五", "Actual"] == 4750
    assert (app.query_params["measure"], app.query_params["level"], app.query_params["grain"]) == (
        "gross_profit", "salesperson", "quarter")
    bad = opened("pages/targets.py")
    bad.query_params.update({"lang": "en", "measure": "'; DROP TABLE targets; --", "grain": "decade"})
    bad.run()
    assert not bad.exception and bad.query_params["measure"] == "sales" and bad.query_params["grain"] == "month"


def test_monthly_reports_default_to_the_last_complete_month(demo_store, monkeypatch):
    # The demo store's today is 23 November: November is in progress, so the competitor report
    # and the scorecard open on October, and November is marked as in progress.
    path, _ = demo_store
    monkeypatch.setenv("COCKPIT_DB", str(path))
    for name in ("pages/competitors.py", "pages/scorecard.py"):
        app = page(name, lang="en")
        assert not app.exception
        month = app.selectbox[0]
        assert month.value == dt.date(2026, 10, 1)
        assert "2026-11 (in progress)" in month.options


def test_a_link_naming_a_chart_element_reopens_the_narrowed_view(on_fixture):
    # The heatmap cell 张三 (S1) × January: its 7,000 of sales lines (L7, L8), as a click shows.
    app = opened("pages/targets.py")
    app.query_params.update({"lang": "en", "cell": "S1:2026-01"})
    app.run()
    assert not app.exception
    lines = next(d.value for d in app.dataframe if "Line" in d.value.columns)
    assert lines.iloc[:, [c.startswith("Amount") for c in lines.columns]].sum().iloc[0] == 7000
    assert app.query_params["cell"] == "S1:2026-01"
    app.button(key="targets_heatmap_show_all").click().run()  # back to the ranking
    assert "cell" not in app.query_params and any("Ranking for the period" in c.value for c in app.caption)
    # The South's amount over 180 days (I10 of C3), as a click on that bar shows.
    app = opened("pages/receivables.py")
    app.query_params.update({"lang": "en", "pick": "R2:over_180"})
    app.run()
    worklist = next(d.value for d in app.dataframe if "Days past due" in d.value.columns)
    assert list(worklist["Customer"]) == ["丙商贸有限公司"]
    # a link naming something that is not on the chart is ignored
    app = opened("pages/targets.py")
    app.query_params.update({"lang": "en", "cell": "S9:1999-01"})
    app.run()
    assert not app.exception and "cell" not in app.query_params


def test_the_statement_shows_rates_as_percentages_and_bonuses_in_yuan(on_fixture):
    app = page("pages/commissions.py", lang="en", preset="ytd")
    assert not app.exception
    rules = frame_with(app, "Rate or amount")["Rate or amount"].dropna()
    assert len(rules) and all(v.endswith("%") or v.startswith("¥") for v in rules)
    assert "2.00%" in set(rules) or "50.00%" in set(rules)  # the base rate CR1 (0.02) or the referral share (0.5)


def test_the_data_page_says_whose_today_and_lets_it_follow_the_data(altered, monkeypatch):
    # The fixture store is pinned to 15 March 2026; its latest fact is earlier or the same day.
    path, _ = altered()
    monkeypatch.setenv("COCKPIT_DB", str(path))
    app = page("pages/data.py", lang="en")
    assert not app.exception
    assert any("is as of 2026-03-15, a date set by hand" in c.value for c in app.caption)
    app.button(key="today_follow").click().run()
    assert not app.exception
    follows = next(c.value for c in app.caption if "the date of the latest data imported" in c.value)
    from store import db

    con = db.connect(path)
    latest = con.execute("""SELECT greatest((SELECT max(order_date) FROM sales), (SELECT max(issue_date) FROM invoices),
                                            (SELECT max(paid_on) FROM payments), (SELECT max(visit_date) FROM visits),
                                            (SELECT max(survey_date) FROM surveys),
                                            (SELECT max(received_at)::DATE FROM complaints),
                                            (SELECT max(expense_date) FROM expenses),
                                            (SELECT max(close_date) FROM deals),
                                            (SELECT max(activity_date) FROM activities),
                                            (SELECT max(note_date) FROM competitor_notes))""").fetchone()[0]
    assert f"is as of {latest.isoformat()}," in follows


def test_pipeline_page_on_the_fixture(on_fixture):
    app = page("pages/pipeline.py", lang="en", preset="ytd")
    assert not app.exception
    shown = metrics(app)
    # the department this quarter: O2 35000 + O5 2000 weighted; the department's Q1 plan 48000 + 10000
    # less 12000 + 11500 sold is 34500 still to reach (South's surplus counts against North's gap)
    assert shown["Weighted pipeline"][0] == "¥37,000"
    assert shown["Pipeline coverage"][0] == "107.2%"  # 37000 ÷ 34500
    assert shown["Contracts signed in 24 h"][0] == "33.3%"  # CT1 of CT1–CT3
    assert shown["Instalments due, not collected"][0] == "¥9,000"  # CT1 #1 1000 + CT2 #2 8000
    funnel = next(d.value for d in app.dataframe if "Reached" in d.value.columns)
    assert funnel["Stage"].tolist() == ["Lead", "Approved project", "Proposal / quote", "Negotiation", "Won (signed)"]
    attention = next(d.value for d in app.dataframe if "Why" in d.value.columns)
    # stalled after 30 days (the default): none; O5 is approved without a plan, O2 has an action overdue
    assert attention["Customer or prospect"].tolist() == ["庚建材有限公司", "戊科技有限公司"]
    assert attention["Why"].tolist() == ["no plan", "late actions: 1"]
    contracts = next(d.value for d in app.dataframe if "24-hour clock" in d.value.columns)
    assert contracts["24-hour clock"].tolist() == ["Late", "In time", "Late"]  # CT2, CT1, CT3: longest wait first
    assert contracts["Review"].tolist() == ["Awaiting GM review", "Awaiting first review", "Awaiting signature"]


def test_pipeline_page_in_chinese_with_a_stalled_setting_and_empty(on_fixture):
    app = opened("pages/pipeline.py")
    app.session_state["filter_state"] = FilterState(lang="zh", preset="ytd")
    app.session_state["pipe_stalled"] = 14
    app.run()
    assert not app.exception
    assert "客户开发" in [t.value for t in app.title]
    attention = next(d.value for d in app.dataframe if "关注原因" in d.value.columns)
    assert attention["客户/潜在客户"].tolist() == ["丙商贸有限公司", "庚建材有限公司", "戊科技有限公司"]  # O4, O5, O2
    assert attention["阶段"].tolist() == ["方案/报价", "立项", "谈判"]
    # to 15 Mar: O4 since 20 Feb, 23 days; O5 since 1 Mar, 14 days (stalled at 14), no plan; O2 since
    # 5 Mar, 10 days, A2 overdue
    assert attention["关注原因"].tolist() == ["停滞 23 天", "停滞 14 天 · 无开发计划", "1 项行动逾期"]
    assert "None" not in str(attention.values.tolist())
    empty = page("pages/pipeline.py", lang="en", preset="custom", start=dt.date(2030, 1, 1), end=dt.date(2030, 12, 31))
    assert not empty.exception
    assert "No opportunity was created in this period." in [i.value for i in empty.info]
    assert "No opportunity was won or lost, and no bid noted, in this period." in [c.value for c in empty.caption]


def test_a_click_on_the_coverage_chart_narrows_the_attention_list(on_fixture):
    app = opened("pages/pipeline.py")
    app.session_state["filter_state"] = FilterState(lang="en", preset="ytd")
    app.session_state["pipe_coverage_chart"] = {
        "selection": {"points": [{"y": "South", "x": 2000, "customdata": ["R2"]}],
                      "point_indices": [0], "box": [], "lasso": []}}
    app.run()
    assert not app.exception
    attention = next(d.value for d in app.dataframe if "Why" in d.value.columns)
    assert attention["Customer or prospect"].tolist() == ["庚建材有限公司"]  # O5; O2 is North's
    assert any("Narrowed to South" in c.value for c in app.caption)
