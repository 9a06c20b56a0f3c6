"""Real-browser tests (Debian's Chromium via Playwright) of what only a browser shows:
the URL following the filters, a link reopening the same view, filters surviving a page
switch, Chinese rendering, the CSV download, and a console free of errors."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.conftest import _SERVED_HEAD, console_errors, head_context

pytestmark = pytest.mark.browser


def wait_ready(page) -> None:
    page.get_by_text("Data as of").or_(page.get_by_text("数据截至")).first.wait_for(timeout=60_000)
    page.wait_for_load_state("networkidle")


def sales_tile(page) -> str:
    tile = page.locator('[data-testid="stMetric"]').filter(has_text="Sales").first
    tile.wait_for(timeout=60_000)
    return tile.locator('[data-testid="stMetricValue"]').inner_text()


def settle(page) -> None:
    """Wait until Streamlit has finished its current run (the running indicator is gone) and
    drawn what it sent (no placeholder left)."""
    from tools.screenshots import DRAWN

    page.wait_for_timeout(1_000)  # a rerun an interaction triggered may take a moment to start
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=60_000)
    page.wait_for_function(DRAWN, timeout=60_000)


def download_csv(button, tries: int = 4) -> tuple[str, list[dict]]:
    """Click a download button once the app is idle; the file's name and its rows (it must
    open as Excel expects). A click that lands while a rerun replaces the button yields no
    file, as it would for a person, who clicks again: so do we, a few times."""
    for attempt in range(tries):
        settle(button.page)
        try:
            with button.page.expect_download(timeout=15_000) as download:
                button.click()
            break
        except PlaywrightTimeoutError:
            if attempt == tries - 1:
                raise
    data = open(download.value.path(), "rb").read()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    return download.value.suggested_filename, list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def back_to_overview_with_dali(page) -> None:
    """Return to the Overview by its link: the region Dali (R03) must still be chosen."""
    page.get_by_role("link", name="Overview").click()
    page.get_by_text("Sales pacing").wait_for(timeout=60_000)
    assert "region=R03" in page.url
    assert page.locator('[data-testid="stMultiSelect"]').filter(has_text="Dali").count() == 1
    assert console_errors(page) == []


def choose(page, label: str, option: str, tries: int = 3) -> None:
    """Pick an option of a sidebar multiselect. The list may close under a rerun that was
    still on its way (the sidebar is taller than the window, so the click scrolls first):
    then, as a person would, open it again."""
    for attempt in range(tries):
        settle(page)
        page.locator('[data-testid="stMultiSelect"]').filter(has_text=label).click()
        try:
            page.get_by_role("option", name=option).click(timeout=10_000)
            break
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
            if attempt == tries - 1:
                raise
    page.keyboard.press("Escape")


def test_the_url_follows_the_filters_and_reopens_the_same_view(served_app, browser, page):
    page.goto(served_app)
    wait_ready(page)
    everyone = sales_tile(page)
    choose(page, "Region", "Pingzhou")
    page.wait_for_function("() => window.location.search.includes('region=R02')", timeout=30_000)
    page.wait_for_function(f"() => !document.body.innerText.includes('{everyone}')", timeout=30_000)
    pingzhou = sales_tile(page)
    link = page.url
    fresh = head_context(browser, served_app, viewport={"width": 1400, "height": 900})
    try:
        other = fresh.new_page()
        other.goto(link)
        wait_ready(other)
        assert sales_tile(other) == pingzhou != everyone
        assert other.locator('[data-testid="stMultiSelect"]').filter(has_text="Pingzhou").count() == 1
    finally:
        fresh.close()
    assert console_errors(page) == []


def test_filters_survive_a_page_switch_and_back(served_app, page):
    page.goto(served_app + "/?region=R03&tier=A")
    wait_ready(page)
    page.get_by_role("link", name="Data").click()
    page.get_by_text("Customer archive completeness").first.wait_for(timeout=60_000)
    assert "region=R03" in page.url and "tier=A" in page.url
    assert page.locator('[data-testid="stMultiSelect"]').filter(has_text="Dali").count() == 1
    back_to_overview_with_dali(page)


def test_switching_to_chinese_renders_it_and_the_alerts_csv_opens_in_excel(served_app, page, tmp_path):
    page.goto(served_app)
    wait_ready(page)
    page.get_by_text("简体中文").click()
    page.get_by_text("异常客户预警").wait_for(timeout=60_000)
    page.wait_for_function("() => window.location.search.includes('lang=zh')", timeout=30_000)
    page.locator('[data-testid="stMetric"]').filter(has_text="销售额").first.wait_for(timeout=60_000)
    name, rows = download_csv(page.locator('[data-testid="stDownloadButton"]').last)
    assert name.startswith("overview-alerts_2026-01-01_2026-11-23")
    assert list(rows[0])[:5] == ["客户名称", "等级", "负责人", "风险金额（元）", "预警原因"]
    assert any("逾期90天以上 ¥" in row["预警原因"] for row in rows)  # the sliding customers, with the amount
    # The screen lists the 20 most at risk; the CSV all of them, as its button says.
    label = page.locator('[data-testid="stDownloadButton"]').last.inner_text()
    assert f"下载全部 {len(rows):,} 条" in label and len(rows) > 200
    assert console_errors(page) == []


def test_a_bad_link_shows_a_notice_and_the_page_still_renders(served_app, page):
    page.goto(served_app + "/?region=R99&period=custom&start=2026-13-01&end=2026-01-01")
    wait_ready(page)
    notice = page.locator('[data-testid="stAlert"]').first.inner_text()
    assert "R99" in notice and "2026-13-01" in notice
    assert "region=" not in page.url  # the bad value is gone from the link too
    page.get_by_text("Sales pacing").wait_for(timeout=60_000)
    assert console_errors(page) == []


def test_a_region_set_on_the_overview_is_kept_on_targets_and_back(served_app, page):
    page.goto(served_app)
    wait_ready(page)
    choose(page, "Region", "Dali")
    page.wait_for_function("() => window.location.search.includes('region=R03')", timeout=30_000)
    page.get_by_role("link", name="Targets").click()
    page.get_by_text("Attainment against plan and stretch").wait_for(timeout=60_000)
    assert "/targets" in page.url and "region=R03" in page.url
    assert page.locator('[data-testid="stMultiSelect"]').filter(has_text="Dali").count() == 1
    back_to_overview_with_dali(page)


def test_a_link_with_page_controls_reopens_the_same_view_in_a_fresh_browser(served_app, browser, page):
    page.goto(served_app + "/targets?region=R05")
    page.get_by_text("Attainment against plan and stretch").wait_for(timeout=60_000)
    for button in ("Gross profit", "Salesperson", "Quarter"):
        settle(page)
        page.get_by_role("radio", name=button, exact=True).click()
    page.wait_for_function("() => ['measure=gross_profit', 'level=salesperson', 'grain=quarter', 'region=R05']"
                           ".every(p => window.location.search.includes(p))", timeout=30_000)
    link = page.url
    fresh = head_context(browser, served_app, viewport={"width": 1280, "height": 720})
    try:
        again = fresh.new_page()
        again.goto(link)
        again.get_by_text("Attainment against plan and stretch").wait_for(timeout=60_000)
        settle(again)
        checked = '[data-variant="segmented_control"][aria-checked="true"]'
        again.wait_for_function(f"() => document.querySelectorAll('{checked}').length === 3", timeout=60_000)
        active = again.locator(checked).all_inner_texts()
        assert [a.strip() for a in active] == ["Gross profit", "Salesperson", "Quarter"]
        assert again.locator('[data-testid="stMultiSelect"]').filter(has_text="Huangqi").count() == 1
    finally:
        fresh.close()
    assert console_errors(page) == []


def test_clicking_a_heatmap_cell_narrows_the_table_to_its_lines(served_app, page):
    page.goto(served_app + "/targets?region=R05")  # a link straight to the page
    page.get_by_text("Ranking for the period").wait_for(timeout=60_000)
    heatmap = page.locator('[data-testid="stPlotlyChart"]').nth(1)
    heatmap.scroll_into_view_if_needed()
    heatmap.locator(".scatterlayer .trace .points path").nth(3).click(force=True)
    page.get_by_text("sales lines behind this cell").wait_for(timeout=60_000)
    assert page.get_by_text("Ranking for the period").count() == 0  # the ranking gave way
    assert console_errors(page) == []


def _worklist_rows(page) -> list[dict]:
    name, rows = download_csv(page.locator('[data-testid="stDownloadButton"]').nth(2))  # aging, trend, worklist
    assert name.startswith("receivables-worklist_")
    return rows


def test_clicking_an_aging_bar_narrows_the_collections_worklist(served_app, page):
    page.goto(served_app)
    wait_ready(page)
    page.get_by_role("link", name="Receivables").click()
    page.get_by_text("Collections worklist").wait_for(timeout=60_000)
    everyone = _worklist_rows(page)
    assert list(everyone[0])[:3] == ["Customer ID", "Customer", "Owner"]  # translated headers
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.scroll_into_view_if_needed()
    bars = chart.locator(".barlayer .trace").nth(3).locator("path")  # the 91–180 days bucket (overdue only)
    wide = next(i for i in range(bars.count()) if (bars.nth(i).bounding_box() or {}).get("width", 0) > 3)
    bars.nth(wide).click(force=True)
    page.get_by_text("91–180 days (click the chart").wait_for(timeout=60_000)
    narrowed = _worklist_rows(page)
    assert 0 < len(narrowed) < len(everyone)
    assert all(float(row["91–180 days (¥)"]) > 0 for row in narrowed)
    assert console_errors(page) == []


def test_the_quota_table_switches_from_weeks_to_months(served_app, page):
    page.goto(served_app)
    wait_ready(page)
    page.get_by_role("link", name="Visits & activity").click()
    page.get_by_text("Weekly activity quotas and fines").wait_for(timeout=60_000)
    page.get_by_text("Short of quota four weeks or more in a row").wait_for(timeout=60_000)  # the planted story
    buttons = page.locator('[data-testid="stDownloadButton"]')
    buttons.nth(6).wait_for(timeout=60_000)  # all seven drawn: revisits ×2, three lists, quotas, volume
    name, weekly = download_csv(buttons.nth(5))
    assert name.startswith("visits-quotas-by-week_")
    page.get_by_text("By month", exact=True).click()
    for _ in range(60):  # until the rerun has drawn the monthly table and its button
        buttons.nth(6).wait_for(timeout=60_000)
        name, monthly = download_csv(buttons.nth(5))
        if name.startswith("visits-quotas-by-month_"):
            break
        page.wait_for_timeout(500)
    assert name.startswith("visits-quotas-by-month_")
    assert 0 < len(monthly) < len(weekly)
    assert sum(float(r["Fine (¥)"]) for r in monthly) == pytest.approx(sum(float(r["Fine (¥)"]) for r in weekly))
    assert console_errors(page) == []


def test_a_customers_timeline_follows_the_chosen_customer(served_app, page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(served_app)
    wait_ready(page)
    page.get_by_role("link", name="CSAT & complaints").click()
    page.get_by_text("A customer's history: surveys, complaints, visits").wait_for(timeout=60_000)
    picker = page.get_by_role("combobox", name="Customer", exact=True)
    picker.scroll_into_view_if_needed()
    picker.click()
    option = page.get_by_role("option").nth(1)
    chosen = option.inner_text()
    option.click()
    customer = chosen.rsplit("(", 1)[1].rstrip(")")
    for _ in range(60):  # until the rerun has drawn that customer's timeline and its button
        name, rows = download_csv(page.locator('[data-testid="stDownloadButton"]').last)
        if customer in name:
            break
        page.wait_for_timeout(500)
    assert name.startswith(f"satisfaction-timeline-{customer}")
    assert rows and {row["Type"] for row in rows} <= {"Survey", "Complaint", "Visit"}  # codes by their labels
    assert dialogs == [] and console_errors(page) == []


def test_searching_the_competitor_notes(served_app, page):
    page.goto(served_app)
    wait_ready(page)
    page.get_by_role("link", name="Competitors").click()
    page.get_by_text("Field notes").wait_for(timeout=60_000)
    _, everything = download_csv(page.locator('[data-testid="stDownloadButton"]').last)
    box = page.get_by_label("Search the notes")
    box.fill("招标")
    box.press("Enter")
    for _ in range(60):  # until the rerun has drawn the narrowed notes and their button
        _, found = download_csv(page.locator('[data-testid="stDownloadButton"]').last)
        if len(found) < len(everything):
            break
        page.wait_for_timeout(500)
    assert 0 < len(found) < len(everything)
    assert all("招标" in row["Note"] for row in found)
    assert console_errors(page) == []


def test_a_commission_statement_downloads_ready_for_payroll(served_app, page):
    page.goto(served_app)
    wait_ready(page)
    page.get_by_role("link", name="Commissions").click()
    page.get_by_text("Statement for payroll").wait_for(timeout=60_000)
    button = page.locator('[data-testid="stDownloadButton"]').filter(has_text="Statement of")
    button.wait_for(timeout=60_000)
    person = button.inner_text().split("Statement of ", 1)[1].removesuffix("(CSV)").strip()
    name, rows = download_csv(button)
    assert name.startswith("commissions-statement-S") and name.endswith(".csv")
    assert list(rows[0])[:3] == ["Date", "Type", "Deal"] and {"Rule", "Rate or amount", "Reason"} <= set(rows[0])
    *lines, total = rows
    assert total["Type"] == "Total payable" and lines
    # the total is the sum of the lines, to the fen, and every line says what it is
    assert round(sum(float(r["Amount (¥)"]) for r in lines), 2) == float(total["Amount (¥)"])
    assert all(r["Type"] for r in lines)
    # and it is the total the page shows for the person picked
    assert person
    shown = page.locator('[data-testid="stMetric"]').filter(has_text="Total payable")
    assert shown.locator('[data-testid="stMetricValue"]').inner_text() == f"¥{float(total['Amount (¥)']):,.0f}"
    # the deal list's CSV carries the rule each deal was paid by, written when it is asked for
    name, deals = download_csv(page.locator('.st-key-deals_csv [data-testid="stDownloadButton"]'))
    assert name.startswith("commissions-deals-all")
    paid = [d for d in deals if float(d["Base commission (¥)"]) > 0]
    assert paid and all(re.fullmatch(r"\d+\.\d\d % × ¥[\d,.]+ \(\S+\)", d["Rule"]) for d in paid), paid[:3]
    assert console_errors(page) == []


def test_the_scorecard_csv_is_the_appraisal_form(served_app, page):
    page.goto(served_app + "/scorecard?lang=zh")
    page.get_by_text("绩效考核表须于").wait_for(timeout=60_000)
    name, rows = download_csv(page.locator('[data-testid="stDownloadButton"]').first)
    assert name.startswith("scorecard-2026-10_")  # today is 23 Nov: the form due is October's
    assert list(rows[0])[:5] == ["排名", "姓名", "区域", "销售额达成率 (%)", "销售额达成率 · 得分"]
    totals = [float(r["加权总分"]) for r in rows if r["加权总分"]]
    assert len(totals) > 10 and totals == sorted(totals, reverse=True)
    assert [int(r["排名"]) for r in rows[:3]] == [1, 2, 3] or totals[0] == totals[1]
    assert all(0 <= t <= 120 for t in totals)
    assert console_errors(page) == []


@pytest.fixture
def own_app(tmp_path, page):
    """A dashboard over a store of its own, for a test that writes to it (`page` logged in as its head)."""
    from store import demo
    from tests.conftest import AS_OF, SEED
    from tools.serve import serving, session_for, sign_in

    path = tmp_path / "own.duckdb"
    demo.build(path, seed=SEED, as_of=AS_OF, scale="small", progress=lambda _: None)
    token = session_for(path, "head")
    with serving(path) as url:
        sign_in(page.context, url, token)
        yield url


def test_importing_a_gbk_file_from_the_data_page(own_app, page, tmp_path):
    page.goto(own_app + "/data")
    page.get_by_text("Import a table").wait_for(timeout=60_000)
    upload = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    # a bad file first: a region without its Chinese name — nothing is written, the row is named
    bad = tmp_path / "regions-bad.csv"
    bad.write_bytes("region_id,name_zh,name_en\r\nR11,,Lishui\r\n".encode("gbk"))
    upload.set_input_files(str(bad))
    page.get_by_role("button", name="Check and import 1 rows into regions").click()
    page.get_by_text("Nothing was imported").wait_for(timeout=60_000)
    assert page.get_by_text("Nothing was imported: 1 problems in regions-bad.csv.").count() == 1
    name, rows = download_csv(page.locator('[data-testid="stDownloadButton"]').filter(has_text="Download CSV").first)
    assert name.startswith("import-problems-regions") and rows == [
        {"Row": "2", "Column": "name_zh", "Value": "", "Rule": "required: empty"}]
    # then a good one, in GBK as a Chinese Windows Excel saves it
    good = tmp_path / "区域.csv"
    good.write_bytes("区域编号,区域名称,英文名称\r\nR11,里水,Lishui\r\n".encode("gbk"))
    upload.set_input_files(str(good))
    page.get_by_text("read as GBK/GB18030").wait_for(timeout=60_000)
    page.get_by_role("button", name="Check and import 1 rows into regions").click()
    page.get_by_text("Imported 1 rows into regions").wait_for(timeout=60_000)
    # every page shows the new data at once: a link naming the new region is now valid
    page.goto(own_app + "/?region=R11")
    wait_ready(page)
    assert page.locator('[data-testid="stMultiSelect"]').filter(has_text="Lishui").count() == 1
    assert "R11" not in " ".join(page.locator('[data-testid="stAlert"]').all_inner_texts())
    assert console_errors(page) == []


def test_a_page_that_fails_says_so_in_the_readers_language(fixture_path, page, tmp_path):
    """A store missing its complaints table (damaged by hand, say): the Satisfaction page cannot
    be drawn. The reader gets a notice in Chinese with a reference, never a traceback or the
    error's text; the other pages still work."""
    import shutil

    from store import db
    from tools.serve import serving, session_for, sign_in

    path = tmp_path / "damaged.duckdb"
    shutil.copy(fixture_path, path)
    con = db.connect(path)
    con.execute("DROP TABLE complaints")
    con.close()
    token = session_for(path)
    with serving(path) as url:
        sign_in(page.context, url, token)
        page.goto(url + "/satisfaction?lang=zh")
        notice = page.get_by_text("此页面暂时无法显示")
        notice.wait_for(timeout=60_000)
        shown = page.locator('[data-testid="stMain"]').inner_text()
        assert re.search(r"请把编号 \d{6}-[0-9a-f]{4} 告知管理员", shown)
        assert "complaints" not in shown and "Traceback" not in shown and "Catalog" not in shown
        page.goto(url + "/targets?lang=zh")
        wait_ready(page)
        assert page.get_by_text("此页面暂时无法显示").count() == 0


