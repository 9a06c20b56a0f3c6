"""Accounts, logins and the audit log (store/accounts.py): passwords only hashed, sessions
that logging out, disabling or a reset password end at once, failed logins that slow down and
lock, a role change seen at the next look, and an audit row for each."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest

from queries.filters import EVERYTHING, Scope
from store import accounts, db
from tests.screen import seen
from tests.test_import import run_cli


@pytest.fixture
def con(fixture_path, tmp_path):
    """A writable copy of the fixture store (regions R1, R2; salespeople S1–S3, K1, K2), without
    the accounts other tests log in with."""
    path = tmp_path / "store.duckdb"
    shutil.copy(fixture_path, path)
    connection = db.connect(path)
    connection.execute("DELETE FROM audit_log; DELETE FROM user_sessions; DELETE FROM users")
    yield connection
    connection.close()


@pytest.fixture(autouse=True)
def no_pause(monkeypatch):
    pauses = []
    monkeypatch.setattr(accounts, "_pause", pauses.append)
    return pauses


def audited(con) -> list[tuple]:
    return con.execute("SELECT user_name, action, subject, outcome FROM audit_log ORDER BY audit_id").fetchall()


def test_a_password_is_generated_shown_once_and_kept_only_hashed(con):
    password = accounts.add_user(con, "boss", "head", display_name="部长")
    assert len(password) == 16
    stored = con.execute("SELECT password_hash FROM users WHERE user_name = 'boss'").fetchone()[0]
    assert stored.startswith("$argon2id$") and password not in stored
    token = accounts.log_in(con, "boss", password)
    assert password not in str(con.execute("SELECT * FROM user_sessions").fetchall())
    assert token not in str(con.execute("SELECT * FROM user_sessions").fetchall())  # only its SHA-256
    seen = accounts.viewer(con, token)
    assert (seen.display_name, seen.role, seen.scope) == ("部长", "head", EVERYTHING)
    assert seen.may("import") and seen.may("users")
    assert audited(con) == [("cli", "user_added", "boss", "ok"), ("boss", "login", "boss", "ok")]


def test_each_role_sees_its_scope(con):
    lead = accounts.log_in(con, "north", accounts.add_user(con, "north", "regional_lead", region="R1"))
    own = accounts.log_in(con, "zhang", accounts.add_user(con, "zhang", "salesperson", salesperson="S1"))
    gm = accounts.log_in(con, "gm", accounts.add_user(con, "gm", "viewer"))
    assert accounts.viewer(con, lead).scope == Scope("region", "R1")
    assert accounts.viewer(con, own).scope == Scope("salesperson", "S1")
    assert accounts.viewer(con, gm).scope == EVERYTHING and not accounts.viewer(con, gm).may("import")
    assert accounts.viewer(con, None) is None and accounts.viewer(con, "made-up") is None


@pytest.mark.parametrize("role, extra, message", [
    ("regional_lead", {}, "needs --region"),
    ("salesperson", {"salesperson": "S9"}, "no salesperson 'S9'"),
    ("head", {"region": "R1"}, "only a regional lead names a region"),
    ("boss", {}, "unknown role 'boss'"),
])
def test_an_account_that_does_not_fit_the_store_is_refused(con, role, extra, message):
    with pytest.raises(accounts.AccountError, match=message):
        accounts.add_user(con, "x", role, **extra)
    assert con.execute("SELECT count(*) FROM users").fetchone()[0] == 0


def test_five_wrong_passwords_lock_the_account_and_each_is_audited(con, no_pause):
    password = accounts.add_user(con, "zhang", "salesperson", salesperson="S1")
    for _ in range(5):
        with pytest.raises(accounts.LoginRefused, match="Wrong name or password"):
            accounts.log_in(con, "zhang", "guess")
    assert no_pause == [0.5, 1.0, 1.5, 2.0, 2.5]  # each failure in a row waits longer
    with pytest.raises(accounts.LoginRefused, match="locked after 5 failed logins"):
        accounts.log_in(con, "zhang", password)  # even the right password, until the lock ends
    rows = audited(con)[1:]
    assert [r[1:] for r in rows[:5]] == [("login", "zhang", "refused")] * 5  # the name tried, each time
    assert rows[5][1:] == ("locked", "zhang", "ok") and rows[6][1:] == ("login", "zhang", "refused")
    # a name that does not exist is refused the same way, and audited with the name tried
    with pytest.raises(accounts.LoginRefused, match="Wrong name or password"):
        accounts.log_in(con, "nobody", "x")
    assert audited(con)[-1] == (None, "login", "nobody", "refused")
    # the lock ends after its minutes; a reset password ends it at once
    con.execute("UPDATE users SET locked_until = $t", {"t": dt.datetime.now() - dt.timedelta(minutes=1)})
    assert accounts.viewer(con, accounts.log_in(con, "zhang", password)).role == "salesperson"


def test_logout_disabling_and_a_reset_password_end_open_sessions(con):
    password = accounts.add_user(con, "zhang", "salesperson", salesperson="S1")
    first, second = accounts.log_in(con, "zhang", password), accounts.log_in(con, "zhang", password)
    accounts.log_out(con, first)
    assert accounts.viewer(con, first) is None and accounts.viewer(con, second) is not None
    accounts.set_disabled(con, "zhang", True)
    assert accounts.viewer(con, second) is None  # its next look finds no access
    with pytest.raises(accounts.LoginRefused):
        accounts.log_in(con, "zhang", password)
    accounts.set_disabled(con, "zhang", False)
    assert accounts.viewer(con, second) is None  # enabling does not reopen an ended session
    third = accounts.log_in(con, "zhang", password)
    new = accounts.reset_password(con, "zhang", by="boss")
    assert accounts.viewer(con, third) is None
    with pytest.raises(accounts.LoginRefused):
        accounts.log_in(con, "zhang", password)
    assert accounts.viewer(con, accounts.log_in(con, "zhang", new)) is not None
    assert ("boss", "password_reset", "zhang", "ok") in audited(con)


def test_a_role_change_counts_at_the_next_look_and_a_session_expires(con):
    token = accounts.log_in(con, "li", accounts.add_user(con, "li", "salesperson", salesperson="S1"))
    accounts.set_role(con, "li", "regional_lead", region="R2", by="boss")
    assert accounts.viewer(con, token).scope == Scope("region", "R2")
    assert audited(con)[-1] == ("boss", "role_changed", "li", "ok")
    con.execute("UPDATE user_sessions SET expires_at = $t", {"t": dt.datetime.now() - dt.timedelta(seconds=1)})
    assert accounts.viewer(con, token) is None


def test_the_command_line_manages_accounts(fixture_path, tmp_path):
    path = tmp_path / "store.duckdb"
    shutil.copy(fixture_path, path)
    added = run_cli("user", "add", "boss", "--role", "head", "--db", str(path))
    assert added.returncode == 0, added.stderr
    password = re.search(r"shown this once: (\S+)$", added.stdout.strip()).group(1)
    again = run_cli("user", "add", "boss", "--role", "head", "--db", str(path))
    assert again.returncode == 2 and "an account 'boss' exists already" in again.stderr
    assert run_cli("user", "add", "lead", "--role", "regional_lead", "--db", str(path)).returncode == 2
    assert run_cli("user", "add", "north", "--role", "regional_lead", "--region", "R1",
                   "--db", str(path)).returncode == 0
    assert run_cli("user", "disable", "north", "--db", str(path)).returncode == 0
    listed = run_cli("user", "list", "--db", str(path)).stdout
    assert re.search(r"boss +head", listed) and re.search(r"north +regional_lead +R1 +disabled", listed)
    con = db.connect(path)
    try:
        assert accounts.viewer(con, accounts.log_in(con, "boss", password)).role == "head"
        assert [r[1:3] for r in audited(con)] == [("user_added", "boss"), ("user_added", "north"),
                                                 ("user_disabled", "north"), ("login", "boss")]
    finally:
        con.close()


# --- the pages, once the store has accounts --------------------------------------------------

def overview(monkeypatch, path, token: str | None, script: str = "app.py", **chosen):
    from streamlit.testing.v1 import AppTest

    from tests.test_app import ROOT
    from ui.urlstate import FilterState

    monkeypatch.setenv("COCKPIT_DB", str(path))
    app = AppTest.from_file(str(ROOT / script), default_timeout=60)
    state = FilterState(lang="en", preset="ytd")
    state.values.update(chosen)
    app.session_state["filter_state"] = state
    if token:
        app.session_state["session_token"] = token
    return app.run()


def sales_tile(app) -> str | None:
    """The Sales tile's figure (None: no tile, as on a page with nothing to show)."""
    assert not app.exception
    return next((m.value for m in app.metric if m.label == "Sales"), None)


