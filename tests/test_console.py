"""The analysts' console and query library: read-only guards, time limit, row cap, access, and
the same rows from the CLI and the web. Against the real database."""

import json
import re
import time

import pytest
from pydantic import SecretStr

from chengxin.cypher import library
from chengxin.graph.errors import QueryRejected, QueryTimeout
from chengxin.graph.messages import render
from chengxin.graph.readonly import check_read_only

from .conftest import HOSTILE_NAME, HOSTILE_USCC, sample_rows

WRITES = [
    ("CREATE (:ZZ {x: 1})", "CREATE"),
    ("create (:ZZ {x: 1})", "CREATE"),
    ("MATCH (n:Enterprise) WITH n LIMIT 1 sEt n.name = 'x' RETURN n", "SET"),
    ("MATCH (n:Enterprise) /* harmless? */ DETACH\n  DELETE n", "DETACH"),
    ("MATCH (n:Enterprise)\nWITH n LIMIT 1\nRE\u200bTURN n", None),  # not a write: zero-width space is a syntax error later
    ("MATCH (n) // just reading\nDELETE n", "DELETE"),
    ("MERGE\n(n:ZZ {x: 1})", "MERGE"),
    ("MATCH (n:Enterprise) REMOVE n.name", "REMOVE"),
    ("MATCH (n:Enterprise) WITH n LIMIT 1 CALL { WITH n CREATE (:ZZ)-[:R]->(:ZZ) } RETURN n", "CREATE"),
    ("MATCH (n:Enterprise) WITH collect(n) AS ns FOREACH (x IN ns | SET x.flag = true)", "FOREACH"),
    ("CALL db.createLabel('ZZ')", "db.createLabel"),
    ("CALL apoc.create.node(['ZZ'], {}) YIELD node RETURN node", "apoc.create.node"),
    ("CALL dbms.security.createUser('x', 'y', false)", "dbms.security.createUser"),
    ("MATCH (n) RETURN count(n); CREATE (:ZZ)", "several statements"),
    ("RETURN 1;\nMATCH (n) DETACH DELETE n", "several statements"),
    ("LOAD  CSV FROM 'file:///etc/passwd' AS line RETURN line", "LOAD CSV"),
    ("DROP INDEX label_key_unique", "DROP"),
    ("MATCH (n) CALL { WITH n RETURN n AS m } IN TRANSACTIONS RETURN m", "IN TRANSACTIONS"),
    ("STOP DATABASE chengxin", "STOP DATABASE"),
    ("GRANT ROLE admin TO x", "GRANT"),
    ("USE system SHOW USERS", "USE"),
    ("MATCH (n:Enterprise) WITH n LIMIT 1 \tDeLeTe\tn", "DELETE"),
]


def checksum(graph) -> tuple:
    nodes = graph.run("MATCH (n) RETURN count(n) AS n, sum(size(keys(n))) AS k, "
                      "sum(size(coalesce(n.name, ''))) AS names")[0]
    rels = graph.run("MATCH ()-[r]->() RETURN count(r) AS n, sum(size(keys(r))) AS k")[0]
    return nodes["n"], nodes["k"], nodes["names"], rels["n"], rels["k"]


@pytest.mark.parametrize("text,clause", [w for w in WRITES if w[1]])
def test_clause_check_names_the_refused_clause(text, clause):
    with pytest.raises(QueryRejected) as e:
        check_read_only(text)
    assert clause.lower() in e.value.detail.lower()
    assert "refused" in render(e.value.message, "en") and "拒绝" in render(e.value.message, "zh")


@pytest.mark.parametrize("text", [
    "MATCH (n:Enterprise) WHERE n.name <> 'CREATE (x) DELETE' RETURN n.uscc AS k LIMIT 1",
    "MATCH (n:Enterprise) RETURN n.set AS s, n.delete AS d, {merge: 1, remove: 2} AS m LIMIT 1 // DETACH DELETE n",
    "/* DROP everything; */ MATCH (n:Project) RETURN n.create_date AS `CREATE`, \"SET ; FOREACH\" AS t LIMIT 1",
    "CALL db.labels() YIELD label RETURN label",
    "MATCH (n:Enterprise) CALL { WITH n RETURN n.name AS nm } RETURN nm LIMIT 2;",
])
def test_mentions_in_strings_names_and_comments_still_run(read_console, graph, text):
    check_read_only(text)
    res = read_console.run_read(graph, text)
    assert res.columns


