"""The dashboard's entry point: `streamlit run dashboard.py` serves the Overview (app.py) and
its pages; a page that fails shows a short notice in the reader's language (ui.shell.on_error)
while the traceback goes to the log. `/login` and `/logout` (ui/login.py) serve the login
form (and, where the secrets have an [auth] section, the company login by st.login). It holds
the store from its start: the command line hands its imports over through the store's inbox
(store/inbox.py), and a second dashboard on the same store does not start. Nor does one whose
company login has an empty or example cookie secret. Started with COCKPIT_PUBLISH it publishes
read-only copies for replicas; started with COCKPIT_REPLICA it is one (store/publish.py, deploy/)."""

import contextlib
import sys

import streamlit as st

from store import db, inbox, publish
from ui.login import ROUTES, company_login, secret_problem
from ui.shell import on_error


@contextlib.asynccontextmanager
async def lifespan(_app):
    if db.replica():  # a replica writes nothing: the writer's inbox takes its audit rows
        yield
        return
    with inbox.watching(db.store_path().resolve(), db.shared_connection):
        yield


_auth = company_login()
if _auth is not None and (_problem := secret_problem(_auth)):
    sys.exit(_problem)  # before serving anything: a company login signed with a guessable secret is none
try:
    _con = db.shared_connection()  # held from the start, before any page is asked for
    if publish.publish_folder() is not None:  # the replicas' first copy and accounts
        with db.write_lock:
            publish.publish_store(_con)
            publish.publish_accounts(_con)
except db.StoreBusy as busy:
    sys.exit(f"The dashboard does not start: {busy}")
except db.StoreError:
    pass  # no store yet: the pages say what to do
app = st.App("app.py", on_script_error=on_error, lifespan=lifespan, routes=ROUTES)
