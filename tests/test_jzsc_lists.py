"""The platform's published lists (不良行为记录 / 黑名单) read by ``--format jzsc`` as penalties, and 省-市-区
names coded as GB/T 2260 regions (graph/regions.py), on fixtures written from the spec's shapes
(tests/data/jzsc-lists: envelopes, a repeated page, odd dates, masked and full ID numbers, refused records,
Chinese-header tables) and on the real export (tests/data/real/jzsc-zhongheng)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from chengxin.graph.regions import Resolved, resolve, split_names
from chengxin.graph.integrity import is_restrictive
from chengxin.loaders.ingest import load_any, load_folder

from .conftest import write_csv

DATA = Path(__file__).resolve().parent / "data"
LISTS = DATA / "jzsc-lists"
REAL = DATA / "real" / "jzsc-zhongheng"
FIRM_A = "91330100MA2LTT001L"  # named with its USCC on the lists
FIRM_B_NAME = "浙江列表测试二号建筑有限公司"  # named by name only on the lists; known by USCC beforehand
PERSON_ID = "330106198001011235"  # a valid ID number (computed check character)


# --- regions --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, code, unknown, ambiguous", [
    ("浙江省-杭州市-西湖区", "330106", (), ()),
    ("北京市-北京市", "110000", (), ()),
    ("广东省-深圳市-", "440300", (), ()),
    ("广东省-深圳市-龙岗区", "440307", (), ()),
    ("海南省-省直辖县级行政区划", "460000", (), ()),
    ("重庆市-县-奉节县", "500236", (), ()),
    ("广西壮族自治区-防城港市", "450600", (), ()),
    ("四川省", "510000", (), ()),
    (" 浙江 - 杭州 - 西湖 ", "330106", (), ()),
    ("浙江省／杭州市／西湖区", "330106", (), ()),
    ("北京市-朝阳区", "110105", (), ()),
    ("吉林省-吉林市", "220200", (), ()),
    ("广东省-深圳市-光明新区", "440300", ("光明新区",), ()),  # an old name: not guessed to be 光明区
    ("火星省-火星市-某区", None, ("火星省",), ()),
    ("朝阳区", None, (), ("朝阳区",)),  # 北京, 长春 and 朝阳 each have one
    ("辽宁省--朝阳县", "211321", (), ()),
    ("", None, (), ()),
])
def test_region_names_become_a_code_as_deep_as_they_name_one_place(text, code, unknown, ambiguous):
    assert resolve(*split_names(text)) == Resolved(code, unknown, ambiguous)


def test_every_region_of_the_real_export_is_coded():
    with open(REAL / "企业业绩.csv", encoding="utf-8") as f:
        places = {r["项目属地"] for r in csv.DictReader(f) if r["项目属地"] != "项目属地"}
    coded = {p: resolve(*split_names(p)) for p in places}
    assert all(r.code and not r.unknown and not r.ambiguous for r in coded.values()), coded
    assert coded["广东省-深圳市-龙岗区"].code == "440307" and coded["海南省-省直辖县级行政区划"].code == "460000"
    assert coded["重庆市-县-奉节县"].code == "500236" and coded["四川省"].code == "510000"


def test_the_real_export_loads_its_projects_with_region_codes(graph):
    report = load_any(graph, REAL, "jzsc", progress=False)
    assert report.rejected == 0 and "regions_not_coded" not in report.summary
    rows = graph.run("MATCH (p:Project) WHERE p.source = 'jzsc-zhongheng' RETURN p.region_name AS name, "
                     "p.region_code AS code, p.province AS province")
    assert len(rows) == 50 and all(r["code"] for r in rows)
    by_name = {r["name"]: r["code"] for r in rows}
    assert by_name["广东省-深圳市-龙岗区"] == "440307" and by_name["广东省-惠州市"] == "441300"
    assert all(r["province"] for r in rows)  # the names are kept beside the code
    with open(REAL / "企业业绩.csv", encoding="utf-8") as f:
        links = {r["项目链接"].rsplit("/", 1)[-1] for r in csv.DictReader(f) if r["项目链接"] != "项目链接"}
    shown = {r["c"] for r in graph.run("MATCH (p:Project) WHERE p.source = 'jzsc-zhongheng' RETURN p.project_code AS c")}
    assert shown == links  # the platform's numbers as they are: nothing masked by shape


# --- the published lists --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lists(graph, tmp_path_factory):
    known = tmp_path_factory.mktemp("known-firms")
    write_csv(known / "enterprises.csv", [
        {"uscc": FIRM_A, "name": "浙江列表测试建设有限公司", "type": "施工", "region_code": "330100"},
        {"uscc": "91330200MA2LTT002W", "name": FIRM_B_NAME, "type": "施工", "region_code": "330200"}])
    assert load_folder(graph, known, progress=False).rejected == 0
    return load_any(graph, LISTS, "jzsc", progress=False)


def penalties_of(graph, key: str) -> dict[str, dict]:
    rows = graph.run("MATCH (s {uscc: $k})-[:PENALIZED]->(x:Penalty) RETURN x{.*} AS x", {"k": key}) or graph.run(
        "MATCH (s:Person {person_id: $k})-[:PENALIZED]->(x:Penalty) RETURN x{.*} AS x", {"k": key})
    return {r["x"]["penalty_id"]: r["x"] for r in rows}


def test_the_lists_are_read_with_a_summary(lists):
    s = lists.summary
    assert s["records_bad_record"] == 14
    assert s["exports"]["不良行为记录.csv"]["export"] == "published_list"
    assert s["exports"]["不良行为记录.csv"]["repeated_header_lines"] == 1
    assert s["exports"]["黑名单.csv"]["export"] == "published_list"
    assert s["unknown_codes"]["MEASURES"] == {"警告": 1}  # a measure the vocabulary has no word for: kept, counted
    assert s["duplicates_collapsed"] >= 1  # the record the second page repeats


def test_a_record_named_by_uscc_is_a_penalty_on_that_firm(graph, lists):
    got = penalties_of(graph, FIRM_A)
    bad = got["JZSC-BAD:杭建罚〔2024〕17号/" + FIRM_A]
    assert bad["measure"] == "暂停投标资格" and bad["measure_as_given"] == "罚款5万元，限制投标6个月"  # the heaviest
    assert bad["authority"] == "杭州市城乡建设委员会" and str(bad["decision_date"]) == "2024-03-05"
    assert str(bad["publish_date"]) == "2024-03-05" and str(bad["valid_until"]) == "2025-03-05"
    assert bad["description"] == "未取得施工许可证擅自施工" and bad["list_kind"] == "不良行为记录"
    assert bad["decision_no"] == "杭建罚〔2024〕17号" and bad["restrictive"] is True
    black = [p for p in got.values() if p["list_kind"] == "黑名单"]
    assert len(black) == 1 and black[0]["measure"] == "列入黑名单" and is_restrictive(black[0]["measure"])
    assert black[0]["penalty_id"].startswith("JZSC-BLACK:") and str(black[0]["valid_until"]) == "2025-06-01"
    assert black[0]["legal_basis"] == "《保障农民工工资支付条例》第四十八条"
    project = graph.run("MATCH (:Penalty {penalty_id: $k})-[:CONCERNS]->(p:Project) RETURN p.project_code AS c",
                        {"k": bad["penalty_id"]})
    assert project == [{"c": "3301062301010001"}]


def test_a_firm_named_only_is_matched_to_the_firm_known_by_uscc_not_merged(graph, lists):
    name_key = f"XX-JZSCNAME:{FIRM_B_NAME}"
    got = penalties_of(graph, name_key)
    assert {p["measure"] for p in got.values()} == {"停业整顿", "罚款", "吊销"}
    period = got[f"JZSC-BAD:浙建罚〔2023〕9号/{name_key}"]
    assert (str(period["publish_date"]), str(period["valid_until"])) == ("2023-06-01", "2024-05-31")
    linked = graph.run("MATCH (:Enterprise {uscc: $a})-[:SAME_AS]-(b:Enterprise) RETURN b.uscc AS b", {"a": name_key})
    assert linked == [{"b": "91330200MA2LTT002W"}]


def test_people_on_the_lists_full_numbers_pseudonymised_masked_ones_kept_apart(graph, lists):
    from chengxin.loaders.ids import Pseudonyms

    pid = Pseudonyms.for_settings(graph.settings).person_key(PERSON_ID)
    got = penalties_of(graph, pid)
    assert [p["measure"] for p in got.values()] == ["暂停执业"] and str(next(iter(got.values()))["decision_date"]) == "2023-07-01"
    masked = graph.run("MATCH (p:Person {name: '李测试'})-[:PENALIZED]->(x:Penalty) RETURN p.person_id AS id, x.measure AS m")
    assert len(masked) == 1 and masked[0]["id"].startswith("JZSC-P:") and masked[0]["m"] == "警告"
    raw = graph.driver.execute_query("MATCH (n) WHERE n.source = 'jzsc-lists' RETURN properties(n) AS p",
                                     database_=graph.database).records
    assert raw and not any(PERSON_ID in str(r["p"]) for r in raw)


def test_bad_records_are_refused_with_their_place_and_reason(lists):
    with open(lists.rejects_file, encoding="utf-8-sig") as f:
        reasons = {(r["file"], r["line"]): r["reason"] for r in csv.DictReader(f)}
    text = "\n".join(f"{k} {v}" for k, v in reasons.items())
    assert "credit_p1.json $.data.pageList.list[4]" in text and "decision body (实施部门 / DECISIONDEPT) missing" in text
    assert "credit_p2.json $.data.pageList.list[1]" in text and "names no subject" in text
    assert "decision_date" in text and "昨天" in text  # the date that is not one, refused by the row model
    assert any(k[0] == "不良行为记录.csv" and k[1] == "5" and "names no subject" in v for k, v in reasons.items())
    assert "blacklist.jsonl line 3" in text


def test_a_name_only_blacklist_entry_and_its_page(graph, client, lists):
    key = "XX-JZSCNAME:名单只有名字测试有限公司"
    got = penalties_of(graph, key)
    assert len(got) == 2 and {p["measure"] for p in got.values()} == {"列入黑名单"}
    assert {p["description"] for p in got.values()} == {"串通投标", "围标串标"}
    pid = next(iter(got))
    page = client.get(f"/api/penalty/{pid}").get_json()
    assert page["key"] == pid and page["penalty"]["list_kind"] == "黑名单"
    html = client.get(f"/penalty/{pid}").get_data(as_text=True)
    assert 'id="published-list">黑名单<' in html and "列入黑名单" in html
    bad = client.get(f"/penalty/JZSC-BAD:杭建罚〔2024〕17号/{FIRM_A}").get_data(as_text=True)
    assert "暂停投标资格（公布原文：罚款5万元，限制投标6个月）" in bad and "杭建罚〔2024〕17号" in bad


def test_region_names_of_the_lists_folder_are_coded_and_counted(graph, lists):
    rows = {r["c"]: r for r in graph.run(
        "MATCH (p:Project) WHERE p.project_code STARTS WITH 'ZZREG' RETURN p.project_code AS c, p.region_code AS code, "
        "p.province AS province, p.city AS city, p.county AS county, p.region_name AS name")}
    assert rows["ZZREG0001"]["code"] == "330106" and rows["ZZREG0002"]["code"] == "110000"
    assert rows["ZZREG0003"]["code"] == "440300" and rows["ZZREG0004"]["code"] is None
    assert rows["ZZREG0004"]["province"] == "火星省"  # unknown: the names kept, no code guessed
    assert rows["ZZREG0006"]["code"] == "440300" and rows["ZZREG0006"]["county"] == "光明新区"
    assert rows["ZZREG0007"]["code"] == "330106" and rows["ZZREG0008"]["code"] == "330102"  # a given code wins
    assert rows["ZZREGX005"]["code"] == "460000" and rows["ZZREGX006"]["code"] == "500236"
    assert rows["ZZREGX004"]["code"] is None and rows["ZZREGX004"]["name"] == "朝阳区"
    counted = lists.summary["regions_not_coded"]
    assert counted["ambiguous"] == {"朝阳区": 2}
    assert counted["unknown"] == {"火星省-某市": 1, "广东省-深圳市-光明新区": 1, "火星省-火星市-某区": 1}


def test_the_terminal_summary_warns_of_region_names_not_coded(lists, cli):
    out = cli("load", str(LISTS), "--format", "jzsc")
    assert "regions_not_coded" in out.output and "火星省-某市" in out.output and "朝阳区" in out.output
    assert "rejected rows, with file, line and reason" in out.output
    assert PERSON_ID not in out.output