def test_every_page_in_both_languages_on_a_projector(served_app, browser):
    """docs/screenshots/: every page at 1280×720 in English and Chinese, as the README shows."""
    from tools.screenshots import FOLDER, PAGES, shoot

    assert shoot(browser, served_app, _SERVED_HEAD[served_app]) == []
    for name, _ in PAGES:
        for lang in ("en", "zh"):
            assert (FOLDER / f"{name}-{lang}.png").stat().st_size > 20_000  # a drawn page, not a blank one


def test_a_command_line_import_while_the_dashboard_serves(fixture_path, page, tmp_path):
    """A nightly job imports while the dashboard runs: `python -m store import` hands the file
    to the dashboard (which holds the store), prints the outcome, and every page shows the new
    data at the next look. The fixture store's year to its today (15 March; the Overview's
    default period) sold 7,000 in January, 8,000 in February and 3,000 − 1,000 + 6,000 + 500
    = 8,500 in March: 23,500; a web order of 7,770 without a salesperson makes it 31,270."""
    import shutil
    import subprocess
    import sys

    from store import db
    from tools.serve import ROOT, serving, session_for, sign_in
    from ui import fmt

    path = tmp_path / "served.duckdb"
    shutil.copy(fixture_path, path)
    orders = tmp_path / "web-orders.csv"
    orders.write_text("line_id,order_id,order_date,customer_id,product_id,quantity,amount,salesperson_id,region_id\n"
                      "301,301,2026-03-03,C1,P1,1,7770,,R1\n", encoding="utf-8")
    token = session_for(path)
    with serving(path) as url:
        sign_in(page.context, url, token)
        page.goto(url + "/")
        wait_ready(page)
        assert sales_tile(page) == fmt.money(23500, "en")
        done = subprocess.run([sys.executable, "-m", "store", "import", "sales", str(orders), "--db", str(path)],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "handed to it" in done.stdout and "loaded 1 rows into sales" in done.stdout
        kept = subprocess.run([sys.executable, "-m", "store", "backup", "--db", str(path)],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)  # a copy, while it serves
        assert kept.returncode == 0 and "kept a copy of the store" in kept.stdout and "store version 4" in kept.stdout
        page.reload()
        wait_ready(page)
        assert sales_tile(page) == fmt.money(31270, "en")
    con = db.connect(path)  # the dashboard has stopped: the import log names the command line
    assert con.execute("SELECT imported_by, file_name, rows_loaded, outcome FROM import_log "
                       "ORDER BY import_id DESC LIMIT 1").fetchall() == [("cli", "web-orders.csv", 1, "ok")]
    con.close()


def test_logging_in_as_a_salesperson_shows_only_their_own_figures(fixture_path, page, tmp_path):
    """Once the store has accounts: without a session only the way to log in, and no figure in
    the page; the login form (in Chinese) refuses a wrong password, then a salesperson sees
    only their own sales (year to date S1: 5,000 + 2,000 + 3,000 − 1,000 = 9,000 of the
    department's 23,500), and a link naming another region cannot widen that. Five wrong
    passwords lock the account, each attempt audited with the name tried."""
    import shutil

    from store import accounts, db
    from tools.serve import serving

    path = tmp_path / "accounts.duckdb"
    shutil.copy(fixture_path, path)
    con = db.connect(path)
    password = accounts.add_user(con, "zhang", "salesperson", salesperson="S1", display_name="张三")
    accounts.add_user(con, "north", "regional_lead", region="R1")
    con.close()
    with serving(path) as url:
        page.goto(url + "/?lang=zh")
        page.get_by_text("请先登录再查看").wait_for(timeout=60_000)
        settle(page)
        assert "¥" not in page.content() and page.locator('[data-testid="stMetric"]').count() == 0
        page.goto(url + "/login?lang=zh")
        page.fill("#name", "zhang")
        page.fill("#password", "wrong")
        page.click("button")
        page.get_by_text("用户名或密码错误").wait_for(timeout=30_000)
        page.fill("#password", password)
        page.click("button")
        page.get_by_text("当前用户：张三").wait_for(timeout=60_000)
        page.goto(url + "/?lang=en&period=ytd")
        wait_ready(page)
        assert sales_tile(page) == "¥9,000"
        # a download is audited with who, which file and how many rows
        name, rows = download_csv(page.locator('[data-testid="stDownloadButton"]').first)
        # a salesperson's sidebar lists the pages they may open: no Data, no Users
        links = page.locator('[data-testid="stSidebarNav"], [data-testid="stSidebar"] a').all_inner_texts()
        assert "Targets" in " ".join(links) and not {"Data", "Users"} & {x.strip() for x in links}
        page.goto(url + "/?lang=en&period=ytd&region=R2")  # S1 sells in R1 only
        wait_ready(page)
        settle(page)
        assert "¥11,500" not in page.content() and "¥23,500" not in page.content()
        page.goto(url + "/?lang=en&period=ytd&sp=S3")  # 王五's sales (S3, 11,500 of R2) stay hidden too
        wait_ready(page)
        assert sales_tile(page) == "¥9,000" and "王五" not in page.content()
        for _ in range(6):  # the fifth failure locks; the sixth attempt is told so
            page.goto(url + "/login?lang=en")
            page.fill("#name", "north")
            page.fill("#password", "guess")
            page.click("button")
            page.locator(".problem").wait_for(timeout=30_000)
        assert "locked" in page.locator(".problem").inner_text()
    con = db.connect(path)
    try:
        tried = con.execute("SELECT count(*) FROM audit_log WHERE action = 'login' AND subject = 'north' "
                            "AND outcome = 'refused'").fetchone()[0]
        assert tried == 6
        assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'locked' AND subject = 'north'"
                           ).fetchone()[0] == 1
        exported = con.execute("SELECT user_name, detail FROM audit_log WHERE action = 'export'").fetchall()
        assert exported == [("zhang", f"{name} · {len(rows):,} rows")]
    finally:
        con.close()