@pytest.fixture
def store_path(con, tmp_path):
    return tmp_path / "store.duckdb"


def test_without_a_session_a_page_shows_only_the_way_to_log_in(con, store_path, monkeypatch):
    # default deny: a store without any account shows no figure, only how to make the head's
    for script in ("app.py", "pages/users.py", "pages/data.py"):
        app = overview(monkeypatch, store_path, None, script=script)
        assert not app.exception and not app.metric and not app.dataframe and not app.get("file_uploader")
        assert [i.value for i in app.info] == ["The store has no account yet: make the head's on the command line, "
                                               "python -m store user add NAME --role head."]
    accounts.add_user(con, "boss", "head")
    for token in (None, "made-up"):
        app = overview(monkeypatch, store_path, token)
        assert not app.exception and not app.metric and not app.dataframe
        assert [i.value for i in app.info] == ["Please log in to see the dashboard."]


def test_each_account_sees_its_own_figures_and_a_link_cannot_widen_them(con, store_path, monkeypatch):
    # year to date on the fixture store: S1 5,000 + 2,000 + 3,000 − 1,000 = 9,000; region R1
    # adds S2's 3,000 = 12,000; the department adds R2's 11,500 = 23,500 (tests/test_kpis.py)
    head = accounts.log_in(con, "boss", accounts.add_user(con, "boss", "head"))
    lead = accounts.log_in(con, "north", accounts.add_user(con, "north", "regional_lead", region="R1"))
    own = accounts.log_in(con, "zhang", accounts.add_user(con, "zhang", "salesperson", salesperson="S1"))
    assert sales_tile(overview(monkeypatch, store_path, head)) == "¥23,500"
    assert sales_tile(overview(monkeypatch, store_path, lead)) == "¥12,000"
    assert sales_tile(overview(monkeypatch, store_path, own)) == "¥9,000"
    # a filter naming another region or person is dropped: the account still sees its own, never R2's 11,500
    assert sales_tile(overview(monkeypatch, store_path, lead, regions=("R2",))) == "¥12,000"
    assert sales_tile(overview(monkeypatch, store_path, own, salespeople=("S3",))) == "¥9,000"
    # a disabled account's open session shows nothing at its next look
    accounts.set_disabled(con, "zhang", True)
    assert sales_tile(overview(monkeypatch, store_path, own)) is None


