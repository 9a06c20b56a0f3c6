"""Accounts, logins and the audit log (store/accounts.sql).

Passwords are hashed with Argon2 (argon2-cffi) and never stored or shown again; a new or
reset password is generated and shown once. A session is a random token whose SHA-256 the
store keeps: it lasts SESSION_HOURS unless logged out, and a disabled account or a reset
password ends every session of the account at once (the next look finds it gone). Failed
logins slow down (a pause growing with each) and lock the account for LOCK_MINUTES after
MAX_FAILURES in a row. Every login, logout and change to an account writes an audit row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import secrets
import time
from dataclasses import dataclass

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from queries.filters import EVERYTHING, Scope
from store import db

# role → (what it sees, what it may do beyond reading)
ROLES = {
    "head": ("all", frozenset({"import", "users", "planning", "audit", "data_quality", "report"})),
    "viewer": ("all", frozenset()),
    "regional_lead": ("region", frozenset()),
    "salesperson": ("salesperson", frozenset()),
    "assistant": ("all", frozenset({"import", "data_quality", "report", "planning"})),
}
SESSION_HOURS = float(os.environ.get("COCKPIT_SESSION_HOURS", "8"))
MAX_FAILURES = 5
LOCK_MINUTES = 15
PAUSE_SECONDS = 0.5  # the pause after a failed login grows by this much with each failure in a row
_pause = time.sleep  # the login's own pause, so the tests can count it without stopping every other sleep
_hasher = PasswordHasher()
_LOG = logging.getLogger(__name__)


class AccountError(db.StoreError):
    """An account command that cannot be done; the message says why."""


class LoginRefused(Exception):
    """A login that did not succeed; the message is safe to show (it never says whether the
    name exists)."""


@dataclass(frozen=True)
class Viewer:
    user_name: str
    display_name: str
    role: str
    region_id: str | None
    salesperson_id: str | None

    @property
    def scope(self) -> Scope:
        """What this viewer may see (queries.bind narrows every query to it)."""
        sees = ROLES[self.role][0]
        if sees == "region":
            return Scope("region", self.region_id)
        if sees == "salesperson":
            return Scope("salesperson", self.salesperson_id)
        return EVERYTHING

    def may(self, action: str) -> bool:
        return action in ROLES[self.role][1]


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def audit(con: duckdb.DuckDBPyConnection, user: str | None, action: str, subject: str | None = None,
          detail: str | None = None, outcome: str = "ok") -> None:
    """Append one row to the audit log."""
    con.execute("""INSERT INTO audit_log
                   SELECT coalesce(max(audit_id), 0) + 1, $at, $u, $a, $s, $d, $o FROM audit_log""",
                {"at": _now(), "u": user, "a": action, "s": subject, "d": detail, "o": outcome})


def record(con: duckdb.DuckDBPyConnection, user: str | None, action: str, subject: str | None = None,
           detail: str | None = None) -> None:
    """`audit` in a transaction of its own (an export, say, which writes nothing else). A replica
    hands the row to the writer's inbox, which writes it (store/publish.py)."""
    if db.replica():
        from store import inbox, publish

        writer = publish.writer_store(publish.replica_folder())
        if writer is None:
            raise db.StoreError("no writer is known to this replica: its audit row cannot be written")
        inbox.post(writer, {"command": "audit", "user": user, "action": action, "subject": subject,
                            "detail": detail})
        return
    _in_transaction(con, lambda cursor: audit(cursor, user, action, subject, detail))


