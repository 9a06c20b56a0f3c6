"""Key-Account Cockpit (大客户驾驶舱): the entry page.

For now it shows the store at a glance: its as-of date and what each table holds.
"""

from __future__ import annotations

import streamlit as st

import queries
from store import db

st.set_page_config(page_title="Key-Account Cockpit · 大客户驾驶舱", page_icon="📊", layout="wide")


st.title("Key-Account Cockpit · 大客户驾驶舱")
try:
    db.shared_connection()  # the process's one connection; every query runs on a cursor of it
except db.StoreError as exc:
    st.error(str(exc))
    st.stop()

meta = queries.run("store_meta").iloc[0]
st.caption(f"As of 截至 {meta.as_of_date:%Y-%m-%d} · store version 数据版本 {meta.store_version}")
counts = queries.run("table_row_counts")
st.dataframe(
    counts, hide_index=True,
    column_config={"table_name": "Table 数据表", "rows_count": st.column_config.NumberColumn("Rows 行数", format="%d")},
)