def test_imports_and_data_quality_are_for_the_head_and_the_assistant(con, store_path, monkeypatch):
    head = accounts.log_in(con, "boss", accounts.add_user(con, "boss", "head"))
    clerk = accounts.log_in(con, "wang", accounts.add_user(con, "wang", "assistant"))
    own = accounts.log_in(con, "zhang", accounts.add_user(con, "zhang", "salesperson", salesperson="S1"))
    gm = accounts.log_in(con, "gm", accounts.add_user(con, "gm", "viewer"))
    for token in (own, gm):
        app = overview(monkeypatch, store_path, token, script="pages/data.py")
        assert not app.exception and [i.value for i in app.info] == [
            "Imports and data quality are for the head and the assistant."]
        assert not app.get("file_uploader") and not app.dataframe
    for token in (head, clerk):
        app = overview(monkeypatch, store_path, token, script="pages/data.py")
        assert not app.exception and app.get("file_uploader") and app.dataframe


def test_the_filters_offer_only_what_the_account_sees(con, store_path, monkeypatch):
    lead = accounts.log_in(con, "north", accounts.add_user(con, "north", "regional_lead", region="R1"))
    own = accounts.log_in(con, "zhang", accounts.add_user(con, "zhang", "salesperson", salesperson="S1"))
    offered = {}
    for name, token in (("lead", lead), ("own", own)):
        app = overview(monkeypatch, store_path, token)
        offered[name] = {m.label: m.options for m in app.sidebar.multiselect if m.label in ("Region", "Salesperson")}
    # R1: S1 张三, S2 李四 and the key-account manager K2 钱七 (tests/fixture/salespeople.csv)
    assert offered["lead"]["Region"] == ["North"]
    assert offered["own"] == {"Region": ["North"], "Salesperson": ["张三"]}
    # a link naming another region is dropped with a notice, never shown
    app = overview(monkeypatch, store_path, lead, regions=("R2",))
    assert "South" not in str([m.value for m in app.sidebar.multiselect])