def test_names_and_link_values_show_as_written_never_as_markdown(fixture_path, page, tmp_path):
    """A stored name and a link's value are shown as text wherever the page writes them into a
    line (the sidebar's "logged in as", the notice about a link's value): no image is fetched,
    no link made, nothing emphasised."""
    import shutil
    import urllib.parse

    from store import accounts, db
    from tools.serve import serving

    hostile = "![t](http://127.0.0.1:9/p.png) [x](javascript:alert(1)) **b** $x$ :red[r] <b>c</b>"
    path = tmp_path / "hostile.duckdb"
    shutil.copy(fixture_path, path)
    con = db.connect(path)
    accounts.add_user(con, "odd", "head", display_name=hostile)
    token = accounts.log_in(con, "odd", accounts.reset_password(con, "odd", by="test"))
    con.close()
    fetched = []
    page.on("request", lambda r: fetched.append(r.url) if "127.0.0.1:9/" in r.url else None)
    with serving(path) as url:
        from tools.serve import sign_in

        sign_in(page.context, url, token)
        page.goto(url + "/?lang=en&region=" + urllib.parse.quote(hostile))
        wait_ready(page)
        settle(page)
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        notice = " ".join(page.locator('[data-testid="stAlert"]').all_inner_texts())
        assert hostile in sidebar and hostile in notice
        assert page.locator('img[src*="127.0.0.1:9"], a[href^="javascript"], strong:text-is("b")').count() == 0
        assert fetched == []


