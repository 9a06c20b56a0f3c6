"""The deployment for more viewers (deploy/): the importing dashboard, two replicas serving the
copy it publishes, HAProxy in front; all real processes on loopback, driven over the sessions'
websockets as a browser drives them."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie

import pytest

from store import accounts, db, inbox
from tools.serve import ROOT, free_port
from tools.wsclient import opened
from ui.i18n import text
from ui.login import COOKIE


def _overview(port: int, token: str, page: str = "") -> list[str]:
    return opened(f"http://127.0.0.1:{port}", {COOKIE: token}, page=page).texts


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the answer itself (its cookie and where it sends the browser) is what is looked at


def _ask(url: str, form: dict | None = None, cookie: str | None = None):
    """A request as the browser sends it, and the answer as is: (status, headers, text)."""
    request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode() if form else None,
                                     headers={"Cookie": f"{COOKIE}={cookie}"} if cookie else {})
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=30) as answer:
            return answer.status, answer.headers, answer.read().decode("utf-8")
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers, answer.read().decode("utf-8")


def _sales_ytd(port: int, token: str) -> str:
    return next(x for x in _overview(port, token) if x.startswith("¥"))  # the first tile: sales this year


@pytest.fixture
def deployed(fixture_path, tmp_path):
    if shutil.which("haproxy") is None:
        message = "the deployment test needs haproxy (apt-get install haproxy)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    store = tmp_path / "store.duckdb"
    shutil.copy(fixture_path, store)
    con = db.connect(store)
    try:
        password = accounts.add_user(con, "boss", "head", by="test")
        token = accounts.log_in(con, "boss", password)
    finally:
        con.close()
    ports = {"proxy": free_port(), "writer": free_port(), "r1": free_port(), "r2": free_port()}
    env = dict(os.environ, PYTHON=sys.executable, COCKPIT_DB=str(store),
               COCKPIT_PROXY_BIND=f"127.0.0.1:{ports['proxy']}", COCKPIT_WRITER_PORT=str(ports["writer"]),
               COCKPIT_REPLICA_PORTS=f"{ports['r1']} {ports['r2']}")
    started = subprocess.Popen(["bash", "deploy/start.sh"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    seen = []
    try:
        for line in started.stdout:  # until every process answers
            seen.append(line)
            if line.startswith("ready:"):
                break
        else:
            pytest.fail("deploy/start.sh did not start:\n" + "".join(seen))
        yield store, ports, password, token
    finally:
        os.killpg(started.pid, signal.SIGTERM)
        started.wait(timeout=30)


def test_an_import_through_the_writer_reaches_every_replica_and_the_proxy(deployed, tmp_path):
    store, ports, password, token = deployed
    # the fixture's sales this year (as of 2026-03-15): 23,500 (R1 12,000 + R2 11,500)
    for port in (ports["r1"], ports["r2"], ports["proxy"]):
        assert _sales_ytd(port, token) == "¥23,500"
    # one line of 1,000 on 2026-03-01, imported from the command line: handed to the writer
    more = tmp_path / "more.csv"
    more.write_text("line_id,order_id,order_date,customer_id,product_id,quantity,amount,cost,salesperson_id,"
                    "region_id\n9901,9901,2026-03-01,C1,P1,1,1000,600,S1,R1\n", encoding="utf-8")
    loaded = subprocess.run([sys.executable, "-m", "store", "import", "sales", str(more), "--db", str(store)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert loaded.returncode == 0, loaded.stderr
    assert "the dashboard holds the store; handed to it" in loaded.stdout
    # 23,500 + 1,000: each replica moves to the new copy at its next run
    deadline = time.monotonic() + 30
    figures = {}
    while time.monotonic() < deadline:
        figures = {name: _sales_ytd(ports[name], token) for name in ("r1", "r2", "proxy")}
        if set(figures.values()) == {"¥24,500"}:
            break
        time.sleep(0.5)
    assert figures == {"r1": "¥24,500", "r2": "¥24,500", "proxy": "¥24,500"}
    published = sorted((store.parent / (store.name + ".published")).glob("store-v*.duckdb"))
    assert len(published) == 2  # the newest two copies are kept


def test_logins_go_to_the_writer_and_count_on_every_replica(deployed):
    store, ports, password, token = deployed
    proxy = f"http://127.0.0.1:{ports['proxy']}"
    status, headers, _ = _ask(f"{proxy}/login?lang=zh", {"name": "boss", "password": password})
    assert status == 303 and headers["location"] == "/?lang=zh"
    fresh = SimpleCookie(headers["set-cookie"])[COOKIE].value
    for port in (ports["r1"], ports["r2"], ports["proxy"]):
        assert "Logged in as boss" in _overview(port, fresh)
    assert _ask(f"{proxy}/logout", cookie=fresh)[0] == 303
    for port in (ports["r1"], ports["r2"]):  # the logout counts at once on both
        assert text("login.required", "en") in _overview(port, fresh)
    assert "Logged in as boss" in _overview(ports["r1"], token)  # another session of the account stays
    # a replica asked directly cannot log anyone in, and says where to go
    status, _, page = _ask(f"http://127.0.0.1:{ports['r1']}/login?lang=zh", {"name": "boss", "password": password})
    assert status == 503 and text("login.replica", "zh") in page
    # the replica's Data page says where imports are made, instead of offering one
    shown = _overview(ports["r1"], token, page="data")
    assert text("notice.replica", "en") in shown and text("data.import", "en") not in shown
    assert text("data.import", "en") in _overview(ports["writer"], token, page="data")


def test_a_replicas_audit_row_is_written_by_the_writer(fixture_path, tmp_path):
    store = tmp_path / "store.duckdb"
    shutil.copy(fixture_path, store)
    inbox.folder(store).mkdir()
    inbox.post(store, {"command": "audit", "user": "boss", "action": "export", "subject": "receivables",
                       "detail": "receivables.csv · 12 rows"})
    con = db.connect(store)
    try:
        (request,) = inbox.folder(store).glob("*.request.json")
        inbox.serve_one(store, request, con)
        assert con.execute("SELECT user_name, action, subject, detail FROM audit_log WHERE action = 'export'"
                           ).fetchall() == [
            ("boss", "export", "receivables", "receivables.csv · 12 rows")]
    finally:
        con.close()
    assert list(inbox.folder(store).iterdir()) == []  # nobody waits for an answer: none is left