def test_the_head_manages_accounts_on_the_users_page(con, store_path, monkeypatch):
    head = accounts.log_in(con, "boss", accounts.add_user(con, "boss", "head"))
    own = accounts.log_in(con, "zhang", accounts.add_user(con, "zhang", "salesperson", salesperson="S1"))
    app = overview(monkeypatch, store_path, own, script="pages/users.py")
    assert not app.exception and [i.value for i in app.info] == ["Accounts and the audit log are for the head."]
    app = overview(monkeypatch, store_path, head, script="pages/users.py")
    assert not app.exception
    assert list(app.dataframe[0].value["Account"]) == ["boss", "zhang"]
    # add a regional lead: the password is shown once, and works
    app.text_input[0].input("north")
    app.selectbox[0].select("regional_lead")
    app.selectbox[1].select("R1")
    app.button[0].click().run()
    assert not app.exception
    said = app.success[0].value
    password = said.rsplit(": ", 1)[1].strip("`")  # shown as code: exactly what to type
    assert said.startswith("Account north added") and accounts.viewer(con, accounts.log_in(con, "north", password))
    # disable zhang: their session ends; the audit log shows both changes, by the head
    form = [s for s in app.selectbox if s.label == "Account"][0]
    form.select("zhang")
    [s for s in app.selectbox if s.label == "Change"][0].select("disable")
    [b for b in app.button if b.label == "Apply"][0].click().run()
    assert not app.exception and app.success[0].value == "Account zhang changed."
    assert accounts.viewer(con, own) is None
    log = app.dataframe[-1].value
    assert {(r["Account"], r["Action"], r["On"]) for _, r in log.iterrows()} >= {
        ("boss", "Account added", "north"), ("boss", "Account disabled", "zhang")}


@pytest.mark.parametrize("script", ["app.py", "pages/targets.py", "pages/visits.py", "pages/satisfaction.py",
                                    "pages/competitors.py", "pages/scorecard.py", "pages/receivables.py",
                                    "pages/commissions.py", "pages/expenses.py"])
@pytest.mark.parametrize("role, where", [("salesperson", {"salesperson": "S1"}), ("regional_lead", {"region": "R1"})])
def test_a_salesperson_or_lead_sees_nothing_of_the_other_region_on_any_page(con, store_path, monkeypatch, script,
                                                                            role, where):
    # S1 (张三) and the lead of R1 see R1's people and customers only (C1, C2; S1, S2 李四, K2 钱七):
    # R2's salesperson 王五 (S3) and customers (丙, 丁, 戊) must appear in no table, tile or chart of
    # any page they open (赵六, K1 of R2, may: he referred S1's own deal, and the commission
    # statement names him)
    token = accounts.log_in(con, "someone", accounts.add_user(con, "someone", role, **where))
    app = overview(monkeypatch, store_path, token, script=script)
    assert not app.exception
    shown = " ".join([frame.value.astype(str).to_string() for frame in app.dataframe]
                     + [m.value for m in app.metric] + [str(c.proto) for c in app.get("plotly_chart")]
                     + [str(o) for box in app.selectbox for o in box.options])
    assert shown.strip(), "the page shows something"
    if script == "pages/commissions.py" and role == "regional_lead":
        # R1's key-account manager 钱七 (K2) is party to two deals 王五 closed: D5 (戊物流) by his
        # referral, D4 (丁机械) by his lead claim, void (tests/fixture/deals.csv, deal_claims.csv).
        # Those are R1's business too; no other deal of R2's is shown
        rows = [" ".join(map(str, row)) for frame in app.dataframe for row in frame.value.to_numpy()]
        of_r2 = {row.split()[0] for row in rows if any(o in row for o in ("王五", "丙商贸", "丁机械", "戊物流"))}
        assert of_r2 == {"D4", "D5"}
        return
    for other in ("王五", "丙商贸", "丁机械", "戊物流"):
        assert other not in shown, other


def test_a_regional_leads_totals_are_the_sum_of_their_regions_rows(con, store_path, monkeypatch):
    # year to date, R1: S1 9,000 + S2 3,000 (K2 sold nothing) = 12,000 on the Overview's tile; the
    # Targets page's year at region level shows North alone with it, and at salesperson level
    # R1's people, whose rows add up to it
    lead = accounts.log_in(con, "north", accounts.add_user(con, "north", "regional_lead", region="R1"))
    assert sales_tile(overview(monkeypatch, store_path, lead)) == "¥12,000"
    actual = {}
    for level in ("region", "salesperson"):
        app = overview(monkeypatch, store_path, lead, script="pages/targets.py")
        app.session_state["targets_level"], app.session_state["targets_grain"] = level, "year"
        app.run()
        assert not app.exception
        actual[level] = app.dataframe[0].value.set_index("Name")["Actual"]
    assert actual["region"].to_dict() == {"North": 12_000}
    assert set(actual["salesperson"].index) <= {"张三", "李四", "钱七"}
    assert actual["salesperson"].sum() == actual["region"].sum()