def saved_download(page, key: str, folder) -> str:
    """Wait for the download button `key` to appear (the file is being made), click it once the
    app is idle, and save the file in `folder` under its offered name; that name."""
    button = page.locator(f'.st-key-{key} [data-testid="stDownloadButton"]')
    button.wait_for(timeout=120_000)
    settle(page)
    with page.expect_download(timeout=30_000) as download:
        button.click()
    name = download.value.suggested_filename
    download.value.save_as(folder / name)
    return name


def test_the_meeting_pack_downloads_from_the_sidebar_as_a_workbook(fixture_path, page, tmp_path):
    """The sidebar's meeting pack in a real browser: made for the page's filters and language,
    downloaded as one .xlsx that Excel's reader opens, and the download audited."""
    import shutil

    import openpyxl

    from report import pack
    from store import db
    from tools.serve import serving, session_for, sign_in

    path = tmp_path / "store.duckdb"
    shutil.copy(fixture_path, path)
    token = session_for(path, "head")
    with serving(path) as url:
        sign_in(page.context, url, token)
        page.goto(url + "/receivables?lang=zh&region=R1")
        wait_ready(page)
        page.get_by_text("导出会议包（Excel）").click()
        page.get_by_role("button", name="生成会议包").click()
        name = saved_download(page, "pack_download", tmp_path)
        book = openpyxl.load_workbook(tmp_path / name)
        assert console_errors(page) == []
    assert name == "meeting-pack_2026-01-01_2026-03-15_北区.xlsx"
    assert book.sheetnames[0] == "封面" and book.sheetnames[-1] == "指标定义"
    assert book["封面"]["B4"].value == "区域：北区"
    worklist = next(ws for ws in book.worksheets if ws["A1"].value.endswith("催收清单"))
    customers = {row[0] for row in worklist.iter_rows(min_row=4, values_only=True)}
    assert customers == {"甲机械有限公司", "乙商贸有限公司"}  # North's overdue customers (C1, C2), not South's
    con = db.connect(path)
    try:
        assert con.execute("SELECT user_name, subject, detail FROM audit_log WHERE action = 'export'").fetchall() == [
            ("head", "meeting-pack", f"{name} · {len(pack.SECTIONS) + 1} tables")]
    finally:
        con.close()


