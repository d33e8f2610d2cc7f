"""``chengxin load --format jzsc``: the national platform's records (issue 16).

The real export (``tests/data/real/jzsc-zhongheng``, copied verbatim with its PROVENANCE.txt: three Chinese-header CSV
tables of one firm, a header repeated mid-file, a collector's urls.json) and JSON fixtures written
from the spec (tests/data/jzsc: envelopes, data.list, data.pageList.list, data.compMap, a bare
record, JSON Lines with a broken line, string and zero dates, full and masked ID numbers, a page
collected twice, records that cannot be used) are loaded into the session database (their own ids).
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from chengxin.graph.errors import InvalidInput
from chengxin.loaders import jzsc
from chengxin.loaders.ids import Pseudonyms
from chengxin.loaders.jzsc_quals import parse_qualification
from chengxin.loaders.jzsc_records import Builder, jdate, kind_of

from .test_jzsc_stages import holds_text

REAL = Path(__file__).resolve().parent / "data" / "real" / "jzsc-zhongheng"
FIXTURES = Path(__file__).resolve().parent / "data" / "jzsc"
PM = "46000319800101123X"  # the project manager's full ID number in the fixtures (tender, permit, performance)
CHIEF = "460003197505052348"
BUILDER = "91460000MA5TJX002F"
ZHONGHENG = "XX-JZSC:001607220057270586"  # the real firm, by its platform id from urls.json


def load(graph, path, fmt="jzsc"):
    from chengxin.loaders.ingest import load_any

    return load_any(graph, Path(path), fmt, progress=False)


def rejects(report) -> dict[tuple[str, str], str]:
    with open(report.rejects_file, encoding="utf-8-sig") as f:
        return {(r["file"], r["line"]): r["reason"] for r in csv.DictReader(f)}


# --- qualification names --------------------------------------------------------------------------

REAL_QUALIFICATIONS = {
    "工程设计风景园林工程专项甲级": ("工程设计", "专项", None, "风景园林工程", "甲级"),
    "工程设计建筑行业（建筑工程）甲级": ("工程设计", "行业", "建筑行业", "建筑工程", "甲级"),
    "工程设计市政行业桥梁工程专业甲级": ("工程设计", "专业", "市政行业", "桥梁工程", "甲级"),
    "工程设计市政行业道路工程专业甲级": ("工程设计", "专业", "市政行业", "道路工程", "甲级"),
    "工程设计市政行业城市隧道工程专业甲级": ("工程设计", "专业", "市政行业", "城市隧道工程", "甲级"),
    "工程设计市政行业乙级": ("工程设计", "行业", "市政行业", None, "乙级"),
    "工程设计公路行业公路专业丙级": ("工程设计", "专业", "公路行业", "公路", "丙级"),
}
VARIANTS = {
    "建筑工程施工总承包一级": ("施工总承包", None, None, "建筑工程", "一级"),
    "市政公用工程施工总承包特级": ("施工总承包", None, None, "市政公用工程", "特级"),
    "地基基础工程专业承包二级": ("专业承包", None, None, "地基基础工程", "二级"),
    "钢结构工程专业承包三级(暂定)": ("专业承包", None, None, "钢结构工程", "三级"),
    "模板脚手架专业承包不分等级": ("专业承包", None, None, "模板脚手架", "不分等级"),
    "施工劳务不分等级": ("施工劳务", None, None, None, "不分等级"),
    "木工作业分包一级": ("施工劳务", None, None, "木工作业", "一级"),
    "房屋建筑工程监理甲级": ("工程监理", None, None, "房屋建筑工程", "甲级"),
    "工程监理综合资质": ("工程监理", "综合", None, None, None),
    "工程勘察综合资质甲级": ("工程勘察", "综合", None, None, "甲级"),
    "工程勘察专业类岩土工程（设计）甲级": ("工程勘察", "专业类", None, "岩土工程（设计）", "甲级"),
    "工程勘察劳务类工程钻探": ("工程勘察", "劳务类", None, "工程钻探", None),
    "工程设计综合资质甲级": ("工程设计", "综合", None, None, "甲级"),
    "工程设计市政行业（燃气工程、轨道交通工程除外）甲级": ("工程设计", "行业", "市政行业", None, "甲级"),
    "工程设计建筑装饰工程专项乙级": ("工程设计", "专项", None, "建筑装饰工程", "乙级"),
    "建筑幕墙工程设计专项甲级": ("工程设计", "专项", None, "建筑幕墙工程", "甲级"),
    " 工程设计 化工石化医药行业 甲级 ": ("工程设计", "行业", "化工石化医药行业", None, "甲级"),
}


def test_every_real_qualification_name_is_in_the_table_above():
    with open(REAL / "企业资质.csv", encoding="utf-8") as f:
        assert {r["企业资质"] for r in csv.DictReader(f)} == set(REAL_QUALIFICATIONS)


@pytest.mark.parametrize("name,parts", list({**REAL_QUALIFICATIONS, **VARIANTS}.items()))
def test_a_qualification_name_splits_into_category_scope_industry_specialty_grade(name, parts):
    p = parse_qualification(name)
    assert (p["category"], p["scope"], p["industry"], p["specialty"], p["grade"]) == parts


def test_qualification_names_of_no_known_category_and_their_marks():
    assert parse_qualification("城乡规划编制乙级") is None and parse_qualification("") is None
    assert parse_qualification("钢结构工程专业承包三级（暂定）")["provisional"] is True
    assert parse_qualification("工程设计市政行业（燃气工程、轨道交通工程除外）甲级")["restriction"] == "燃气工程、轨道交通工程除外"


# --- dates, codes, record types ------------------------------------------------------------------

def test_epoch_millisecond_dates_are_dates_in_china_and_zero_is_unknown():
    assert jdate(1778256000000) == "2026-05-09"  # midnight in Beijing is 16:00 UTC the day before
    assert jdate("1778256000000") == jdate(1778256000000.0) == "2026-05-09"
    assert jdate(1778256000) == "2026-05-09"  # a collector that stored seconds
    assert jdate("/Date(1778256000000)/") == "2026-05-09"
    assert jdate(0) is None and jdate("0") is None and jdate(None) is None and jdate("") is None
    assert jdate("2023-01-20") == "2023-01-20" and jdate("2023-01-20 08:00:00") == "2023-01-20 08:00:00"
    assert jdate(-5) == "-5" and jdate("soon") == "soon"  # as given: the row model refuses them with the reason


def test_codes_become_words_and_unknown_codes_are_kept_and_counted():
    b = Builder("t")
    assert b.word("TENDERCLASSNUM", 3) == b.word("TENDERCLASSNUM", "003") == "施工"
    assert b.word("TENDERTYPENUM", "002") == "邀请招标" and b.word("CONTRACTTYPENUM", 301) == "施工总包"
    assert b.word("DATASOURCE", 3) == "历史业绩补录" and b.word("PRJDUTY", "6") == "project_manager"
    assert b.word("TENDERCLASSNUM", "施工") == "施工"  # already the word
    assert b.word("TENDERCLASSNUM", "005") == "005"
    assert b.summary()["unknown_codes"] == {"TENDERCLASSNUM": {"005": 1}}


def test_a_record_type_is_told_by_its_fields():
    assert kind_of({"TENDERNUM": "x", "PRJNUM": "p"}) == "tender"
    assert kind_of({"PRJFINISHNUM": "x", "BUILDERLICENCENUM": "y", "PRJNUM": "p"}) == "completion"
    assert kind_of({"BUILDERLICENCENUM": "y", "CENSORNUM": "z"}) == "permit"
    assert kind_of({"PERFNUM": "x", "PERSONNAME": "某", "PRJDUTY": 6}) == "perf_staff"
    assert kind_of({"CORPNAME": "某", "CORPROLENUM": "3"}) == "participant"
    assert kind_of({"QY_NAME": "某"}) == "enterprise" and kind_of({"FOO": 1}) is None


def test_walk_finds_records_in_envelopes_pages_and_compmap():
    doc = {"code": 200, "data": {"compMap": {"QY_NAME": "甲"}, "pageList": {"list": [{"APT_NAME": "乙"}]}}}
    assert [(k, p) for k, _, p in jzsc.walk(doc)] == [("enterprise", "$.data.compMap"),
                                                       ("qualification", "$.data.pageList.list[0]")]
    assert list(jzsc.walk({"code": 500, "message": "忙", "data": None})) == []
    assert [k for k, _, _ in jzsc.walk([{"FOO": 1}])] == [None]


def test_nothing_of_the_platform_is_a_specific_error(tmp_path):
    (tmp_path / "a.json").write_text('{"hello": "world"}', "utf-8")
    with pytest.raises(InvalidInput):
        jzsc.convert(tmp_path / "missing", "x")
    b, _ = jzsc.convert(tmp_path, "x")  # a JSON object that is no record: refused with its reason
    assert "not a record of the platform" in b.tables()["projects"][0][2]["_error"]
    (tmp_path / "a.json").unlink()
    (tmp_path / "b.txt").write_text("not json", "utf-8")
    with pytest.raises(InvalidInput, match="no records of the national platform found.*b.txt"):
        jzsc.convert(tmp_path, "x")


# --- the real export -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real(graph):
    return load(graph, REAL)


def test_the_real_export_loads_every_row(graph, real):
    assert real.rejected == 0 and not real.problems()
    loaded = {t.table: t.loaded for t in real.tables}
    assert loaded == {"enterprises": 20, "projects": 50, "qualifications": 7, "performances": 50}
    exports = real.summary["exports"]
    assert exports["企业业绩.csv"] == {"rows": 50, "repeated_header_lines": 1, "export": "performances"}
    assert exports["注册人员.csv"]["export"] == "head_counts" and exports["企业资质.csv"]["rows"] == 7
    assert real.summary["firm_ids_from_urls"] == 1


def test_the_real_qualifications_keep_their_parts(graph, real):
    rows = graph.run("MATCH (e:Enterprise {uscc: $u})-[:HOLDS]->(q:Qualification) RETURN q.qualification_name AS n, "
                     "q.category AS c, q.industry AS i, q.specialty AS s, q.grade AS g, q.scope AS sc", {"u": ZHONGHENG})
    got = {r["n"]: (r["c"], r["sc"], r["i"], r["s"], r["g"]) for r in rows}
    assert got == REAL_QUALIFICATIONS


def test_the_head_count_table_is_counts_on_the_firm_not_people(graph, real):
    firm = graph.run("MATCH (e:Enterprise {uscc: $u}) RETURN e.name AS n, e.registered_staff_total AS t, "
                     "e.registered_staff_counts AS c, e.qy_id AS q", {"u": ZHONGHENG})[0]
    assert firm["n"] == "中恒工程设计院有限公司" and firm["t"] == 35 and firm["q"] == "001607220057270586"
    counts = json.loads(firm["c"])
    assert counts["注册公用设备工程师（给水排水）"] == 8 and counts["一级注册建筑师"] == 5 and len(counts) == 11
    assert graph.run("MATCH (p:Person) WHERE p.source = $s RETURN count(p) AS n", {"s": "jzsc-zhongheng"}) == [{"n": 0}]
    assert graph.run("MATCH (:Person)-[r:REGISTERED_AT]->(:Enterprise {uscc: $u}) RETURN count(r) AS n",
                     {"u": ZHONGHENG}) == [{"n": 0}]


def test_the_real_performance_list_gives_projects_from_their_links(graph, real):
    p = graph.run("MATCH (pf:Performance)-[:STAGE_OF]->(p:Project {project_code: '4403071705099904'}), "
                  "(e:Enterprise)-[x:PARTY_TO]->(pf), (o:Enterprise)-[:OWNS]->(p) "
                  "RETURN p.name AS name, p.region_name AS region, p.province AS pr, p.city AS ci, p.county AS co, "
                  "p.category AS cat, e.uscc AS firm, x.role AS role, o.name AS owner, o.uscc AS owner_key")
    assert p == [{"name": "中心社区白石塘村市容环境品质提升工程", "region": "广东省-深圳市-龙岗区", "pr": "广东省",
                  "ci": "深圳市", "co": "龙岗区", "cat": "其他", "firm": ZHONGHENG, "role": "performer",
                  "owner": "深圳市龙岗区坪地街道办事处", "owner_key": "XX-JZSCNAME:深圳市龙岗区坪地街道办事处"}]
    n = graph.run("MATCH (:Enterprise {uscc: $u})-[:PARTY_TO]->(pf:Performance)-[:STAGE_OF]->(p:Project) "
                  "RETURN count(DISTINCT p) AS n", {"u": ZHONGHENG})
    assert n == [{"n": 50}]
    two = graph.run("MATCH (p:Project {project_code: '4413011709110201'}) RETURN p.region_name AS r, p.county AS c")
    assert two == [{"r": "广东省-惠州市", "c": None}]


def test_a_folder_of_the_exports_is_recognised_without_the_format_and_loads_again_unchanged(graph, real, tmp_path):
    from chengxin.loaders.ingest import load_folder

    count = "MATCH (n) WHERE n.source = 'jzsc-zhongheng' RETURN count(n) AS n"
    before = graph.run(count)
    folder = tmp_path / "jzsc-zhongheng"
    shutil.copytree(REAL, folder)
    again = load_folder(graph, folder, progress=False, source="jzsc-zhongheng")  # no --format: told by the headers
    assert again.summary["exports"]["企业业绩.csv"]["repeated_header_lines"] == 1
    assert {t.table: t.loaded for t in again.tables} == {t.table: t.loaded for t in real.tables}
    assert graph.run(count) == before


def test_bad_rows_of_an_export_name_their_file_line_and_reason(graph, tmp_path):
    (tmp_path / "业绩.csv").write_text(
        "企业名称,项目名称,项目链接,项目属地,项目类别,建设单位\n"
        "甲公司,某项目,http://jzsc.mohurd.gov.cn/dataservice/query/project/projectDetail/4690031807219999,海南省,其他,乙单位\n"
        "甲公司,无链接项目,,海南省,其他,乙单位\n"
        ",无名,http://x/projectDetail/1,海南省,其他,乙单位\n", "utf-8")
    (tmp_path / "人员.csv").write_text("注册证,注册人员,企业名称\n一级注册建造师,2.5,甲公司\n一级注册建造师,3,甲公司\n"
                                       "一级注册建造师,4,甲公司\n", "utf-8")
    report = load(graph, tmp_path)
    reasons = rejects(report)
    assert "项目链接 '' holds no project number" in reasons[("业绩.csv", "3")]
    assert "企业名称 is empty" in reasons[("业绩.csv", "4")]
    assert "not a registration type and a whole head count" in reasons[("人员.csv", "2")]
    assert "counted twice for one firm (3 and 4)" in reasons[("人员.csv", "4")]
    firm = graph.run("MATCH (e:Enterprise {uscc: 'XX-JZSCNAME:甲公司'}) RETURN e.registered_staff_total AS t")
    assert firm == [{"t": 3}]


# --- the JSON fixtures ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fx(graph):
    return load(graph, FIXTURES)


def test_every_record_type_of_the_fixtures_is_read(fx):
    s = fx.summary
    for kind in ("enterprise", "qualification", "person", "project", "tender", "contract", "drawing_review",
                 "permit", "completion", "performance", "perf_staff", "false_performance"):
        assert s[f"records_{kind}"] >= 1, kind
    assert s["duplicates_collapsed"] >= 3  # a tender line twice, a contract on two pages, a person on two pages
    assert sorted(s["files_not_read"]) == ["README.txt", "notes.txt"]
    assert s["unknown_codes"] == {"CORPROLENUM": {"6": 1}, "PRJDUTY": {"9": 1}}
    assert s["matched_links_made"] >= 1


def test_what_cannot_be_used_is_refused_with_its_file_record_path_and_reason(fx):
    reasons = rejects(fx)
    assert "PRJNUM missing" in reasons[("odd.json $[2]", "")]
    assert "not a record of the platform known by its fields (BAR, FOO)" in reasons[("odd.json $[1]", "")]
    assert "not JSON" in reasons[("tender.jsonl", "4")]
    assert "start_date: not a real date" in reasons[("odd.json $[3]", "")]
    assert "decision_date: required value is missing" in reasons[("fake_list.json $.data.pageList.list[1]", "")]
    assert "role: '9' is not a staff role" in reasons[("perf_staff.json $[2]", "")]
    assert not any(k[0].startswith("odd.json $[0]") for k in reasons)  # an empty response is no record
    with open(fx.rejects_file, encoding="utf-8-sig") as f:
        assert PM not in f.read()


def test_the_stages_of_the_fixture_project(graph, fx):
    row = graph.run(
        "MATCH (p:Project {project_code: '4601002301010001'}) "
        "MATCH (t:Tender)-[:FOR]->(p) WHERE t.tender_class = '施工' "
        "MATCH (w:Enterprise)-[won:WON]->(t) "
        "MATCH (k:Contract {contract_id: '4601002301010001-HZ-001'})-[:STAGE_OF]->(p) "
        "MATCH (c:Completion)-[:UNDER_PERMIT]->(pm:Permit)-[:RESTS_ON]->(d:DrawingReview), (c)-[:STAGE_OF]->(p) "
        "RETURN p.name AS project, p.category AS cat, p.nature AS nature, p.region_code AS region, "
        "t.method AS method, t.winning_price AS price, t.result_date AS result, t.open_date AS opened, "
        "t.area AS area, w.uscc AS winner, "
        "k.amount AS amount, k.contract_type AS ktype, k.signed_date AS signed, pm.issued AS issued, "
        "d.review_date AS reviewed, c.start_date AS start, c.end_date AS end, c.structure AS structure, "
        "c.data_source AS data_source, c.remark AS remark")
    assert len(row) == 1
    r = {k: (str(v) if hasattr(v, "isoformat") else v) for k, v in row[0].items()}
    assert r == {"project": "海口市某小学教学楼工程", "cat": "房屋建筑工程", "nature": "新建", "region": "460106",
                 "method": "公开招标", "price": 3000.0, "result": "2023-02-10", "opened": "2023-02-10",
                 "area": 12000.0, "winner": BUILDER,
                 "amount": 3400.0, "ktype": "施工总包", "signed": "2023-02-20", "issued": "2023-03-01",
                 "reviewed": "2023-01-28", "start": "2023-03-10", "end": "2024-07-01", "structure": "框架结构",
                 "data_source": "业务办理", "remark": "<script>alert(1)</script>备注"}
    parties = graph.run("MATCH (e:Enterprise)-[x:PARTY_TO]->(:Contract {contract_id: '4601002301010001-HZ-001'}) "
                        "RETURN x.role AS role, e.uscc AS key, e.org_code AS org ORDER BY role, key")
    assert [(p["role"], p["key"], p["org"]) for p in parties] == [
        ("contractor", BUILDER, None), ("owner", "91460000MA5TJX001C", None),
        ("union_member", "XX-JZSCNAME:某某幕墙有限公司", None), ("union_member", "XX-ORGCODE:MA5T12345", "MA5T12345")]
    permit = graph.run("MATCH (e:Enterprise)-[x:PARTY_TO]->(:Permit {permit_no: '460106202303010101'}) "
                       "RETURN x.role AS role ORDER BY role")
    assert [p["role"] for p in permit] == ["contractor", "owner", "supervisor"]  # 质量检测 is no stage role
    assert graph.run("MATCH (c:Contract {contract_id: 'JL-2023-009'}) RETURN count(c) AS n") == [{"n": 1}]
    quals = graph.run("MATCH (:Enterprise {uscc: $u})-[:HOLDS]->(q:Qualification) RETURN q.cert_no AS c, "
                      "q.certificate_no AS n ORDER BY c", {"u": BUILDER})
    assert quals == [{"c": "D246000001/市政公用工程施工总承包二级", "n": "D246000001"},
                     {"c": "D246000001/建筑工程施工总承包一级", "n": "D246000001"}]


def test_a_full_id_number_is_one_person_across_records_and_never_stored(graph, fx):
    key = Pseudonyms.for_settings(graph.settings).person_key(PM)
    named = graph.run("MATCH (pe:Person {person_id: $k})-[x:NAMED_ON]->(s) RETURN labels(s)[0] AS stage, "
                      "x.role AS role ORDER BY stage", {"k": key})
    assert named == [{"stage": "Performance", "role": "project_manager"}, {"stage": "Permit", "role": "project_manager"},
                     {"stage": "Tender", "role": "project_manager"}]
    reg = graph.run("MATCH (pe:Person {person_id: $k})-[r:REGISTERED_AT]->(e:Enterprise) RETURN pe.name AS n, "
                    "r.reg_type AS t, e.uscc AS u, pe.id_number_hash IS NOT NULL AS hashed", {"k": key})
    assert reg == [{"n": "王建国", "t": "一级注册建造师", "u": BUILDER, "hashed": True}]
    chief = Pseudonyms.for_settings(graph.settings).person_key(CHIEF)
    assert graph.run("MATCH (:Person {person_id: $k})-[x:NAMED_ON]->(:Permit) RETURN x.role AS r", {"k": chief}) == \
        [{"r": "chief_supervisor"}]
    for number in (PM, CHIEF):
        assert not holds_text(graph, number)


def test_masked_numbers_never_merge_people(graph, fx):
    people = graph.run("MATCH (p:Person {name: '李四'}) WHERE p.source = 'jzsc' RETURN p.person_id AS id ORDER BY id")
    assert [p["id"][:7] for p in people] == ["JZSC-P:", "JZSC-RY"]  # one by RY_ID, one masked without it
    staff = graph.run("MATCH (p:Person)-[x:NAMED_ON]->(:Performance {perf_no: 'YJ-0002'}) "
                      "RETURN p.name AS n, x.role AS r ORDER BY n")
    assert staff == [{"n": "周结构", "r": "principal_designer"}, {"n": "孙设计", "r": "project_lead"}]


def test_false_performance_is_a_penalty_of_its_own_kind(graph, fx):
    pen = graph.run("MATCH (e:Enterprise)-[:PENALIZED]->(pn:Penalty {penalty_id: 'FAKE-XJYJ-2024-0001'})"
                    "-[:CONCERNS]->(p:Project), (pn)-[:ISSUED_BY]->(a:Authority) RETURN e.name AS firm, pn.measure AS m, "
                    "pn.description AS d, pn.decision_date AS dd, p.project_code AS code, a.name AS au")
    assert [{**r, "dd": str(r["dd"])} for r in pen] == [
        {"firm": "海南某设计院有限公司", "m": "虚假业绩", "d": "业绩不存在", "dd": "2024-09-01",
         "code": "4601002301010001", "au": "住房和城乡建设部"}]


def test_a_firm_known_by_name_is_matched_not_merged(graph, fx):
    nodes = graph.run("MATCH (e:Enterprise) WHERE e.name = '海南椰城建设工程有限公司' RETURN e.uscc AS k ORDER BY k")
    assert [n["k"] for n in nodes] == [BUILDER, "XX-JZSCNAME:海南椰城建设工程有限公司"]
    linked = graph.run("MATCH (a:Enterprise {uscc: 'XX-JZSCNAME:海南椰城建设工程有限公司'})-[r:SAME_AS]-(b:Enterprise) "
                       "RETURN b.uscc AS b", {})
    assert linked == [{"b": BUILDER}]


def test_loading_the_fixtures_again_changes_nothing(graph, fx):
    count = "MATCH (n) WHERE n.source = 'jzsc' OPTIONAL MATCH (n)-[r]-() RETURN count(DISTINCT n) AS n, count(r) AS r"
    before = graph.run(count)
    again = load(graph, FIXTURES)
    assert {t.table: (t.loaded, t.rejected) for t in again.tables} == {t.table: (t.loaded, t.rejected) for t in fx.tables}
    assert graph.run(count) == before


def test_hostile_json_is_refused_with_reasons_and_the_rest_loads(graph, tmp_path):
    (tmp_path / "deep.json").write_text("[" * 100000 + "]" * 100000, "utf-8")
    (tmp_path / "deep2.json").write_text("[" * 60 + '{"TENDERNUM": "ZZJ-T0", "PRJNUM": "ZZJ-P0"}' + "]" * 60, "utf-8")
    (tmp_path / "nums.json").write_text('{"TENDERNUM": "ZZJ-T1", "PRJNUM": "ZZJ-P1", "TENDERMONEY": 1e400, '
                                        '"TENDERCORPNAME": {"a": 1}, "AGENCYCORPNAME": ["x"]}', "utf-8")
    (tmp_path / "date.json").write_text('{"TENDERNUM": "ZZJ-T2", "PRJNUM": "ZZJ-P1", "TENDERRESULTDATE": 1e30}', "utf-8")
    (tmp_path / "ctl.json").write_text('{"QY_NAME": "坏\\u0000名字", "QY_ORG_CODE": "x"}', "utf-8")
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe{\x00\x81")
    (tmp_path / "ok.json").write_text('{"TENDERNUM": "ZZJ-T3", "PRJNUM": "ZZJ-P1", "TENDERMONEY": "12.5"}', "utf-8")
    report = load(graph, tmp_path)
    reasons = rejects(report)
    assert "JSON nested too deeply" in reasons[("deep.json", "")]
    assert "nested more than 32 levels deep" in next(v for k, v in reasons.items() if k[0].startswith("deep2.json $[0]"))
    assert "winning_price: not a finite number" in reasons[("nums.json $", "")]
    assert "TENDERRESULTDATE: not a date: '1e+30'" in reasons[("date.json $", "")]
    assert "control character U+0000" in reasons[("ctl.json $", "")]
    assert "neither UTF-8 nor GB18030" in reasons[("bin.json", "")]
    assert graph.run("MATCH (t:Tender {tender_no: 'ZZJ-T3'}) RETURN t.winning_price AS p") == [{"p": 12.5}]


def test_the_command_line_loads_the_platforms_records(cli, real):
    result = cli("load", str(REAL), "--format", "jzsc", "--source", "jzsc-zhongheng")
    assert result.exit_code == 0, result.output
    assert "repeated_header_lines" in result.output and "firm_ids_from_urls: 1" in result.output
    assert "jzsc" in cli("load", "--help").output


def test_a_firms_platform_id_keys_it_by_its_uscc_wherever_it_is_named(tmp_path):
    (tmp_path / "urls.json").write_text(json.dumps({"海南椰城建设工程有限公司": [
        "http://jzsc.mohurd.gov.cn/dataservice/query/comp/caDetailList/002105291239450001"]}), "utf-8")
    shutil.copy(FIXTURES / "comp_001.json", tmp_path / "z-comp.json")  # read after the people who name its id
    (tmp_path / "a-people.json").write_text(json.dumps([{"RY_ID": "R1", "RY_NAME": "某", "REG_TYPE_NAME": "一级注册建造师",
                                                         "REG_QYID": "002105291239450001"}]), "utf-8")
    b, summary = jzsc.convert(tmp_path, "t")
    tables = b.tables()
    assert [r["uscc"] for _, _, r in tables["enterprises"]] == [BUILDER]
    assert [r["uscc"] for _, _, r in tables["registrations"]] == [BUILDER]
    assert summary["firm_ids_from_urls"] == 1


def test_an_old_organisation_code_matches_the_uscc_that_holds_it_whatever_the_names():
    from chengxin.graph.matching import propose

    uscc = "91460000MA5TJX002F"  # its 组织机构代码 is MA5TJX002
    records = [{"key": uscc, "name": "海南椰城建设工程有限公司"},
               {"key": "XX-ORGCODE:MA5TJX002", "name": "海南椰城建筑工程公司"},  # renamed since, known by its old code
               {"key": "XX-ORGCODE:MA5TJX009", "name": "海南椰城建设工程有限公司"},  # the same name, another code
               {"key": "91460000MA5TJX009G", "name": "另一家有限公司"}]
    links = {(link["from"], link["to"]): link for link in propose(records, 0.5)}
    same = links[("91460000MA5TJX002F", "XX-ORGCODE:MA5TJX002")]
    assert same["score"] == 1.0 and same["features"][0]["code"] == "same_identifier"
    assert ("91460000MA5TJX002F", "XX-ORGCODE:MA5TJX009") not in links  # two codes: two organisations
    assert links[("91460000MA5TJX009G", "XX-ORGCODE:MA5TJX009")]["score"] == 1.0
