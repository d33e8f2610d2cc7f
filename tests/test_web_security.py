"""Another web page must not be able to drive chengxin through the user's browser; the access log
keeps no secrets and no ID numbers. Against the real database: the Host allowlist, cross-site
refusals, CSRF tokens, the console token (header or cookie, never the URL), security headers on
every kind of response, JSON errors under /api/, the access log; then, in headless Chromium, a
hostile page on another loopback port (an <img>, an auto-submitting form, a frame) and the main
pages drawing under the Content-Security-Policy; and ``chengxin serve`` on waitress."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest
from pydantic import SecretStr

from chengxin.graph import console, matching
from chengxin.graph.errors import Busy, QueryTimeout

from .conftest import HOSTILE_USCC, ID_PERSON, start_chromium, write_csv

TOKEN = "s3cret-console-token-XYZ"
CROSS = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
IMG = {"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}
EVIL = {"Origin": "http://evil.example"}


@pytest.fixture()
def runs(monkeypatch):
    """Every console and library query the web app hands to graph.console, recorded."""
    calls: list[str] = []
    real = console.Console.run_read

    def spy(self, graph, text, *args, **kwargs):
        calls.append(text)
        return real(self, graph, text, *args, **kwargs)

    monkeypatch.setattr(console.Console, "run_read", spy)
    return calls


@pytest.fixture(scope="module")
def pending_pair(graph, tmp_path_factory):
    """A pair waiting on /review, with ids of this module's own."""
    from chengxin.loaders.ingest import load_folder

    root = tmp_path_factory.mktemp("pair")
    write_csv(root / "a" / "enterprises.csv", [{"uscc": "MX-RFC:ZZW000000001", "name": "Omega Walls Constructora, S.A. de C.V."}])
    write_csv(root / "b" / "enterprises.csv", [{"uscc": "XX-NAME:OMEGA WALLS CONSTRUCTRA SA", "name": "Omega Walls Constructra SA"}])
    load_folder(graph, root / "a", source="security-a", progress=False)
    load_folder(graph, root / "b", source="security-b", progress=False)
    matching.run(graph, settings=graph.settings)
    pair = next(p for p in matching.review_list(graph, "pending") if "ZZW000000001" in p["a"] + p["b"])
    return pair


def links(graph, pair) -> list:
    return graph.run("MATCH (:Enterprise {uscc: $a})-[l]-(:Enterprise {uscc: $b}) RETURN type(l) AS t, l.status AS s",
                     {"a": pair["a"], "b": pair["b"]})


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def token_app(settings, graph):
    from chengxin.web import create_app

    app = create_app(settings.model_copy(update={"host": "0.0.0.0", "console": True,
                                                 "console_token": SecretStr(TOKEN)}), graph=graph)
    app.testing = True
    return app


# --- Host allowlist ------------------------------------------------------------------------------


def test_host_allowlist_refuses_other_names(client, graph, pending_pair, runs):
    before = links(graph, pending_pair)
    for path in ("/", "/console?q=RETURN+1", "/api/console?q=RETURN+1", "/review"):
        r = client.get(path, headers={"Host": "attacker.example"})
        assert r.status_code == 400, path
    page = client.get("/", headers={"Host": "attacker.example:5000"})
    assert "<h1>400</h1>" in page.get_data(as_text=True) and "CHENGXIN_ALLOWED_HOSTS" in page.get_data(as_text=True)
    j = client.post("/api/review/decide", json={"a": pending_pair["a"], "b": pending_pair["b"], "decision": "accept"},
                    headers={"Host": "attacker.example"})
    assert j.status_code == 400 and j.get_json()["status"] == 400
    assert runs == [] and links(graph, pending_pair) == before
    # The loopback names answer, whatever the port.
    for host in ("127.0.0.1:5000", "localhost:8080", "[::1]:5000", "LOCALHOST"):
        assert client.get("/api/sources", headers={"Host": host}).status_code == 200, host


def test_host_matching_rules():
    from chengxin.web.security import host_allowed

    assert host_allowed("example.org:443", ["example.org"]) and host_allowed("a.example.org", [".example.org"])
    assert host_allowed("example.org", [".example.org"]) and not host_allowed("badexample.org", [".example.org"])
    assert host_allowed("anything", ["*"]) and not host_allowed("", ["localhost"])
    assert not host_allowed("127.0.0.1.attacker.example", ["127.0.0.1"])


# --- cross-site requests -------------------------------------------------------------------------