def test_the_monthly_report_downloads_from_its_page_as_a_pdf(fixture_path, page, tmp_path):
    """The Monthly report page in a real browser: the commentary saved, the PDF made and
    downloaded, read back with its commentary and Chinese titles, and the download audited."""
    import shutil

    import pdfplumber

    from store import db
    from tools.serve import serving, session_for, sign_in

    path = tmp_path / "store.duckdb"
    shutil.copy(fixture_path, path)
    token = session_for(path, "head")
    with serving(path) as url:
        sign_in(page.context, url, token)
        page.goto(url + "/report?lang=zh")
        wait_ready(page)
        page.get_by_label("应收回款").fill("二月回款达标。")
        page.get_by_role("button", name="保存点评").click()
        page.get_by_text("已保存 2026-02 的点评。").wait_for(timeout=60_000)
        page.get_by_role("button", name="生成 PDF").click()
        name = saved_download(page, "report_download", tmp_path)
        assert console_errors(page) == []
    assert name == "monthly-report_2026-02_zh.pdf"
    with pdfplumber.open(tmp_path / name) as pdf:
        pages = len(pdf.pages)
        whole = "\n".join(p.extract_text() or "" for p in pdf.pages)
    assert "二月回款达标。" in whole and "\n应收回款\n" in whole and "\n月度绩效考核\n" in whole
    con = db.connect(path)
    try:
        assert con.execute("SELECT user_name, subject, detail FROM audit_log WHERE action = 'export'").fetchall() == [
            ("head", "monthly-report", f"{name} · {pages} pages")]
    finally:
        con.close()


