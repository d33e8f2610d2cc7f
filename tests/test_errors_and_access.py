"""One access decorator (web.security.requires) and one error handler (web.create_app): every
failure a view can hit is a ChengxinError (or an HTTP error) rendered once, as error.html with its
status, title and detail, or as JSON for /api/ paths and JSON requests."""

import pytest
from pydantic import SecretStr

from chengxin.graph.errors import Busy, DatabaseUnavailable, QueryTimeout
from chengxin.graph.flags import FlagRuns
from chengxin.web import security

CROSS_LINK = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
CROSS_IMG = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}
WANTS_JSON = {"Accept": "application/json"}


def html_error(r, status: int, title: str) -> str:
    """An error page: the status as heading, its title (never empty) and the detail."""
    body = r.get_data(as_text=True)
    assert r.status_code == status and r.mimetype == "text/html", (r.status_code, body[:300])
    assert f"<h1>{status}</h1>" in body and f'<h2 id="error-title">{title}</h2>' in body, body
    assert '<p id="error-detail"></p>' not in body
    return body


def json_error(r, status: int, title_en: str) -> dict:
    j = r.get_json()
    assert r.status_code == status and r.is_json, (r.status_code, r.get_data(as_text=True)[:300])
    assert j["status"] == status and j["title"]["msgid"] == title_en and j["title"]["text"] and j["detail"]
    assert j["error"] == j["detail"]
    return j


# --- errors, HTML and JSON ----------------------------------------------------------------------


def test_400_html_and_json(client):
    body = html_error(client.get("/", headers={"Host": "attacker.example"}), 400, "请求有误")
    assert "CHENGXIN_ALLOWED_HOSTS" in body
    json_error(client.get("/api/", headers={"Host": "attacker.example"}), 400, "Bad request")
    j = json_error(client.get("/api/eligibility/X", query_string={"date": "2025-13-45"}), 400, "Bad request")
    assert "YYYY-MM-DD" in j["detail"]
    html_error(client.get("/eligibility/X", query_string={"date": "2025-13-45"}), 400, "请求有误")


def test_403_html_and_json(client):
    # A POST from another site: refused before any view runs.
    body = html_error(client.post("/review/decide", data={"a": "x", "b": "y", "decision": "accept"},
                                  headers={"Origin": "http://evil.example"}), 403, "拒绝访问")
    assert "another site" in body
    json_error(client.get("/api/console", query_string={"q": "RETURN 1"}, headers={"Sec-Fetch-Site": "cross-site"}),
               403, "Forbidden")


def test_404_html_and_json(client):
    assert "ZZ-NOT-THERE" in html_error(client.get("/enterprise/ZZ-NOT-THERE"), 404, "未找到")
    json_error(client.get("/api/enterprise/ZZ-NOT-THERE"), 404, "Not found")
    html_error(client.get("/queries/no_such_query"), 404, "未找到")
    html_error(client.get("/vendor/vis-network/secrets.txt"), 404, "未找到")
    json_error(client.get("/no/such/page", headers=WANTS_JSON), 404, "Not found")  # a client asking for JSON


@pytest.mark.parametrize("error, status, zh, en", [
    (Busy("this client already runs a query", status=429), 429, "请求过多", "Too many requests"),
    (DatabaseUnavailable("the database is not reachable"), 503, "暂时无法服务", "Service unavailable"),
    (QueryTimeout("stopped at the time limit"), 504, "查询超时", "Query timed out"),
])
def test_429_503_504_html_and_json(client, monkeypatch, error, status, zh, en):
    def fail(self, graph, wait=True, fresh=False):
        raise error

    monkeypatch.setattr(FlagRuns, "detect_all", fail)
    body = html_error(client.get("/flags"), status, zh)
    assert error.detail in body
    json_error(client.get("/api/flags"), status, en)
    json_error(client.get("/flags", headers=WANTS_JSON), status, en)
    if status in (429, 503):
        assert client.get("/api/flags").headers["Retry-After"].isdigit()


def test_a_json_request_gets_a_json_error(client):
    # A JSON body to a page's path (not /api/): its CSRF refusal comes back as JSON too.
    json_error(client.post("/review/decide", json={"a": "x", "b": "y", "decision": "accept"}), 400, "Bad request")


# --- the access decorator -----------------------------------------------------------------------


def make_app(settings, graph, **update):
    from chengxin.web import create_app

    app = create_app(settings.model_copy(update=update), graph=graph)
    app.testing = True
    return app


def test_requires_console_off_and_token(settings, graph):
    off = make_app(settings, graph, host="0.0.0.0").test_client()
    page = off.get("/console")
    assert page.status_code == 403 and 'id="console-off"' in page.get_data(as_text=True)
    json_error(off.get("/api/schema"), 403, "Forbidden")
    assert off.post("/api/review/decide", json={"a": "x", "b": "y", "decision": "accept"}).status_code == 403
    assert "审核需要控制台权限" in off.get("/review").get_data(as_text=True)  # the form is not offered

    token = make_app(settings, graph, host="0.0.0.0", console=True, console_token=SecretStr("tok-123"))
    c = token.test_client()
    page = c.get("/console", query_string={"q": "RETURN 1 AS one"})
    assert page.status_code == 401 and 'id="token-form"' in page.get_data(as_text=True)
    assert page.headers["WWW-Authenticate"].startswith("Bearer")
    assert 'value="RETURN 1 AS one"' in page.get_data(as_text=True)  # the query is kept for after the token
    json_error(c.get("/api/schema"), 401, "Access token required")
    ok = c.get("/api/schema", headers={"Authorization": "Bearer tok-123"})
    assert ok.status_code == 200 and "labels" in ok.get_json()


def test_requires_same_site_and_run(client, graph):
    uscc = graph.run("MATCH (e:Enterprise) RETURN e.uscc AS u LIMIT 1")[0]["u"]
    link = client.get("/path", query_string={"from": uscc, "to": uscc}, headers=CROSS_LINK)
    assert link.status_code == 200 and 'id="not-run-notice"' in link.get_data(as_text=True)  # the form, not run
    html_error(client.get("/path", query_string={"from": uscc, "to": uscc}, headers=CROSS_IMG), 403, "拒绝访问")
    json_error(client.get("/api/path", query_string={"from": uscc, "to": uscc}, headers=CROSS_LINK), 403, "Forbidden")
    assert client.get("/path", query_string={"from": uscc, "to": uscc}).status_code == 200  # same site: runs


def test_every_view_that_runs_analyst_queries_or_writes_has_its_requirement(app):
    needs = {name: getattr(view, "chengxin_requires", ()) for name, view in app.view_functions.items()}
    for endpoint in ("queries.show", "queries.show_json", "investigate.flags_index", "investigate.flags_show",
                     "investigate.path", "investigate.path_json"):
        assert "run" in needs[endpoint], endpoint
    for endpoint in ("queries.console_page", "queries.console_json", "queries.schema_json"):
        assert "console" in needs[endpoint], endpoint
    assert set(needs["sources.decide"]) == set(needs["sources.decide_json"]) == {"console", "same_site"}


def test_an_unknown_requirement_is_a_mistake_found_at_import():
    with pytest.raises(ValueError, match="unknown access requirement"):
        security.requires("admin")