@pytest.mark.parametrize("text,clause", [w for w in WRITES if w[1]])
def test_writes_are_refused_and_the_graph_is_unchanged(read_console, graph, text, clause):
    before = checksum(graph)
    with pytest.raises(QueryRejected):
        read_console.run_read(graph, text)
    assert checksum(graph) == before


def test_a_write_past_the_clause_check_is_still_undone(read_console, graph):
    """The next guards on their own: READ mode (Neo4j) and the transaction that is never committed."""
    before = checksum(graph)
    for text in ("CREATE (:ZZGuard {x: 1}) RETURN 1 AS one",
                 "MATCH (n:Enterprise) WITH n LIMIT 3 SET n.name = 'overwritten' RETURN count(n) AS c",
                 "MATCH (n:Enterprise) WITH n LIMIT 3 DETACH DELETE n RETURN 1 AS c"):
        try:
            read_console.run_read(graph, text, checked=True)
        except QueryRejected:
            pass  # Neo4j refuses writes in a READ transaction; ArcadeDB runs them and rolls back
    assert checksum(graph) == before
    assert graph.run("MATCH (n:ZZGuard) RETURN count(n) AS c")[0]["c"] == 0


SLOW = "UNWIND range(1, 4000) AS x UNWIND range(1, 4000) AS y WITH x, y WHERE (x * y) % 7 = 0 RETURN count(*) AS c"


def test_a_slow_query_is_stopped_at_the_limit_and_the_next_answers(read_console, graph):
    t = time.perf_counter()
    with pytest.raises(QueryTimeout) as e:
        read_console.run_read(graph, SLOW, timeout=1.0)
    waited = time.perf_counter() - t
    assert waited < 3.0, waited
    assert "CHENGXIN_QUERY_TIMEOUT" in e.value.detail
    t = time.perf_counter()
    assert read_console.run_read(graph, "MATCH (n:Enterprise) RETURN count(n) AS c").rows[0]["c"] > 0
    assert time.perf_counter() - t < 2.0


def test_the_database_itself_drops_a_query_at_the_setting(read_console, graph):
    """Without a lower request, the limit is the setting and the backend's own deadline stops it."""
    t = time.perf_counter()
    with pytest.raises(QueryTimeout):
        read_console.run_read(graph, SLOW)
    assert time.perf_counter() - t < graph.settings.query_timeout + 3
    assert read_console.run_read(graph, "RETURN 1 AS one").rows == [{"one": 1}]


def test_a_request_may_lower_the_limit_never_raise_it(read_console, graph):
    assert read_console.effective_timeout(100) == graph.settings.query_timeout
    assert read_console.effective_timeout(0.5) == 0.5
    assert read_console.effective_timeout(None) == graph.settings.query_timeout


def test_row_cap_cuts_and_says_so(read_console, graph):
    res = read_console.run_read(graph, "UNWIND range(1, 50) AS x RETURN x", row_cap=10)
    assert len(res.rows) == 10 and res.truncated and "10" in str(res.notices[0])
    res = read_console.run_read(graph, "UNWIND range(1, 5) AS x RETURN x", row_cap=10)
    assert len(res.rows) == 5 and not res.truncated and not res.notices


def test_console_page_caps_rows_at_the_setting(client, settings):
    r = client.get("/console", query_string={"q": f"UNWIND range(1, {settings.query_row_cap + 20}) AS x RETURN x"})
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert 'id="row-cap-notice"' in html and f'data-rows="{settings.query_row_cap}"' in html
    j = client.get("/api/console", query_string={"q": "UNWIND range(1, 3) AS x RETURN x"}).get_json()
    assert j["result"]["rows"] == [{"x": 1}, {"x": 2}, {"x": 3}] and j["result"]["truncated"] is False


