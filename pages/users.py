"""Users (the head's): the accounts that may log in — add one (its password generated and
shown once), disable or enable it, reset its password, change its role — and the audit log
with its CSV. The work is done by store/accounts.py, which audits every change."""

from __future__ import annotations

import datetime as dt

import streamlit as st

import queries
from store import accounts, db
from ui import fmt
from ui.shell import download, start_page, t, table, viewer

page = start_page("users", "👥")
who = viewer()
if not who.may("users"):
    st.info(t("users.not_allowed"))
    st.stop()
if db.replica():  # a read-only copy: what changes the store is done on the importing dashboard
    st.info(t("notice.replica"))
    st.stop()
con = db.shared_connection()
ROLES = tuple(accounts.ROLES)

# --- the accounts --------------------------------------------------------------------------
st.subheader(t("users.accounts"))
done = st.session_state.pop("users_done", None)
if done:
    st.success(done)
people = queries.run("accounts")  # read afresh each time: the accounts change without an import
table(people.assign(role=people.role.map(lambda r: t("role." + r))))
staff = queries.run("salesperson_options", {"regions": None})
names = {**page.names, **dict(zip(staff.salesperson_id, staff.name))}
regions = queries.run("filter_options").query("filter == 'regions'").value.tolist()
salespeople = staff.salesperson_id.tolist()


def named(code: str | None) -> str:
    return "—" if code is None else f"{names.get(code, code)} · {code}"


def act(work, said) -> None:
    """Do one change to the accounts and say what was done (`said(result)`), or why not."""
    try:
        st.session_state["users_done"] = said(work())
    except accounts.AccountError as exc:
        st.error(fmt.plain(exc))
        return
    st.rerun()


with st.form("add_account", clear_on_submit=True):
    st.markdown(f"**{t('users.add')}**")
    left, middle, right = st.columns(3)
    name = left.text_input(t("users.name"))
    shown_as = left.text_input(t("users.display_name"))
    role = middle.selectbox(t("users.role"), ROLES, format_func=lambda r: t("role." + r))
    email = middle.text_input(t("users.email"))
    region = right.selectbox(t("users.region"), [None, *regions], format_func=named)
    person = right.selectbox(t("users.salesperson"), [None, *salespeople], format_func=named)
    if st.form_submit_button(t("users.add_button")):
        act(lambda: accounts.add_user(con, name.strip(), role, region=region, salesperson=person,
                                      email=email.strip() or None, display_name=shown_as.strip() or None,
                                      by=who.user_name),
            lambda password: t("users.added", name=fmt.plain(name.strip()), password=f"`{password}`"))

if not people.empty:
    with st.form("change_account"):
        st.markdown(f"**{t('users.change')}**")
        left, middle, right = st.columns(3)
        account = left.selectbox(t("users.account"), people.user_name.tolist())
        change = middle.selectbox(t("users.action"), ("disable", "enable", "reset", "role", "email"),
                                  format_func=lambda a: t("users.action." + a))
        role = right.selectbox(t("users.new_role"), ROLES, format_func=lambda r: t("role." + r))
        region = right.selectbox(t("users.region"), [None, *regions], format_func=named,
                                 key="change_region")
        person = right.selectbox(t("users.salesperson"), [None, *salespeople], format_func=named,
                                 key="change_person")
        new_email = right.text_input(t("users.email"), key="change_email")
        if st.form_submit_button(t("users.apply")):
            if change == "reset":
                act(lambda: accounts.reset_password(con, account, by=who.user_name),
                    lambda password: t("users.reset_done", name=fmt.plain(account), password=f"`{password}`"))
            elif change == "email":
                act(lambda: accounts.set_email(con, account, new_email, by=who.user_name),
                    lambda _: t("users.done", name=fmt.plain(account)))
            elif change == "role":
                act(lambda: accounts.set_role(con, account, role, region=region, salesperson=person,
                                              by=who.user_name), lambda _: t("users.done", name=fmt.plain(account)))
            else:
                act(lambda: accounts.set_disabled(con, account, change == "disable", by=who.user_name),
                    lambda _: t("users.done", name=fmt.plain(account)))

# --- the audit log -------------------------------------------------------------------------
st.subheader(t("users.audit"))
left, middle, right = st.columns(3)
since = left.date_input(t("users.since"), dt.date.today() - dt.timedelta(days=30))
action = middle.selectbox(t("users.what"), [None, "login", "logout", "locked", "import", "export", "user_added",
                                             "user_disabled", "user_enabled", "password_reset", "role_changed",
                                             "email_changed"],
                          format_func=lambda a: t("audit." + a) if a else t("filter.all"))
by = right.selectbox(t("users.by"), [None, *people.user_name.tolist(), "cli"],
                     format_func=lambda u: u or t("filter.all"))
log = queries.run("audit_log", {"start_date": since, "end_date": dt.date.today(), "action": action,
                                "user_name": by})
table(log.assign(action=log.action.map(lambda a: t("audit." + a))))
download(log, "audit-log", None, key="audit_csv")
