"""Logging in and out, served beside the pages (dashboard.py adds these routes to the app).

`/login` shows a plain form in the reader's language and, on a right name and password,
sets the session cookie (HttpOnly, never readable by a page's script) and goes on to the
dashboard; `/logout` ends the session and clears the cookie. The pages find the account from
the cookie at every run (ui.shell.viewer): the store keeps the sessions, so logging out,
disabling an account or resetting its password ends access at its next look.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import duckdb
import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Route

from store import accounts, db
from ui.i18n import DEFAULT_LANG, LANGS, text

COOKIE = "cockpit_session"
# [auth] cookie secrets seen in examples (Streamlit's own documentation uses "xxx"): never accepted
EXAMPLE_SECRETS = ("xxx", "secret", "changeme", "change-me", "change_me", "example", "your", "replace", "random")
MIN_SECRET_CHARS = 32


def company_login() -> Mapping | None:
    """The secrets' [auth] section, when the company's identity provider (OIDC, st.login) is set
    up: then "Log in with the company account" is offered beside the local login and the
    account is found by its e-mail. None without it."""
    if not st.secrets.load_if_toml_exists():
        return None
    return st.secrets.get("auth")


def company_provider(auth: Mapping) -> str | None:
    """The provider st.login is given: a named one ([auth.NAME]) when the section has one."""
    named = [key for key, value in auth.items() if isinstance(value, Mapping)]
    return named[0] if named else None


def secret_problem(auth: Mapping) -> str | None:
    """Why the dashboard must not start with this [auth] section: its cookie secret (which signs
    the company login's cookie) is missing, empty, an example's or too short to be safe."""
    secret = str(auth.get("cookie_secret") or "").strip()
    if not secret:
        why = "missing or empty"
    elif any(word in secret.lower() for word in EXAMPLE_SECRETS):
        why = "an example's, not a secret"
    elif len(secret) < MIN_SECRET_CHARS:
        why = f"only {len(secret)} characters long (at least {MIN_SECRET_CHARS})"
    else:
        return None
    return (f"The dashboard does not start: [auth] cookie_secret in the secrets file is {why}. Set it to a long "
            "random text, e.g. the output of: python -c 'import secrets; print(secrets.token_urlsafe(48))'")


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


def _form(lang: str, problem: str = "", name: str = "") -> str:
    other = "zh" if lang == "en" else "en"
    notice = f'<p class="problem" role="alert">{html.escape(problem)}</p>' if problem else ""
    return f"""<!doctype html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(text("login.title", lang))}</title>
<style>
body {{ font-family: "Source Sans Pro", "Noto Sans CJK SC", sans-serif; background: #f7f7f5; margin: 0; }}
main {{ max-width: 360px; margin: 12vh auto; background: #fff; padding: 2rem 2.25rem; border: 1px solid #e4e4e0;
        border-radius: 8px; }}
h1 {{ font-size: 1.5rem; margin: 0 0 1.25rem; }}
label {{ display: block; margin: 0.9rem 0 0.3rem; font-size: 0.95rem; }}
input {{ width: 100%; box-sizing: border-box; padding: 0.55rem; font-size: 1rem; border: 1px solid #c8c8c4;
         border-radius: 6px; }}
button {{ margin-top: 1.4rem; width: 100%; padding: 0.6rem; font-size: 1rem; color: #fff; background: #c0392b;
          border: 0; border-radius: 6px; cursor: pointer; }}
.problem {{ color: #a93226; background: #fdecea; padding: 0.6rem 0.75rem; border-radius: 6px; }}
.lang {{ margin-top: 1.25rem; font-size: 0.9rem; text-align: right; }}
</style></head>
<body><main>
<h1>{html.escape(text("login.title", lang))}</h1>
{notice}
<form method="post" action="/login?lang={lang}">
<label for="name">{html.escape(text("login.name", lang))}</label>
<input id="name" name="name" autocomplete="username" required autofocus value="{html.escape(name)}">
<label for="password">{html.escape(text("login.password", lang))}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">{html.escape(text("login.submit", lang))}</button>
</form>
<p class="lang"><a href="/login?lang={other}">{html.escape(text("login.other_language", lang))}</a></p>
</main></body></html>"""


async def login(request: Request):
    lang = _lang(request)
    if request.method == "GET":
        empty = not await run_in_threadpool(accounts.has_accounts, db.shared_connection())
        return HTMLResponse(_form(lang, text("users.no_accounts", lang) if empty else ""))
    form = await request.form()
    name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
    try:
        token = await run_in_threadpool(accounts.log_in, db.shared_connection(), name, password)
    except accounts.LoginRefused as refused:
        return HTMLResponse(_form(lang, text("login.refused", lang) if "Wrong" in str(refused)
                                  else text("login.locked", lang), name), status_code=401)
    except duckdb.Error:  # a session cannot be saved: the store is open for reading only (a full disk, a replica)
        why = "login.replica" if db.replica() else "login.unavailable"
        return HTMLResponse(_form(lang, text(why, lang), name), status_code=503)
    response = RedirectResponse(f"/?lang={lang}", status_code=303)
    response.set_cookie(COOKIE, token, max_age=int(accounts.SESSION_HOURS * 3600), httponly=True,
                        samesite="lax", secure=request.url.scheme == "https")
    return response


async def logout(request: Request):
    token = request.cookies.get(COOKIE)
    if token:
        await run_in_threadpool(accounts.log_out, db.shared_connection(), token)
    response = RedirectResponse(f"/login?lang={_lang(request)}", status_code=303)
    response.delete_cookie(COOKIE)
    return response


ROUTES = [Route("/login", login, methods=["GET", "POST"]), Route("/logout", logout, methods=["GET", "POST"])]
