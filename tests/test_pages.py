"""Every page and its JSON twin, search in Chinese, 404s, masking, escaping, no CDN links."""

import re
from urllib.parse import quote

import pytest

from chengxin.graph.model import get_model

from .conftest import HOSTILE_NAME, HOSTILE_USCC, ID_PERSON, sample_rows


def key_of(graph, label: str, with_rel: str | None = None) -> str:
    spec = get_model().labels[label]
    pattern = f"(n:{label})-[:{with_rel}]-()" if with_rel else f"(n:{label})--()"
    return graph.run(f"MATCH {pattern} WHERE n.stub = false OR n.stub IS NULL RETURN n.`{spec.key}` AS k LIMIT 1")[0]["k"]


@pytest.mark.parametrize("label", list(get_model().labels))
def test_every_page_and_its_json_twin(graph, client, label):
    route = get_model().labels[label].route
    key = key_of(graph, label)
    path = f"/{route}/{quote(key, safe='')}"
    page = client.get(path)
    assert page.status_code == 200, page.data[-500:]
    html = page.get_data(as_text=True)
    assert 'id="entity-name"' in html and "数据来源" in html and 'id="graph-frame"' in html
    twin = client.get("/api" + path)
    assert twin.status_code == 200 and twin.is_json
    data = twin.get_json()
    assert data["kind"] == label and data["key"] == key and data["sources"]
    graph_json = client.get(f"/api/graph/{route}/{quote(key, safe='')}").get_json()
    assert graph_json["nodes"][0]["id"] == f"{label}:{key}"
    assert all(n["url"].startswith("/") for n in graph_json["nodes"])


def test_project_page_shows_firms_by_role_people_and_tenders(graph, client):
    code = key_of(graph, "Project", "FOR")
    data = client.get(f"/api/project/{quote(code)}").get_json()
    roles = [p["role"] for p in data["participants"]]
    assert "施工总承包" in roles and "监理" in roles and roles.index("建设单位") < roles.index("施工总承包")
    assert {s["role"] for s in data["staff"]} >= {"项目经理", "总监理工程师"}
    assert all(s["enterprise_name"] for s in data["staff"])
    tender = data["tenders"][0]
    assert 1 <= len(tender["bidders"]) <= 9 and tender["winner"]["uscc"] in {b["uscc"] for b in tender["bidders"]}
    html = client.get(f"/project/{quote(code)}").get_data(as_text=True)
    assert tender["winner"]["name"] in html and "项目经理" in html


def test_enterprise_badge_follows_sanctions_in_force(graph, client):
    data = client.get(f"/api/enterprise/{HOSTILE_USCC}").get_json()
    assert data["sanction"]["restricted"] and data["sanction"]["restrictive"] == ["测试罚字〔2026〕1号"]
    html = client.get(f"/enterprise/{HOSTILE_USCC}").get_data(as_text=True)
    assert 'class="badge red" id="sanction-badge"' in html
    clean = graph.run("MATCH (e:Enterprise) WHERE NOT (e)-[:PENALIZED]->() AND e.stub = false RETURN e.uscc AS u LIMIT 1")[0]["u"]
    assert 'class="badge green"' in client.get(f"/enterprise/{clean}").get_data(as_text=True)
    assert client.get(f"/api/enterprise/{clean}").get_json()["sanction"]["restricted"] is False


def test_search_in_chinese_and_by_identifier(graph, client):
    firm = graph.run("MATCH (e:Enterprise) WHERE e.name STARTS WITH '南昌' RETURN e.name AS n, e.uscc AS u LIMIT 1")[0]
    data = client.get("/api/search?q=" + quote(firm["n"][:4])).get_json()
    hits = [h["key"] for g in data["groups"] for h in g["hits"]]
    assert firm["u"] in hits
    exact = client.get("/api/search?q=" + firm["u"].lower()).get_json()["exact"]
    assert exact == [{"label": "Enterprise", "key": firm["u"], "name": firm["n"]}]
    surname = client.get("/api/search?q=" + quote("王")).get_json()
    assert any(h["name"].startswith("王") for g in surname["groups"] for h in g["hits"])
    for hostile in ['"(AND', "a:b OR", "*", "\\", "<script>"]:
        assert client.get("/search?q=" + quote(hostile)).status_code == 200


def test_unknown_ids_give_a_404_that_says_what(client):
    page = client.get("/enterprise/91360100NOPE00000X")
    assert page.status_code == 404 and "91360100NOPE00000X" in page.get_data(as_text=True)
    twin = client.get("/api/penalty/nope")
    assert twin.status_code == 404 and "nope" in twin.get_json()["error"]
    assert client.get("/api/graph/person/nope").status_code == 404
    assert client.get("/no-such-page").status_code == 404