def test_console_shows_the_database_error_and_refusals(client):
    j = client.get("/api/console", query_string={"q": "MATCH (n RETURN n"})
    assert j.status_code == 400 and j.get_json()["error"]["detail"]
    r = client.get("/console", query_string={"q": "MATCH (n) DETACH DELETE n"})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert 'id="query-error"' in html and "DETACH" in html
    bad = client.get("/api/console", query_string={"q": "RETURN $x AS x", "params": "{x: 1"})
    assert bad.status_code == 400 and "JSON" in bad.get_json()["error"]["detail"]
    ok = client.get("/api/console", query_string={"q": "RETURN $x AS x", "params": '{"x": "参数"}'})
    assert ok.get_json()["result"]["rows"] == [{"x": "参数"}]


def test_console_escapes_hostile_names_in_table_and_graph(client):
    r = client.get("/console", query_string={"q": "MATCH (e:Enterprise {uscc: $u}) RETURN e, e.name AS name",
                                             "params": json.dumps({"u": HOSTILE_USCC})})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="result-graph"' in html
    assert "<script>window.__xss" not in html and "<img src=x" not in html
    assert HOSTILE_NAME not in html


def test_console_access_off_loopback(settings, graph):
    from chengxin.web import create_app

    off = create_app(settings.model_copy(update={"host": "0.0.0.0"}), graph=graph).test_client()
    assert off.get("/console").status_code == 403
    assert off.get("/api/console", query_string={"q": "RETURN 1"}).status_code == 403
    assert off.get("/queries").status_code == 200  # the library stays
    app = create_app(settings.model_copy(update={"host": "0.0.0.0", "console": True,
                                                         "console_token": SecretStr("s3cret-token")}),
                     graph=graph)
    c = app.test_client()
    assert c.get("/api/console", query_string={"q": "RETURN 1 AS one"}).status_code == 401
    assert c.get("/api/console", query_string={"q": "RETURN 1 AS one"},
                 headers={"Authorization": "Bearer wrong"}).status_code == 401
    r = c.get("/api/console", query_string={"q": "RETURN 1 AS one"}, headers={"Authorization": "Bearer s3cret-token"})
    assert r.status_code == 200 and r.get_json()["result"]["rows"] == [{"one": 1}]
    assert c.get("/console", query_string={"token": "s3cret-token", "q": "RETURN 2 AS two"}).status_code == 401
    form = c.get("/console", query_string={"q": "RETURN 2 AS two"}).get_data(as_text=True)  # the token form
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    entered = c.post("/console/token", data={"token": "s3cret-token", "q": "RETURN 2 AS two", "csrf_token": csrf})
    assert entered.status_code == 303 and "s3cret-token" not in entered.headers["Location"]
    page = c.get(entered.headers["Location"])  # the cookie now carries the token
    assert page.status_code == 200 and "s3cret-token" not in page.get_data(as_text=True)


def test_schema_panel_counts_and_starters(client, graph):
    client.application.extensions["chengxin"]["schema_cache"].clear()  # counts are kept a minute; other tests have loaded since
    html = client.get("/console").get_data(as_text=True)
    n = graph.run("MATCH (n:Enterprise) RETURN count(n) AS c")[0]["c"]
    assert 'id="schema-panel"' in html and f"Enterprise</a> <small>企业 · {n}</small>" in html
    assert "/console?cypher=MATCH+p+%3D+()-%5Br:HOLDS%5D-%3E()+RETURN+p+LIMIT+25" in html  # its own name: the header search box stays empty
    j = client.get("/api/schema").get_json()
    assert j["labels"]["Enterprise"] == n
    assert any(p["key"] == "uscc" and p["n"] == n for p in j["properties"]["Enterprise"])


# --- the library ---------------------------------------------------------------------------------


