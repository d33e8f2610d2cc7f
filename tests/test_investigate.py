"""Investigators: red flags, the relationship finder, bidding eligibility and the risk score,
against the planted cases (loaders/plant.py) loaded beside the sample in the session graph."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from chengxin.graph import eligibility, flags, paths, risk
from chengxin.graph.errors import InvalidInput, NotFound
from chengxin.graph.messages import render, translations

from .conftest import HOSTILE_NAME, HOSTILE_USCC


def zh(path: dict) -> str:
    """A found path as its Chinese sentence (the relationship finder returns messages)."""
    return paths.sentence(path, translations("zh"), chain=True)


def en(path: dict) -> str:
    return paths.sentence(path, translations("en"))


def firm_id(graph, name: str) -> str:
    """The planted firm called 苏州{name}有限公司."""
    rows = graph.run("MATCH (e:Enterprise) WHERE e.name = $n RETURN e.uscc AS u", {"n": f"苏州{name}有限公司"})
    assert len(rows) == 1, name
    return rows[0]["u"]


@pytest.fixture(scope="module")
def hits(graph) -> dict[str, list[dict]]:
    return {kind: flags.detect(graph, kind, graph.settings) for kind in flags.DETECTORS}


def test_every_detector_has_planted_cases_and_look_alikes(loaded, plant_manifest, graph):
    assert loaded.plant_report.rejected == 0
    assert set(plant_manifest["flags"]) == set(flags.DETECTORS)
    for kind, expect in plant_manifest["flags"].items():
        assert expect["planted"] and expect["controls"], kind


@pytest.mark.parametrize("kind", list(flags.DETECTORS))
def test_detector_finds_every_planted_case_and_no_look_alike(plant_manifest, graph, hits, kind):
    keys = {h["key"] for h in hits[kind]}
    expect = plant_manifest["flags"][kind]
    assert set(expect["planted"]) <= keys, set(expect["planted"]) - keys
    assert not set(expect["controls"]) & keys, set(expect["controls"]) & keys


def test_hits_explain_themselves_and_every_evidence_link_opens(plant_manifest, graph, hits, client):
    planted = {k for e in plant_manifest["flags"].values() for k in e["planted"]}
    checked = 0
    for kind, found in hits.items():
        for h in found:
            assert render(h["title"], "zh") and render(h["title"], "en") and h["facts"] and h["evidence"], h
            if h["key"] not in planted:
                continue
            assert h["firms"], h
            for ref in h["evidence"]:
                r = client.get(f"/{ref['route']}/{ref['key']}")
                assert r.status_code == 200, (kind, ref)
                checked += 1
    assert checked > 40


def test_cert_lending_says_where_the_person_is_registered(plant_manifest, hits, graph):
    by_key = {h["key"]: h for h in hits["cert_lending"]}
    lent = by_key[plant_manifest["flags"]["cert_lending"]["planted"][0]]
    fact = render(lent["facts"][0], "zh")
    assert "项目经理" in fact and "苏州植乙建设有限公司" in fact and "苏州植甲建设有限公司" in fact


def test_bid_rotation_groups_the_three_firms(hits):
    groups = [h for h in hits["bid_rotation"] if "PLANT" in h["key"]]
    assert len(groups) == 1 and len(groups[0]["firms"]) == 3 and len(groups[0]["facts"]) == 3


def test_path_finder_returns_the_planted_connection(plant_manifest, graph):
    for expect in plant_manifest["path"]:
        found = paths.find(graph, expect["from"], expect["to"])
        assert found["paths"], expect
        first = found["paths"][0]
        refs = {f"{n['route']}:{n['key']}" for n in first["nodes"]}
        assert set(expect["through"]) <= refs
        assert first["length"] == len(first["nodes"]) - 1 == len(first["steps"])
        assert zh(first) and en(first)
    lent = paths.find(graph, *(plant_manifest["path"][0][k] for k in ("from", "to")))
    assert "注册于" in zh(lent["paths"][0]) and "，并担任" in zh(lent["paths"][0]) and "项目经理" in zh(lent["paths"][0])


def test_path_finder_types_hops_and_hubs(plant_manifest, graph):
    a, b = "penalty:苏植罚字〔2025〕1号", "penalty:苏植罚字〔2024〕2号"
    plain = paths.find(graph, a, b)
    assert plain["paths"] and all(n["label"] != "Authority" for p in plain["paths"] for n in p["nodes"])
    assert plain["paths"][0]["length"] > 2
    hubs = paths.find(graph, a, b, with_hubs=True)
    assert hubs["paths"][0]["length"] == 2 and hubs["paths"][0]["nodes"][1]["label"] == "Authority"
    assert not paths.find(graph, a, b, max_hops=2)["paths"]
    assert not paths.find(graph, a, b, types=["BID_ON"])["paths"]
    src, dst = plant_manifest["path"][0]["from"], plant_manifest["path"][0]["to"]
    assert paths.find(graph, src, dst, types=["REGISTERED_AT", "WORKS_ON"])["paths"]
    with pytest.raises(InvalidInput):
        paths.find(graph, "nonsense", dst)
    with pytest.raises(InvalidInput):
        paths.find(graph, src, dst, types=["NOT_A_TYPE"])
    with pytest.raises(NotFound):
        paths.find(graph, src, "enterprise:91320500PLANT9999X")


def test_a_wide_level_asked_in_parts_at_once_finds_the_same_paths(plant_manifest, graph, monkeypatch):
    """The finder asks a wide level's nodes in parts on two threads: cut as finely as can be, every
    search returns what one query a level returns, in the same order."""
    asked = [("penalty:苏植罚字〔2025〕1号", "penalty:苏植罚字〔2024〕2号")]
    asked += [(p["from"], p["to"]) for p in plant_manifest["path"]]
    monkeypatch.setattr(paths, "PARALLEL_FROM", 10 ** 9)
    whole = [paths.find(graph, a, b) for a, b in asked] + [paths.find(graph, *asked[0], with_hubs=True)]
    monkeypatch.setattr(paths, "PARALLEL_FROM", 1)
    parts = [paths.find(graph, a, b) for a, b in asked] + [paths.find(graph, *asked[0], with_hubs=True)]
    assert parts == whole and all(w["paths"] for w in whole)


def test_path_direction_is_right_both_ways(plant_manifest, graph):
    expect = plant_manifest["path"][0]
    there = paths.find(graph, expect["from"], expect["to"])["paths"][0]
    back = paths.find(graph, expect["to"], expect["from"])["paths"][0]
    assert [s["type"] for s in there["steps"]] == [s["type"] for s in reversed(back["steps"])]
    for p in (there, back):
        reg = next(s for s in p["steps"] if s["type"] == "REGISTERED_AT")
        assert reg["from"].startswith("PLANT-P") and reg["to"].startswith("91")


def test_eligibility_before_during_and_after_a_ban(plant_manifest, graph):
    for expect in plant_manifest["eligibility"]:
        found = eligibility.check(graph, expect["uscc"], dt.date.fromisoformat(expect["date"]), settings=graph.settings)
        assert found["eligible"] is expect["eligible"], expect
        bans = [r for r in found["reasons"] if r["kind"] == "penalty"]
        if expect["eligible"]:
            assert not bans
        else:
            assert bans[0]["until"] == dt.date(2025, 12, 31) and found["eligible_again"] == dt.date(2026, 1, 1)


def test_eligibility_lists_expired_qualifications_and_blacklists_without_end(graph):
    expired = eligibility.check(graph, firm_id(graph, "过期总包建设"), dt.date(2025, 6, 1), settings=graph.settings)  # 过期总包建设: expired 2024-12-31
    assert expired["name"].endswith("过期总包建设有限公司")
    assert not expired["eligible"]
    assert {r["kind"] for r in expired["reasons"]} == {"qualification", "no_qualification"}
    banned = eligibility.check(graph, firm_id(graph, "黑名单丁建设"), dt.date(2030, 1, 1), settings=graph.settings)  # 列入黑名单, no end date
    assert not banned["eligible"] and banned["eligible_again"] is None
    with pytest.raises(NotFound):
        eligibility.check(graph, "91320500PLANT9999X", settings=graph.settings)


def test_eligibility_api_and_page(plant_manifest, client, graph):
    uscc = plant_manifest["eligibility"][0]["uscc"]
    assert client.get(f"/api/eligibility/{uscc}?date=2025-06-01").get_json()["eligible"] is False
    assert client.get(f"/api/eligibility/{uscc}?date=2026-01-01").get_json()["eligible"] is True
    page = client.get(f"/eligibility/{uscc}?date=2025-06-01").get_data(as_text=True)
    assert 'data-eligible="0"' in page and "苏植罚字〔2025〕1号" in page and "2026-01-01" in page
    bad = client.get(f"/api/eligibility/{uscc}?date=2025-13-01")
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.get_json()["error"]


def test_risk_score_is_traceable(graph, flag_runs):
    banned = risk.firm_score(graph, firm_id(graph, "黑名单丁建设"), settings=graph.settings, runs=flag_runs)  # blacklisted, then won a tender
    kinds = {c["kind"] for c in banned["contributions"]}
    assert {"penalty", "flag"} <= kinds
    assert banned["raw"] == pytest.approx(sum(c["points"] for c in banned["contributions"]), abs=0.2)
    assert banned["score"] == min(100, round(banned["raw"]))
    clean = risk.firm_score(graph, firm_id(graph, "植陪标建设"), settings=graph.settings, runs=flag_runs)
    assert clean["score"] == 0 and banned["score"] > 30


def test_risk_weights_are_settings(graph):
    facts = graph.query("risk_facts_firm", uscc=firm_id(graph, "黑名单丁建设"))
    today = dt.date(2026, 11, 1)
    base = risk.contributions(facts, [], graph.settings, today)
    heavier = graph.settings.model_copy(update={"risk_measure_points": {"列入黑名单": 80, "*": 5}})
    assert risk.contributions(facts, [], heavier, today)[0]["points"] == 2 * base[0]["points"]
    later = risk.contributions(facts, [], graph.settings, dt.date(2040, 1, 1))
    assert later[0]["points"] == base[0]["points"]  # a blacklisting with no end stays in force


def test_authority_levels():
    assert risk.authority_level("中华人民共和国住房和城乡建设部") == "national"
    assert risk.authority_level("江苏省住房和城乡建设厅") == "provincial"
    assert risk.authority_level("北京市住房和城乡建设委员会") == "provincial"
    assert risk.authority_level("苏州市住房和城乡建设局") == "local"


def test_risk_ranking_sorts_filters_and_escapes(client, graph):
    data = client.get("/api/risk?limit=1000").get_json()
    scores = [r["score"] for r in data["rows"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    assert HOSTILE_USCC in {r["uscc"] for r in data["rows"]}
    local = client.get("/api/risk?region=3205&type=施工").get_json()
    assert local["rows"] and all(r["region_code"].startswith("3205") and r["type"] == "施工" for r in local["rows"])
    page = client.get("/risk?limit=1000").get_data(as_text=True)
    assert HOSTILE_NAME not in page and "&lt;script&gt;" in page
    firm = client.get(f"/risk/{firm_id(graph, '黑名单丁建设')}").get_data(as_text=True)
    assert 'id="risk-score"' in firm and "列入黑名单" in firm and 'id="how"' in firm


def test_flag_pages_and_json_twins(plant_manifest, client, graph):
    index = client.get("/api/flags").get_json()
    assert {k["kind"] for k in index["kinds"]} == set(flags.DETECTORS) and all(k["count"] > 0 for k in index["kinds"])
    for kind, expect in plant_manifest["flags"].items():
        page = client.get(f"/flags/{kind}").get_data(as_text=True)
        for key in expect["planted"]:
            assert f'data-key="{key}"' in page, (kind, key)
        for key in expect["controls"]:
            assert f'data-key="{key}"' not in page, (kind, key)
        api = client.get(f"/api/flags/{kind}").get_json()
        assert api["count"] == len(api["hits"]) and set(expect["planted"]) <= {h["key"] for h in api["hits"]}
    again = client.get("/flags/phoenix?fresh=1").get_data(as_text=True)
    assert 'id="computed-at"' in again and f'data-key="{plant_manifest["flags"]["phoenix"]["planted"][0]}"' in again
    firm = client.get(f"/api/flags?uscc={firm_id(graph, '黑名单丁建设')}").get_json()
    assert [k["kind"] for k in firm["kinds"] if k["count"]] == ["sanctioned_bidding"]
    missing = client.get("/api/flags/nope")
    assert missing.status_code == 404 and "cert_lending" in missing.get_json()["error"]


def test_path_pages(plant_manifest, client, graph):
    expect = plant_manifest["path"][0]
    page = client.get("/path", query_string={"from": expect["from"], "to": expect["to"]}).get_data(as_text=True)
    assert 'id="path-1"' in page and 'class="sentence"' in page and "/person/PLANT-P" in page and 'id="path-graph"' in page
    api = client.get("/api/path", query_string={"from": expect["from"], "to": expect["to"]}).get_json()
    assert api["result"]["paths"][0]["nodes"][0]["key"] == expect["from"].split(":", 1)[1]
    pick = client.get("/path", query_string={"from": expect["from"], "to": "植乙建设"}).get_data(as_text=True)
    assert 'id="path-candidates"' in pick and "to=enterprise:91320500PLANT0002" in pick
    named = client.get("/api/path", query_string={"from": "植甲建设", "to": expect["to"]}).get_json()
    assert named["candidates"]["end"] == "from" and expect["from"] in {
        f"{c['route']}:{c['key']}" for c in named["candidates"]["items"]}
    assert client.get("/api/path", query_string={"from": expect["from"], "to": expect["to"], "type": "NOPE"}).status_code == 400
    assert client.get("/api/path", query_string={"from": expect["from"], "to": "enterprise:91320500PLANT9999X"}).status_code == 404


def test_enterprise_page_has_the_integrity_panel(client, graph):
    page = client.get(f"/enterprise/{firm_id(graph, '停标甲建设')}").get_data(as_text=True)
    assert 'id="integrity-panel"' in page and 'id="connect-form"' in page and 'id="risk-link"' in page
    data = client.get(f"/api/enterprise/{firm_id(graph, '停标甲建设')}").get_json()
    assert "eligibility" in data and "risk" in data and data["risk"]["score"] > 0
    hostile = client.get(f"/enterprise/{HOSTILE_USCC}").get_data(as_text=True)
    assert "不得投标" in hostile


def test_cli_flags_path_eligibility_risk_and_plant(plant_manifest, cli, tmp_path, graph):
    out = cli("flags", "--kind", "phoenix", "--format", "json")
    assert out.exit_code == 0, out.output
    found = json.loads(out.stdout)["phoenix"]
    assert set(plant_manifest["flags"]["phoenix"]["planted"]) <= {h["key"] for h in found}
    table = cli("flags", "--kind", "pm_conflict")
    assert "植双项目经理" in table.stdout
    bad = cli("flags", "--kind", "nope")
    assert bad.exit_code != 0 and "cert_lending" in bad.output
    expect = plant_manifest["path"][0]
    path = cli("path", expect["from"], expect["to"])
    assert path.exit_code == 0 and "项目经理" in path.stdout, path.output
    uscc = plant_manifest["eligibility"][0]["uscc"]
    el = cli("--lang", "en", "eligibility", uscc, "--date", "2025-06-01")
    assert "not eligible" in el.stdout and "2026-01-01" in el.stdout
    rk = cli("risk", "--uscc", firm_id(graph, "黑名单丁建设"))
    assert rk.exit_code == 0 and "/100" in rk.stdout
    sample = cli("sample", str(tmp_path / "s"), "--plant")
    assert sample.exit_code == 0, sample.output
    manifest = json.loads((tmp_path / "s" / "planted.json").read_text("utf-8"))
    assert manifest["flags"] == plant_manifest["flags"]
    rows = (tmp_path / "s" / "enterprises.csv").read_text("utf-8").splitlines()
    assert sum("PLANT" in r for r in rows) == manifest["counts"]["enterprises"] and len(rows) > 300


def test_enterprise_page_does_not_wait_for_the_detectors(graph, flag_runs):
    uscc = firm_id(graph, "黑名单丁建设")
    first = risk.firm_score(graph, uscc, wait=False, settings=graph.settings, runs=flag_runs)
    assert first["flags_pending"] and not [c for c in first["contributions"] if c["kind"] == "flag"]
    thread = flag_runs.thread
    assert thread is not None
    thread.join(60)
    later = risk.firm_score(graph, uscc, wait=False, settings=graph.settings, runs=flag_runs)
    assert not later["flags_pending"] and [c for c in later["contributions"] if c["kind"] == "flag"]
    assert later["score"] > first["score"]


def test_person_project_and_tender_pages_show_their_red_flags(plant_manifest, client, graph):
    client.application.extensions["chengxin"]["flag_runs"].detect_all(graph, wait=True, fresh=True)
    lender = plant_manifest["flags"]["cert_lending"]["planted"][0]
    page = client.get(f"/person/{lender}").get_data(as_text=True)
    assert 'id="flag-panel"' in page and f'data-key="{lender}"' in page
    chain = plant_manifest["flags"]["subcontract_chain"]["planted"][0]
    assert f'data-key="{chain}"' in client.get(f"/project/{chain}").get_data(as_text=True)
    ring = plant_manifest["flags"]["bid_ring"]["planted"][0]
    assert f'data-key="{ring}"' in client.get(f"/tender/{ring}").get_data(as_text=True)
    clean = plant_manifest["flags"]["bid_ring"]["controls"][0]
    assert "没有涉及本条记录的风险信号" in client.get(f"/tender/{clean}").get_data(as_text=True)
    assert client.get(f"/api/person/{lender}").get_json()["flags"][0]["kind"] == "cert_lending"


def test_library_shared_bidders_finds_the_planted_rings(plant_manifest, client, graph):
    rows = client.get("/api/queries/tenders_shared_bidders?limit=1000").get_json()["result"]["rows"]
    found = {r["tender_no"] for r in rows}
    rings = set(plant_manifest["flags"]["bid_ring"]["planted"])
    # The library query covers legal representatives, phones, addresses and registered people; the
    # shareholder ring is the detector's alone.
    assert len(rings & found) == 3 and not set(plant_manifest["flags"]["bid_ring"]["controls"]) & found