def test_clicking_a_coverage_bar_narrows_the_pipeline_attention_list(served_app, page):
    page.goto(served_app)
    wait_ready(page)
    page.get_by_role("link", name="Pipeline").click()
    page.get_by_text("Needs attention").wait_for(timeout=60_000)
    name, everyone = download_csv(page.locator('[data-testid="stDownloadButton"]').nth(2))  # funnel, coverage, list
    assert name.startswith("pipeline-attention_")
    assert len({row["Region"] for row in everyone}) > 1
    chart = page.locator('[data-testid="stPlotlyChart"]').nth(1)  # the funnel, then coverage by region
    chart.scroll_into_view_if_needed()
    bars = chart.locator(".barlayer .trace").first.locator("path")  # the weighted pipeline of each region
    wide = next(i for i in range(bars.count()) if (bars.nth(i).bounding_box() or {}).get("width", 0) > 3)
    bars.nth(wide).click(force=True)
    caption = page.get_by_text(re.compile("^Narrowed to "))
    caption.wait_for(timeout=60_000)
    region = caption.inner_text().removeprefix("Narrowed to ").split(" (click")[0]
    _, narrowed = download_csv(page.locator('[data-testid="stDownloadButton"]').nth(2))
    assert 0 < len(narrowed) < len(everyone)
    assert {row["Region"] for row in narrowed} == {region}
    assert [row for row in everyone if row["Region"] == region] == narrowed
    assert console_errors(page) == []


