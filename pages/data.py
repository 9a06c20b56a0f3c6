"""Data quality (SPEC §3.10): how complete the customer archive is, and what each table of
the store holds and when it was last loaded. (Imports come to this page later.)"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import fmt
from ui.shell import download, footer, kpi_tile, load, start_page, t, table

filters = start_page("data", "🗂️")

archive = load("archive_completeness", filters).iloc[0]
left, _ = st.columns([1, 3])
kpi_tile(left, "data.completeness", fmt.pct(archive.completeness_pct), "help.completeness",
         caption=f"{fmt.count(archive.complete_count)} / {fmt.count(archive.customers_count)}")
fields = ("name", "tier", "industry", "region", "owner", "phone", "address")
missing = pd.DataFrame({
    "field": [t("field." + f) for f in fields],
    "missing_count": [int(archive["missing_" + f + "_count"]) for f in fields],
})
table(missing)
download(missing, "data-quality", filters, key="missing_csv")

st.subheader(t("data.tables"))
tables = load("data_freshness")
table(tables)
download(tables, "data-tables", None, key="tables_csv")
footer()
