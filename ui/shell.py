"""What every page shares: the sidebar (navigation, language, filters kept in the URL), the
cached query loader, KPI tiles, CSV downloads, the empty state and the freshness footer.

Every page opens with `filters = sidebar("page_key")` and draws below it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import pickle
import secrets
import threading
from collections import namedtuple
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

import queries
from queries.filters import Filters, Scope
from queries.values import first, missing, missing_each
from report import pack
from store import accounts, db, importer
from store.importer import IMPORTABLE
from ui import export, fmt
from ui.i18n import DEFAULT_LANG, LANGS, import_rule, text
from ui.login import COOKIE, company_login, company_provider
from ui.urlstate import (
    EARLIEST,
    LATEST,
    LIST_KEYS,
    PRESETS,
    FilterState,
    Problem,
    from_url,
    period,
    to_filters,
    to_url,
)

# The navigation: only pages that exist. (file, title key, icon), grouped in sections.
NAVIGATION = [
    ("nav.section.overview", [("app.py", "page.overview", ":material/dashboard:"),
                              ("pages/targets.py", "page.targets", ":material/target:"),
                              ("pages/pipeline.py", "page.pipeline", ":material/filter_alt:"),
                              ("pages/visits.py", "page.visits", ":material/handshake:"),
                              ("pages/satisfaction.py", "page.satisfaction", ":material/sentiment_satisfied:"),
                              ("pages/competitors.py", "page.competitors", ":material/travel_explore:"),
                              ("pages/scorecard.py", "page.scorecard", ":material/assignment:")]),
    ("nav.section.money", [("pages/receivables.py", "page.receivables", ":material/account_balance:"),
                           ("pages/commissions.py", "page.commissions", ":material/payments:"),
                           ("pages/expenses.py", "page.expenses", ":material/receipt_long:")]),
    ("nav.section.data", [("pages/report.py", "page.report", ":material/picture_as_pdf:"),
                          ("pages/planning.py", "page.planning", ":material/calculate:"),
                          ("pages/data.py", "page.data", ":material/database:"),
                          ("pages/users.py", "page.users", ":material/group:")]),
]
_LOG = logging.getLogger("cockpit")
_STATE = "filter_state"  # the plain session_state key that keeps the filters across pages


def lang() -> str:
    state = st.session_state.get(_STATE)
    return state.lang if state else DEFAULT_LANG


def t(key: str, **values: object) -> str:
    """The text for `key` in the reader's language."""
    return text(key, lang(), **values)


# --- data ----------------------------------------------------------------------------------

@st.cache_resource(ttl=900, max_entries=512, show_spinner=False)
def _cached(name: str, sql: str, params: tuple, store_version: int, store_file: str) -> pd.DataFrame:
    """Query results are cached on plain values only: the query's name and SQL text, its
    parameters and the store (file and version, which changes with every import), so no
    stale figure survives an import and no viewer's state is shared. The query runs only on the
    store of that version: a result is never kept under another."""
    return queries.run(name, {k: list(v) if isinstance(v, tuple) else v for k, v in params}, version=store_version)


def load(name: str, filters: Filters | None = None, **extra: object) -> pd.DataFrame:
    """A named query's result for these filters, narrowed to the viewer's scope, cached."""
    return loader(name, filters, **extra)()


def _key(name: str, filters: Filters | None, **extra: object) -> tuple:
    """A query's parameters for these filters within the viewer's scope, as a cache key."""
    params = queries.bind(name, filters, _scope(), **extra)
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))


def _version() -> int:
    version = st.session_state.get("store_version")  # read by the sidebar at every rerun
    return int(queries.run("store_meta").iloc[0].store_version) if version is None else version


def loader(name: str, filters: Filters | None = None, **extra: object) -> Callable[[], pd.DataFrame]:
    """`load` for later: the query is bound now and run (or read from the cache) when called,
    e.g. by a download button outside the page's run."""
    key, version = _key(name, filters, **extra), _version()
    sql, store = queries.load(name).sql, str(db.store_path().resolve())

    def fetch() -> pd.DataFrame:
        try:
            # the cached frame itself is never handed out: a shallow copy costs nothing (pandas
            # copies on write), where unpickling a cached copy at every rerun was most of a warm one
            return _cached(name, sql, key, version, store).copy(deep=False)
        except queries.StoreChanged:  # an import landed since this run read the version:
            st.session_state.pop("store_version", None)
            st.rerun()  # the page again, every figure of it from the new data
    return fetch


def made_from(name: str, filters: Filters | None, what: str, make: Callable[[], object], **extra: object) -> object:
    """What a page makes from a query's rows (texts for every row, say), made once for the rows
    `load(name, filters, **extra)` gives and kept like them; `what` names it, with anything
    else it depends on (the reader's language)."""
    return _kept(_fingerprint(what, _key(name, filters, **extra), _version(), str(db.store_path().resolve())), make)