# --- the company login (st.login with an identity provider, mapped by e-mail) ----------------

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "kkkkkkkkQ7vR2mXw9pLs4TnY8cBe1HdJ6fUa",
        "client_id": "cockpit", "client_secret": "s", "server_metadata_url": "https://idp.invalid/.well-known/x"}


def company(monkeypatch, path, user: dict, script: str = "app.py"):
    from streamlit.testing.v1 import AppTest

    from tests.test_app import ROOT
    from ui.urlstate import FilterState

    monkeypatch.setenv("COCKPIT_DB", str(path))
    app = AppTest.from_file(str(ROOT / script), default_timeout=60)
    app.secrets["auth"] = AUTH
    app.user = user
    app.session_state["filter_state"] = FilterState(lang="en", preset="ytd")
    return app.run()


def test_a_company_login_finds_the_account_by_its_email(con, store_path, monkeypatch):
    accounts.add_user(con, "zhang", "salesperson", salesperson="S1", email="Zhang.San@example.com")
    accounts.add_user(con, "boss", "head", email="boss@example.com")
    # not logged in yet: both ways to log in are offered, and no figure
    app = company(monkeypatch, store_path, {"is_logged_in": False})
    assert not app.exception and not app.metric
    assert [b.label for b in app.button] == ["Log in with the company account"]
    # the provider's e-mail (in any case) names the salesperson: their own 9,000, the login audited once
    app = company(monkeypatch, store_path, {"is_logged_in": True, "email": "zhang.san@example.com"})
    assert sales_tile(app) == "¥9,000"
    app.run()
    assert sales_tile(app) == "¥9,000"
    assert [r for r in audited(con) if r[1] == "login"] == [("zhang", "login", "zhang", "ok")]
    assert "Log out" in [b.label for b in app.sidebar.button]
    # an e-mail of no account, or of a disabled one: a notice naming it, and nothing else
    accounts.set_disabled(con, "zhang", True)
    for email in ("zhang.san@example.com", "nobody@example.com"):
        app = company(monkeypatch, store_path, {"is_logged_in": True, "email": email})
        assert not app.exception and not app.metric and not app.dataframe
        assert email in seen(app.warning[0].value) and "ask the head to add it" in app.warning[0].value


def test_an_email_is_given_to_one_account_at_a_time(con):
    accounts.add_user(con, "zhang", "salesperson", salesperson="S1", email="zhang@example.com")
    accounts.add_user(con, "gm", "viewer")
    with pytest.raises(accounts.AccountError, match="another account has the e-mail"):
        accounts.add_user(con, "zhang2", "viewer", email="ZHANG@example.com")
    with pytest.raises(accounts.AccountError, match="another account has the e-mail"):
        accounts.set_email(con, "gm", "Zhang@Example.com")
    accounts.set_email(con, "zhang", "")  # removed: the company login no longer finds zhang
    accounts.set_email(con, "gm", "zhang@example.com", by="boss")
    assert accounts.viewer_by_email(con, "zhang@example.com").user_name == "gm"
    assert audited(con)[-2:] == [("cli", "email_changed", "zhang", "ok"), ("boss", "email_changed", "gm", "ok")]


@pytest.mark.parametrize("secret, why", [
    ("", "missing or empty"), ("xxx", "an example's"), ("your-cookie-secret-goes-here-1234567890", "an example's"),
    ("Q7vR2mXw9pLs4TnY", "only 16 characters long"), (None, "missing or empty")])
def test_the_dashboard_refuses_a_weak_cookie_secret(secret, why):
    from ui.login import secret_problem

    auth = {**AUTH, "cookie_secret": secret} if secret is not None else {k: v for k, v in AUTH.items()
                                                                        if k != "cookie_secret"}
    assert why in secret_problem(auth)
    assert secret_problem(AUTH) is None  # 36 random-looking characters


def test_the_dashboard_does_not_start_with_an_example_cookie_secret(tmp_path, fixture_path):
    from tools.serve import refused_start

    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\ncookie_secret = "xxx"\n'
                            'client_id = "cockpit"\nclient_secret = "s"\n', encoding="utf-8")
    started = refused_start(fixture_path, f"--secrets.files={secrets_file}")
    assert started.returncode != 0
    assert "does not start: [auth] cookie_secret in the secrets file is an example's" in started.stderr + started.stdout