def test_a_plan_edited_in_the_grid_is_saved_as_the_targets_in_force(fixture_path, page, tmp_path):
    """The Planning page in a real browser: one cell of the grid typed over, the rest of its month
    taking up the difference, and the plan saved as a version that the store then holds; then the
    grid exported to Excel, edited there and read back, and a workbook a fen off refused."""
    import shutil
    from decimal import Decimal

    from store import db
    from tools.serve import serving, session_for, sign_in

    path = tmp_path / "store.duckdb"
    shutil.copy(fixture_path, path)
    token = session_for(path, "head")
    with serving(path) as url:
        sign_in(page.context, url, token)
        page.set_viewport_size({"width": 1280, "height": 720})
        page.goto(url + "/planning?lang=en")
        wait_ready(page)
        page.get_by_text("Sales 2026: people × months").wait_for(timeout=60_000)
        settle(page)
        annual = page.get_by_label("Annual figure for 2026 (¥)")  # the plan in force's 247,000 at first
        annual.fill("10000")
        annual.press("Enter")
        page.get_by_text("¥10,000 · growth over last year: 9.9%").wait_for(timeout=60_000)
        settle(page)
        # 2026's ¥10,000 by 2025's pattern and shares: January 4,395.61, of which 张三 (S1, second
        # row) 1,932.14 and 王五 (S3) 2,463.47. 张三's January typed over as 3,000: 王五, the only
        # other with a share that month, takes the rest, 4,395.61 − 3,000 = 1,395.61
        grid = page.get_by_role("tabpanel").first.locator('[data-testid="stDataFrame"]').first  # January – June
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 30, box["y"] + 35 + 35 + 17)  # the second row's first cell
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")  # to January
        page.keyboard.type("3")  # a digit opens the cell's editor with it…
        editor = page.locator("#portal input.gdg-input")
        editor.wait_for(timeout=10_000)
        page.keyboard.type("000")  # …where the rest is typed
        page.wait_for_function("() => document.querySelector('#portal input.gdg-input')?.value === '3000'",
                               timeout=10_000)
        editor.press("Enter")
        settle(page)
        assert grid.locator("#glide-cell-2-1").inner_text() == "3000"  # the grid holds the figure typed…
        assert grid.locator("#glide-cell-2-4").inner_text() == "1395.61"  # …and 王五's January the rest
        page.get_by_label("Version name").fill("年中调整")
        page.get_by_role("button", name="Save the plan").click()
        page.get_by_text("Saved '年中调整' as version 1: 60 targets, now in force.").wait_for(timeout=60_000)
        # the grid out to Excel: 张三's (row 3) January 3,000 → 2,500 and February 0 → 500, the year unchanged
        import openpyxl

        name = saved_download(page, "plan_xlsx", tmp_path)
        assert name == "plan-2026-sales.xlsx"
        book = openpyxl.load_workbook(tmp_path / name)
        assert [book["plan"]["B3"].value, book["plan"]["C3"].value, book["plan"]["D3"].value] == ["North", "张三", 3000]
        book["plan"]["D3"], book["plan"]["E3"] = 2_500, 500
        book.save(tmp_path / "edited.xlsx")
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(tmp_path / "edited.xlsx"))
        page.get_by_text("Read edited.xlsx").wait_for(timeout=60_000)
        settle(page)
        assert [grid.locator(f"#glide-cell-{c}-1").inner_text() for c in (2, 3)] == ["2500", "500"]
        # a workbook whose cells no longer add up: January a fen more
        book["plan"]["D3"] = 2_500.01
        book.save(tmp_path / "a-fen-over.xlsx")
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
            str(tmp_path / "a-fen-over.xlsx"))
        page.get_by_text("a-fen-over.xlsx was not read (1 problems); the plan is as it was.").wait_for(timeout=60_000)
        settle(page)
        problems = page.locator('[data-testid="stDataFrame"]').filter(has_text="0.01 over")  # the problems table
        assert problems.locator("td").all_text_contents()[-1] == (
            "the cells add up to 10000.01, the annual figure is 10000.00: 0.01 over")
        assert console_errors(page) == []
    con = db.connect(path)
    try:
        january = dict(con.execute("SELECT salesperson_id, plan_value FROM targets WHERE month = DATE '2026-01-01' "
                                   "AND metric = 'sales' AND plan_value > 0").fetchall())
        assert january == {"S1": 3_000, "S3": Decimal("1395.61")}
        assert con.execute("SELECT sum(plan_value) FROM targets WHERE year(month) = 2026 AND metric = 'sales'"
                           ).fetchone() == (10_000,)
    finally:
        con.close()


