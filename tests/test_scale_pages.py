"""What keeps the pages answering on a large graph, checked on the small one (issue 14, part C).

The headline counts come from the database's own type counts, not a scan: they must agree with
the scan after a load and after a delete. Capped lists on entity pages must report the true
totals. The relationship finder carries element ids and reads properties only at the end: its
sentences must still carry the relationships' properties. Tests write under ids of their own
(ZZPAGES…) and delete them again.
"""

from __future__ import annotations

from chengxin.graph import paths, queries
from chengxin.loaders.ingest import load_folder

from .conftest import make_uscc, write_csv

FIRMS = [make_uscc(f"MA0PAGE{i:02d}") for i in range(3)]


def _scan(graph) -> dict:
    return queries.stats_scan(graph)


def test_headline_counts_follow_loads_and_deletes(graph, tmp_path):
    before = queries.stats(graph)
    assert before == _scan(graph)
    folder = tmp_path / "zzpages"
    write_csv(folder / "enterprises.csv", [
        {"uscc": u, "name": f"计数测试{i}建设有限公司", "type": "施工", "legal_rep_id": f"ZZPAGES-P{i}",
         "legal_rep_name": f"计数{i}", "region_code": "360100"} for i, u in enumerate(FIRMS)])
    write_csv(folder / "participations.csv", [
        {"project_code": "ZZPAGES-PROJECT", "uscc": u, "role": "施工总承包"} for u in FIRMS])
    try:
        load_folder(graph, folder, progress=False)
        loaded = queries.stats(graph)
        assert loaded == _scan(graph)
        assert loaded["labels"]["Enterprise"] == before["labels"]["Enterprise"] + 3
        assert loaded["labels"]["Project"] == before["labels"]["Project"] + 1
        assert loaded["relationships"]["PARTICIPATES_IN"] == before["relationships"]["PARTICIPATES_IN"] + 3
        assert loaded["relationships"]["LEGAL_REP_OF"] == before["relationships"]["LEGAL_REP_OF"] + 3
        # loading the same rows again changes nothing (MERGE)
        load_folder(graph, folder, progress=False)
        assert queries.stats(graph) == loaded
    finally:
        graph.run("MATCH (n) WHERE n.uscc IN $u OR n.person_id STARTS WITH 'ZZPAGES' OR n.project_code = "
                  "'ZZPAGES-PROJECT' DETACH DELETE n", {"u": FIRMS}, write=True)
    after = queries.stats(graph)
    assert after == _scan(graph)
    assert after == before


def test_home_counts_are_the_database_counts(client, graph):
    data = client.get("/api/").get_json()
    assert data["stats"] == _scan(graph)
    assert 0 < len(data["recent_penalties"]) <= 10


