"""Importing real files (SPEC §3.10): every encoding a Chinese Windows machine writes, Excel
with several sheets and leading-zero codes, every problem reported before anything is
written, duplicates refused, all or nothing even when the process is killed mid-write,
and a full round trip of the demo store through the templates."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from store import db, importer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(fixture_path, tmp_path):
    """A writable copy of the fixture store (regions R1, R2; salespeople S1–S3, K1, K2;
    customers C1–C6; products P1, P2), and its connection."""
    path = tmp_path / "store.duckdb"
    shutil.copy(fixture_path, path)
    con = db.connect(path)
    yield path, con
    con.close()


def csv_bytes(rows: list[list[object]], encoding: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def state(con) -> tuple:
    """What an import may change: every table's rows (but the import log, which records
    rejections too), and the store's version."""
    counts = tuple(con.execute("SELECT count(*) FROM " + t).fetchone()[0] for t in db.TABLES if t != "import_log")
    return counts, con.execute("SELECT store_version FROM store_meta").fetchone()[0]


CUSTOMERS = [["customer_id", "name", "tier", "industry", "region_id", "owner_id", "phone", "address",
              "credit_limit", "registered_on"],
             ["C7", "佛山市南海区𠮷祥五金有限公司", "B", "制造业", "R1", "S1", "0757-86001234",
              "桂城街道 1 号", "20000", "2026-03-01"],
             ["C8", "广东省佛山市狮山镇华丰机械厂", "A", "制造业", "R2", "S3", "",
              "狮山镇 8 号", "50000", "2026-03-02"]]


@pytest.mark.parametrize("encoding, detected", [
    ("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"), ("gbk", "GBK/GB18030"), ("gb18030", "GBK/GB18030")])
def test_chinese_text_round_trips_in_every_encoding(store, encoding, detected):
    _, con = store
    rows = [r[:] for r in CUSTOMERS]
    if encoding == "gbk":  # GBK has no 𠮷; GB18030 has every character
        rows[1][1] = "佛山市南海区吉祥五金有限公司"
    result = importer.import_file(con, "customers", csv_bytes(rows, encoding), "客户.csv")
    assert (result.rows, result.encoding) == (2, detected)
    names = dict(con.execute("SELECT customer_id, name FROM customers WHERE customer_id IN ('C7', 'C8')").fetchall())
    assert names == {"C7": rows[1][1], "C8": rows[2][1]}
    assert con.execute("SELECT phone FROM customers WHERE customer_id = 'C8'").fetchone()[0] is None  # '' → empty


def test_chinese_headers_are_accepted_and_unknown_columns_are_warned(store):
    _, con = store
    header = ["客户编号", "客户名称", "客户等级", "行业", "区域编号", "负责人编号", "电话", "地址", "信用额度",
              "建档日期", "备注"]
    rows = [header, [*CUSTOMERS[1][:10], "老客户介绍"]]
    parsed = importer.read_file(con, "customers", csv_bytes(rows, "gb18030"), "customers.csv")
    assert parsed.data.column_names == CUSTOMERS[0] and parsed.unknown_headers == ["备注"]
    result = importer.import_file(con, "customers", csv_bytes(rows, "gb18030"), "customers.csv")
    assert result.unknown_headers == ["备注"]  # said, not silently dropped


def xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_excel_workbook_with_two_sheets_and_leading_zero_codes(store):
    _, con = store
    rows = [["product_id", "name", "product_line", "list_price"],
            ["007", "密封圈", "耗材", 12.5],
            ["0100", "轴承", "设备", 300]]
    data = xlsx({"说明": [["本表为产品清单"]], "产品": rows})
    with pytest.raises(db.StoreError, match="2 sheets \\(说明, 产品\\): choose one"):
        importer.import_file(con, "products", data, "products.xlsx")
    assert importer.sheet_names(data) == ["说明", "产品"]
    importer.import_file(con, "products", data, "products.xlsx", sheet="产品")
    assert con.execute("SELECT product_id, list_price FROM products WHERE name IN ('密封圈', '轴承') ORDER BY 1"
                       ).fetchall() == [("007", 12.5), ("0100", 300)]


def test_an_excel_code_formatted_with_leading_zeros_keeps_them(store):
    # A product code typed as the number 8 in a cell formatted 000 shows 008: that is the code.
    _, con = store
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["product_id", "name", "product_line", "list_price"])
    sheet.append([8, "垫片", "耗材", 2.5])
    sheet["A2"].number_format = "000"
    out = io.BytesIO()
    book.save(out)
    importer.import_file(con, "products", out.getvalue(), "codes.xlsx")
    assert con.execute("SELECT product_id FROM products WHERE name = '垫片'").fetchone()[0] == "008"


def test_excel_dates_parse(store):
    _, con = store
    rows = [["salesperson_id", "name", "role", "region_id", "phone", "hired_on", "left_on"],
            ["S9", "周八", "salesperson", "R1", "013900000009", dt.datetime(2026, 2, 1), None]]
    importer.import_file(con, "salespeople", xlsx({"Sheet1": rows}), "people.xlsx")
    assert con.execute("SELECT phone, hired_on, left_on FROM salespeople WHERE salesperson_id = 'S9'").fetchone() \
        == ("013900000009", dt.date(2026, 2, 1), None)


def sales_rows(n: int) -> list[list[object]]:
    header = ["line_id", "order_id", "order_date", "customer_id", "product_id", "quantity", "amount", "cost",
              "salesperson_id", "region_id"]
    body = [[100_000 + i, 50_000 + i // 3, f"2026-02-{1 + i % 28:02d}", f"C{1 + i % 4}", "P1", 1 + i % 5,
             f"{100 + i % 50}.50", "60", "S1", "R1"] for i in range(n)]
    return [header, *body]