def test_key_customers_budgets_typed_in_the_grid_are_held_to_each_persons_months(fixture_path, page, tmp_path):
    """The Planning page's key customers in a real browser: a customer's year typed in, split by
    its salesperson's months; a figure above the person's budget of a month named and not
    savable; lowered, saved as the key customers' budgets in force."""
    import shutil
    from decimal import Decimal

    from store import db
    from tools.serve import serving, session_for, sign_in

    path = tmp_path / "store.duckdb"
    shutil.copy(fixture_path, path)
    token = session_for(path, "head")
    with serving(path) as url:
        sign_in(page.context, url, token)
        page.set_viewport_size({"width": 1280, "height": 720})
        page.goto(url + "/planning?lang=en")
        wait_ready(page)
        page.get_by_text("Key customers", exact=True).click()
        page.get_by_text("Key customers' budgets 2026").wait_for(timeout=60_000)
        settle(page)
        grid = page.locator('[data-testid="stDataFrame"]').first  # C1 (张三), C6 (李四), C4 (王五)
        grid.scroll_into_view_if_needed()

        def type_budget(row: int, first: str, rest: str, then) -> None:
            """Type a customer's year into its cell and wait for the page's answer, `then`."""
            settle(page)
            box = grid.bounding_box()
            page.mouse.click(box["x"] + 30, box["y"] + 35 + 35 * row + 17)  # the row's first cell
            for _ in range(4):
                page.keyboard.press("ArrowRight")  # to the year's budget
            page.keyboard.type(first)  # a digit opens the cell's editor with it…
            page.locator("#portal input.gdg-input").wait_for(timeout=10_000)
            page.keyboard.type(rest)  # …where the rest is typed
            page.wait_for_function(f"() => document.querySelector('#portal input.gdg-input')?.value === "
                                   f"'{first + rest}'", timeout=10_000)
            page.wait_for_timeout(300)  # a person's pause before Enter: the editor takes in what was typed
            page.keyboard.press("Enter")
            then(timeout=60_000)

        over_notice = page.get_by_text("Months in which someone's key customers come to more than their budget: 1.")
        # C1 ¥1,750.01 of 张三's ¥1,500 + 1,000 + 1,000: his key customers 1750 (to the yuan) of 3,500
        held = page.locator('[data-testid="stDataFrame"]').filter(has_text="Key customers (¥)").get_by_text(
            "1750", exact=True).first  # the grid's cells are drawn; their text is in a table kept hidden
        type_budget(0, "1", "750.01", lambda timeout: held.wait_for(state="attached", timeout=timeout))
        # C4 ¥900 of 王五's only month, February's ¥800: named, and the plan cannot be saved
        type_budget(2, "9", "00", over_notice.wait_for)
        over = page.locator('[data-testid="stDataFrame"]').filter(has_text="2026-02").filter(
            has_not_text="有限公司")  # not the table by customer and month
        over.locator("td").first.wait_for(state="attached", timeout=60_000)
        assert over.locator("td").all_text_contents() == ["王五", "2026-02", "900", "800"]
        assert page.get_by_role("button", name="Save the plan").is_disabled()
        type_budget(2, "4", "00", lambda timeout: over_notice.wait_for(state="detached", timeout=timeout))  # ¥400
        settle(page)  # the run that lowered it has drawn the button enabled
        page.get_by_role("button", name="Save the plan").click()
        # said at once; the grid then shows the figures saved, now in force
        page.get_by_text("Saved '2026 key customers' as version 1: 4 key customer budget rows, now in force.").wait_for(
            timeout=60_000)
        settle(page)
        assert [grid.locator(f"#glide-cell-4-{row}").inner_text() for row in (0, 1, 2)] == ["1750.01", "0", "400"]
        assert console_errors(page) == []
    con = db.connect(path)
    try:
        # 175,001 fen by 1.5 : 1 : 1 → 75,001 (the fen left to January's larger fraction), 50,000, 50,000
        assert con.execute("SELECT customer_id, strftime(month, '%m'), salesperson_id, budget_amount "
                           "FROM customer_budgets ORDER BY ALL").fetchall() == [
            ("C1", "01", "S1", Decimal("750.01")), ("C1", "02", "S1", Decimal("500")),
            ("C1", "03", "S1", Decimal("500")), ("C4", "02", "S3", Decimal("400"))]
    finally:
        con.close()
