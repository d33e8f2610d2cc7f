"""Search as one ranked list: the exact name first (the issue's 湖北东丰建工有限公司 behind 8 projects),
facets, paging, region names, sanction and flag marks, suggestions; the path finder's choices
ranked the same. Fixture rows in the shapes of the real register scrape (jzsc: 企业业绩.csv)."""

from __future__ import annotations

import csv
from pathlib import Path
from urllib.parse import quote

import pytest

from chengxin.graph import regions

from .conftest import HOSTILE_USCC, make_uscc, write_csv

REAL = Path("/work/shared/data/real/jzsc-zhongheng/企业业绩.csv")
DONGFENG = "91420100MA9BL531KY"  # the sample's 湖北东丰建工有限公司, the example
ZHONGHENG = make_uscc("MA0QHG002")


def real_projects() -> list[dict]:
    if REAL.exists():
        with open(REAL, encoding="utf-8") as f:
            rows = [r for r in csv.DictReader(f) if r["项目名称"] != "项目名称"]
        return rows[:12]
    return [{"企业名称": "中恒工程设计院有限公司", "项目名称": f"中恒路{i}号市政道路工程", "项目属地": "广东省-深圳市-龙岗区"}
            for i in range(12)]


@pytest.fixture(scope="module")
def search_data(graph, app, tmp_path_factory):
    from chengxin.loaders.ingest import load_folder

    d = tmp_path_factory.mktemp("search")
    write_csv(d / "enterprises.csv", [
        {"uscc": ZHONGHENG, "name": "中恒工程设计院有限公司", "type": "设计", "region_code": "440307"},
    ])
    projects = [{"project_code": f"ZZ-SRCH-{i:02d}", "name": f"湖北东丰建工{w}工程", "region_code": "420102"}
                for i, w in enumerate(["产业园一期", "产业园二期", "综合楼", "宿舍楼", "道路", "厂房", "学校", "医院"])]
    projects += [{"project_code": f"ZZ-SRCH-R{i:02d}", "name": r["项目名称"], "region_code": "440307"}
                 for i, r in enumerate(real_projects())]
    write_csv(d / "projects.csv", projects)
    write_csv(d / "participations.csv", [{"project_code": p["project_code"], "uscc": DONGFENG if "东丰" in p["name"] else ZHONGHENG,
                                          "role": "施工总承包"} for p in projects])
    load_folder(graph, d, progress=False)
    app.extensions["chengxin"]["flag_runs"].detect_all(graph, wait=True, fresh=True)  # the stored run follows the load (tests after rely on it)
    return projects


@pytest.mark.parametrize("name,uscc", [("湖北东丰建工有限公司", DONGFENG), ("中恒工程设计院有限公司", ZHONGHENG)])
def test_the_exact_name_comes_first(client, search_data, name, uscc):
    data = client.get("/api/search?q=" + quote(name)).get_json()
    assert data["hits"][0]["key"] == uscc and data["hits"][0]["match"] == "name"
    assert data["jump"]["key"] == uscc
    html = client.get("/search?q=" + quote(name)).get_data(as_text=True)
    assert 'id="search-jump"' in html
    first = html.index('id="search-hits"')
    assert html.index('data-key="', first) == html.index(f'data-key="{uscc}"', first)  # first on the page too


def test_region_names_facets_and_paging(client, search_data):
    data = client.get("/api/search?q=" + quote("湖北东丰建工")).get_json()
    firm = next(h for h in data["hits"] if h["key"] == DONGFENG)
    assert firm["region"] == regions.name(firm["region_code"]) and firm["region"].startswith("湖北省")
    assert {f["label"] for f in data["facets"]} >= {"Enterprise", "Project"}
    html = client.get("/search?q=" + quote("湖北东丰建工")).get_data(as_text=True)
    assert firm["region"] in html and f">{firm['region_code']}<" not in html
    only = client.get("/api/search?q=" + quote("湖北东丰建工") + "&label=Project").get_json()
    assert only["label"] == "Project" and only["hits"] and all(h["label"] == "Project" for h in only["hits"])
    # paging: a common word has more than a page
    common = client.get("/api/search?q=" + quote("工程")).get_json()
    assert common["total"] > common["size"] and common["pages"] >= 2
    second = client.get("/api/search?q=" + quote("工程") + "&page=2").get_json()
    assert second["page"] == 2 and not {h["key"] for h in second["hits"]} & {h["key"] for h in common["hits"]}
    assert client.get("/api/search?q=x&page=-3").status_code == 200
    assert client.get("/api/search?q=x&page=abc").status_code == 200