def test_person_pages_never_show_full_id_numbers(graph, client):
    pid = graph.run("MATCH (p:Person)-[:LEGAL_REP_OF]->(:Enterprise {uscc: $u}) RETURN p.person_id AS p", {"u": HOSTILE_USCC})[0]["p"]
    for path in (f"/person/{pid}", f"/api/person/{pid}", f"/api/graph/person/{pid}", f"/enterprise/{HOSTILE_USCC}"):
        body = client.get(path).get_data(as_text=True)
        assert ID_PERSON not in body
    assert "3601************37" in client.get(f"/person/{pid}").get_data(as_text=True)
    sample_person = client.get("/api/person/RY000000001").get_json()["person"]
    assert "id_number" not in sample_person and "id_number_hash" not in sample_person
    assert re.fullmatch(r"\d{4}\*{12}[\dX]{2}", sample_person["id_number_masked"])


def test_hostile_text_is_escaped_everywhere(client):
    pages = [f"/enterprise/{HOSTILE_USCC}", f"/graph/enterprise/{HOSTILE_USCC}", "/search?q=" + quote("恶意建设"),
             "/penalty/" + quote("测试罚字〔2026〕1号", safe=""), "/"]
    for path in pages:
        body = client.get(path).get_data(as_text=True)
        assert "<script>window.__xss" not in body, path
        assert '<img src=x onerror' not in body, path
    graph_page = client.get(f"/graph/enterprise/{HOSTILE_USCC}").get_data(as_text=True)
    assert "\\u003cscript\\u003e" in graph_page  # the name is in the data, JSON-escaped
    titles = [n["title"] for n in client.get(f"/api/graph/enterprise/{HOSTILE_USCC}").get_json()["nodes"]]
    assert any("&lt;script&gt;" in t for t in titles) and not any("<script>" in t for t in titles)
    assert HOSTILE_NAME not in client.get(f"/enterprise/{HOSTILE_USCC}").get_data(as_text=True)


def test_no_page_loads_anything_from_another_host(graph, client):
    paths = ["/", "/search?q=" + quote("建设"), f"/enterprise/{HOSTILE_USCC}", f"/graph/enterprise/{HOSTILE_USCC}",
             f"/project/{quote(key_of(graph, 'Project'))}"]
    for path in paths:
        body = client.get(path).get_data(as_text=True)
        refs = re.findall(r'(?:src|href)="([^"]+)"', body)
        external = [r for r in refs if re.match(r"^(https?:)?//", r)]
        assert not external, (path, external)
    for asset in ("/vendor/vis-network/vis-network.min.js", "/static/chengxin.css"):
        with client.get(asset) as r:
            assert r.status_code == 200 and len(r.data) > 1000


def test_english_switch(client):
    assert "Recent penalties" in client.get("/?lang=en").get_data(as_text=True)
    assert "最新处罚" in client.get("/?lang=zh").get_data(as_text=True)


def test_graph_is_capped_with_a_more_node(graph, client, app):
    busy = graph.run("MATCH (a:Authority)<-[r:ISSUED_BY]-() WITH a, count(r) AS c ORDER BY c DESC LIMIT 1 RETURN a.name AS n, c")[0]
    data = client.get("/api/graph/authority/" + quote(busy["n"], safe="")).get_json()
    per_type = max(3, app.extensions["chengxin"]["settings"].graph_node_cap // 4)
    assert len(data["nodes"]) <= per_type * 3 + 2
    if busy["c"] > per_type:
        more = [n for n in data["nodes"] if n["id"].startswith("more:")]
        assert more and more[0]["url"].endswith("#rel-ISSUED_BY")


def test_search_skips_what_cannot_match(graph, client):
    from chengxin.graph.search import lucene_query, may_be_identifier

    assert lucene_query("苏州恒宏建设工程集团有限公司") == "苏州恒宏建设工程集团"
    assert lucene_query("有限公司") == "有限公司" and lucene_query("王") == "王*"
    assert may_be_identifier("91320500MALJK3BJLY") and not may_be_identifier("苏州建设")
    firm = sample_rows("enterprises")[5]
    found = client.get("/api/search?q=" + quote(firm["name"])).get_json()
    assert firm["uscc"] in {h["key"] for g in found["groups"] for h in g["hits"]}
    assert found["exact"] == []
