"""Entity matching worth trusting: the labelled evaluation set's precision and recall at the default
threshold (a quality gate), the features that make a link and the vetoes, without a database; the
links written, reviewed at scale and undone against the real embedded database are in
tests/test_matching_review.py."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from chengxin.graph import match_features as mf
from chengxin.graph import matching, names
from chengxin.graph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_matching", ROOT / "bench" / "matching.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_evaluation_set_meets_the_targets_at_the_default_threshold():
    found = _bench().evaluate()
    assert found["pairs"] >= 300 and found["threshold"] == Settings().match_threshold
    assert found["tp"] + found["fn"] >= 150 and found["tn"] >= 100  # both kinds of pairs, in numbers
    assert found["precision"] >= 0.98, [e[:2] for e in found["errors"] if e[0] == "false link"]
    assert found["recall"] >= 0.90


def rec(key, name, **kw):
    return {"key": key, "name": name, **kw}


def test_every_link_carries_the_features_that_made_it():
    a = rec("XX-LIST:wb:1", "Çelik İnşaat Taahhüt A.Ş.", country="Türkiye", list_id="wb")
    b = rec("XX-LIST:adb:7", "CELIK INSAAT TAAHHUT A.S.", country="Turkey", list_id="adb")
    [link] = matching.propose([a, b], 0.75)
    codes = [f["code"] for f in link["features"]]
    assert codes == ["transliteration", "same_country"] and link["score"] == pytest.approx(0.95)
    assert link["id"] == matching.pair_id(b["key"], a["key"])  # the same id in either order


def test_bracketed_short_name_honorifics_and_chinese_names():
    short = mf.compare(rec("XX-LIST:wb:1", 'Computer Technologies Ltd ("Computech")'), rec("XX-LIST:afdb:2", "Computech"))
    assert short["features"][0]["code"] == "alias" and short["score"] >= 0.9
    person = mf.compare(rec("XX-LIST:wb:1", "MR. JOHN KAMAU MWANGI"), rec("XX-LIST:afdb:2", "John Kamau Mwangi"))
    assert {"honorific", "same_full_name"} <= {f["code"] for f in person["features"]}
    zh = mf.compare(rec("XX-LIST:wb:1", "Sinohydro Corporation Limited", name_zh="中国水利水电建设股份有限公司"),
                    rec("91110000100001234X", "中国水利水电建设股份有限公司"))
    assert zh["features"][0]["code"] == "chinese_name" and zh["score"] >= 0.9
    assert names.short_names('Computer Technologies Ltd ("Computech")') == ("Computer Technologies Ltd", ["Computech"])


def test_branches_in_both_word_orders_and_fen_gongsi():
    parent = rec("XX-LIST:wb:1", "Weihai Construction Group Co. Ltd", country="China")
    for name in ("Third Construction Branch of Weihai Construction Group Co. Ltd",
                 "Weihai Construction Group Co. Ltd Third Construction Branch"):
        links = matching.propose([rec("XX-LIST:adb:2", name, country="China"), dict(parent)], 0.75)
        assert [(link["kind"], link["from"]) for link in links] == [("branch", "XX-LIST:adb:2")], name
    links = matching.propose([rec("91370000000000001A", "威海建设集团股份有限公司第三建筑分公司"),
                              rec("91370000000000002B", "威海建设集团股份有限公司")], 0.75)
    assert [(link["kind"], link["score"] >= 0.9) for link in links] == [("branch", True)]


def test_vetoes_same_list_countries_identifiers_and_notes():
    # one list: two entries with one English name at two addresses, or near names, are never linked
    def a(**kw):
        return rec("XX-LIST:ebrd:1", "China Gezhouba Group Construction Engineering Co., Ltd.", list_id="ebrd",
                   country="China", address="No. 31, Zhenping Road Yichang City Hubei Province", **kw)
    b = rec("XX-LIST:ebrd:2", "China Gezhouba Group Construction Engineering Co., Ltd.", list_id="ebrd",
            country="China", address="Building 2, International Jewelry City Kunming")
    assert matching.propose([a(), b], 0.0) == []

    def near(**kw):
        return rec("XX-LIST:ebrd:3", "China Gezhouba Group Construction Engineering (HK) Co., Ltd.", list_id="ebrd", **kw)
    assert matching.propose([a(), near()], 0.0) == []
    # …but one identifier links them, whatever the names
    same_id = matching.propose([a(registration_no="1163"), near(registration_no="1163")], 0.0)
    assert [f["code"] for f in same_id[0]["features"]][-1] == "same_identifier" and same_id[0]["score"] == 1.0
    # shared case-note markers are not names: two entries sharing "*553" are not linked on it
    x = rec("XX-LIST:wb:1", "Alpha Roads Ltd", list_id="wb", aliases=["*553"])
    y = rec("XX-LIST:wb:2", "Omega Bridges Ltd", list_id="wb", aliases=["*553"])
    assert matching.propose([x, y], 0.0) == []
    # one name in two countries: never linked on its own (it waits for a person)
    two = mf.compare(rec("XX-LIST:wb:1", "Alpha Builders Ltd", country="Kenya"),
                     rec("XX-LIST:afdb:1", "Alpha Builders Ltd", country="Tanzania"))
    assert "country_conflict" in {f["code"] for f in two["features"]} and two["score"] < Settings().match_threshold
    # a person and a firm of one name
    assert mf.compare(rec("XX-LIST:wb:1", "Wang Wei", entity_kind="individual"),
                      rec("XX-LIST:adb:1", "Wang Wei", entity_kind="firm")) is None
    # No.1 and No.2: different firms even when the rest of the name is one
    n = mf.compare(rec("XX-LIST:wb:1", "China Gezhouba Group No.1 Engineering Co., Ltd."),
                   rec("XX-LIST:adb:1", "China Gezhouba Group No.2 Engineering Co., Ltd."))
    assert "number_conflict" in {f["code"] for f in n["features"]} and n["score"] < 0.9
    # two registered firms (one register) are never one by name
    assert mf.compare(rec("91420500000000001A", "中国葛洲坝集团股份有限公司"),
                      rec("91420500000000002B", "中国葛洲坝集团有限公司")) is None


def test_same_name_in_two_sources_at_score_one_needs_no_conflict():
    """The defect of issue 13: identical names at score 1.0 however the records disagree."""
    a = rec("XX-LIST:wb:1", "Delta Construction Ltd", country="Kenya", list_id="wb")
    b = rec("XX-LIST:adb:1", "Delta Construction Ltd", country="Philippines", list_id="adb")
    proposed = matching.propose([a, b], Settings().match_review_floor)
    assert proposed and all(p["score"] < Settings().match_threshold for p in proposed)  # for a person, not made
