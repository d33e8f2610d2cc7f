"""A sanction follows the entity (issue 13): a registered firm matched to a list record under a
development bank's debarment in force shows it in its badge, in eligibility (a restriction with its
source by default, a ban under the setting) and in its risk score (authority level international),
against the real embedded database. The list records are written the way the list loader keys them
(``XX-LIST:<list>:<entry>``, name_zh, country, list_id), through the folder loader."""

from __future__ import annotations

import datetime as dt

import pytest

from chengxin.graph import eligibility, matching, risk
from chengxin.graph.integrity import authority_level

from .conftest import write_csv
from .test_sources import uscc

FIRM = uscc("MA0WBT001")        # 华东示范建设集团有限公司, registered, nothing against it
LISTED = "XX-LIST:WB-SAMPLE:E1"  # the same firm on a World Bank-style list, its Chinese name in the entry
TODAY = dt.date.today()


@pytest.fixture(scope="module")
def debarred(graph, tmp_path_factory):
    from chengxin.loaders.ingest import load_folder

    d = tmp_path_factory.mktemp("wbs")
    write_csv(d / "enterprises.csv", [
        {"uscc": FIRM, "name": "华东示范建设集团有限公司", "type": "", "region_code": "310000", "name_zh": "",
         "country": "", "list_id": "", "id_scheme": "", "entity_kind": ""},
        {"uscc": LISTED, "name": "East China Shifan Construction Group Co., Ltd.", "type": "", "region_code": "",
         "name_zh": "华东示范建设集团有限公司", "country": "People's Republic of China", "list_id": "wb-sample",
         "id_scheme": "XX-LIST", "entity_kind": "firm"},
    ])
    write_csv(d / "penalties.csv", [
        {"penalty_id": "WBS-DEBAR-1", "subject_type": "enterprise", "subject_id": LISTED, "measure": "列入黑名单 / debarment",
         "authority": "World Bank", "decision_date": "2024-07-03", "valid_until": "2999-12-31",
         "description": "Fraudulent practice", "originating_institution": ""},
    ])
    load_folder(graph, d, source="wb-sample", progress=False)
    matching.run(graph, settings=graph.settings)
    return graph


def test_the_list_record_is_matched_with_its_features(debarred):
    [m] = [m for m in matching.matched(debarred.query("matched_records", uscc=FIRM)) if m["uscc"] == LISTED]
    assert m["link"] == "SAME_AS" and m["score"] >= 0.9 and m["status"] == "auto"
    assert [f["code"] for f in m["features"]][:1] == ["chinese_name"] and m["pair_id"] == matching.pair_id(FIRM, LISTED)


def test_eligibility_shows_the_debarment_as_a_restriction_with_its_source(debarred):
    found = eligibility.check(debarred, FIRM, TODAY, settings=debarred.settings)
    [r] = [r for r in found["reasons"] if r["key"] == "WBS-DEBAR-1"]
    assert r["kind"] == "other_institution" and r["source"] == "World Bank" and r["via"] == LISTED and r["blocks"] == []
    assert found["eligible"] and found["restrictions"] == [r]
    banned = eligibility.check(debarred, FIRM, TODAY,
                               settings=debarred.settings.model_copy(update={"eligibility_other_institutions": "ban"}))
    assert not banned["eligible"] and not banned["eligible_for_awards"]


def test_risk_counts_it_at_the_international_level(debarred, flag_runs):
    assert authority_level("World Bank") == authority_level("Cross Debarment: ADB") == "international"
    assert authority_level("苏州市住房和城乡建设局") == "local"
    score = risk.firm_score(debarred, FIRM, TODAY, wait=False, settings=debarred.settings, runs=flag_runs)
    [c] = [c for c in score["contributions"] if c["key"] == "WBS-DEBAR-1"]
    assert c["via"] == LISTED and c["reason"].params["level"] == "international" and c["points"] > 0
    assert score["score"] > 0
    ranked = {r["uscc"]: r for r in risk._scored(debarred, {}, TODAY, debarred.settings)}
    assert ranked[FIRM]["score"] > 0 and ranked[FIRM]["penalties"] >= 1


def test_the_issues_example_no_longer_shows_green_eligible_and_zero(debarred, client):
    """A firm matched to an active World Bank debarment showed green, 可以投标 and risk 0."""
    data = client.get(f"/api/enterprise/{FIRM}").get_json()
    assert data["sanction"]["restricted"] and data["sanction"]["linked"][0]["via"] == LISTED
    assert data["eligibility"]["restrictions"] and data["risk"]["score"] > 0
    page = client.get(f"/enterprise/{FIRM}").get_data(as_text=True)
    assert 'class="badge red" id="sanction-badge"' in page and 'class="badge green"' not in page
    assert 'id="sanction-linked"' in page and LISTED in page and 'id="eligibility-restricted"' in page
    assert "World Bank" in page and 'data-code="chinese_name"' in page
    # the list record's own page says the same: its own sanction is another institution's
    own = client.get(f"/api/enterprise/{LISTED}").get_json()
    assert own["sanction"]["restricted"] and own["eligibility"]["restrictions"][0]["source"] == "World Bank"


def test_an_undone_link_takes_the_sanction_away(debarred, client):
    pair = matching.pair_id(FIRM, LISTED)
    done = matching.decide_many(debarred, False, [pair], who="test")
    assert done["changed"] == 1
    assert not eligibility.check(debarred, FIRM, TODAY, settings=debarred.settings)["restrictions"]
    assert not client.get(f"/api/enterprise/{FIRM}").get_json()["sanction"]["linked"]
    back = matching.undo(debarred, done["decision"], who="test")
    assert back["changed"] == 1
    assert eligibility.check(debarred, FIRM, TODAY, settings=debarred.settings)["restrictions"]
    link = debarred.run("MATCH (:Enterprise {uscc: $a})-[l:SAME_AS]-(:Enterprise {uscc: $b}) RETURN l.status AS s",
                        {"a": FIRM, "b": LISTED})
    assert link == [{"s": "auto"}]