def each_row(frame: pd.DataFrame, make: Callable[[tuple], object]) -> list:
    """make(row) for every row of `frame` (a named tuple of its columns, a missing value None),
    made once for rows that are alike: give only the columns `make` reads. The columns are read
    whole, where itertuples reads a column from the store a value at a time (about 40 µs a row)."""
    Row = namedtuple("Row", frame.columns)
    made: dict[tuple, object] = {}

    def once(row: tuple) -> object:
        try:
            hash(row)
        except TypeError:  # a value that cannot be a key (a list): made for this row alone
            return make(row)
        if row not in made:
            made[row] = make(row)
        return made[row]
    return [once(Row(*values)) for values in zip(*(_values(frame[c]) for c in frame.columns))]


def _values(column: pd.Series) -> list:
    """A column's values, each missing one None (NaN is never equal to itself: no row with one
    would be alike another)."""
    values = column.tolist()
    if not column.hasnans:
        return values
    return [None if gone else v for v, gone in zip(values, missing_each(column).tolist())]


def load_many(**loaders: Callable[[], pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Several `loader`s run at once (each query on its own cursor, the cache shared), for a
    page that needs many figures: the store answers them side by side on the machine's cores."""
    if len(loaders) < 2:
        return {name: fetch() for name, fetch in loaders.items()}
    context = get_script_run_ctx()
    with ThreadPoolExecutor(max_workers=min(len(loaders), os.cpu_count() or 1, 4),
                            initializer=lambda: add_script_run_ctx(threading.current_thread(), context)) as pool:
        futures = {name: pool.submit(fetch) for name, fetch in loaders.items()}
        return {name: future.result() for name, future in futures.items()}


# --- the sidebar ---------------------------------------------------------------------------

def _options() -> tuple[pd.DataFrame, dict[str, list[str]], dict[str, set[str]]]:
    """The filter options (their labels), each list filter's values in order, and the values each
    filter may take: within what the viewer sees (a regional lead's regions are their region; a
    salesperson's, their own region and themselves), so a link naming anything else is dropped
    with a notice."""
    frame = load("filter_options")
    values: dict[str, list[str]] = {name: [] for name in LIST_KEYS}
    for name, value in zip(frame["filter"].tolist(), frame["value"].tolist()):  # one pass, at every rerun
        values.setdefault(name, []).append(value)
    options = {name: set(values[name]) for name in LIST_KEYS if name != "salespeople"}
    people = _people(None)
    options["salespeople"] = set(people.salesperson_id)
    scope = _scope()
    if scope.kind != "all":
        options["regions"] &= {scope.value} if scope.kind == "region" else set(people.region_id)
    return frame, values, options


def _people(regions: list[str] | None) -> pd.DataFrame:
    """The salesperson filter's people (of `regions`), within what the viewer sees."""
    people = load("salesperson_options", regions=regions)
    scope = _scope()
    return people[people.salesperson_id == scope.value] if scope.kind == "salesperson" else people


def _problem_text(problem: Problem) -> str:
    if problem.kind == "reversed":
        return t("notice.reversed")
    if problem.kind == "bad_preset":
        return t("notice.bad_preset", value=fmt.plain(problem.value))
    label = t("filter." + problem.filter) if "filter." + problem.filter in _KNOWN else fmt.plain(problem.filter)
    return t("notice." + problem.kind, filter=label, value=fmt.plain(problem.value))


_KNOWN = {"filter.start", "filter.end", *("filter." + k for k in LIST_KEYS)}


def _keep(widget_key: str, apply) -> None:
    """on_change: copy a widget's value into the kept filter state."""
    apply(st.session_state[widget_key])


_SCOPE = "viewer_scope"  # what the viewer may see, narrowing every query (set by _viewer at every run)
_WHO = "viewer"  # the account looking (None before a login)
_VIA_COMPANY = "login_via_company"  # whether the account was found by the company login's e-mail
_COMPANY_AUDITED = "company_login_audited"  # the account whose company login is in the audit log


def _scope() -> Scope:
    """What this session's account sees; only set once its login is checked (default deny)."""
    if _SCOPE not in st.session_state:
        raise PermissionError("no figure before the account is checked")
    return st.session_state[_SCOPE]


def viewer() -> accounts.Viewer:
    """The account looking at the page, as checked at the start of this run."""
    return st.session_state[_WHO]


def _viewer() -> accounts.Viewer:
    """The account looking, from its session (the login form's cookie; a test seeds
    `session_token`), checked against the store at every run, so a logout, a disabled account
    or a changed role counts at once. Default deny: a store without any account shows only how
    to make the head's, and without a valid session the page shows only a link to log in."""
    con = db.shared_connection()
    who = accounts.viewer(con, st.session_state.get("session_token") or st.context.cookies.get(COOKIE))
    asked = st.query_params.get("lang", DEFAULT_LANG)
    lang_ = asked if asked in LANGS else DEFAULT_LANG
    company = company_login()
    st.session_state[_VIA_COMPANY] = who is None and company is not None and st.user.is_logged_in
    if st.session_state[_VIA_COMPANY]:  # the identity provider's e-mail names the account
        who = accounts.viewer_by_email(con, st.user.get("email"))
        if who is None:
            st.warning(text("login.company_unknown", lang_, email=fmt.plain(st.user.get("email"))))
            st.button(text("login.logout", lang_), on_click=st.logout)
            st.stop()
        if st.session_state.get(_COMPANY_AUDITED) != who.user_name:  # once for each login, not each rerun
            accounts.record(con, who.user_name, "login", who.user_name, "company login (e-mail)")
            st.session_state[_COMPANY_AUDITED] = who.user_name
    if who is None:
        st.session_state.pop(_SCOPE, None)
        st.session_state.pop(_WHO, None)
        if not accounts.has_accounts(con):
            st.info(text("users.no_accounts", lang_))
        else:
            st.info(text("login.required", lang_))
            st.link_button(text("login.link", lang_), f"/login?lang={lang_}", type="primary")
            if company is not None:
                st.button(text("login.company", lang_), on_click=st.login, args=(company_provider(company),))
        st.stop()
    st.session_state[_SCOPE], st.session_state[_WHO] = who.scope, who
    return who


def _company_logout() -> None:
    accounts.record(db.shared_connection(), viewer().user_name, "logout", None, "company login")
    st.session_state.pop(_COMPANY_AUDITED, None)
    st.logout()


def _may_open(path: str, who: accounts.Viewer) -> bool:
    """Whether the sidebar lists a page: the Data page is the head's and the assistant's, the
    Users page the head's."""
    needs = {"pages/data.py": "data_quality", "pages/users.py": "users", "pages/report.py": "report",
             "pages/planning.py": "planning"}.get(path)
    return needs is None or who.may(needs)


def sidebar(page: str) -> Filters:
    """Draw the shared sidebar and return the resolved filters for this page."""
    try:
        meta = queries.run("store_meta").iloc[0]
    except db.StoreError as exc:
        st.error(text("store.missing", DEFAULT_LANG, message=fmt.plain(exc)))
        st.stop()
    who = _viewer()
    today = meta.as_of_date.date()
    st.session_state["store_version"] = int(meta.store_version)
    st.session_state["store_today"] = today
    frame, values, options = _options()
    if _STATE not in st.session_state:  # first page of the session: start from the link
        state, problems = from_url(dict(st.query_params), options, LANGS)
        st.session_state[_STATE] = state
        st.session_state["filter_problems"] = problems
        st.session_state[_LINK] = dict(st.query_params)  # page controls read theirs (linked)
    state: FilterState = st.session_state[_STATE]
    problems = st.session_state.pop("filter_problems", [])

    with st.sidebar:
        st.markdown(f"### {t('app.title')}")
        for section, pages in NAVIGATION:
            pages = [p for p in pages if _may_open(p[0], who)]
            if pages:
                st.caption(t(section))
            for path, title, icon in pages:
                try:
                    st.page_link(path, label=t(title), icon=icon)
                except StreamlitPageNotFoundError:
                    pass  # a page run on its own (AppTest) knows no other page: streamlit#8429

        st.divider()
        _widget("lang", state.lang, lambda v: setattr(state, "lang", v),
                lambda key, cb: st.radio(t("sidebar.language"), LANGS, key=key, on_change=cb, horizontal=True,
                                         format_func=lambda code: {"en": "English", "zh": "简体中文"}[code]))
        st.caption(t("login.as", name=fmt.plain(who.display_name)))
        if st.session_state[_VIA_COMPANY]:
            st.button(t("login.logout"), on_click=_company_logout)
        else:
            st.markdown(f"[{t('login.logout')}](/logout?lang={lang()})")
        st.subheader(t("sidebar.filters"))
        st.caption(t("filter.as_of", date=today.isoformat()))
        _widget("preset", state.preset, lambda v: setattr(state, "preset", v),
                lambda key, cb: st.selectbox(t("filter.period"), PRESETS, key=key, on_change=cb,
                                             format_func=lambda p: t("preset." + p)))
        if state.preset == "custom":
            start, end = period(state, today) if not (state.start and state.end) else (state.start, state.end)
            state.start, state.end = start, end
            _widget("start", start, lambda v: setattr(state, "start", v),
                    lambda key, cb: st.date_input(t("filter.start"), key=key, on_change=cb, min_value=EARLIEST,
                                                  max_value=LATEST))
            _widget("end", end, lambda v: setattr(state, "end", v),
                    lambda key, cb: st.date_input(t("filter.end"), key=key, on_change=cb, min_value=EARLIEST,
                                                  max_value=LATEST))
            if state.start > state.end:
                state.start, state.end = state.end, state.start
        people = _people(list(state.values["regions"]) or None)
        labels = export.filter_names(frame, people, lang())
        choices = {name: sorted(values[name]) for name in LIST_KEYS}
        choices["salespeople"] = list(people.salesperson_id)
        state.values["salespeople"] = tuple(v for v in state.values["salespeople"] if v in choices["salespeople"])
        if st.session_state[_SCOPE].kind != "all":  # an account that sees part: only that part is offered
            choices["regions"] = [r for r in choices["regions"] if r in options["regions"]]
            state.values["regions"] = tuple(v for v in state.values["regions"] if v in choices["regions"])
        for name in LIST_KEYS:
            _widget(name, list(state.values[name]), lambda v, n=name: state.values.__setitem__(n, tuple(v)),
                    lambda key, cb, n=name: st.multiselect(t("filter." + n), choices[n], key=key, on_change=cb,
                                                           format_func=lambda v: labels.get(v, v),
                                                           placeholder=t("filter.all")))
    store = db.store_path().resolve()
    for journal in db.journals_set_aside(store):  # every reader is told, until the file is moved away
        st.warning(t("notice.journal_set_aside", file=fmt.plain(journal.name)), icon=":material/warning:")
    if db.read_only(store):
        st.warning(t("notice.read_only"), icon=":material/hard_drive:")
    if problems:
        between = "；" if lang() == "zh" else "; "
        st.warning(t("notice.dropped", items=between.join(_problem_text(p) for p in problems)))
    st.query_params.from_dict(to_url(state))
    st.session_state["filter_labels"] = labels
    return to_filters(state, today)


_LINK = "opening_link"  # the link the session opened with, for the page controls still to read it


def _as_link(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def linked(name: str, key: str, options, default, as_text=_as_link):
    """The value a page control starts with: the link's `name=…` when the session was opened
    with one naming one of `options` (read once), else `default`. Once drawn, the control
    keeps the reader's choice, and `keep(name, value)` writes it into the link, so a copied
    link reopens the same view."""
    wanted = st.session_state.get(_LINK, {}).pop(name, None)
    if key in st.session_state or wanted is None:
        return default
    return next((option for option in options if as_text(option) == wanted), default)


def version_choice(kind: str, key: str, link: str):
    """The plan version a page reads its targets (kind targets) or budgets (kind budgets) from,
    chosen among those saved on the Planning page — none: those in force — and kept in the
    link: (the version or None, every version's title with 0 for in force, the column beside
    the choice). Nothing is drawn before a version is saved: (None, {}, None)."""
    versions = load("plan_versions", None, kind=kind)
    if versions.empty:
        return None, {}, None
    titles = {0: t("plan.in_force")} | {int(v.version_id): f"{v.name} ({v.plan_year})" for v in versions.itertuples()}
    where, beside = st.columns(2)
    chosen = where.selectbox(t("plan.version." + kind), list(titles), key=key, format_func=titles.get,
                             index=list(titles).index(linked(link, key, list(titles), 0)))
    keep(link, chosen)
    return chosen or None, titles, beside


def keep(name: str, value: object, as_text=_as_link) -> None:
    """Write a page control's value into the link (after the sidebar wrote the filters)."""
    st.query_params[name] = as_text(value)


def clicked(name: str, key: str, event, options) -> tuple | None:
    """The chart element the reader clicked (its customdata), or — until they click one — the
    one the link named (`name=a:b`, read once, kept only if among `options`); written into
    the link, so a copied link reopens the narrowed view."""
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    remembered = key + "_from_link"
    if points:
        st.session_state.pop(remembered, None)
        chosen = tuple(str(v) for v in points[0]["customdata"])
    else:
        wanted = st.session_state.get(_LINK, {}).pop(name, None)
        if wanted is not None and tuple(wanted.split(":")) in options:
            st.session_state[remembered] = tuple(wanted.split(":"))
        chosen = st.session_state.get(remembered)
        if chosen and st.button(t("link.show_all"), key=key + "_show_all", icon=":material/close:"):
            st.session_state.pop(remembered)  # the chart has nothing selected to click away: a button
            chosen = None
    if chosen:
        st.query_params[name] = ":".join(chosen)
    return chosen


def month_text(month: dt.date) -> str:
    return month.strftime("%Y-%m")


# Fixed page styling (no data in it): on a 1280×720 projector the page starts near the top
# and tables use the full width of the main column. Streamlit's own words on its widgets
# (the uploader's button and size note, the multiselect's "Select all") come in English only:
# the note repeats the uploader's label, so it goes; the two words are drawn in the reader's
# language from the text table (fixed strings, never data).
PROJECTOR_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; padding-left: 0.75rem; padding-right: 0.75rem; }
section[data-testid="stSidebar"] { width: 240px !important; min-width: 240px !important; }
[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: "%(upload)s"; font-size: 0.875rem; }
[data-testid="stMultiSelectDropdown"] [data-key="__select_all__"] [data-item-hl] { font-size: 0; }
[data-testid="stMultiSelectDropdown"] [data-key="__select_all__"] [data-item-hl]::after {
  content: "%(select_all)s"; font-size: 1rem; }
</style>"""


@dataclass(frozen=True)
class Page:
    """What a page draws from: the resolved filters, the store's today (its as-of date) and
    the display names of the filters' values (regions, people …) in the reader's language."""

    filters: Filters
    today: dt.date
    names: dict[str, str]


def start_page(key: str, icon: str) -> Page:
    """Open a page: its browser title and icon, the shared sidebar, its heading. Every page
    starts with this one call."""
    st.set_page_config(page_title="Key-Account Cockpit · 大客户驾驶舱", page_icon=icon, layout="wide")
    filters = sidebar(key)  # first: it reads the reader's language from the link
    st.html(PROJECTOR_CSS % {"upload": t("widget.upload"), "select_all": t("widget.select_all")})
    st.title(t("page." + key))
    _meeting_pack(filters)
    return Page(filters, st.session_state["store_today"], st.session_state["filter_labels"])


def _meeting_pack(filters: Filters) -> None:
    """The sidebar's meeting pack: the chosen pages' tables for these filters and language in one
    workbook (report/pack.py), made on request with its progress shown, then offered for
    download (audited like a CSV); a pack made for other filters is not offered."""
    with st.sidebar.expander(t("pack.button"), icon=":material/table_view:"):
        st.caption(t("pack.help"))
        chosen = st.pills(t("pack.pages"), pack.PAGES, selection_mode="multi", default=pack.PAGES, key="pack_pages",
                          format_func=lambda p: t("page." + p)) or []
        today, names, reader = st.session_state["store_today"], st.session_state["filter_labels"], lang()

        def make(progress) -> tuple[bytes, int]:
            made = pack.sheets(load, filters, reader, today, _scope(), chosen,
                               progress=lambda done, what: progress(done, t("pack.making", what=what)))
            cover = pack.cover(filters, reader, names, today, viewer().display_name, dt.datetime.now())
            return pack.workbook(made, reader, cover, names), len(made)
        kept = made_on_request("pack", (filters, reader, tuple(chosen), _version()), t("pack.make"), make,
                               disabled=not chosen)
        if kept:
            data, count = kept
            st.caption(t("pack.ready", n=fmt.count(count)))
            audited_download(t("pack.download"), "pack_download", pack.file_name(filters, names), "meeting-pack",
                             lambda: (data, f"{count} tables"),
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def made_on_request(key: str, asked: tuple, label: str, make: Callable[[Callable[[float, str], None]], object],
                    **button: object) -> object | None:
    """A file (or anything) made when the reader clicks `label` — `make(progress)`, with a bar
    showing `progress(share done, what it is doing)` — kept in the session for what it was made from
    (`asked`: the filters, language …); what was made, while `asked` is still the same, else None.
    An error of `make` reaches the caller, nothing kept."""
    if st.button(label, key=key + "_make", **button):
        bar = st.progress(0.0, label)
        try:
            st.session_state["made_" + key] = (asked, make(bar.progress))
        finally:
            bar.empty()
    kept = st.session_state.get("made_" + key)
    return kept[1] if kept and kept[0] == asked else None


def audited_download(label: str, key: str, name: str, subject: str, data: Callable[[], tuple[bytes, str]],
                     mime: str) -> None:
    """A download button of the file `name`, made by `data()` (its bytes and what it holds: "12
    rows") only when clicked; each download writes an audit row: who, `subject` (the page or
    the export), the file's name and what it holds."""
    who = viewer()

    def audited() -> bytes:
        content, what = data()
        accounts.record(db.shared_connection(), who.user_name, "export", subject, f"{name} · {what}")
        return content
    st.download_button(label, audited, key=key, mime=mime, file_name=name, icon=":material/download:",
                       on_click="ignore")  # downloading does not rerun the page


def on_error(error: Exception) -> bool:
    """What a reader sees when a page fails (dashboard.py hands every uncaught error here): a
    short notice in their language with a reference that the log carries beside the
    traceback (which Streamlit has just logged), never the error's own text."""
    if isinstance(error, db.QueryTimeout):  # the reader can act on this one: a narrower view
        _LOG.warning("a page's query was stopped at its time limit: %s", error)
        st.warning(t("error.timeout", seconds=f"{db.QUERY_SECONDS:g}"), icon=":material/timer:")
        return True
    reference = f"{dt.datetime.now():%H%M%S}-{secrets.token_hex(2)}"
    _LOG.error("a page failed (reference %s): %s", reference, type(error).__name__)
    st.error(t("error.page", ref=reference), icon=":material/error:")
    return True  # Streamlit shows nothing more


def _widget(name: str, value, apply, draw) -> None:
    """Draw a filter widget seeded from the kept state: widget keys vanish when a page does
    not draw them, so the kept state, not the widget, is what survives a page switch."""
    key = "w_" + name
    st.session_state[key] = value
    draw(key, lambda: _keep(key, apply))


# --- shared pieces -------------------------------------------------------------------------

def kpi_tile(column, label_key: str, value: str, help_key: str, delta: str | None = None,
             caption: str | None = None, delta_color: str = "normal", good: bool | None = None) -> None:
    """A KPI tile: value, delta, and beneath it the target or comparison; the tooltip holds
    the definition (SPEC §4). `good` says whether a delta that is not a change (such as
    "95.2 % of target") is good — green, arrow up — or bad — red, arrow down."""
    arrow = "auto" if good is None else "up" if good else "down"
    if good is not None:
        delta_color = "green" if good else "red"
    with column:
        st.metric(t(label_key), value, delta, help=t(help_key), delta_color=delta_color, border=True,
                  delta_arrow=arrow)
        if caption:
            st.caption(caption)


def empty_state(filters: Filters) -> None:
    """The page's filters match nothing: say so plainly, and stop drawing."""
    what = f"{filters.start_date.isoformat()} – {filters.end_date.isoformat()}"
    chosen = [st.session_state.get("filter_labels", {}).get(v, v)
              for values in (filters.regions, filters.salespeople, filters.tiers, filters.industries,
                             filters.product_lines) for v in values]
    st.info(t("empty.title", what=" · ".join([what, *chosen])) + " " + t("empty.hint"))
    st.stop()


def problems_table(problems: list[importer.Problem], name: str, key: str) -> None:
    """Every problem of a file not loaded — row, column, value, rule in the reader's language —
    the first thousand on screen and all of them in the CSV `name`."""
    rows = pd.DataFrame([{"row": p.row, "column": p.column, "value": p.value, "rule": import_rule(p.rule, lang())}
                         for p in problems])
    shown = rows.head(1000)
    if len(rows) > len(shown):
        st.caption(t("data.problems_first", shown=fmt.count(len(shown)), n=fmt.count(len(rows))))
    table(shown)
    download(rows, name, None, key=key)


def download(frame: pd.DataFrame | Callable[[], pd.DataFrame], page: str, filters: Filters | None, key: str,
             label: str | None = None) -> None:
    """A CSV of exactly these rows (SPEC §2), built only when the button is clicked; `frame`
    may be a function that makes the rows then (outside the page's run: no `t` or widgets)."""
    reader, names = lang(), st.session_state.get("filter_labels")
    rows = frame if callable(frame) else lambda: frame

    def data() -> tuple[bytes, str]:
        shown = rows()
        return export.csv_bytes(shown, reader, names), f"{len(shown):,} rows"
    audited_download(label or t("download"), key, export.file_name(page, filters, names), page, data, "text/csv")


def first_rows(shown: pd.DataFrame, every: Callable[[], pd.DataFrame], shown_at_most: int, says: str, page: str,
               filters: Filters | None, key: str, columns: list[str] | None = None,
               places: dict[str, int] | None = None) -> None:
    """A list of which the screen shows the first rows (a query asked for its `top` with how many
    there are in all, `rows_count`) and, when there are more, says which (`says`) and that the
    CSV has `every` row. `columns`: those shown (the CSV has all); `places` as for `table`."""
    total = int(first(shown, "rows_count", 0))
    more = total > shown_at_most
    if more:
        st.caption(t(says, shown=fmt.count(shown_at_most), n=fmt.count(total)))
    table(shown[columns] if columns else shown.drop(columns=["rows_count"]), places)
    download(lambda: every().drop(columns=["rows_count"]), page, filters, key=key,
             label=t("download.all", n=fmt.count(total)) if more else None)


LONG_TEXT, LONG_TEXT_PX = 30, 240  # a text column holding texts over 30 characters is drawn 240 px wide


def table(frame: pd.DataFrame, places: dict[str, int] | None = None, codes: bool = False) -> None:
    """A table with translated headers (see `_draw_table`), drawn once for rows alike (`_once`)."""
    if len(frame) > ONCE_AT_MOST_ROWS:
        _draw_table(frame, places, codes)
    else:
        _once(lambda: _draw_table(frame, places, codes), "table", places, codes, frame)


# A table or chart is drawn once for the same rows, language and sidebar names, then replayed:
# Streamlit keeps the element it made (st.cache_resource records a cached function's elements)
# and sends it again at every rerun that draws the same, without building it anew.
ONCE_AT_MOST_ROWS = 50_000  # a longer table is drawn each time (Streamlit may serve it in parts)


def _once(make: Callable[[], object], *inputs: object) -> object:
    """make(), or what it made for the same `inputs` — its value, and the elements it drew sent
    again: the inputs must be all it reads besides the reader's language and the sidebar's names."""
    try:
        key = _fingerprint(lang(), st.session_state.get("filter_labels"), *inputs)
    except (TypeError, AttributeError, pickle.PicklingError):  # a value that cannot be pickled: made each time
        return make()
    return _kept(key, make)


def _fingerprint(*inputs: object) -> str:
    """The inputs as a key: a frame by its pickled bytes (its columns, types and every value —
    a third of the time pandas takes to hash its values), anything else by its repr."""
    digest = hashlib.blake2b(digest_size=16)
    for value in inputs:
        digest.update(pickle.dumps(value, protocol=5) if isinstance(value, pd.DataFrame | pd.Series)
                      else repr(value).encode())
    return digest.hexdigest()


@st.cache_resource(ttl=900, max_entries=512, show_spinner=False)
def _kept(key: str, _make: Callable[[], object]) -> object:
    return _make()


def _draw_table(frame: pd.DataFrame, places: dict[str, int] | None = None, codes: bool = False) -> None:
    """A table with translated headers (money headers carry the unit, ¥ or 元; in Chinese a
    column of large amounts reads in 万元). Numbers are rounded half-up to what the table
    shows — money to the yuan, percentages to one decimal (`fmt.decimals`; `places` for
    other columns) — and stay numbers, so a click on a header
    sorts by value; dates read 2026-11-23, never with a time of 00:00:00; a missing value
    reads —; a customer's or person's code beside their name is left off (`codes` keeps it,
    where the reader looks records up by code, as on the Data page). The CSV download
    carries every column and the unrounded figures."""
    frame = export.labelled(frame, lang(), st.session_state.get("filter_labels"))
    if not codes:
        frame = export.without_codes(frame)
    shown, config = frame.copy(), {}
    headers = {c: export.header(c, lang()) for c in frame.columns}
    wan = fmt.in_wan(frame, lang())
    for column in frame.columns:
        values, header = frame[column], headers[column]
        places_shown = (places or {}).get(column, fmt.decimals(column, values))
        if places_shown is not None and wan and fmt.kind(column) == "money":
            values, places_shown = values / 10_000, 2
            headers[column] = header = fmt.wan_header(header)
        if places_shown is not None:
            if pd.api.types.is_float_dtype(values):
                shown[column] = fmt.round_half_up(values, places_shown)
            # thousands separators and exactly `places_shown` decimals (the browser cuts to the step,
            # which is exact for a value already rounded here)
            config[header] = st.column_config.NumberColumn(format="localized", step=10.0 ** -places_shown)
        elif fmt.kind(column) == "year":
            shown[column] = values.astype("string")
        elif pd.api.types.is_datetime64_any_dtype(values) or (
                values.dtype == object and values.map(lambda v: isinstance(v, dt.date)).any()):
            shown[column] = fmt.dates_as_text(values)
        elif values.dtype == object and values.map(lambda v: isinstance(v, list | tuple)).any():
            shown[column] = values.map(fmt.text)
        if _longest(shown[column]) > LONG_TEXT:
            # a long text (a note, a reason) is cut at the column's edge, not the table at the screen's:
            # a click on the cell shows it whole, and the CSV has it
            config[header] = st.column_config.TextColumn(width=LONG_TEXT_PX)
    shown.columns = [headers[c] for c in frame.columns]
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config, placeholder=fmt.MISSING)


def _longest(values: pd.Series) -> int:
    """The length of a text column's longest value as shown (0 for numbers, dates, yes/no):
    for a column of strings read from the store, without a Python call per value."""
    if isinstance(values.dtype, pd.StringDtype):
        lengths = values.str.len()
    elif values.dtype == object and not values.empty:
        lengths = values.astype("str").str.len()
    else:
        return 0
    longest = lengths.max()
    return 0 if missing(longest) else int(longest)


def _axis_values(figure: go.Figure, letter: str) -> pd.Series:
    """The values of every trace of a figure along one axis ("x" or "y"), none missing."""
    parts = [pd.Series(values) for trace in figure.data if (values := getattr(trace, letter, None)) is not None]
    if not parts:
        return pd.Series([], dtype=object)
    values = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    return values[~missing_each(values)]


def _date_axis(values: pd.Series) -> str | None:
    """'month' for month labels (2026-11), 'day' for dates, None for anything else (`values`: an
    axis's values, none missing; read a column at a time, a histogram's axis has thousands)."""
    if values.empty:
        return None
    if pd.api.types.is_datetime64_any_dtype(values):
        return "day"
    kinds = set(values.map(type))
    if all(issubclass(kind, str) for kind in kinds) and values.astype(str).str.fullmatch(r"\d{4}-\d{2}").all():
        return "month"
    if all(issubclass(kind, dt.date | np.datetime64) for kind in kinds):
        return "day"
    return None


CHART_FONT = 14  # px: chart text a room can read on a 1280×720 projector


def chart(make: Callable[..., go.Figure], *rows: object, key: str, **kwargs):
    """Draw the Plotly figure `make(*rows)`, readable on a projector (`_readable`), made once
    for the same rows (`_once`: `make` reads nothing else) and sent again after; a chart the
    reader clicks (`on_select`) Streamlit draws at every rerun: from the figure made once."""
    inputs = ("chart", make.__module__, make.__qualname__, key, kwargs, *rows)
    if "on_select" in kwargs:
        return _draw_chart(_once(lambda: _readable(make(*rows)), *inputs), key, **kwargs)
    _once(lambda: _draw_chart(_readable(make(*rows)), key, **kwargs), *inputs)
    return None


def _draw_chart(figure: go.Figure, key: str, **kwargs):
    return st.plotly_chart(figure, config={"displaylogo": False}, key=key, **kwargs)


def _readable(figure: go.Figure) -> go.Figure:
    """A Plotly figure readable on a projector (text 14 px). Its date axes never show a
    time of day: months (2026-11) are categories, read 2026年11月 in Chinese; dates read
    2026-11-23 with at least a day between ticks, or by month (2026-11, 2026年11月) over more
    than two months. In Chinese an amount axis reads in 万 / 亿."""
    big = {"size": CHART_FONT}  # set on every text kind: the Streamlit theme sizes whatever is left unset
    figure.update_layout(font=big, hoverlabel={"font": big}, legend={"font": big})
    figure.update_xaxes(tickfont=big, title_font=big)
    figure.update_yaxes(tickfont=big, title_font=big)
    figure.update_annotations(font=big)
    for trace in figure.data:
        if "textfont" in trace:
            trace.textfont.size = CHART_FONT
    for letter in ("x", "y"):
        values = _axis_values(figure, letter)
        kind = _date_axis(values)
        axis = {"month": {"type": "category"}, "day": {"tickformat": "%Y-%m-%d"}}.get(kind, {})
        span = values.max() - values.min() if kind == "day" else None
        if kind == "day" and span <= pd.Timedelta(days=10):
            axis["dtick"] = 86_400_000  # a short span: one tick a day, not one an hour
        elif kind == "day" and span > pd.Timedelta(days=62):
            axis["tickformat"] = "%Y年%-m月" if lang() == "zh" else "%Y-%m"  # ticks fall on months
        if kind == "month" and lang() == "zh":
            months = sorted(values.unique())
            axis |= {"tickvals": months, "ticktext": [fmt.month(m, "zh") for m in months]}
        layout_axis = getattr(figure.layout, letter + "axis")
        if lang() == "zh" and layout_axis.title.text == t("axis.amount") and kind is None:
            axis |= _wan_ticks(values)
        if axis:
            figure.update_layout({letter + "axis": axis})
    return figure


def _wan_ticks(values: pd.Series) -> dict:
    """Tick positions and labels of an amount axis in 万 / 亿 (about five ticks; `values`: the
    axis's values, none missing)."""
    if values.empty:
        return {}
    numbers = values.astype("float64")
    low, high = min(0.0, numbers.min()), max(0.0, numbers.max())
    span = (high - low) or 1.0
    step = 10 ** np.floor(np.log10(span / 5))
    step *= next(m for m in (1, 2, 5, 10) if span / (step * m) <= 6)
    ticks = list(np.arange(np.floor(low / step) * step, high + step, step))
    return {"tickvals": ticks, "ticktext": [fmt.amount_tick(v) for v in ticks]}


def footer() -> None:
    """Data freshness: when each source table was last imported (SPEC §2)."""
    fresh = load("data_freshness", tables=list(IMPORTABLE))
    with st.expander(t("footer.freshness")):
        table(fresh[["table_name", "last_import"]])
