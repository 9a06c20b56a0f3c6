"""Serve the dashboard over a given store on a free local port, for browser tests and
screenshots: `with serving(store_path) as url: …` (stops the server afterwards); and look as an
account: `sign_in(context, url, session_for(store_path, "head"))` before opening a page."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


_sessions: dict[tuple[Path, str], str] = {}


def session_for(store: str | os.PathLike, name: str = "head", role: str = "head", **where: str) -> str:
    """A session token of account `name` on `store` (made with `role` and `where` if missing;
    its password reset to a new one otherwise), kept for the process's later calls."""
    from store import accounts, db

    key = (Path(store).resolve(), name)
    if key not in _sessions:
        con = db.connect(store)
        try:
            exists = con.execute("SELECT count(*) FROM users WHERE user_name = $n", {"n": name}).fetchone()[0]
            password = (accounts.reset_password(con, name, by="tools") if exists
                        else accounts.add_user(con, name, role, by="tools", **where))
            _sessions[key] = accounts.log_in(con, name, password)
        finally:
            con.close()
    return _sessions[key]


def sign_in(context, url: str, token: str) -> None:
    """Give a browser context the session cookie the login form would have set."""
    from ui.login import COOKIE

    context.add_cookies([{"name": COOKIE, "value": token, "url": url}])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _command(port: int, *options: str) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless=true",
            f"--server.port={port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false", *options]


def refused_start(store: Path, *options: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Start the dashboard over `store` where it must not start; its exit code and output."""
    return subprocess.run(_command(free_port(), *options), cwd=ROOT, env=dict(os.environ, COCKPIT_DB=str(store)),
                          capture_output=True, text=True, timeout=timeout)


@contextlib.contextmanager
def serving(store: Path, timeout: float = 60) -> Iterator[str]:
    """`streamlit run dashboard.py` on 127.0.0.1 over `store`; yields the base URL once healthy."""
    port = free_port()
    server = subprocess.Popen(_command(port), cwd=ROOT, env=dict(os.environ, COCKPIT_DB=str(store)),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as answer:
                    if answer.read() == b"ok":
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError("the dashboard did not start:\n" + (server.stdout.read() or ""))
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
