"""One verdict per firm (graph/verdict.py): the strip at the top of the enterprise page agrees with
the eligibility check, the risk score, the red flags and the sections below it, on every planted case."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

import pytest

from chengxin.graph import eligibility, risk, verdict

from .conftest import HOSTILE_USCC


def planted_firms(graph) -> list[str]:
    return [r["u"] for r in graph.run("MATCH (e:Enterprise) WHERE e.uscc CONTAINS 'PLANT' RETURN e.uscc AS u ORDER BY u")]


def test_every_planted_firm_gets_one_verdict_that_agrees(graph, app, client, settings):
    runs = app.extensions["chengxin"]["flag_runs"]
    today = dt.date.today()
    firms = planted_firms(graph) + [HOSTILE_USCC]
    assert len(firms) > 20
    levels = set()
    for u in firms:
        data = client.get(f"/api/enterprise/{quote(u)}").get_json()
        vd = data["verdict"]
        el = eligibility.check(graph, u, today, settings=app.extensions["chengxin"]["settings"])
        sc = risk.firm_score(graph, u, today, wait=True, settings=app.extensions["chengxin"]["settings"], runs=runs)
        hits = runs.for_firm(graph, u, wait=True)
        # the strip's parts are the services' answers
        assert vd["bidding"]["eligible"] == el["eligible"] == data["eligibility"]["eligible"], u
        assert vd["risk"]["score"] == sc["score"] == data["risk"]["score"], u
        assert vd["flags"]["count"] == len(hits), u
        in_force = [r["key"] for r in el["reasons"] if r["kind"] in ("penalty", "other_institution")]
        assert vd["sanction"]["ids"] == in_force == data["sanction"]["in_force"], u
        assert sorted(vd["qualifications"]["expired"]) == sorted(r["key"] for r in el["reasons"] if r["kind"] == "qualification")
        # the level is the worst part: never green above a "may not bid"
        if not el["eligible"] or vd["sanction"]["restrictive"]:
            assert vd["level"] == "red", u
        elif in_force or hits or sc["score"] >= verdict.WATCH_SCORE:
            assert vd["level"] == "amber", u
        else:
            assert vd["level"] == "green", u
        levels.add(vd["level"])
        # the page shows the same: the strip's attributes, the penalties in force, the expired certificates
        html = client.get(f"/enterprise/{quote(u)}").get_data(as_text=True)
        strip = re.search(r'<section id="integrity-panel" class="panel verdict verdict-(\w+)" data-level="(\w+)" '
                          r'data-sanction="(\w+)" data-eligible="(\w+)" data-score="(\d+)" data-flags="(\d+)"', html)
        assert strip, u
        assert strip.group(1) == strip.group(2) == vd["level"]
        assert strip.group(4) == ("true" if el["eligible"] else "false")
        assert int(strip.group(5)) == sc["score"] and int(strip.group(6)) == len(hits)
        current = re.findall(r'<tr class="current" data-id="([^"]+)"', html)
        assert sorted(set(current)) == sorted(set(p for p in in_force if any(q["penalty_id"] == p for q in data["penalties"]))), u
        expired_rows = html.count('<tr class="expired"><td><a class="ent ent-qualification"')
        assert expired_rows == len([q for q in data["qualifications"] if not q["valid"]])
        assert strip.start() < html.find('id="rel-PENALIZED"') if 'id="rel-PENALIZED"' in html else True
    assert levels == {"red", "amber", "green"} or {"red", "amber"} <= levels


def test_expired_qualification_is_red_at_the_top_not_green(graph, client):
    """The defect: green "no sanction in force" above a red "may not bid" (qualification expired)."""
    found = None
    for u in planted_firms(graph):
        d = client.get(f"/api/enterprise/{quote(u)}").get_json()
        if not d["eligibility"]["eligible"] and not d["sanction"]["in_force"]:
            found = (u, d)
            break
    assert found, "a planted firm that may not bid with no sanction in force"
    u, d = found
    assert d["verdict"]["level"] == "red" and d["verdict"]["sanction"]["status"] == "none"
    html = client.get(f"/enterprise/{quote(u)}").get_data(as_text=True)
    head = re.search(r'id="verdict-headline" class="lv lv-(\w+)">([^<]+)<', html)
    assert head.group(1) == "red" and head.group(2) == "今日不得投标"
    assert html.index('id="verdict-headline"') < html.index('id="sanction-badge"')


def test_verdict_combines_without_a_database():
    today = dt.date(2026, 6, 1)
    el = {"uscc": "X", "name": "甲", "eligible": False, "eligible_for_awards": False, "eligible_again": None, "rule": "restrictive",
          "valid_qualifications": [], "reasons": [
              {"kind": "penalty", "key": "P1", "what": "取消投标资格", "from": today, "until": None, "blocks": ["bid", "award"]}]}
    score = {"score": 12, "contributions": [], "flags_pending": False}
    v = verdict.combine(el, score, today)
    assert v["level"] == "red" and v["sanction"]["status"] == "restricted" and v["sanction"]["until"] is None
    el2 = {**el, "eligible": True, "eligible_for_awards": True, "reasons": [], "valid_qualifications": ["Q"]}
    assert verdict.combine(el2, score, today)["level"] == "green"
    assert verdict.combine(el2, {**score, "score": 45}, today)["level"] == "amber"


def test_printable_report_has_the_strip_facts_sanctions_flags_risk_and_sources(graph, client):
    today = dt.date.today().isoformat()
    resp = client.get(f"/enterprise/{quote(HOSTILE_USCC)}/report")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    for part in ('id="integrity-panel"', 'id="report-facts"', 'id="report-sanctions"', 'id="report-flags"',
                 'id="report-risk"', 'class="sources"', "report.css", 'id="print-report"'):
        assert part in html, part
    assert today in html[html.index('id="report-dates"'):][:400]
    assert "<script>window.__xss" not in html and "测试罚字〔2026〕1号" in html
    assert 'id="connect-form"' not in html  # a report, not the working page
    data = client.get(f"/api/enterprise/{quote(HOSTILE_USCC)}/report").get_json()
    assert data["verdict"]["level"] == "red" and data["made_at"] and data["key"] == HOSTILE_USCC
    assert client.get("/enterprise/91320500PLANT9999X/report").status_code == 404


def test_the_strip_reads_in_english(client):
    html = client.get(f"/enterprise/{quote(HOSTILE_USCC)}?lang=en").get_data(as_text=True)
    head = re.search(r'id="verdict-headline" class="lv lv-(\w+)">([^<]+)<', html)
    assert head.groups() == ("red", "May not bid today")
    assert "Sanction in force" in html and "Risk score" in html and "as of" in html
    report = client.get(f"/enterprise/{quote(HOSTILE_USCC)}/report?lang=en").get_data(as_text=True)
    assert "Integrity report" in report and "Facts as of" in report
    client.get("/?lang=zh")


def test_a_linked_debarment_makes_the_strip_red_and_names_its_source():
    """Another institution's debarment through a matched record: eligible with a restriction, the
    verdict red (never green, 可以投标 and nothing else)."""
    today = dt.date(2026, 6, 1)
    el = {"uscc": "X", "name": "甲", "eligible": True, "eligible_for_awards": True, "eligible_again": None,
          "rule": "restrictive", "valid_qualifications": ["Q"],
          "restrictions": [{"key": "WB-1", "source": "World Bank"}],
          "reasons": [{"kind": "other_institution", "key": "WB-1", "what": "Debarment", "from": today, "until": None,
                       "blocks": [], "source": "World Bank", "via": "XX-LIST:1", "via_name": "Jia Co."}]}
    sanction = {"restricted": True, "in_publication": True, "in_force": ["WB-1"], "restrictive": ["WB-1"],
                "restricted_until": None, "linked": [{"penalty_id": "WB-1", "via": "XX-LIST:1", "via_name": "Jia Co."}]}
    v = verdict.combine(el, {"score": 8, "contributions": []}, today, sanction)
    assert v["level"] == "red" and v["sanction"]["status"] == "restricted" and v["bidding"]["eligible"]
    assert v["bidding"]["restrictions"] == [{"penalty_id": "WB-1", "source": "World Bank"}]
    assert v["sanction"]["in_force"][0]["source"] == "World Bank" and v["sanction"]["linked"]
