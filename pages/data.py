"""Data (SPEC §3.10): import a table from CSV or Excel — preview, every problem with its row
and column, all or nothing — templates for every table, and the data's quality: archive
completeness, incomplete customers, customers whose owner has left, what each table holds
and references that point at nothing. The work is done by store/importer.py."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from store import columns, db, importer
from ui import fmt
from ui.i18n import import_rule, template_word
from ui.shell import download, footer, kpi_tile, lang, load, problems_table, start_page, t, table, viewer

page = start_page("data", "🗂️")
who = viewer()
if not who.may("data_quality"):  # imports and data quality: the head and the assistant
    st.info(t("data.not_allowed"))
    st.stop()
if db.replica():  # a read-only copy: what changes the store is done on the importing dashboard
    st.info(t("notice.replica"))
    st.stop()
filters = page.filters
con = db.shared_connection().cursor()  # this run's own: other sessions use the connection meanwhile

# --- import -----------------------------------------------------------------------------------
st.subheader(t("data.import"))
done = st.session_state.pop("import_done", None)
if done:
    st.success(done)
left, right = st.columns([2, 1])
chosen = left.selectbox(t("data.table"), importer.IMPORTABLE, key="import_table",
                        format_func=lambda name: f"{t('table.' + name)} · {name}")
mode = right.radio(t("data.mode"), ("append", "replace"), key="import_mode", horizontal=True,
                   format_func=lambda m: t("data.mode." + m), help=t("data.mode_help"))
date_order = right.selectbox(t("data.date_order"), importer.DATE_ORDERS, key="import_date_order",
                             format_func=lambda o: t("data.date_order." + o), help=t("data.date_order_help"))
attempt = st.session_state.setdefault("upload_round", 0)
uploaded = st.file_uploader(t("data.file", mb=importer.MAX_BYTES // 2**20), type=["csv", "xlsx"],
                            key=f"upload_{attempt}")
if uploaded is not None:
    data = uploaded.getvalue()
    sheet = None
    try:
        if uploaded.name.lower().endswith(".xlsx"):
            sheets = importer.sheet_names(data)
            if len(sheets) > 1:
                sheet = st.selectbox(t("data.sheet", n=len(sheets)), sheets, key="import_sheet")
        key = (uploaded.file_id, chosen, sheet, date_order)  # read once, not at every rerun of the page
        if st.session_state.get("import_parsed", (None, None))[0] != key:
            st.session_state["import_parsed"] = (key, importer.read_file(con, chosen, data, uploaded.name, sheet,
                                                                         date_order))
        parsed = st.session_state["import_parsed"][1]
    except db.StoreError as problem:
        st.error(t("data.unreadable", name=fmt.plain(uploaded.name), detail=fmt.plain(problem)))
        st.stop()
    st.caption(t("data.preview", name=fmt.plain(parsed.file_name), encoding=parsed.encoding,
                 rows=fmt.count(parsed.rows), table=chosen))
    for header in parsed.unknown_headers:
        st.warning(t("data.unknown_header", header=fmt.plain(header), table=chosen))
    for header in parsed.ignored_derived:
        st.warning(t("data.derived_header", header=fmt.plain(header)))
    for problem in parsed.problems:
        st.error(fmt.plain(import_rule(problem.rule, lang())))
    preview = parsed.data.slice(0, 20).to_pandas()
    st.dataframe(preview, hide_index=True, width="stretch", placeholder=fmt.MISSING)
    if not parsed.problems and st.button(t("data.import_button", rows=fmt.count(parsed.rows), table=chosen),
                                         type="primary", key="import_go"):
        try:
            result = importer.load(con, parsed, mode=mode, user=who.user_name if who else "dashboard")
        except importer.ImportRejected as rejected:
            duplicate = [p.rule for p in rejected.problems] == ["duplicate file"]
            st.error(t("data.duplicate", name=fmt.plain(parsed.file_name)) if duplicate else
                     t("data.rejected", n=fmt.count(len(rejected.problems)), name=fmt.plain(parsed.file_name)))
            problems_table(rejected.problems, f"import-problems-{chosen}", "problems_csv")
        except db.StoreError as failure:
            st.error(fmt.plain(failure))
        else:
            st.session_state["import_done"] = t("data.imported", rows=fmt.count(result.rows), table=chosen,
                                                version=result.store_version)
            st.session_state["upload_round"] = attempt + 1  # a fresh uploader for the next file
            st.session_state.pop("import_parsed", None)
            st.session_state.pop("store_version", None)  # every page reads the new data
            st.rerun()

# --- templates --------------------------------------------------------------------------------
st.subheader(t("data.templates", table=t("table." + chosen)))
st.caption(t("data.templates_help"))
left, right, _ = st.columns([1, 1, 3])
reader = lang()
left.download_button(t("data.template_csv"), lambda: importer.template_csv(con, chosen, reader), key="template_csv",
                     file_name=f"template-{chosen}.csv", mime="text/csv", on_click="ignore",
                     icon=":material/download:")
right.download_button(t("data.template_xlsx"), lambda: importer.template_xlsx(con, chosen, reader),
                      key="template_xlsx", file_name=f"template-{chosen}.xlsx", on_click="ignore",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      icon=":material/download:")
described = pd.DataFrame(importer.describe(con, chosen))
for words in ("type", "required", "allowed"):
    described[words] = described[words].map(lambda w: template_word(w, lang()))
described["note"] = described["column"].map(lambda c: columns.note(chosen, c, lang()))
table(described.rename(columns=lambda c: "template_" + c))

# --- the store's today ------------------------------------------------------------------------
st.subheader(t("data.today"))
meta = load("store_meta").iloc[0]
st.caption(t("data.today_pinned" if meta.as_of_pinned else "data.today_follows", date=page.today.isoformat()))
pick, pin, follow = st.columns([2, 1, 1], vertical_alignment="bottom")
day = pick.date_input(t("data.today_pick"), value=page.today, key="today_pick", format="YYYY-MM-DD")
if pin.button(t("data.today_pin"), key="today_pin", icon=":material/push_pin:"):
    db.set_today(con, day)
    st.rerun()
if meta.as_of_pinned and follow.button(t("data.today_follow"), key="today_follow", icon=":material/update:"):
    db.set_today(con, None)
    st.rerun()

# --- quality ----------------------------------------------------------------------------------
st.subheader(t("data.quality"))
archive = load("archive_completeness", filters).iloc[0]
left, middle, right = st.columns(3)
kpi_tile(left, "data.completeness", fmt.pct(archive.completeness_pct), "help.completeness",
         caption=f"{fmt.count(archive.complete_count)} / {fmt.count(archive.customers_count)}")
owner_left = load("customers_owner_left", filters)
kpi_tile(middle, "data.owner_left", fmt.count(len(owner_left)), "help.owner_left")
orphans = load("orphan_references")  # kept by the store, checked at every import
kpi_tile(right, "data.orphans", fmt.count(int(orphans.orphan_count.sum())), "help.orphans")
fields = ("name", "tier", "industry", "region", "owner", "phone", "address")
missing = pd.DataFrame({
    "field": [t("field." + f) for f in fields],
    "missing_count": [int(archive["missing_" + f + "_count"]) for f in fields],
})
table(missing)
download(missing, "data-quality", filters, key="missing_csv")

incomplete = load("incomplete_customers", filters)
st.caption(t("data.incomplete", n=fmt.count(len(incomplete))))
if not incomplete.empty:
    # each list of missing fields in words once (thousands of customers share a handful of lists)
    words = {codes: "、".join(t("field." + c) for c in codes.split(","))
             for codes in incomplete.missing_fields.unique()}
    listed = incomplete.drop(columns=["owner_id"]).assign(missing_fields=incomplete.missing_fields.map(words))
    table(listed, codes=True)
    download(listed, "data-incomplete-customers", filters, key="incomplete_csv")
if not owner_left.empty:
    st.caption(t("data.owner_left_list", n=fmt.count(len(owner_left))))
    table(owner_left, codes=True)
    download(owner_left, "data-owner-left", filters, key="owner_left_csv")
broken = orphans[orphans.orphan_count > 0]
if not broken.empty:
    st.warning(t("data.orphans_found", n=fmt.count(len(broken))))
    table(broken, codes=True)
with st.expander(t("data.orphans_all", n=fmt.count(len(orphans)))):
    table(orphans, codes=True)
    download(orphans, "data-references", None, key="orphans_csv")

st.subheader(t("data.tables"))
profile = load("table_profile")
table(profile.assign(table_name=profile.table_name.map(lambda name: f"{t('table.' + name)} · {name}")))
download(profile, "data-tables", None, key="tables_csv")

footer()
