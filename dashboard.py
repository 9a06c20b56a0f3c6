"""The dashboard's entry point: `streamlit run dashboard.py` serves the Overview (app.py) and
its pages; a page that fails shows a short notice in the reader's language (ui.shell.on_error)
while the traceback goes to the log."""

import streamlit as st

from ui.shell import on_error

app = st.App("app.py", on_script_error=on_error)