def _all(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> list[tuple]:
    """The rows of a read, on a cursor of its own (the dashboard's sessions share `con`, and a
    result left on it would keep a transaction open), read to the end and closed."""
    cursor = con.cursor()
    try:
        return cursor.execute(sql, params or {}).fetchall()
    finally:
        cursor.close()


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> tuple | None:
    rows = _all(con, sql, params)
    return rows[0] if rows else None


def _in_transaction(con: duckdb.DuckDBPyConnection, work):
    """`work(cursor)` in a transaction, one writer at a time in this process (two audit rows
    written at once would take the same number)."""
    cursor = con.cursor()
    try:
        with db.write_lock:
            cursor.execute("BEGIN")
            try:
                result = work(cursor)
                with db.committing():
                    cursor.execute("COMMIT")
            except Exception:
                cursor.execute("ROLLBACK")
                raise
            _publish(cursor)
            return result
    finally:
        cursor.close()


def _publish(cursor) -> None:
    """The accounts and sessions as the replicas check them, when this dashboard publishes."""
    from store import publish

    try:
        publish.publish_accounts(cursor)
    except (OSError, duckdb.Error) as exc:
        _LOG.error("the replicas' copy of the accounts was not published: %s", exc)


def _check_role(cursor, role: str, region: str | None, salesperson: str | None) -> None:
    if role not in ROLES:
        raise AccountError(f"unknown role '{role}'; one of: {', '.join(ROLES)}")
    if role == "regional_lead" and not region:
        raise AccountError("a regional lead needs --region (the region whose figures it sees)")
    if role == "salesperson" and not salesperson:
        raise AccountError("a salesperson account needs --salesperson (the salesperson it is)")
    if role != "regional_lead" and region:
        raise AccountError("only a regional lead names a region")
    if role != "salesperson" and salesperson:
        raise AccountError("only a salesperson account names a salesperson")
    if region and not cursor.execute("SELECT 1 FROM regions WHERE region_id = $r", {"r": region}).fetchone():
        raise AccountError(f"no region '{region}' in the store")
    if salesperson and not cursor.execute("SELECT 1 FROM salespeople WHERE salesperson_id = $s",
                                          {"s": salesperson}).fetchone():
        raise AccountError(f"no salesperson '{salesperson}' in the store")


def _existing(cursor, name: str) -> None:
    if not cursor.execute("SELECT 1 FROM users WHERE user_name = $n", {"n": name}).fetchone():
        raise AccountError(f"no account '{name}'")


def new_password() -> str:
    """A password to give once: 16 characters from letters and digits."""
    return secrets.token_urlsafe(12)


def add_user(con, name: str, role: str, *, region: str | None = None, salesperson: str | None = None,
             email: str | None = None, display_name: str | None = None, by: str = "cli") -> str:
    """Make an account; returns its generated password (shown once, stored only hashed)."""
    if not name or not name.strip() or name != name.strip():
        raise AccountError("an account name must not be empty or begin or end with a space")
    password = new_password()

    def work(cursor):
        _check_role(cursor, role, region, salesperson)
        if cursor.execute("SELECT 1 FROM users WHERE user_name = $n", {"n": name}).fetchone():
            raise AccountError(f"an account '{name}' exists already")
        _email_free(cursor, email, name)
        cursor.execute("""INSERT INTO users (user_name, display_name, role, region_id, salesperson_id, email,
                                             password_hash, created_at)
                          VALUES ($n, $d, $r, $g, $s, $e, $h, $at)""",
                       {"n": name, "d": display_name, "r": role, "g": region, "s": salesperson, "e": email,
                        "h": _hasher.hash(password), "at": _now()})
        audit(cursor, by, "user_added", name, f"role {role}" + (f", region {region}" if region else "")
              + (f", salesperson {salesperson}" if salesperson else ""))

    _in_transaction(con, work)
    return password


def _email_free(cursor, email: str | None, name: str) -> None:
    if email and cursor.execute("SELECT 1 FROM users WHERE lower(email) = lower($e) AND user_name <> $n",
                                {"e": email, "n": name}).fetchone():
        raise AccountError(f"another account has the e-mail '{email}' (a company login finds an account by it)")


def set_email(con, name: str, email: str | None, by: str = "cli") -> None:
    """The e-mail a company login (st.login) maps to this account; None or '' removes it."""
    email = (email or "").strip() or None

    def work(cursor):
        _existing(cursor, name)
        _email_free(cursor, email, name)
        cursor.execute("UPDATE users SET email = $e WHERE user_name = $n", {"n": name, "e": email})
        audit(cursor, by, "email_changed", name, email or "removed")

    _in_transaction(con, work)


def set_role(con, name: str, role: str, *, region: str | None = None, salesperson: str | None = None,
             by: str = "cli") -> None:
    """Give an account another role (it takes effect at the account's next look)."""
    def work(cursor):
        _existing(cursor, name)
        _check_role(cursor, role, region, salesperson)
        cursor.execute("UPDATE users SET role = $r, region_id = $g, salesperson_id = $s WHERE user_name = $n",
                       {"n": name, "r": role, "g": region, "s": salesperson})
        audit(cursor, by, "role_changed", name, f"role {role}" + (f", region {region}" if region else "")
              + (f", salesperson {salesperson}" if salesperson else ""))

    _in_transaction(con, work)


def set_disabled(con, name: str, disabled: bool, by: str = "cli") -> None:
    """Disable an account (its open sessions end at once) or enable it again."""
    def work(cursor):
        _existing(cursor, name)
        cursor.execute("UPDATE users SET disabled = $d WHERE user_name = $n", {"n": name, "d": disabled})
        if disabled:
            _revoke_all(cursor, name)
        audit(cursor, by, "user_disabled" if disabled else "user_enabled", name)

    _in_transaction(con, work)


def reset_password(con, name: str, by: str = "cli") -> str:
    """A new generated password for an account (shown once); its lock and sessions end."""
    password = new_password()

    def work(cursor):
        _existing(cursor, name)
        cursor.execute("UPDATE users SET password_hash = $h, failed_logins = 0, locked_until = NULL "
                       "WHERE user_name = $n", {"n": name, "h": _hasher.hash(password)})
        _revoke_all(cursor, name)
        audit(cursor, by, "password_reset", name)

    _in_transaction(con, work)
    return password


def _revoke_all(cursor, name: str) -> None:
    cursor.execute("UPDATE user_sessions SET revoked_at = $at WHERE user_name = $n AND revoked_at IS NULL",
                   {"n": name, "at": _now()})


def log_in(con, name: str, password: str) -> str:
    """Check a name and password; returns a new session's token, or raises LoginRefused.
    Each failure in a row pauses longer (PAUSE_SECONDS more each, at most 3 s) and the fifth locks
    the account for LOCK_MINUTES; every attempt is audited (a failure with the name tried)."""
    row = _one(con, "SELECT password_hash, disabled, failed_logins, locked_until FROM users WHERE user_name = $n",
               {"n": name})
    now = _now()
    if row is not None and row[3] is not None and row[3] > now:
        _in_transaction(con, lambda c: audit(c, None, "login", name, "locked", "refused"))
        raise LoginRefused(f"This account is locked after {MAX_FAILURES} failed logins; try again after "
                           f"{row[3]:%H:%M}, or ask the head to reset the password.")
    good = False
    if row is not None and not row[1]:
        try:
            good = _hasher.verify(row[0], password)
        except (VerificationError, InvalidHashError):
            good = False
    if not good:
        failures = (row[2] if row is not None else 0) + 1
        _pause(min(PAUSE_SECONDS * failures, 3.0))  # slows a guesser down, whether or not the name exists

        def failed(cursor):
            audit(cursor, None, "login", name, f"wrong name or password (attempt {failures})", "refused")
            if row is not None:
                locked = failures >= MAX_FAILURES
                cursor.execute("UPDATE users SET failed_logins = $f, locked_until = $l WHERE user_name = $n",
                               {"n": name, "f": 0 if locked else failures,
                                "l": now + dt.timedelta(minutes=LOCK_MINUTES) if locked else None})
                if locked:
                    audit(cursor, None, "locked", name, f"{MAX_FAILURES} failed logins in a row", "ok")

        _in_transaction(con, failed)
        raise LoginRefused("Wrong name or password.")
    token = secrets.token_urlsafe(32)

    def opened(cursor):
        cursor.execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE user_name = $n", {"n": name})
        cursor.execute("INSERT INTO user_sessions VALUES ($t, $n, $at, $until, NULL)",
                       {"t": _digest(token), "n": name, "at": now,
                        "until": now + dt.timedelta(hours=SESSION_HOURS)})
        audit(cursor, name, "login", name)

    _in_transaction(con, opened)
    return token


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def has_accounts(con) -> bool:
    """Whether the store has any account (without one the dashboard shows no figure at all,
    only how to make the head's account)."""
    if db.replica():
        return bool(_published()["users"])
    return _one(con, "SELECT count(*) > 0 FROM users")[0]


def _published() -> dict:
    from store import publish

    return publish.accounts_snapshot(publish.replica_folder())


def _as_viewer(user: dict) -> Viewer:
    return Viewer(user["name"], user["display_name"], user["role"], user["region"], user["salesperson"])


def _published_viewer(token: str) -> Viewer | None:
    """A replica's look at a session: in the accounts the writer published at its last change."""
    snapshot = _published()
    session = snapshot["sessions"].get(_digest(token))
    if session is None or dt.datetime.fromisoformat(session[1]) <= _now():
        return None
    found = [u for u in snapshot["users"] if u["name"] == session[0] and not u["disabled"]]
    return _as_viewer(found[0]) if found else None


def viewer(con, token: str | None) -> Viewer | None:
    """The account a session token belongs to, if the session is open and the account enabled
    (read at every look, so a disabled account or a changed role counts at once)."""
    if not isinstance(token, str) or not token:
        return None
    if db.replica():
        return _published_viewer(token)
    row = _one(con, """SELECT u.user_name, coalesce(u.display_name, u.user_name), u.role, u.region_id,
                              u.salesperson_id
                       FROM user_sessions s JOIN users u USING (user_name)
                       WHERE s.token_sha256 = $t AND s.revoked_at IS NULL AND s.expires_at > $now
                         AND NOT u.disabled""", {"t": _digest(token), "now": _now()})
    return Viewer(*row) if row else None


def viewer_by_email(con, email: str | None) -> Viewer | None:
    """The enabled account with this e-mail (a company login, st.login, is mapped by it), read at
    every look like a session's."""
    if not isinstance(email, str) or not email.strip():
        return None
    if db.replica():
        found = [u for u in _published()["users"]
                 if not u["disabled"] and (u["email"] or "").lower() == email.strip().lower()]
        return _as_viewer(found[0]) if len(found) == 1 else None
    rows = _all(con, """SELECT user_name, coalesce(display_name, user_name), role, region_id, salesperson_id
                        FROM users WHERE lower(email) = lower($e) AND NOT disabled""", {"e": email.strip()})
    return Viewer(*rows[0]) if len(rows) == 1 else None


def viewer_by_name(con, name: str) -> Viewer | None:
    """The enabled account of this name (a report made unattended for it sees what it sees)."""
    rows = _all(con, """SELECT user_name, coalesce(display_name, user_name), role, region_id, salesperson_id
                        FROM users WHERE user_name = $n AND NOT disabled""", {"n": name})
    return Viewer(*rows[0]) if rows else None


COMMENT_CHARS = 2_000  # a section's commentary: a few paragraphs, never a file


def comments(con, month: dt.date) -> dict[str, str]:
    """The month's report commentary, by section."""
    return dict(_all(con, "SELECT section, comment FROM report_comments WHERE month = $m", {"m": month}))


def save_comments(con, month: dt.date, texts: dict[str, str], by: str) -> None:
    """Keep the month's commentary, section by section, all at once (an empty text removes a
    section's); a text over COMMENT_CHARS characters is refused, nothing saved."""
    if db.replica():
        raise db.StoreError("a replica keeps no commentary: write it on the importing dashboard")
    for section, text in texts.items():
        if len(text) > COMMENT_CHARS:
            raise AccountError(f"the commentary on {section} has {len(text):,} characters; at most {COMMENT_CHARS:,}")

    def work(cursor) -> None:
        for section, text in texts.items():
            cursor.execute("DELETE FROM report_comments WHERE month = $m AND section = $s", {"m": month, "s": section})
            if text.strip():
                cursor.execute("INSERT INTO report_comments VALUES ($m, $s, $t, $u, $at)",
                               {"m": month, "s": section, "t": text.strip(), "u": by, "at": _now()})
    _in_transaction(con, work)


def log_out(con, token: str) -> None:
    """End a session (audited)."""
    def work(cursor):
        row = cursor.execute("UPDATE user_sessions SET revoked_at = $at WHERE token_sha256 = $t "
                             "AND revoked_at IS NULL RETURNING user_name",
                             {"t": _digest(token), "at": _now()}).fetchone()
        if row:
            audit(cursor, row[0], "logout")

    _in_transaction(con, work)