def test_three_bad_rows_among_ten_thousand_are_all_reported_and_nothing_is_written(store):
    _, con = store
    rows = sales_rows(10_000)
    rows[1 + 1234][3] = "C99"          # file row 1,236: an unknown customer
    rows[1 + 5000][2] = "2026-02-30"   # file row 5,002: not a date
    rows[1 + 9998][5] = 0              # file row 10,000: quantity 0
    before = state(con)
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_file(con, "sales", csv_bytes(rows, "utf-8"), "sales.csv")
    found = {(p.row, p.column, p.value): p.rule for p in rejected.value.problems}
    assert {row for row, _, _ in found} == {1236, 5002, 10000}  # all three bad rows in one pass, and no other
    assert found[(5002, "order_date", "2026-02-30")].startswith("not a date")
    assert found[(1236, "customer_id", "C99")].startswith("unknown in customers")
    assert found[(10000, "quantity", "0")] == "quantity must not be 0"
    assert state(con) == before  # nothing written, the version unchanged
    rejected_log = con.execute("SELECT outcome, rows_loaded FROM import_log WHERE file_name = 'sales.csv'").fetchall()
    assert rejected_log == [("rejected", 0)]


def test_every_kind_of_problem_is_named_with_its_row_and_column(store):
    _, con = store
    rows = [["line_id", "order_id", "order_date", "customer_id", "product_id", "quantity", "amount", "cost",
             "salesperson_id", "region_id", "colour"],
            [1, 1, "2026-02-01", "C1", "P1", 1, "abc", 1, "S1", "R1", "red"],        # 2: not a number
            [900, 2, "2026-02-01", "C1", "P1", 1, 10, 5, "S9", "R1", ""],            # 3: unknown salesperson
            [900, 3, "2026-02-01", "C1", "P1", 1, 10, 5, "S1", "R1", ""],            # 4: same key as row 3
            [901, 4, "2031-01-01", "C1", "P1", 1, 10, 5, "S1", "R1", ""],            # 5: far future
            [902, 5, "2026-02-01", "", "P1", 1, 10, 5, "S1", "R1", ""]]              # 6: required empty
    parsed = importer.read_file(con, "sales", csv_bytes(rows, "utf-8"), "bad.csv")
    assert parsed.unknown_headers == ["colour"]
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_file(con, "sales", csv_bytes(rows, "utf-8"), "bad.csv")
    got = {(p.row, p.column): p.rule for p in rejected.value.problems}  # every problem, in one pass
    assert got[(2, "amount")] == "not a number"
    assert got[(6, "customer_id")] == "required: empty"
    assert got[(3, "salesperson_id")].startswith("unknown in salespeople")
    assert got[(3, "line_id")] == got[(4, "line_id")] == "the same key appears more than once in the file"
    assert got[(2, "line_id")].startswith("already in the store")  # line 1 is in the fixture store already
    assert got[(5, "order_date")].startswith("in the far future")
    assert len(got) == 7


def test_missing_required_columns_are_named(store):
    _, con = store
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_file(con, "products", csv_bytes([["product_id", "name"], ["P9", "x"]], "utf-8"), "p.csv")
    assert [p.rule for p in rejected.value.problems] == [
        "required column 'product_line' (产品线) is missing", "required column 'list_price' (标价) is missing"]


def test_overlapping_commission_rules_are_refused(store):
    _, con = store
    rows = [["rule_id", "kind", "product_line", "value", "effective_from", "effective_to"],
            ["CR9", "referral_share", "", "0.4", "2026-03-01", ""]]
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_file(con, "commission_rules", csv_bytes(rows, "utf-8"), "rules.csv")
    assert [(p.row, p.value, p.rule) for p in rejected.value.problems] == [
        (2, "CR9", "overlaps rule CR4 (same kind, dates overlap)")]


def test_the_same_file_twice_is_refused_and_replace_loads_a_table_anew(store):
    _, con = store
    data = csv_bytes([["component", "weight", "effective_from", "effective_to"],
                      *[[c, w, "2020-01-01", ""] for c, w in
                        (("sales_attainment", 40), ("collections_attainment", 20), ("expense_control", 10),
                         ("revisit_completion", 10), ("complaint_timeliness", 10), ("new_customers", 10))]], "utf-8")
    version = state(con)[1]
    result = importer.import_file(con, "scorecard_weights", data, "weights.csv", mode="replace", user="何部长")
    assert result.store_version == version + 1
    assert con.execute("SELECT weight FROM scorecard_weights WHERE component = 'sales_attainment'").fetchone()[0] == 40
    log = con.execute("SELECT imported_by, rows_loaded, mode, outcome, length(file_sha256) FROM import_log "
                      "WHERE table_name = 'scorecard_weights'").fetchall()
    assert log == [("何部长", 6, "replace", "ok", 64)]
    with pytest.raises(importer.ImportRejected, match="already imported into scorecard_weights .* duplicate"):
        importer.import_file(con, "scorecard_weights", data, "weights-copy.csv", mode="replace")


def test_a_file_over_the_size_limit_is_refused(store, monkeypatch):
    _, con = store
    monkeypatch.setattr(importer, "MAX_BYTES", 1024 * 1024)
    with pytest.raises(db.StoreError, match="is 2 MB; the limit is 1 MB"):
        importer.import_file(con, "sales", b"x" * (2 * 1024 * 1024), "big.csv")


