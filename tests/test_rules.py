"""The rules run on settings and plain rows, with no database handle: eligibility, the risk score,
the red-flag detectors' grouping and thresholds, entity matching. (The same rules against the
loaded graph: tests/test_investigate.py, tests/test_sources.py.)"""

import datetime as dt

from chengxin.graph import eligibility, flags, matching, risk
from chengxin.graph.settings import Settings

ON = dt.date(2025, 6, 1)


def firm(**penalty) -> dict:
    """One row of ``eligibility_facts``: a general contractor with a valid qualification."""
    return {"uscc": "91360100TESTRULE01", "name": "规则测试建设有限公司", "type": "施工",
            "qualifications": [{"cert_no": "Q-1", "category": "建筑工程施工总承包", "grade": "一级",
                                "issued": dt.date(2020, 1, 1), "expires": dt.date(2030, 1, 1)}],
            "penalties": [{"penalty_id": "P-1", "decision_date": dt.date(2025, 1, 1),
                           "valid_until": dt.date(2025, 12, 31), **penalty}]}


def test_eligibility_rule_comes_from_the_settings_given():
    fine = firm(measure="罚款")  # a fine: not a restrictive measure
    strict = eligibility.assess(fine, ON, Settings().eligibility_rule)  # default "any"
    assert not strict["eligible"] and not strict["eligible_for_awards"] and strict["rule"] == "any"
    assert strict["eligible_again"] == dt.date(2026, 1, 1)
    lenient = eligibility.assess(fine, ON, Settings(eligibility_rule="restrictive").eligibility_rule)
    assert lenient["eligible"] and not lenient["eligible_for_awards"]
    banned = eligibility.assess(firm(measure="暂停投标资格"), ON, "restrictive")
    assert not banned["eligible"]
    after = eligibility.assess(fine, dt.date(2026, 1, 2), "any")
    assert after["eligible"] and after["reasons"] == []


def test_risk_weights_come_from_the_settings_given():
    facts = [{"fact": "penalty", "id": "P-1", "what": "罚款", "authority": "苏州市住房和城乡建设局",
              "date": dt.date(2025, 1, 1), "until": dt.date(2025, 12, 31)}]
    hits = [{"kind": "bid_ring", "key": "H-1", "title": {"zh": "围标", "en": "bid ring"}}]
    base = risk.contributions(facts, hits, Settings(), ON)
    heavier = risk.contributions(facts, hits, Settings(risk_measure_points={"罚款": 16, "*": 5},
                                                       risk_flag_points={"bid_ring": 0}), ON)
    by_kind = lambda parts: {c["kind"]: c["points"] for c in parts}  # noqa: E731
    assert by_kind(heavier)["penalty"] == 2 * by_kind(base)["penalty"] > 0
    assert by_kind(base).get("flag", 0) > 0 and by_kind(heavier).get("flag", 0) == 0


def test_detector_thresholds_come_from_the_settings_given_and_hits_from_plain_rows():
    rotation = flags.detector("bid_rotation")
    assert rotation.params(Settings()) == {"min_together": 3}
    assert rotation.params(Settings(flag_min_together=5)) == {"min_together": 5}
    rows = [{"uscc": "U1", "name": "甲建设", "tender_no": "T-1", "project_code": "PRJ-1", "won": True,
             "open_date": dt.date(2025, 3, 1), "penalty_id": "P-1", "measure": "暂停投标资格",
             "decision_date": dt.date(2025, 1, 1), "valid_until": None}]
    [hit] = flags.build_hits("sanctioned_bidding", rows)
    assert hit["key"] == "U1|T-1" and hit["firms"] == ["U1"]
    assert {(e["route"], e["key"]) for e in hit["evidence"]} == {
        ("enterprise", "U1"), ("tender", "T-1"), ("project", "PRJ-1"), ("penalty", "P-1")}


def test_matching_floor_comes_from_the_settings_given():
    a, b = "MX-RFC:ZZR000000001", "XX-NAME:OMEGA WALLS CONSTRUCTRA SA"  # two registers: may be one firm
    records = [{"key": a, "name": "Omega Walls Constructora, S.A. de C.V.", "alt_name": None, "source": "a"},
               {"key": b, "name": "Omega Walls Constructra SA", "alt_name": None, "source": "b"}]
    proposed = matching.propose([dict(r) for r in records], Settings().match_review_floor)
    assert [(p["from"], p["to"]) for p in proposed] == [(a, b)]
    assert Settings().match_review_floor <= proposed[0]["score"] < Settings().match_threshold  # for review
    assert matching.propose([dict(r) for r in records], Settings(match_review_floor=1.0).match_review_floor) == []