def test_library_pages_list_every_query(client):
    html = client.get("/queries").get_data(as_text=True)
    names = [q.name for q in library()]
    assert len(names) >= 11
    for name in names:
        assert f'id="q-{name}"' in html
    j = client.get("/api/queries").get_json()
    assert sorted(q["name"] for g in j["groups"] for q in g["queries"]) == sorted(names)


@pytest.mark.parametrize("name", [q.name for q in library()])
def test_every_library_query_runs_on_the_sample_with_its_examples(client, graph, name):
    j = client.get(f"/api/queries/{name}")
    assert j.status_code == 200, j.get_json()
    result = j.get_json()["result"]
    assert result["columns"]
    assert result["rows"], f"{name}: its example finds nothing in the sample (with the planted cases)"


def test_query_page_form_table_graph_and_downloads(client, graph):
    uscc = graph.run("MATCH (e:Enterprise)-[:PARTICIPATES_IN]->(:Project)<-[:PARTICIPATES_IN]-(o:Enterprise) "
                     "RETURN e.uscc AS u LIMIT 1")[0]["u"]
    form = client.get("/queries/co_participants").get_data(as_text=True)
    assert 'id="query-form"' in form and 'id="result"' not in form
    r = client.get("/queries/co_participants", query_string={"uscc": uscc, "limit": "5"})
    html = r.get_data(as_text=True)
    assert 'id="result-table"' in html and 'id="result-graph"' in html and 'href="/enterprise/' in html
    csv_r = client.get("/queries/co_participants", query_string={"uscc": uscc, "limit": "5", "format": "csv"})
    assert csv_r.mimetype == "text/csv" and "attachment" in csv_r.headers["Content-Disposition"]
    lines = csv_r.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "enterprise,uscc,name,shared_projects,roles,examples" and len(lines) >= 2
    bad = client.get("/api/queries/co_participants", query_string={"uscc": uscc, "limit": "many"})
    # Said in the request's language (issue 15: an English-only or raw backend message was a defect).
    assert bad.status_code == 400 and "limit" in bad.get_json()["error"] and "整数" in bad.get_json()["error"]
    assert client.get("/queries/load_enterprises").status_code == 404
    assert client.get("/queries/no_such_query").status_code == 404


def test_cli_and_web_give_the_same_rows(client, cli):
    uscc = sample_rows("participations")[0]["uscc"]
    out = cli("query", "co_participants", "-p", f"uscc={uscc}", "-p", "limit=20", "--format", "json")
    assert out.exit_code == 0, out.output
    cli_rows = json.loads(out.stdout)["rows"]
    table = cli("query", "co_participants", "-p", f"uscc={uscc}", "-p", "limit=20")
    listing = cli("query", "--list")
    missing = cli("query", "co_participants")
    web_rows = client.get("/api/queries/co_participants", query_string={"uscc": uscc, "limit": "20"}).get_json()
    assert cli_rows and cli_rows == web_rows["result"]["rows"]
    assert "shared_projects" in table.stdout and cli_rows[0]["name"] in table.stdout
    assert "co_participants" in listing.stdout and "tenders_shared_bidders" in listing.stdout
    assert missing.exit_code != 0 and "missing parameter" in missing.output


def test_the_app_owns_its_console_and_closes_it(settings, graph):
    """The console's read-only driver belongs to the app (not to the graph) and is closed with the
    app; a graph handed to the app stays its caller's."""
    from chengxin.web import close_app, create_app

    app = create_app(settings, graph=graph)
    owned = app.extensions["chengxin"]
    assert owned["console"] is not create_app(settings, graph=graph).extensions["chengxin"]["console"]
    assert app.test_client().get("/api/console", query_string={"q": "RETURN 1 AS one"}).get_json()["result"]["rows"] \
        == [{"one": 1}]
    reader = owned["console"].driver(graph)
    assert (reader is not graph.driver) == (graph.backend.console_auth() is not None)
    close_app(app)
    assert owned["console"]._read_driver is None
    assert graph.run("RETURN 1 AS one") == [{"one": 1}]  # the graph was not the app's to close