def test_a_workbook_that_unpacks_to_too_much_sheet_data_is_refused_before_it_is_read(store):
    # A real .xlsx whose sheet holds 2,000,000 rows of one repeated cell: about 1 MB on disk,
    # some 150 MB of sheet XML unpacked (past the 100 MB limit). Reading it would take minutes;
    # it is refused in a moment, by its size, and nothing is written.
    import time
    import zipfile

    _, con = store
    small = xlsx({"regions": [["region_id", "name_zh", "name_en"]]})
    row = '<row><c t="inlineStr"><is><t>R9</t></is></c><c t="inlineStr"><is><t>九区</t></is></c></row>'
    big = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(small)) as source, zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in source.infolist():
            text = source.read(member)
            if member.filename.endswith("sheet1.xml"):
                text = text.replace(b"</sheetData>", row.encode("utf-8") * 2_000_000 + b"</sheetData>")
            bomb.writestr(member, text)
    data = big.getvalue()
    assert len(data) < 2 * 2**20
    before, began = state(con), time.monotonic()
    with pytest.raises(db.StoreError, match=r"unpacks to 1\d\d MB of sheet data; the limit is 100 MB\. Save"):
        importer.import_file(con, "regions", data, "regions.xlsx")
    with pytest.raises(db.StoreError, match="the limit is 100 MB"):
        importer.sheet_names(data)  # the Data page asks for the sheets first
    assert time.monotonic() - began < 5 and state(con) == before


def test_derived_columns_and_other_tables_are_not_importable(store):
    _, con = store
    names = [c.name for c in importer.table_columns(con, "invoices")]
    assert "paid_total" not in names and "settled_on" not in names
    with pytest.raises(db.StoreError, match="not a table you can import into"):
        importer.import_file(con, "import_log", b"a\n1\n", "x.csv")


def run_cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "store", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, **kw)