def test_cross_site_console_requests_never_run(client, runs):
    q = {"q": "RETURN 'cross' AS x"}
    # An <img> or a script of another page: refused.
    assert client.get("/console", query_string=q, headers=IMG).status_code == 403
    assert client.get("/console", query_string=q, headers=EVIL).status_code == 403
    assert client.get("/api/console", query_string=q, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert client.get("/api/console", query_string=q, headers=EVIL).status_code == 403
    assert client.get("/queries/co_participants", query_string={"uscc": "X", "run": "1"}, headers=IMG).status_code == 403
    # A link followed from another site: the form, filled in, not run.
    page = client.get("/console", query_string=q, headers=CROSS)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="not-run-notice"' in html and "RETURN &#39;cross&#39; AS x" in html
    assert 'id="result-table"' not in html
    page = client.get("/queries/co_participants", query_string={"uscc": "X"}, headers=CROSS)
    assert 'id="not-run-notice"' in page.get_data(as_text=True)
    page = client.get("/path", query_string={"from": "enterprise:X", "to": "enterprise:Y"},
                      headers={"Referer": "http://evil.example/mail"})  # a browser without fetch metadata
    assert page.status_code == 200 and 'id="not-run-notice"' in page.get_data(as_text=True)
    # A POST from another site, even with a valid token.
    csrf = csrf_from(client.get("/review").get_data(as_text=True))
    assert client.post("/console", data={**q, "csrf_token": csrf}, headers=EVIL).status_code == 403
    assert client.post("/console", data={**q, "csrf_token": csrf},
                       headers={"Sec-Fetch-Site": "same-site", "Origin": "http://localhost:8000"}).status_code == 403
    assert runs == []
    # The same requests from chengxin's own pages, or typed in, or from a script, run.
    assert client.get("/console", query_string=q, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200
    assert client.get("/console", query_string=q, headers={"Sec-Fetch-Site": "none"}).status_code == 200
    assert client.get("/api/console", query_string=q).get_json()["result"]["rows"] == [{"x": "cross"}]
    assert client.post("/console", data={**q, "csrf_token": csrf}, headers={"Origin": "http://localhost"}).status_code == 200
    assert len(runs) == 4


def test_cross_site_review_decisions_are_refused(client, graph, pending_pair):
    before = links(graph, pending_pair)
    csrf = csrf_from(client.get("/review").get_data(as_text=True))
    form = {"a": pending_pair["a"], "b": pending_pair["b"], "decision": "accept", "csrf_token": csrf}
    for headers in (EVIL, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site", "Origin": "http://localhost:9999"}):
        r = client.post("/review/decide", data=form, headers=headers)
        assert r.status_code == 403 and "<h1>403</h1>" in r.get_data(as_text=True), headers
        j = client.post("/api/review/decide", json=form, headers=headers)
        assert j.status_code == 403 and j.get_json()["status"] == 403
    assert links(graph, pending_pair) == before


def test_flags_fresh_from_another_site_is_not_recomputed(client, monkeypatch):
    from chengxin.graph import flags

    asked = []
    real = flags.FlagRuns.detect_all
    monkeypatch.setattr(flags.FlagRuns, "detect_all",
                        lambda self, g, fresh=False: asked.append(fresh) or real(self, g, fresh=False))
    assert client.get("/flags?fresh=1", headers=CROSS).status_code == 200
    assert client.get("/api/flags?fresh=1", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert asked == [False]


# --- CSRF ----------------------------------------------------------------------------------------


def test_forms_need_their_csrf_token(client, graph, pending_pair):
    before = links(graph, pending_pair)
    form = {"a": pending_pair["a"], "b": pending_pair["b"], "decision": "reject"}
    same = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    r = client.post("/review/decide", data=form, headers=same)
    assert r.status_code == 400 and "CSRF" in r.get_data(as_text=True) and "<h1>400</h1>" in r.get_data(as_text=True)
    assert client.post("/review/decide", data={**form, "csrf_token": "forged"}, headers=same).status_code == 400
    assert client.post("/console", data={"q": "RETURN 1"}, headers=same).status_code == 400
    # A browser's JSON POST to the API needs the token too (header); a script's (no Origin) does not.
    assert client.post("/api/review/decide", json=form, headers=same).status_code == 400
    assert links(graph, pending_pair) == before
    assert client.post("/api/review/decide", json={"a": "ZZ-none", "b": "ZZ-none2", "decision": "accept"}).status_code == 404
    page = client.get("/review").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    bad = client.post("/review/decide", data={"a": "", "b": "", "decision": "maybe", "csrf_token": csrf_from(page)},
                      headers=same)
    assert bad.status_code == 400 and "<h1>400</h1>" in bad.get_data(as_text=True)  # the error page's heading


def test_console_token_only_from_header_or_cookie(settings, graph, runs):
    c = token_app(settings, graph).test_client()
    q = {"q": "RETURN 2 AS two"}
    assert c.get("/api/console", query_string={**q, "token": TOKEN}).status_code == 401
    page = c.get("/console", query_string={**q, "token": TOKEN})
    assert page.status_code == 401 and 'id="token-form"' in page.get_data(as_text=True)
    assert page.headers["WWW-Authenticate"].startswith("Bearer")
    assert runs == []
    # The form: POST with its CSRF token; the cookie is HttpOnly, SameSite=Strict, and is not the token.
    html = page.get_data(as_text=True)
    assert c.post("/console/token", data={"token": TOKEN}).status_code == 400  # no CSRF token
    wrong = c.post("/console/token", data={"token": "nope", "csrf_token": csrf_from(html)})
    assert wrong.status_code == 401 and 'id="token-wrong"' in wrong.get_data(as_text=True)
    ok = c.post("/console/token", data={"token": TOKEN, **q, "csrf_token": csrf_from(html)})
    assert ok.status_code == 303 and TOKEN not in ok.headers["Location"] and "cypher=RETURN" in ok.headers["Location"]  # the console's own parameter (issue 15)
    cookie = ok.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and TOKEN not in cookie
    r = c.get(ok.headers["Location"])
    assert r.status_code == 200 and 'id="result-table"' in r.get_data(as_text=True) and TOKEN not in r.get_data(as_text=True)
    bearer = token_app(settings, graph).test_client().get("/api/console", query_string=q,
                                                         headers={"Authorization": f"Bearer {TOKEN}"})
    assert bearer.status_code == 200 and bearer.get_json()["result"]["rows"] == [{"two": 2}]


# --- headers and errors --------------------------------------------------------------------------


def test_security_headers_on_every_response(client, settings, graph):
    from chengxin.web import create_app

    failing = create_app(settings, graph=graph)  # not testing: a 500 is rendered, not raised
    failing.view_functions["sources.sources_json"] = lambda: 1 / 0
    responses = {
        "html": client.get("/"),
        "json": client.get("/api/"),
        "static": client.get("/static/chengxin.css"),
        "vendor": client.get("/vendor/vis-network/vis-network.min.js"),
        "graph frame": client.get(f"/graph/enterprise/{quote(HOSTILE_USCC)}"),
        "404": client.get("/no/such/page"),
        "api 404": client.get("/api/enterprise/ZZ-NOT-THERE"),
        "405": client.get("/api/review/decide"),
        "400 host": client.get("/", headers={"Host": "attacker.example"}),
        "403 cross-site": client.get("/api/console?q=RETURN+1", headers=EVIL),
        "csv": client.get("/console?q=RETURN+1+AS+one&format=csv"),
        "500": failing.test_client().get("/api/sources"),
    }
    for kind, r in responses.items():
        csp = r.headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp and "frame-ancestors 'self'" in csp, kind
        script = re.search(r"script-src ([^;]*)", csp).group(1)
        assert "unsafe-inline" not in script and "unsafe-eval" not in script, kind
        assert r.headers.get("X-Frame-Options") == "SAMEORIGIN", kind
        assert r.headers.get("X-Content-Type-Options") == "nosniff", kind
        assert r.headers.get("Referrer-Policy"), kind
        assert "Strict-Transport-Security" not in r.headers, kind  # plain http on loopback
        r.close()  # static files are streamed
    assert responses["500"].status_code == 500 and responses["500"].get_json()["status"] == 500


def test_api_errors_are_json(client):
    r = client.get("/api/review/decide")
    assert r.status_code == 405 and r.is_json and r.get_json()["status"] == 405 and "POST" in r.headers["Allow"]
    assert client.delete("/api/sources").get_json()["status"] == 405
    assert client.get("/api/no/such/thing").get_json()["status"] == 404
    assert client.get("/api/queries/co_participants?uscc=X&limit=many").get_json()["status"] == 400
    assert client.get("/api/console?q=RETURN+1", headers={"Sec-Fetch-Site": "cross-site"}).get_json()["status"] == 403
    page = client.get("/review/decide")
    assert page.status_code == 405 and "<h1>405</h1>" in page.get_data(as_text=True)


def test_busy_and_timeout_answer_with_their_status(client, monkeypatch):
    def raise_(e):
        def run(*args, **kwargs):
            raise e
        return run

    monkeypatch.setattr(console.Console, "run_read", raise_(Busy("this client already runs a query / 忙", 429)))
    page = client.get("/console?q=RETURN+1")
    assert page.status_code == 429 and page.headers["Retry-After"].isdigit() and 'id="query-error"' in page.get_data(as_text=True)
    assert client.get("/api/queries/co_participants?uscc=X").status_code == 429
    monkeypatch.setattr(console.Console, "run_read", raise_(Busy("the server is busy / 忙")))
    j = client.get("/api/console?q=RETURN+1")
    assert j.status_code == 503 and j.get_json()["error"]["status"] == 503 and int(j.headers["Retry-After"]) >= 1
    monkeypatch.setattr(console.Console, "run_read", raise_(QueryTimeout("stopped after 5 s")))
    assert client.get("/console?q=RETURN+1").status_code == 504
    assert client.get("/queries/co_participants?uscc=X").status_code == 504


# --- the access log ------------------------------------------------------------------------------


def test_access_log_keeps_no_token_and_no_id_number(settings, graph, client, caplog):
    caplog.set_level(logging.INFO, logger="chengxin.access")
    c = token_app(settings, graph).test_client()
    c.get("/api/console", query_string={"q": "RETURN 1", "token": TOKEN})
    c.get("/api/console?q=RETURN+1", headers={"Authorization": f"Bearer {TOKEN}"})
    html = c.get("/console").get_data(as_text=True)
    c.post("/console/token", data={"token": TOKEN, "csrf_token": csrf_from(html)})
    c.get("/console", query_string={"q": f"MATCH (p:Person {{person_id: '{ID_PERSON}'}}) RETURN p",
                                    "params": json.dumps({"secret": "value-in-params"})})
    client.get(f"/search?q={ID_PERSON}")
    client.get("/search?q=" + "".join(f"%{ord(ch):02X}" for ch in ID_PERSON))  # percent-encoded digits
    client.get(f"/person/{ID_PERSON}")
    client.get("/search?q=a%0d%0aFAKE%20200%20line")
    lines = [r.getMessage() for r in caplog.records if r.name == "chengxin.access"]
    text = "\n".join(lines)
    assert len(lines) >= 9
    assert TOKEN not in text and "token=[redacted]" in text
    assert ID_PERSON not in text and "/search?q=3601************37" in text and "/person/3601************37" in text
    assert "value-in-params" not in text and "MATCH" not in text  # the console's q and params stay out
    assert "FAKE" in text and not any(line.startswith("FAKE") for line in text.splitlines())
    assert re.search(r'^127\.0\.0\.1 "GET /search\?q=3601\*+37" 200 \d+ \d+ms$', lines[-4], re.M)


def test_server_lines_are_masked(caplog):
    from chengxin.web.accesslog import install_filters

    install_filters()
    caplog.set_level(logging.INFO)
    logging.getLogger("werkzeug").info('127.0.0.1 - - "%s" %s -', f"GET /search?q={ID_PERSON}&token={TOKEN} HTTP/1.1", 200)
    logging.getLogger("werkzeug").info('"%s" 200 -', "GET /console?q=RETURN+'a'%20AS+secret HTTP/1.1")
    encoded = "".join(f"%{ord(ch):02X}" for ch in ID_PERSON)
    logging.getLogger("waitress").error("Exception while serving /search?q=%s\nFAKE line", encoded)
    text = caplog.text
    assert ID_PERSON not in text and TOKEN not in text and "3601************37" in text
    assert "RETURN" not in text and "secret" not in text and "\nFAKE" not in text and encoded not in text


# --- in a real browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = start_chromium(tmp_path_factory.mktemp("chromium-sec"), browser_log=True)
    yield driver
    driver.quit()


def hostile_site(html: str):
    """Another origin on another loopback port, serving one page."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.browser
def test_a_page_on_another_port_cannot_drive_chengxin(browser, base_url, graph, pending_pair, runs, caplog):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    caplog.set_level(logging.INFO, logger="chengxin.access")
    before = links(graph, pending_pair)
    q = quote("RETURN 'from the hostile page' AS x")
    a, b = (f'<input type="hidden" name="{k}" value="{pending_pair[k]}">' for k in ("a", "b"))
    evil = hostile_site(f"""<!doctype html><html><body>
<img src="{base_url}/console?q={q}"><img src="{base_url}/api/console?q={q}">
<form id="f" method="post" action="{base_url}/review/decide" target="sink">{a}{b}
<input type="hidden" name="decision" value="accept"></form>
<iframe name="sink"></iframe><iframe id="framed" src="{base_url}/review"></iframe>
<a id="go" href="{base_url}/console?q={q}">a shared link</a>
<script>document.getElementById("f").submit();</script></body></html>""")
    try:
        browser.get_log("browser")  # start with an empty log
        browser.get(f"http://127.0.0.1:{evil.server_port}/")
        WebDriverWait(browser, 15).until(lambda d: sum(
            1 for r in caplog.records if r.name == "chengxin.access" and ("/console" in r.getMessage() or "/review" in r.getMessage())) >= 4)
        time.sleep(1)
        access = [r.getMessage() for r in caplog.records if r.name == "chengxin.access"]
        assert any('"GET /console?q=[' in line and '" 403 ' in line for line in access), access
        assert any('"GET /api/console?q=[' in line and '" 403 ' in line for line in access), access
        assert any('"POST /review/decide" 403 ' in line for line in access), access
        assert runs == [] and links(graph, pending_pair) == before
        # The frame was refused by frame-ancestors: it shows no part of /review.
        log = " ".join(entry["message"] for entry in browser.get_log("browser"))
        assert "frame-ancestors" in log
        browser.switch_to.frame(browser.find_element(By.ID, "framed"))
        assert not browser.find_elements(By.ID, "review-table")
        browser.switch_to.default_content()
        # A link followed from that page: the console, filled in, not run, until the person presses Run.
        browser.find_element(By.ID, "go").click()
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "not-run-notice"))
        assert runs == [] and "from the hostile page" in browser.find_element(By.ID, "console-q").get_attribute("value")
        browser.find_element(By.ID, "run-console").click()
        WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.ID, "result-table"))
        assert runs == ["RETURN 'from the hostile page' AS x"]
    finally:
        evil.shutdown()
        evil.server_close()


@pytest.mark.browser
def test_pages_and_graphs_draw_under_the_csp(browser, base_url, graph):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    firm = graph.run("MATCH (e:Enterprise)-[:HOLDS]->() WHERE e.stub = false RETURN e.uscc AS u LIMIT 1")[0]["u"]
    browser.get(base_url + "/")
    browser.get_log("browser")
    browser.get(f"{base_url}/enterprise/{quote(firm)}")
    frame = browser.find_element(By.ID, "graph-frame")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", frame)
    browser.switch_to.frame(frame)
    WebDriverWait(browser, 20).until(lambda d: d.execute_script("return document.body.getAttribute('data-stabilized')") == "1")
    assert browser.execute_script("return window.chengxinNetwork.body.data.nodes.length") > 1
    browser.switch_to.default_content()
    browser.get(base_url + "/console?q=" + quote("MATCH p = (e:Enterprise)-[:HOLDS]->(:Qualification) RETURN p LIMIT 5"))
    WebDriverWait(browser, 20).until(lambda d: d.find_element(By.ID, "result-graph").get_attribute("data-stabilized") == "1")
    for path in ("/", "/queries", "/flags", "/review", "/sources", f"/search?q={quote('建设')}", "/no/such/page"):
        browser.get(base_url + path)
        assert browser.find_element(By.TAG_NAME, "h1").text, path
    assert browser.find_element(By.CSS_SELECTOR, "link[rel=stylesheet]")
    assert browser.execute_script("return getComputedStyle(document.querySelector('header.top')).display") == "flex"
    problems = [e["message"] for e in browser.get_log("browser")
                if "Content Security Policy" in e["message"] or "Refused to" in e["message"]]
    assert problems == []


# --- chengxin serve ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_runs_waitress(settings, graph):
    port = _free_port()
    env = {**os.environ, "CHENGXIN_HOME": str(settings.home), "CHENGXIN_SERVE_THREADS": "3"}
    if settings.uri:
        env["CHENGXIN_URI"] = settings.uri
    proc = subprocess.Popen([sys.executable, "-m", "chengxin", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/search?q={ID_PERSON}", timeout=30) as r:
                    server, status = r.headers["Server"], r.status
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "chengxin serve did not answer"
                time.sleep(0.3)
        assert status == 200 and server == "waitress"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
    assert f"http://127.0.0.1:{port}/" in out and "waitress, 3 threads" in out
    assert "Serving on" in err and "/search?q=3601************37" in err and ID_PERSON not in err