def test_stats_command_prints_every_label_and_type(cli, graph):
    import json

    out = cli("stats", "--format", "json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.output) == _scan(graph)


def test_path_steps_keep_their_properties_and_hubs_their_degree(graph, monkeypatch):
    # A participation's role is a property of the relationship: it must reach the sentence.
    rows = graph.run("MATCH (a:Enterprise)-[r:PARTICIPATES_IN]->(p:Project)<-[s:PARTICIPATES_IN]-(b:Enterprise) "
                     "WHERE a.uscc < b.uscc AND r.role IS NOT NULL RETURN a.uscc AS a, b.uscc AS b, r.role AS role "
                     "LIMIT 1")
    assert rows
    a, b, role = rows[0]["a"], rows[0]["b"], rows[0]["role"]
    res = paths.find(graph, f"enterprise:{a}", f"enterprise:{b}", types=["PARTICIPATES_IN"])
    assert res["paths"] and res["paths"][0]["length"] == 2
    first = res["paths"][0]
    assert [n["key"] for n in (first["nodes"][0], first["nodes"][-1])] == [a, b]
    assert any(s["props"].get("role") for s in first["steps"])
    assert any(s["say"].params.get("role") == role for p in res["paths"] for s in p["steps"])
    # with a hub degree of 2 the shared project is a hub: no path, and it is named with its degree
    monkeypatch.setattr(graph, "settings", graph.settings.model_copy(update={"path_hub_degree": 2}))
    res = paths.find(graph, f"enterprise:{a}", f"enterprise:{b}", types=["PARTICIPATES_IN"], max_hops=2)
    assert not res["paths"]
    assert res["hubs_skipped"] and all(h["degree"] > 2 for h in res["hubs_skipped"])
    assert all(h["key"] and h["name"] for h in res["hubs_skipped"])


def test_a_common_word_is_answered_from_the_first_names_ranked_like_one_term(graph, monkeypatch):
    from chengxin.graph import search as s

    assert s.common_word("建设") == "建设" and s.common_word("工程有限公司") == "工程" and s.common_word("王") == "王"
    assert s.common_word("北京 设计") is None and s.common_word("恒宏建设") is None
    fast = s.search(graph, "建设")
    firms = next(g["hits"] for g in fast["groups"] if g["label"] == "Enterprise")
    assert len(firms) == 20 and all("建设" in h["name"] for h in firms)
    ranks = [(not h["name"].startswith("建设"), -h["name"].count("建设"), len(h["name"])) for h in firms]
    assert ranks == sorted(ranks)
    # with no window every word is rare: the full-text index answers, the same kind of names
    monkeypatch.setattr(s, "COMMON_WINDOW", 0)
    slow = s.search(graph, "建设")
    assert all("建设" in h["name"] for g in slow["groups"] if g["label"] == "Enterprise" for h in g["hits"])
    assert any(h["score"] is not None for g in slow["groups"] for h in g["hits"])


def test_long_words_leave_out_common_bigrams_and_still_find_the_firm(graph, client):
    from urllib.parse import quote

    from chengxin.graph import search as s

    assert s.without_common("苏州恒宏建设", frozenset({"建设", "苏州"})) == "州恒 恒宏 宏建"
    assert s.without_common("建设工程 abc", frozenset({"建设", "设工", "工程"})) == "建设工程 abc"
    common = s.common_bigrams(graph, next(x for x in s.get_model().search_labels() if x.name == "Enterprise"))
    assert {"有限", "公司"} <= common
    firm = graph.run("MATCH (e:Enterprise) WHERE e.name ENDS WITH '有限公司' AND e.stub = false "
                     "RETURN e.name AS n, e.uscc AS u ORDER BY e.uscc LIMIT 1")[0]
    found = client.get("/api/search?q=" + quote(firm["n"])).get_json()
    assert firm["u"] in {h["key"] for g in found["groups"] for h in g["hits"]}


def test_recent_penalties_by_day_are_the_newest_as_a_full_sort_finds_them(graph):
    import datetime as dt

    scan = graph.query("recent_penalties_scan", limit=10)
    newest = scan[0]["decision_date"]
    # the day after the newest decision: the day-by-day lookup finds the same dates, newest first
    by_day = queries.recent_penalties(graph, 10, today=newest + dt.timedelta(days=1))
    assert [p["decision_date"] for p in by_day] == [p["decision_date"] for p in scan]
    last = scan[-1]["decision_date"]
    assert {p["penalty_id"] for p in by_day if p["decision_date"] > last} == \
        {p["penalty_id"] for p in scan if p["decision_date"] > last}
    # a day before some decisions leaves them out
    cut = queries.recent_penalties(graph, 10, today=newest - dt.timedelta(days=1))
    assert cut and all(p["decision_date"] < newest for p in cut)
    # nothing in the windows (a century on): the full sort answers
    assert queries.recent_penalties(graph, 10, today=dt.date(2200, 1, 1)) == scan


def test_capped_authority_lists_report_the_true_totals(graph, monkeypatch):
    busy = graph.run("MATCH (a:Authority) RETURN a.name AS n, COUNT { (a)<-[:ISSUED_BY]-(:Qualification) } AS q, "
                     "COUNT { (a)<-[:ISSUED_BY]-(:Penalty) } AS p ORDER BY q DESC LIMIT 1")[0]
    assert busy["q"] > 10
    monkeypatch.setattr(graph, "settings", graph.settings.model_copy(update={"page_row_cap": 10}))
    data = queries.profile(graph, "authority", busy["n"])
    assert len(data["qualifications"]) == 10 and data["n_qualifications"] == busy["q"]
    assert len(data["penalties"]) == min(10, busy["p"]) and data["n_penalties"] == busy["p"]
    full = graph.run("MATCH (a:Authority {name: $n})<-[:ISSUED_BY]-(q:Qualification) RETURN collect(q.cert_no) AS c",
                     {"n": busy["n"]})[0]["c"]
    assert {q["cert_no"] for q in data["qualifications"]} <= set(full)


def test_an_authority_first_view_shows_the_first_certificates_and_links_to_all(client, graph, monkeypatch):
    """A first view reads the first page of each list (kept, so a second first view asks nothing);
    ``?all=1`` shows them whole (up to page_row_cap), without the link."""
    import re
    from urllib.parse import quote

    from chengxin.web.views import entity

    busy = graph.run("MATCH (a:Authority) RETURN a.name AS n, COUNT { (a)<-[:ISSUED_BY]-(:Qualification) } AS q "
                     "ORDER BY q DESC LIMIT 1")[0]
    assert busy["q"] > 5
    monkeypatch.setattr(entity, "PAGE_SIZE", 5)
    client.application.extensions["chengxin"]["profile_cache"].clear()
    url = f"/authority/{quote(busy['n'])}"

    def certificates(html: str) -> int:
        return re.search(r'<ul id="certificates">(.*?)</ul>', html, re.S).group(1).count("<li>")

    first = client.get(url).get_data(as_text=True)
    assert certificates(first) == 5 and 'id="certificates-more"' in first and f"(5 / {busy['q']})" in first
    calls = []
    real = entity.queries.profile
    monkeypatch.setattr(entity.queries, "profile", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert client.get(url).get_data(as_text=True) == first and calls == []  # kept
    whole = client.get(url + "?all=1").get_data(as_text=True)
    cap = graph.settings.page_row_cap
    assert certificates(whole) == min(busy["q"], cap) and 'id="certificates-more"' not in whole


def test_an_authority_page_is_queried_once_until_a_load_changes_the_data(client, graph, monkeypatch):
    """Paging, sorting or filtering an authority's penalties asks for the same profile again: it is kept
    (its list of every penalty costs the most of any page at scale 700) until a load is recorded."""
    from urllib.parse import quote

    from chengxin.web.views import entity

    busy = graph.run("MATCH (a:Authority)<-[:ISSUED_BY]-(:Penalty) RETURN a.name AS n, count(*) AS k "
                     "ORDER BY k DESC, n LIMIT 1")[0]
    calls = []
    real = queries.profile
    whole = queries.AUTHORITY_PENALTY_LIMIT  # the whole list; a first view reads one page (counted apart)
    monkeypatch.setattr(entity.queries, "profile", lambda *a, **k: calls.append(
        a[1] if k.get("penalty_limit", whole) == whole else "first view") or real(*a, **k))
    url = f"/api/authority/{quote(busy['n'])}"
    first = client.get(url).get_json()
    assert client.get(url + "?penalties_page=2").status_code == 200
    again = client.get(url + "?penalties_sort=decision_date").get_json()
    assert calls.count("authority") <= 1 and again["n_penalties"] == first["n_penalties"] == busy["k"]
    graph.query("record_dataset", name="test-authority-cache", props={"loaded_at": "2999-01-01T00:00:00", "rows": 0})
    try:
        before = calls.count("authority")
        assert client.get(url + "?penalties_page=2").status_code == 200
        assert calls.count("authority") == before + 1  # a load was recorded: the profile is read again
    finally:
        graph.run("MATCH (d:Dataset {name: 'test-authority-cache'}) DELETE d", write=True)
