"""Monthly report (the head's and the assistant's): the month's report to the general manager
as a PDF (report/monthly.py) for the sidebar's filters — each chapter's commentary written and
kept with the month, then the PDF made, with its progress shown, and downloaded (audited)."""

from __future__ import annotations

import io

import streamlit as st
from pypdf import PdfReader

from queries.scorecard import previous_month
from report import monthly
from store import accounts, db
from ui import fmt
from ui.shell import audited_download, keep, lang, linked, load, made_on_request, month_text, start_page, t, viewer

page = start_page("report", "📄")
who = viewer()
if not who.may("report"):
    st.info(t("report.not_allowed"))
    st.stop()
filters, today = page.filters, page.today
st.caption(t("report.intro"))

months = [today.replace(day=1)]
for _ in range(24):
    months.append(previous_month(months[-1]))
default = previous_month(today)
month = st.selectbox(t("report.month"), months, key="report_month",
                     index=months.index(linked("month", "report_month", months, default, as_text=month_text)),
                     format_func=lambda m: month_text(m) + (t("month.in_progress") if m == months[0] else ""))
keep("month", month, as_text=month_text)
con = db.shared_connection()

# --- the commentary, kept with the month ---------------------------------------------------
saved = accounts.comments(con, month)
st.subheader(t("report.comments"))
with st.form(f"report_comments_{month}"):
    texts = {chapter: st.text_area(t("overview.alerts" if chapter == "alerts" else "page." + chapter),
                                   value=saved.get(chapter, ""), max_chars=accounts.COMMENT_CHARS, height=80,
                                   key=f"comment_{month}_{chapter}")
             for chapter in monthly.CHAPTERS}
    if st.form_submit_button(t("report.save")):
        try:
            accounts.save_comments(con, month, texts, who.user_name)
            st.success(t("report.saved", month=month_text(month)))
            saved = accounts.comments(con, month)
        except db.StoreError as problem:
            st.error(t("report.not_saved", reason=fmt.plain(problem)))

# --- the PDF -------------------------------------------------------------------------------
names, reader = page.names, lang()
asked = (filters, reader, month, tuple(sorted(saved.items())), st.session_state.get("store_version"))


def make(progress) -> tuple[bytes, int]:
    data = monthly.report(load, month, filters, reader, today, who.scope, names, who.display_name, saved,
                          progress=progress)
    return data, len(PdfReader(io.BytesIO(data)).pages)


try:
    kept = made_on_request("report", asked, t("report.make"), make, type="primary")
except monthly.ReportError as problem:
    st.error(t("report.cannot", reason=fmt.plain(problem)))
    kept = None
if kept:
    data, pages = kept
    st.success(t("report.ready", pages=fmt.count(pages)))
    audited_download(t("report.download"), "report_download", monthly.file_name(month, filters, reader, names),
                     "monthly-report", lambda: (data, f"{pages} pages"), "application/pdf")