def test_sanction_marks_on_hits(client, graph):
    data = client.get("/api/search?q=" + quote("恶意建设")).get_json()
    hostile = next(h for h in data["hits"] if h["key"] == HOSTILE_USCC)
    assert hostile["restricted"] and hostile["sanctions_in_force"] >= 1
    html = client.get("/search?q=" + quote("恶意建设")).get_data(as_text=True)
    assert "mark-sanction" in html and "<script>window.__xss" not in html


def test_flag_marks_on_hits(client, app, graph):
    runs = app.extensions["chengxin"]["flag_runs"]
    found = runs.detect_all(graph, wait=True)
    firm = next(u for hits in found.values() for h in hits for u in h["firms"] if ":" not in u)
    name = graph.run("MATCH (e:Enterprise {uscc: $u}) RETURN e.name AS n", {"u": firm})[0]["n"]
    data = client.get("/api/search?q=" + quote(name)).get_json()
    assert next(h for h in data["hits"] if h["key"] == firm)["flagged"] is True


def test_suggestions_and_the_path_finder_rank_the_same(client, search_data):
    items = client.get("/api/suggest?q=" + quote("湖北东丰建工有限公司")).get_json()["items"]
    assert items[0]["key"] == DONGFENG and items[0]["url"].endswith(DONGFENG) and items[0]["region"]
    assert client.get("/api/suggest?q=").get_json()["items"] == []
    found = client.get("/api/path", query_string={"from": f"enterprise:{ZHONGHENG}", "to": "湖北东丰建工有限公司"}).get_json()
    assert found["candidates"]["items"][0]["key"] == DONGFENG


def test_search_filters_by_region_name(client, search_data):
    data = client.get("/api/search?q=" + quote("工程")).get_json()
    assert any(f["name"] == "广东省" for f in data["region_facets"])
    gd = client.get("/api/search?q=" + quote("工程") + "&region=" + quote("深圳")).get_json()
    assert gd["hits"] and all(h["region_code"].startswith("4403") for h in gd["hits"])
    assert gd["total"] < data["total"]
    html = client.get("/search?q=" + quote("工程") + "&region=" + quote("广东省")).get_data(as_text=True)
    assert 'id="region-facets"' in html and html.count('<span class="region" title="44') == len(client.get("/api/search?q=" + quote("工程") + "&region=" + quote("广东省")).get_json()["hits"])


def test_the_ranked_page_adds_one_query_not_one_per_hit(client, graph, monkeypatch, capsys):
    """Marks for a page of hits come from one query (search_marks), whatever the number of hits; the
    page's time stays near the lookups' own (printed: p50/p95 over the terms, old search and new page)."""
    import statistics
    import time

    from chengxin.graph import search as s

    asked = []
    real = type(graph).query

    def counting(self, name, **params):
        asked.append(name)
        return real(self, name, **params)

    terms = ["建设", "工程", "湖北东丰建工有限公司", "中恒工程设计院有限公司", "王", "恶意建设", "监理", "苏州"]
    monkeypatch.setattr(type(graph), "query", counting)
    for t in terms:
        asked.clear()
        data = s.ranked(graph, t)
        marks = asked.count("search_marks")
        assert marks == (1 if any(h["label"] in ("Enterprise", "Person") for h in data["hits"]) else 0), (t, asked)
        # exact + marks, and per label: a common-word look, a common-bigram count, its full-text indexes
        bound = 2 + sum(2 + len(graph.backend.fulltext_indexes(spec)) for spec in s.get_model().search_labels())
        assert len(asked) <= bound, asked  # a constant: not one query per hit
    monkeypatch.setattr(type(graph), "query", real)
    old, new = [], []
    for _ in range(3):
        for t in terms:
            a = time.perf_counter(); s.search(graph, t); old.append((time.perf_counter() - a) * 1000)
            a = time.perf_counter(); client.get("/api/search?q=" + quote(t)); new.append((time.perf_counter() - a) * 1000)
    p95 = lambda v: sorted(v)[int(round(0.95 * (len(v) - 1)))]  # noqa: E731
    with capsys.disabled():
        print(f"\nsearch lookups p50 {statistics.median(old):.1f} ms p95 {p95(old):.1f} ms; "
              f"ranked page (marks, regions, flags) p50 {statistics.median(new):.1f} ms p95 {p95(new):.1f} ms")
    assert p95(new) < p95(old) * 3 + 100
