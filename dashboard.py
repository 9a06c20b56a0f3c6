"""The dashboard's entry point: `streamlit run dashboard.py` serves the Overview (app.py) and
its pages; a page that fails shows a short notice in the reader's language (ui.shell.on_error)
while the traceback goes to the log. `/login` and `/logout` (ui/login.py) serve the login
form (and, where the secrets have an [auth] section, the company login by st.login, which
refuses to start with an empty or example cookie secret). While it runs it takes the command line's imports handed
to it through the store's inbox (store/inbox.py), as it holds the store."""

import contextlib
import sys

import streamlit as st

from store import db, inbox
from ui.login import ROUTES, company_login, secret_problem
from ui.shell import on_error


@contextlib.asynccontextmanager
async def lifespan(_app):
    with contextlib.suppress(db.StoreError):  # no store yet: the pages say what to do
        db.shared_connection()  # held from the start, so the command line hands its imports over
    with inbox.watching(db.store_path().resolve(), db.shared_connection):
        yield


_auth = company_login()
if _auth is not None and (_problem := secret_problem(_auth)):
    sys.exit(_problem)  # before serving anything: a company login signed with a guessable secret is none
app = st.App("app.py", on_script_error=on_error, lifespan=lifespan, routes=ROUTES)