def test_the_command_line_imports_and_explains(store, tmp_path):
    path, con = store
    con.close()
    good = tmp_path / "weights.csv"
    good.write_bytes(csv_bytes([["component", "weight", "effective_from"], ["sales_attainment", 30, "2020-01-01"]],
                               "utf-8"))
    done = run_cli("import", "scorecard_weights", str(good), "--db", str(path))
    assert done.returncode == 1 and "already in the store" in done.stderr and "row 2" in done.stderr
    wrong = run_cli("import", "nosuch", str(good), "--db", str(path))
    assert wrong.returncode == 2 and "'nosuch' is not a table you can import into" in wrong.stderr
    assert run_cli("import", "sales", str(tmp_path / "missing.csv"), "--db", str(path)).returncode == 2
    # a dry run of a file with a column the table does not have: the warning first, then the
    # verdict, and nothing written; the real run loads it
    extra = tmp_path / "regions.csv"
    extra.write_bytes(csv_bytes([["region_id", "name_zh", "name_en", "manager"], ["R11", "里水", "Lishui", "周"]],
                                "gbk"))
    checked = run_cli("import", "regions", str(extra), "--db", str(path), "--check")
    assert checked.returncode == 0, checked.stderr
    lines = checked.stdout.splitlines()
    assert lines[0] == "warning: column 'manager' is not a column of regions; it will not be loaded"
    assert lines[-1] == "checked 1 rows for regions (GBK/GB18030): no problem; nothing was written"
    assert "R11" not in run_cli("export", "regions", "--db", str(path), "--out", str(tmp_path / "r.csv")).stdout
    assert "R11" not in (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    loaded = run_cli("import", "regions", str(extra), "--db", str(path))
    assert loaded.returncode == 0 and "loaded 1 rows into regions (GBK/GB18030)" in loaded.stdout
    # the same file again: refused, naming the earlier import
    again = run_cli("import", "regions", str(extra), "--db", str(path))
    assert again.returncode == 1 and "was already imported into regions on" in again.stderr
    assert "\n  duplicate file" in again.stderr and "  : " not in again.stderr
    # a rejected file names the columns that would not have been loaded
    bad = tmp_path / "regions-bad.csv"
    bad.write_bytes(csv_bytes([["region_id", "name_zh", "name_en", "manager"], ["R12", "", "Lishui", "周"]], "utf-8"))
    rejected = run_cli("import", "regions", str(bad), "--db", str(path))
    assert rejected.returncode == 1 and "columns not of regions, which would not be loaded: manager" in rejected.stderr


def test_the_command_line_hands_its_import_to_the_dashboard_holding_the_store(store, tmp_path):
    from store import inbox

    path, con = store  # this process holds the store and watches its inbox, as the dashboard does
    bad = tmp_path / "weights-bad.csv"
    bad.write_bytes(csv_bytes([["component", "weight", "effective_from"], ["sales_attainment", 250, "2027-01-01"]],
                              "utf-8"))
    good = tmp_path / "regions.csv"
    good.write_bytes(csv_bytes([["region_id", "name_zh", "name_en"], ["R11", "里水", "Lishui"]], "gbk"))
    with inbox.watching(path.resolve(), lambda: con):
        rejected = run_cli("import", "scorecard_weights", str(bad), "--db", str(path))
        loaded = run_cli("import", "regions", str(good), "--db", str(path))
        info = run_cli("info", "--db", str(path))
    # the same outcome, words and exit codes as when the command line opens the store itself
    assert rejected.returncode == 1 and "handed to it" in rejected.stdout
    assert "nothing was written" in rejected.stderr and "row 2, weight" in rejected.stderr
    assert loaded.returncode == 0 and "loaded 1 rows into regions (GBK/GB18030)" in loaded.stdout
    assert con.execute("SELECT name_zh FROM regions WHERE region_id = 'R11'").fetchone() == ("里水",)
    assert info.returncode == 0 and re.search(r"^  regions +3$", info.stdout, re.M)
    assert sorted(p.name for p in inbox.folder(path.resolve()).iterdir()) == []  # nothing left behind
    # each attempt is in the audit log, by the command line, with its outcome
    assert con.execute("SELECT user_name, action, subject, outcome FROM audit_log WHERE action = 'import' "
                       "ORDER BY audit_id").fetchall() == [
        ("cli", "import", "scorecard_weights", "refused"), ("cli", "import", "regions", "ok")]


def test_a_store_held_by_a_process_that_takes_no_commands_fails_at_once(store, tmp_path):
    from store import inbox

    path, con = store  # held, no inbox watched
    data = tmp_path / "w.csv"
    data.write_bytes(b"component,weight,effective_from\n")
    done = run_cli("import", "scorecard_weights", str(data), "--db", str(path))
    assert done.returncode == 2
    assert f"held by process {os.getpid()}; import from the Data page or stop the dashboard" in done.stderr
    # a dashboard that stops watching before it takes the request: withdrawn, nothing written
    folder = inbox.folder(path.resolve())
    folder.mkdir()
    (folder / inbox.HEARTBEAT).write_text("0")
    said = []
    code = inbox.hand_over(path.resolve(), {"command": "info"}, b"", lambda line, err: said.append(line), wait=0.5)
    assert code == 2 and "withdrawn and nothing was written" in said[-1]
    assert [p.name for p in folder.iterdir()] == [inbox.HEARTBEAT]


def test_killing_the_import_mid_write_leaves_the_store_as_it_was(store, tmp_path):
    path, con = store
    big = tmp_path / "sales.csv"
    big.write_bytes(csv_bytes(sales_rows(1_500_000), "utf-8"))
    before = state(con)
    con.close()
    process = subprocess.Popen([sys.executable, "-m", "store", "import", "sales", str(big), "--db", str(path)],
                               cwd=ROOT, stdout=subprocess.PIPE, text=True)
    for line in process.stdout:
        if "writing" in line:  # validation passed; the transaction is under way
            break
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    con = db.connect(path)
    try:
        assert state(con) == before
        assert con.execute("SELECT count(*) FROM import_log WHERE outcome = 'ok' AND table_name = 'sales'"
                           ).fetchone()[0] == 0
    finally:
        con.close()


def test_the_demo_store_round_trips_through_its_templates(store_con, demo_store, tmp_path):
    """Every table exported in its template's layout and imported into an empty store: every
    query gives the same answer."""
    import queries
    from tests.test_queries import SAMPLE_PARAMS

    source_path, _ = demo_store
    source = db.shared_connection()
    as_of = source.execute("SELECT as_of_date FROM store_meta").fetchone()[0]
    target_path = db.init(tmp_path / "empty.duckdb", as_of)
    target = db.connect(target_path)
    try:
        for table in importer.IMPORTABLE:
            result = importer.import_file(target, table, importer.export_csv(source, table), f"{table}.csv")
            assert result.rows == source.execute("SELECT count(*) FROM " + table).fetchone()[0]
        for name in queries.names():
            if name in ("data_freshness", "store_meta", "table_profile", "audit_log", "accounts", "plan_versions",
                        "plan_difference"):
                continue  # when and how it was loaded; who may log in and the plans saved (no import makes them)
            pd.testing.assert_frame_equal(queries.run(name, SAMPLE_PARAMS[name], con=target),
                                          queries.run(name, SAMPLE_PARAMS[name], con=source), obj=name)
    finally:
        target.close()


def test_the_dashboards_upload_limit_is_the_importers():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 2**20 == importer.MAX_BYTES


def test_values_are_kept_as_the_file_says_or_refused_with_row_column_and_value(store):
    # Amounts to four decimals (as ERP exports carry) and fractional quantities (tons,
    # metres) are kept exactly and summed exactly; a value the store would round — a fifth
    # decimal, a survey score of 4.5 on the whole-number 1–5 scale — is a row error.
    _, con = store
    header = ["line_id", "order_id", "order_date", "customer_id", "product_id", "quantity", "amount", "cost",
              "salesperson_id", "region_id"]
    good = [header, [9001, 9001, "2026-03-02", "C1", "P1", "1.5", "20565.6206", "10000.0001", "S1", "R1"],
            [9002, 9002, "2026-03-02", "C1", "P1", "2", "0.0003", "0", "S1", "R1"]]
    importer.import_file(con, "sales", csv_bytes(good, "utf-8"), "erp.csv")
    assert con.execute("SELECT quantity::VARCHAR, amount::VARCHAR FROM sales WHERE line_id = 9001").fetchone() == (
        "1.5000", "20565.6206")
    # 20565.6206 + 0.0003 = 20565.6209, not 20565.62 + 0.00 = 20565.62
    assert con.execute("SELECT sum(amount)::VARCHAR FROM sales WHERE line_id > 9000").fetchone()[0] == "20565.6209"
    assert con.execute("SELECT amount::VARCHAR FROM sales_daily WHERE order_date = DATE '2026-03-02' "
                       "AND salesperson_id = 'S1'").fetchone()[0].endswith(".6209")
    before = state(con)
    bad = [header, [9003, 9003, "2026-03-03", "C1", "P1", "1", "100.12345", "50", "S1", "R1"]]
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_file(con, "sales", csv_bytes(bad, "utf-8"), "five-decimals.csv")
    assert [(p.row, p.column, p.value, p.rule) for p in rejected.value.problems] == [
        (2, "amount", "100.12345", "more than 4 decimal places (the store would round it)")]
    survey = [["survey_id", "customer_id", "salesperson_id", "region_id", "survey_date", "overall_score"],
              ["SV90", "C1", "S1", "R1", "2026-03-03", "4.5"]]
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_file(con, "surveys", csv_bytes(survey, "utf-8"), "surveys.csv")
    assert [(p.row, p.column, p.value, p.rule) for p in rejected.value.problems] == [
        (2, "overall_score", "4.5", "not a whole number (the store would round it)")]
    assert state(con) == before


SALES_HEADER = ["line_id", "order_id", "order_date", "customer_id", "product_id", "quantity", "amount", "cost",
                "salesperson_id", "region_id"]


def test_dates_and_amounts_as_department_systems_write_them(store):
    # An ERP export in GB18030: dates year first in every usual form, amounts with thousands
    # separators, a currency sign and 元 — all read, to the fen.
    _, con = store
    rows = [SALES_HEADER,
            [9101, 9101, "2026/3/2", "C1", "P1", "1", "20,565.62", "¥1,234.50", "S1", "R1"],
            [9102, 9102, "2026年3月4日", "C1", "P1", "-2", "￥-1,000", "-600元", "S1", "R1"],  # a return
            [9103, 9103, "20260305", "C1", "P1", "1", "$ 1,234,567.8", "0", "S1", "R1"],
            [9104, 9104, "2026.3.6", "C1", "P1", "1", "88", "0", "S1", "R1"]]
    importer.import_file(con, "sales", csv_bytes(rows, "gb18030"), "erp-export.csv")
    got = con.execute("SELECT line_id, order_date, amount::VARCHAR, cost::VARCHAR FROM sales WHERE line_id > 9100 "
                      "ORDER BY 1").fetchall()
    assert got == [(9101, dt.date(2026, 3, 2), "20565.6200", "1234.5000"),
                   (9102, dt.date(2026, 3, 4), "-1000.0000", "-600.0000"),
                   (9103, dt.date(2026, 3, 5), "1234567.8000", "0.0000"),
                   (9104, dt.date(2026, 3, 6), "88.0000", "0.0000")]


def test_a_date_with_the_year_last_needs_its_order_stated(store):
    # 1/2/2026 is 1 February (dmy) or 2 January (mdy): never guessed.
    _, con = store
    rows = [SALES_HEADER, [9201, 9201, "1/2/2026", "C1", "P1", "1", "100", "60", "S1", "R1"],
            [9202, 9202, "13/2/2026", "C1", "P1", "1", "100", "60", "S1", "R1"]]
    data = csv_bytes(rows, "utf-8")
    before = state(con)
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_file(con, "sales", data, "us-dates.csv")
    assert [(p.row, p.column, p.value) for p in rejected.value.problems] == [
        (2, "order_date", "1/2/2026"), (3, "order_date", "13/2/2026")]
    assert all("say whether the day or the month comes first" in p.rule for p in rejected.value.problems)
    assert state(con) == before
    # month first: 13/2/2026 has no month 13, and says so
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_file(con, "sales", data, "us-dates.csv", date_order="mdy")
    assert [(p.row, p.value, p.rule) for p in rejected.value.problems] == [
        (3, "13/2/2026", "not a date (e.g. 2026-03-01, 2026/3/1, 2026年3月1日)")]
    importer.import_file(con, "sales", data, "uk-dates.csv", date_order="dmy")
    assert con.execute("SELECT line_id, order_date FROM sales WHERE line_id > 9200 ORDER BY 1").fetchall() == [
        (9201, dt.date(2026, 2, 1)), (9202, dt.date(2026, 2, 13))]


def test_excel_date_serials_and_what_cannot_be_read_say_why(store):
    # A date cell formatted General holds its serial: 46083 is 2026-03-02 (46083 days after
    # 1899-12-30). A decimal comma and a percentage are refused, each saying why.
    _, con = store
    rows = [SALES_HEADER, [9301, 9301, 46083, "C1", "P1", 1, 100, 60, "S1", "R1"]]
    importer.import_file(con, "sales", xlsx({"Sheet1": rows}), "serials.xlsx")
    assert con.execute("SELECT order_date FROM sales WHERE line_id = 9301").fetchone()[0] == dt.date(2026, 3, 2)
    bad = [SALES_HEADER, [9302, 9302, "2026-03-02", "C1", "P1", "1", "1 234,5", "60", "S1", "R1"],
           [9303, 9303, "2026-03-02", "C1", "P1", "1", "3%", "60", "S1", "R1"],
           [9304, 9304, "2026-03-02", "C1", "P1", "1", "1,23", "60", "S1", "R1"],
           [9305, 9305, "2026-03-02", "C1", "P1", "1", "12.3.4", "60", "S1", "R1"]]
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_file(con, "sales", csv_bytes(bad, "utf-8"), "bad-numbers.csv")
    assert [(p.row, p.value, p.rule) for p in rejected.value.problems] == [
        (2, "1 234,5", "a comma as the decimal mark: write 1234.5, not 1 234,5"),
        (3, "3%", "a percentage: write a rate as a fraction (3% → 0.03)"),
        (4, "1,23", "a comma as the decimal mark: write 1234.5, not 1 234,5"),  # 1.23 or 123?
        (5, "12.3.4", "not a number")]


@pytest.mark.parametrize("kind, lang", [("csv", "en"), ("csv", "zh"), ("xlsx", "zh")])
def test_every_template_as_shipped_imports_into_an_empty_store(tmp_path, kind, lang):
    # The templates of a new store (`python -m store init`), downloaded and imported one after
    # another as a new department would: every one accepted, one row each, either header language.
    con = db.connect(db.init(tmp_path / "new.duckdb", dt.date(2026, 12, 2)))
    for table in importer.IMPORTABLE:
        data = (importer.template_csv if kind == "csv" else importer.template_xlsx)(con, table, lang)
        result = importer.import_file(con, table, data, f"{table}-template.{kind}",
                                      sheet="data" if kind == "xlsx" else None)
        assert (table, result.rows, result.unknown_headers) == (table, 1, [])
    assert con.execute("SELECT count(*) FROM import_log WHERE outcome = 'ok'").fetchone()[0] == len(importer.IMPORTABLE)


def test_rules_are_said_in_words_and_rates_weights_have_their_ranges(store):
    # A target whose month is not a first day and whose stretch is below plan; a base rate of
    # 1.5 (150 %) and a scorecard weight of 250: each refused, each rule in words, in Chinese too.
    from ui.i18n import import_rule

    _, con = store
    targets = [["salesperson_id", "month", "metric", "plan_value", "stretch_value"],
               ["K2", "2026-11-30", "sales", "1000", "1200"], ["K2", "2026-12-01", "sales", "1000", "900"]]
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_file(con, "targets", csv_bytes(targets, "utf-8"), "targets.csv")
    assert [(p.row, p.rule) for p in rejected.value.problems] == [
        (2, "month must be the first day of a month (e.g. 2026-03-01)"),
        (3, "stretch_value must be at least plan_value")]
    assert import_rule(rejected.value.problems[1].rule, "zh") == "stretch_value 不能小于 plan_value"
    rules = [["rule_id", "kind", "product_line", "value", "effective_from"],
             ["CR9", "base_rate", "备件", "1.5", "2027-01-01"]]
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_file(con, "commission_rules", csv_bytes(rules, "utf-8"), "rules.csv")
    assert [p.rule for p in rejected.value.problems] == [
        "a base rate is a fraction of the amount, at most 1 (0.03 = 3 %)"]
    weights = [["component", "weight", "effective_from"], ["sales_attainment", "250", "2027-01-01"]]
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_file(con, "scorecard_weights", csv_bytes(weights, "utf-8"), "weights.csv")
    assert [p.rule for p in rejected.value.problems] == ["weight must be at most 100"]
    assert import_rule("weight must be at most 100", "zh") == "weight 不能大于 100"


def test_a_short_gbk_file_that_is_also_valid_utf8_is_read_as_gbk(store):
    # 狮山 in GBK is the bytes CA A8 C9 BD, which are also valid UTF-8 (ʨɽ); 毛颖 likewise (ëӱ).
    # The reading whose text is Chinese wins; --encoding reads the file as the user says.
    _, con = store
    rows = [["region_id", "name_zh", "name_en"], ["R11", "狮山", "Shishan"]]
    data = csv_bytes(rows, "gbk")
    assert data.decode("utf-8").splitlines()[1] == "R11,ʨɽ,Shishan"  # valid UTF-8, and mojibake
    result = importer.import_file(con, "regions", data, "regions.csv")
    assert result.encoding == "GBK/GB18030"
    assert con.execute("SELECT name_zh FROM regions WHERE region_id = 'R11'").fetchone()[0] == "狮山"
    people = [["salesperson_id", "name", "role", "hired_on"], ["S9", "毛颖", "salesperson", "2026-01-05"]]
    assert importer.read_file(con, "salespeople", csv_bytes(people, "gbk"), "people.csv").encoding == "GBK/GB18030"
    chosen = importer.read_file(con, "salespeople", csv_bytes(people, "gbk"), "people.csv", file_encoding="utf-8")
    assert (chosen.encoding, chosen.data.column("name")[0].as_py()) == ("UTF-8", "ëӱ")
    with pytest.raises(db.StoreError, match="not valid big5"):
        importer.read_file(con, "regions", "区域编号\r\n".encode() + b"\xff\xfe\r\n", "x.csv",
                           file_encoding="big5")


def test_the_stores_today_follows_its_data_unless_pinned(tmp_path):
    # A new store loaded with last year's data: its today becomes the latest fact's date
    # (2025-06-30), so pages show that data, not "No data"; pinned by hand it stays; set to
    # follow again it takes the latest date once more.
    path = db.init(tmp_path / "ours.duckdb")
    con = db.connect(path)
    today = dt.date.today()
    assert con.execute("SELECT as_of_date, as_of_pinned FROM store_meta").fetchone() == (today, False)
    for table in ("regions", "salespeople", "customers", "products"):
        importer.import_file(con, table, importer.template_csv(con, table), f"{table}.csv")
    sales = [SALES_HEADER, [1, 1, "2025-06-30", "C0001", "P001", "1", "100", "60", "S001", "R01"],
             [2, 2, "2025-06-02", "C0001", "P001", "1", "100", "60", "S001", "R01"]]
    importer.import_file(con, "sales", csv_bytes(sales, "utf-8"), "sales-2025.csv")
    assert importer.today_of(con) >= today  # the far-future rule still counts from the machine's date
    assert con.execute("SELECT as_of_date FROM store_meta").fetchone()[0] == dt.date(2025, 6, 30)
    con.close()
    pinned = run_cli("set-today", "2025-06-15", "--db", str(path))
    assert pinned.returncode == 0 and "today is 2025-06-15, pinned" in pinned.stdout
    con = db.connect(path)
    later = [SALES_HEADER, [3, 3, "2025-07-10", "C0001", "P001", "1", "100", "60", "S001", "R01"]]
    importer.import_file(con, "sales", csv_bytes(later, "utf-8"), "sales-july.csv")
    assert con.execute("SELECT as_of_date FROM store_meta").fetchone()[0] == dt.date(2025, 6, 15)
    con.close()
    followed = run_cli("set-today", "--follow", "--db", str(path))
    assert followed.returncode == 0 and "today is 2025-07-10, following the data" in followed.stdout
    info = run_cli("info", "--db", str(path))
    assert "as of 2025-07-10 (following the data)" in info.stdout
    assert run_cli("set-today", "--db", str(path)).returncode == 2  # neither a date nor --follow


def test_columns_a_department_may_not_have(store):
    # No stretch targets: the stretch is the plan (left out, or left empty). No credit limits:
    # a customer has none — never "over its limit" — where a limit of 0 would flag any balance.
    _, con = store
    targets = [["salesperson_id", "month", "metric", "plan_value"], ["K2", "2026-11-01", "sales", "5000"]]
    importer.import_file(con, "targets", csv_bytes(targets, "utf-8"), "plan-only.csv")
    empty = [["salesperson_id", "month", "metric", "plan_value", "stretch_value"],
             ["K2", "2026-12-01", "sales", "6000", ""], ["K2", "2027-01-01", "sales", "7000", "8000"]]
    importer.import_file(con, "targets", csv_bytes(empty, "utf-8"), "some-stretch.csv")
    assert con.execute("SELECT month, plan_value::INTEGER, stretch_value::INTEGER FROM targets "
                       "WHERE salesperson_id = 'K2' AND month >= DATE '2026-11-01' ORDER BY 1").fetchall() == [
        (dt.date(2026, 11, 1), 5000, 5000), (dt.date(2026, 12, 1), 6000, 6000), (dt.date(2027, 1, 1), 7000, 8000)]
    customers = [["customer_id", "name", "tier", "region_id", "owner_id", "registered_on", "credit_limit"],
                 ["C8", "辛机械有限公司", "A", "R1", "S1", "2026-01-05", "0"],
                 ["C9", "壬机械有限公司", "A", "R1", "S1", "2026-01-05", ""]]
    importer.import_file(con, "customers", csv_bytes(customers, "utf-8"), "limits.csv")
    invoice = [["invoice_id", "customer_id", "issue_date", "due_date", "amount", "salesperson_id", "region_id"],
               ["I89", "C8", "2026-03-01", "2026-03-31", "80000", "S1", "R1"],
               ["I90", "C9", "2026-03-01", "2026-03-31", "80000", "S1", "R1"]]
    importer.import_file(con, "invoices", csv_bytes(invoice, "utf-8"), "invoice.csv")
    assert con.execute("SELECT customer_id, credit_limit FROM customers WHERE customer_id IN ('C8', 'C9') "
                       "ORDER BY 1").fetchall() == [("C8", 0), ("C9", None)]
    # each owes 80,000 (not yet due): C8 is over its limit of 0, C9 has no limit to be over
    flagged = dict(con.execute("SELECT customer_id, reasons FROM customer_alerts "
                               "WHERE customer_id IN ('C8', 'C9')").fetchall())
    assert flagged == {"C8": "over_credit"}


def test_sales_without_cost_or_salesperson(store):
    # A department whose ERP export has no cost column, with web and house orders that no
    # salesperson made. Replacing the sales with it (through the store's today, 2026-03-15):
    #   201  03-02  S1  R1  3,000      203  03-10  —   R2  6,000
    #   202  03-05  —   R1    200      204  03-14  S3  R2    500
    # department 9,700; R1 3,000 + 200 = 3,200; R2 6,000 + 500 = 6,500;
    # salespeople S1 3,000, S3 500, Unassigned 200 + 6,000 = 6,200 (3,000 + 500 + 6,200 = 9,700).
    import queries
    from queries.filters import Filters

    _, con = store
    lines = [["line_id", "order_id", "order_date", "customer_id", "product_id", "quantity", "amount",
              "salesperson_id", "region_id"],
             [201, 201, "2026-03-02", "C1", "P1", 3, "3000", "S1", "R1"],
             [202, 202, "2026-03-05", "C2", "P2", 2, "200", "", "R1"],
             [203, 203, "2026-03-10", "C4", "P1", 6, "6000", "", "R2"],
             [204, 204, "2026-03-14", "C3", "P2", 5, "500", "S3", "R2"]]
    importer.import_file(con, "sales", csv_bytes(lines, "gbk"), "erp-no-cost.csv", mode="replace")
    march = Filters(dt.date(2026, 3, 1), dt.date(2026, 3, 31))

    def attained(level: str) -> dict:
        frame = queries.run_filtered("attainment", march, con=con, level=level, grain="period")
        return {(r.node_name_en, r.metric): (r.actual_value, r.target_note)
                for r in frame.itertuples() if r.metric in ("sales", "gross_profit")}

    department = attained("department")
    assert department[None, "sales"][0] == 9700
    # no line has a cost: gross profit is not known, never 9,700 at a 100 % margin
    gross = department[None, "gross_profit"]
    assert pd.isna(gross[0]) and gross[1] == "no_cost_data"
    assert {k[0]: v[0] for k, v in attained("region").items() if k[1] == "sales"} == {"North": 3200, "South": 6500}
    people = {k[0]: v[0] for k, v in attained("salesperson").items() if k[1] == "sales"}
    assert people["Unassigned"] == 6200 and people["张三"] == 3000 and people["王五"] == 500
    assert sum(v for v in people.values() if not pd.isna(v)) == 9700
    named = queries.run_filtered("attainment", march, con=con, level="salesperson", grain="period")
    assert set(named[named.node_id.isna()].node_name) == {"未分配"}
    growth = queries.run_filtered("growth", march, con=con, level="salesperson")
    assert set(growth[growth.node_id.isna()].node_name_en) == {"Unassigned"}
    forecast = queries.run_filtered("landing_forecast", march, con=con, level="department", metric="gross_profit")
    assert forecast.target_note.tolist() == ["no_cost_data"] and pd.isna(forecast.forecast_value[0])
    pacing = queries.run_filtered("pacing_by_day", march, con=con, metric="gross_profit")
    assert pacing.cumulative_actual.isna().all()

    # one line with a cost: gross profit counts that line only (1,000 − 600 = 400), sales all 10,700
    costed = [["line_id", "order_id", "order_date", "customer_id", "product_id", "quantity", "amount", "cost",
               "salesperson_id", "region_id"], [205, 205, "2026-03-12", "C1", "P1", 1, "1000", "600", "S1", "R1"]]
    importer.import_file(con, "sales", csv_bytes(costed, "utf-8"), "erp-with-cost.csv")
    department = attained("department")
    assert department[None, "sales"][0] == 10700
    assert department[None, "gross_profit"] == (400, None)


def test_files_the_product_writes_never_turn_stored_text_into_formulas(store, tmp_path):
    # A customer's name that a spreadsheet would run, and an address starting with @: in the
    # export (python -m store export), the CSV template's sample row and the Excel template they
    # are text, and the export imports back to the very same values.
    import zipfile

    _, con = store
    name, address = "=cmd|' /C calc'!A0", "@SUM(1+1)"
    first = con.execute("SELECT min(customer_id) FROM customers").fetchone()[0]
    con.execute("UPDATE customers SET name = $n, address = $a WHERE customer_id = $c",
                {"n": name, "a": address, "c": first})
    rows = list(csv.DictReader(io.StringIO(importer.export_csv(con, "customers").decode("utf-8-sig"))))
    mine = next(r for r in rows if r["customer_id"] == first)
    assert (mine["name"], mine["address"]) == ("'" + name, "'" + address)
    assert next(r for r in rows if r["customer_id"] != first)["name"].startswith(("甲", "乙", "丙", "丁", "戊", "己"))
    sample = list(csv.reader(io.StringIO(importer.template_csv(con, "customers").decode("utf-8-sig"))))[1]
    assert "'" + name in sample and "'" + address in sample
    workbook = importer.template_xlsx(con, "customers")
    with zipfile.ZipFile(io.BytesIO(workbook)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet  # no formula cell at all
    cells = openpyxl.load_workbook(io.BytesIO(workbook))["data"]
    assert name in [c.value for c in cells[2]] and address in [c.value for c in cells[2]]
    # the export reads back as stored: the apostrophes come off
    exported = importer.export_csv(con, "customers")
    importer.import_file(con, "customers", exported, "customers-again.csv", mode="replace")
    assert con.execute("SELECT name, address FROM customers WHERE customer_id = $c", {"c": first}).fetchone() == (
        name, address)


def references_counted(con) -> dict[str, tuple[int, str | None]]:
    """Every column of a store's tables that names a row of another (importer.REFERENCES, as the
    import checks them), with how many of its rows name one that does not exist and the least such
    value: `{"sales.product_id": (7, "P2"), …}`, counted here one column at a time."""
    found = {}
    for table in importer.IMPORTABLE:
        for name, in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = $t "
                                 "AND schema_name = 'main'", {"t": table}).fetchall():
            if name in importer.REFERENCES and importer.REFERENCES[name][0] != table:
                other, key = importer.REFERENCES[name]
                found[f"{table}.{name}"] = con.execute(
                    """SELECT count(*), min(v)
                       FROM (SELECT COLUMNS(lambda c: c = $name) AS v FROM query_table($table))
                       WHERE v IS NOT NULL
                         AND v NOT IN (SELECT COLUMNS(lambda c: c = $key) FROM query_table($other))""",
                    {"name": name, "table": table, "key": key, "other": other}).fetchone()
    return found


def test_what_a_replaced_table_leaves_behind_is_counted_and_kept_right_through_later_imports(store):
    """The Data page's reference check reads what the store keeps (reference_checks): after a
    replace that drops a product still named by sales lines, after an append to another table,
    and after the product is back, it equals the check computed from the tables."""
    _, con = store

    def broken() -> dict:
        kept = dict(con.execute("SELECT table_name || '.' || column_name, orphan_count FROM reference_checks "
                                "WHERE orphan_count > 0").fetchall())
        assert kept == {name: count for name, (count, _) in references_counted(con).items() if count}
        return kept

    assert broken() == {}
    only_p1 = [["product_id", "name", "product_line", "list_price"], ["P1", "设备甲", "设备", "1000"]]
    importer.import_file(con, "products", csv_bytes(only_p1, "utf-8"), "p1.csv", mode="replace")
    # tests/fixture/sales.csv: lines 1, 3, 4, 8, 9, 10 and 15 name P2 (7 of its 15 lines)
    assert broken() == {"sales.product_id": 7}
    importer.import_file(con, "sales", csv_bytes(sales_rows(3), "utf-8"), "three.csv")  # an append naming P1
    assert broken() == {"sales.product_id": 7}
    both = [*only_p1, ["P2", "耗材乙", "耗材", "100"]]
    importer.import_file(con, "products", csv_bytes(both, "utf-8"), "p1p2.csv", mode="replace")
    assert broken() == {}
