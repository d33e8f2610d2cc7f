"""Real-world sources: the NAICM OCDS release set, the EBRD list through its shipped mapping, a small
OC4IDS package, list editions, entity matching and its review, export (and a round trip into a
fresh embedded server), and /sources."""

from __future__ import annotations

import csv
import datetime as dt
import glob
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from chengxin.graph import embedded, matching
from chengxin.graph.db import connect
from chengxin.graph.errors import InvalidInput
from chengxin.graph.schema import ensure_schema
from chengxin.graph.settings import Settings
from chengxin.loaders.ids import uscc_check_char

REAL = Path(__file__).resolve().parent / "data" / "real"  # copies of shared/data/real, with their PROVENANCE.txt
NAICM = REAL / "gacm-naicm-ocds" / "releases"
EBRD = REAL / "mdb-debarment" / "european_bank_for_reconstruction_and_development_ineligible_firms.csv"
MAPPING = Path(__file__).resolve().parents[1] / "loaders" / "mappings" / "ebrd-ineligible.toml"


def uscc(body: str) -> str:
    first = ("91420000" + body)[:17]
    return first + uscc_check_char(first)


GEZHOUBA = uscc("MA0GEB001")
GEZHOUBA_BJ = uscc("MA0GEB002")


def load(graph, path, fmt, **kw):
    from chengxin.loaders.ingest import load_any

    return load_any(graph, Path(path), fmt, progress=False, **kw)


@pytest.fixture(scope="module")
def naicm(graph):
    return load(graph, NAICM, "ocds", id_scheme="MX-RFC")


@pytest.fixture(scope="module")
def ebrd(graph, naicm):
    return load(graph, EBRD, "list", mapping=MAPPING)


# --- OCDS -------------------------------------------------------------------------------------

def test_naicm_release_set_loads_completely_and_its_counts_match(graph, naicm):
    releases, ocids, awards, suppliers = 0, set(), 0, set()
    for f in glob.glob(str(NAICM / "*.json")):
        doc = json.loads(Path(f).read_text(encoding="utf-8"))
        for r in doc.get("releases", [doc]):
            releases += 1
            ocids.add(r["ocid"])
            for a in r.get("awards", []):
                awards += 1
                for s in a.get("suppliers", []):
                    suppliers.add((s.get("identifier") or {}).get("id") or s.get("name"))
    assert naicm.rejected == 0
    s = naicm.summary
    assert (s["releases"], s["contracting_processes"], s["awards"], s["suppliers"]) == (releases, len(ocids), awards, len(suppliers))
    assert (releases, len(ocids), awards, len(suppliers)) == (292, 292, 292, 214)
    tenders = graph.run("MATCH (t:Tender) WHERE t.source = 'gacm-naicm-ocds' RETURN count(t) AS n")[0]["n"]
    assert tenders == len(ocids)
    won = graph.run("MATCH (e:Enterprise)-[:WON]->(t:Tender) WHERE t.source = 'gacm-naicm-ocds' "
                    "RETURN count(DISTINCT e) AS n")[0]["n"]
    assert won == len(suppliers)


def test_ocds_identifiers_keep_their_scheme_and_amounts_their_currency(graph, naicm, client):
    row = graph.run("MATCH (e:Enterprise)-[x:PARTICIPATES_IN]->(p:Project {project_code: '46101'}) "
                    "WHERE e.uscc STARTS WITH 'MX-RFC:' RETURN e.uscc AS k, x.amount AS amount, x.currency AS cur, "
                    "x.contract_amount AS wan LIMIT 1")[0]
    assert row["cur"] == "MXN" and row["amount"] > 0 and row["wan"] is None
    page = client.get(f"/enterprise/{row['k']}").get_data(as_text=True)
    assert "MX-RFC" in page and "标识" in page
    project = client.get("/api/project/46101").get_json()
    assert project["project"]["name"].startswith("Nuevo Aeropuerto")


def test_ocds_record_packages_jsonl_and_cn_uscc(graph, tmp_path):
    firm = uscc("MA0CDP001")
    release = {"ocid": "ocds-test-0001", "id": "r1", "date": "2025-03-01T00:00:00Z", "tag": ["award"],
               "parties": [{"id": "b", "name": "测试建设单位", "roles": ["buyer"],
                            "identifier": {"scheme": "CN-USCC", "id": GEZHOUBA}},
                           {"id": "s", "name": "测试供应商", "roles": ["supplier", "tenderer"],
                            "identifier": {"scheme": "CN-USCC", "id": firm}},
                           {"id": "t", "name": "测试投标人", "roles": ["tenderer"],
                            "identifier": {"scheme": "GB-COH", "id": "01234567"}}],
               "buyer": {"id": "b"}, "planning": {"budget": {"projectID": "TEST-OCDS-P1", "project": "测试项目"}},
               "tender": {"id": "t1", "procurementMethod": "open", "tenderPeriod": {"startDate": "2025-02-01"}},
               "bids": {"details": [{"id": "bid1", "tenderers": [{"id": "t"}], "value": {"amount": 120000, "currency": "CNY"},
                                     "status": "valid"}]},
               "awards": [{"id": "a1", "suppliers": [{"id": "s"}], "value": {"amount": 1000000, "currency": "CNY"}}]}
    (tmp_path / "records.json").write_text(json.dumps({"records": [{"ocid": "ocds-test-0001", "compiledRelease": release}]}))
    (tmp_path / "more.jsonl").write_text(json.dumps({**release, "ocid": "ocds-test-0002"}) + "\n")
    agent = {"id": "g", "name": "测试招标代理", "roles": ["procuringEntity"], "identifier": {"scheme": "CN-USCC", "id": GEZHOUBA_BJ}}
    packaged = {**release, "ocid": "ocds-test-0003", "parties": release["parties"] + [agent],
                "tender": {**release["tender"], "procuringEntity": {"id": "g"}}}
    (tmp_path / "package.json").write_text(json.dumps({"uri": "https://example.org/package.json", "releases": [packaged]}))
    report = load(graph, tmp_path, "ocds", source="ocds-test")
    assert report.rejected == 0 and report.summary["contracting_processes"] == 3 and report.summary["releases"] == 3
    assert graph.run("MATCH (:Enterprise {uscc: $u})-[:AGENT_FOR]->(t:Tender {tender_no: 'ocds-test-0003'}) "
                     "RETURN t.source_url AS url", {"u": GEZHOUBA_BJ}) == [{"url": "https://example.org/package.json"}]
    rows = graph.run("MATCH (e:Enterprise {uscc: $u})-[x:PARTICIPATES_IN]->(:Project {project_code: 'TEST-OCDS-P1'}) "
                     "RETURN x.contract_amount AS wan, x.role AS role", {"u": firm})
    assert rows == [{"wan": 100.0, "role": "中标单位"}]
    bidders = graph.run("MATCH (e:Enterprise)-[b:BID_ON]->(:Tender {tender_no: 'ocds-test-0001'}) "
                        "RETURN e.uscc AS k, b.outcome AS o ORDER BY k")
    assert {r["k"]: r["o"] for r in bidders} == {firm: "中标", "GB-COH:01234567": "未中标"}


def test_oc4ids_project_package(graph, tmp_path):
    owner, builder = uscc("MA0C44001"), uscc("MA0C44002")
    package = {"version": "0.9", "projects": [{
        "id": "oc4ids-test-P1", "title": "测试基础设施项目", "status": "implementation",
        "period": {"startDate": "2024-01-01", "endDate": "2026-12-31"},
        "budget": {"amount": {"amount": 50000000, "currency": "CNY"}},
        "parties": [{"id": "o", "name": "测试业主", "roles": ["publicAuthority", "buyer"], "identifier": {"scheme": "CN-USCC", "id": owner}},
                    {"id": "c", "name": "测试施工企业", "roles": ["supplier"], "identifier": {"scheme": "CN-USCC", "id": builder}},
                    {"id": "f", "name": "Test Development Bank", "roles": ["funder"], "identifier": {"scheme": "XI-IATI", "id": "TDB"}}],
        "contractingProcesses": [{"id": "oc4ids-test-CP1", "summary": {
            "title": "施工总承包", "suppliers": [{"id": "c", "name": "测试施工企业"}],
            "contractValue": {"amount": 30000000, "currency": "CNY"},
            "tender": {"procurementMethod": "open", "tenderers": [{"id": "c"}]}}}]}]}
    path = tmp_path / "oc4ids.json"
    path.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    report = load(graph, path, "oc4ids")
    assert report.rejected == 0
    assert report.summary["projects"] == 1 and report.summary["contracting_processes"] == 1 and report.summary["suppliers"] == 1
    p = graph.run("MATCH (p:Project {project_code: 'oc4ids-test-P1'}) RETURN p.total_investment AS inv, p.name AS name, "
                  "[(p)<-[x:PARTICIPATES_IN]-(e) | x.role + ':' + e.uscc] AS parts")[0]
    assert p["inv"] == 5000.0 and p["name"] == "测试基础设施项目"
    assert set(p["parts"]) == {f"建设单位:{owner}", f"中标单位:{builder}", "出资方:XI-IATI:TDB"}
    assert graph.run("MATCH (:Enterprise {uscc: $u})-[:WON]->(t:Tender {tender_no: 'oc4ids-test-CP1'})-[:FOR]->"
                     "(:Project {project_code: 'oc4ids-test-P1'}) RETURN count(t) AS n", {"u": builder})[0]["n"] == 1


def test_ocds_bad_input_says_what(tmp_path):
    from chengxin.loaders.ocds import convert

    (tmp_path / "x.json").write_text('{"hello": 1}')
    with pytest.raises(InvalidInput, match="no OCDS releases"):
        convert(tmp_path, "ocds", "t")
    (tmp_path / "x.json").write_text('{"releases": [')
    with pytest.raises(InvalidInput, match="not JSON"):
        convert(tmp_path, "ocds", "t")


# --- sanctions lists by mapping -------------------------------------------------------------

def test_ebrd_list_loads_with_the_shipped_mapping(graph, ebrd):
    with open(EBRD, encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    # Every entry is its own record (issue 13): entries of one name and start date that differ in address,
    # country or end are no longer folded into one penalty, as keying by name + start did (1,316).
    distinct = {tuple(" ".join(v.split()).upper() for v in r.values()) for r in rows}
    assert ebrd.summary["entries"] == len(rows) == len(distinct) == 1322 and ebrd.summary["refused"] == 0
    n = graph.run("MATCH (p:Penalty {list_id: 'ebrd-ineligible'}) RETURN count(p) AS n")[0]["n"]
    assert n == len(distinct)
    ongoing = graph.run("MATCH (p:Penalty {list_id: 'ebrd-ineligible'}) WHERE p.valid_until IS NULL RETURN count(p) AS n")[0]["n"]
    open_ended = [r for r in rows if r[" Ineligible Until"].strip() in ("", "Ongoing", "Indefinite", "Permanent")]
    assert ongoing == len(open_ended) > 0


def test_naicm_contractor_found_on_the_ebrd_list(graph, ebrd, client):
    ica = graph.run("MATCH (e:Enterprise) WHERE e.uscc STARTS WITH 'MX-RFC:' AND e.name STARTS WITH 'INGENIEROS CIVILES ASOCIADOS' "
                    "RETURN e.uscc AS k")[0]["k"]
    page = client.get(f"/enterprise/{ica}").get_data(as_text=True)
    assert 'id="matched-records"' in page and "EBRD ineligible entities" in page and "Collusive Practice" in page


def test_branches_link_to_their_parent_in_the_real_list(graph, ebrd):
    # each entry is its own node now (issue 13): the parent is found by its name and list
    n = graph.run("MATCH (b:Enterprise)-[:BRANCH_OF]->(p:Enterprise {name: 'Hebei Construction Group Corporation Limited', "
                  "list_id: 'ebrd-ineligible'}) RETURN count(DISTINCT b) AS n")[0]["n"]
    assert n >= 100


MAPPING_YAML = """
list:
  id: test-list
  name: 测试名单 / Test list
  sanctioning_institution: 测试银行
  measure: 列入黑名单 / debarment
read:
  skip_rows: 1
  header_rows: 2
columns:
  name: 名称 Name
  alt_name: 名称 中文名
  start: 期间 From
  end: 期间 To
  grounds: 事由
values:
  no_end: [长期]
"""


def write_edition(path: Path, entries: list[tuple]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["测试名单 第 N 版（标题行）"])
    ws.append(["名称", None, "期间", None, "事由"])
    ws.append(["Name", "中文名", "From", "To", None])
    ws.merge_cells("A2:B2")
    ws.merge_cells("C2:D2")
    for e in entries:
        ws.append(list(e))
    wb.save(path)
    return path


def test_list_editions_update_and_history_stays(graph, client, tmp_path):
    mapping = tmp_path / "test-list.yaml"
    mapping.write_text(MAPPING_YAML, encoding="utf-8")
    first = [("Alpha Construction Co., Ltd.", "甲建设有限公司", "2024-01-01", "2027-01-01", "Fraud"),
             ("Beta Engineering Ltd", None, "2023-05-01", "长期", "Corruption"),
             ("Gamma Works", None, "2022-02-02", "2026-02-02", "Collusion"),
             (None, None, "2022-02-02", None, "no name")]
    r1 = load(graph, write_edition(tmp_path / "edition1.xlsx", first), "list", mapping=mapping, source="test-list")
    assert r1.summary["entries"] == 3 and r1.summary["refused"] == 1 and r1.summary["ended_now"] == 0
    assert Path(r1.rejects_file).exists() and "no name in the name column" in Path(r1.rejects_file).read_text("utf-8-sig")
    beta = graph.run("MATCH (p:Penalty {list_id: 'test-list'}) WHERE p.listed_name STARTS WITH 'Beta' RETURN p.valid_until AS u")
    assert beta == [{"u": None}]  # 长期: no end
    second = [first[0], first[2], ("Delta Group", None, "2025-01-01", "2028-01-01", "Fraud")]
    r2 = load(graph, write_edition(tmp_path / "edition2.xlsx", second), "list", mapping=mapping, source="test-list")
    assert r2.summary["ended_now"] == 1 and r2.summary["entries"] == 3
    gone = graph.run("MATCH (e:Enterprise)-[:PENALIZED]->(p:Penalty {list_id: 'test-list'}) WHERE p.listed = false "
                     "RETURN e.uscc AS k, e.name AS name, p.delisted_noticed AS noticed, p.valid_until AS until")
    # the entry's own record (issue 13: XX-LIST:<list>:<entry key>, no longer XX-NAME:<name>)
    assert len(gone) == 1 and gone[0]["name"] == "Beta Engineering Ltd" and gone[0]["k"].startswith("XX-LIST:TEST-LIST:")
    assert gone[0]["noticed"] == dt.date.today() and gone[0]["until"] == dt.date.today()
    assert graph.run("MATCH (p:Penalty {list_id: 'test-list'}) RETURN count(p) AS n")[0]["n"] == 4  # nothing deleted
    page = client.get("/penalty/" + graph.run("MATCH (p:Penalty {list_id: 'test-list', listed: false}) RETURN p.penalty_id AS i")[0]["i"])
    assert page.status_code == 200 and "已移出名单，发现于" in page.get_data(as_text=True)
    firm = client.get("/enterprise/" + gone[0]["k"]).get_data(as_text=True)
    assert 'class="bad delisted"' in firm and "Corruption" in firm  # the history stays on the firm's page
    r3 = load(graph, write_edition(tmp_path / "edition3.xlsx", first[:3]), "list", mapping=mapping, source="test-list")
    assert r3.summary["listed_again"] == 1 and r3.summary["ended_now"] == 1  # Beta back, Delta gone


def test_mapping_errors_are_specific(tmp_path):
    from chengxin.loaders.lists import entries, read_mapping

    bad = tmp_path / "bad.toml"
    bad.write_text('[list]\nname = "x"\n[columns]\nname = "Name"\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="needs an id"):
        read_mapping(bad)
    bad.write_text('[list]\nid = "x"\n[columns]\nname = "Name"\nfirm = "Firm"\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="unknown fields in \\[columns\\]: firm"):
        read_mapping(bad)
    good = tmp_path / "good.toml"
    good.write_text('[list]\nid = "x"\n[columns]\nname = "Nom"\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="no column 'Nom'.*Firm Name"):
        entries(EBRD, read_mapping(good))


# --- one pipeline: no staging files, refused rows name their origin, one report --------------------

def read_rejects(report) -> list[dict]:
    with open(report.rejects_file, encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_ocds_and_list_loads_stage_nothing_on_disk(graph, naicm, ebrd):
    home = graph.settings.home_path
    # they did load (an edition already loaded by an earlier test writes nothing again: its entries count)
    assert naicm.tables and ebrd.summary["entries"] > 1000
    assert not (home / "imports").exists() or not any((home / "imports").rglob("*"))
    # and the report names the file given, not a folder of copies
    assert naicm.folder == str(NAICM) and ebrd.folder == str(EBRD)
    assert {t.format for t in naicm.tables} == {"ocds"} and {t.format for t in ebrd.tables} <= {"list"}


def test_a_refused_ocds_row_names_its_file_and_record(graph, tmp_path):
    def broken(body: str) -> str:  # a USCC with a wrong check character
        code = uscc(body)
        return code[:-1] + ("0" if code[-1] != "0" else "1")

    good, bad1, bad2 = uscc("MA0RGN001"), broken("MA0RGN002"), broken("MA0RGN003")

    def release(n: int, supplier: str) -> dict:
        return {"ocid": f"ocds-origin-{n:04d}", "id": f"r{n}", "date": "2025-03-01T00:00:00Z",
                "parties": [{"id": "s", "name": f"测试来源供应商{n}", "roles": ["supplier"],
                             "identifier": {"scheme": "CN-USCC", "id": supplier}}],
                "awards": [{"id": "a1", "suppliers": [{"id": "s"}]}]}

    folder = tmp_path / "origin"
    folder.mkdir()
    # the first bad firm is the package's second release; the second, the second line of the JSON Lines file
    (folder / "package.json").write_text(json.dumps({"releases": [release(1, good), release(2, bad1)]}), "utf-8")
    (folder / "more.jsonl").write_text("\n".join(json.dumps(release(n, bad2 if n == 4 else good)) for n in (3, 4, 5))
                                       + "\n", "utf-8")
    report = load(graph, folder, "ocds", source="ocds-origin")
    refused = read_rejects(report)
    assert {(r["file"], r["line"]) for r in refused} == {("package.json", "2"), ("more.jsonl", "2")}
    firms = {(r["file"], r["line"]): r for r in refused if '"name": "测试来源供应商' in r["row"]}
    assert bad1 in firms["package.json", "2"]["row"] and bad2 in firms["more.jsonl", "2"]["row"]
    assert all("uscc" in r["reason"] for r in firms.values())  # the column is named
    assert {t.table for t in report.tables if t.rejected} >= {"enterprises", "bids", "participations"}
    assert graph.run("MATCH (e:Enterprise {uscc: $u}) RETURN count(e) AS n", {"u": good})[0]["n"] == 1
    assert report.read == report.loaded + report.rejected


def test_a_refused_list_row_names_the_list_file_and_its_line(graph, tmp_path):
    mapping = tmp_path / "origin-list.yaml"
    mapping.write_text(MAPPING_YAML.replace("id: test-list", "id: origin-list"), encoding="utf-8")
    rows = [("Origin Alpha Ltd", None, "2024-01-01", "2027-01-01", "Fraud"),  # line 4
            (None, None, "2022-02-02", None, "no name"),  # line 5: refused by the list itself
            ("Origin Beta Ltd", None, "not a date", None, "Fraud"),  # line 6: refused by the penalty's row model
            ("Origin Gamma Ltd", None, "2023-03-03", None, "Fraud")]  # line 7
    path = write_edition(tmp_path / "origin-edition.xlsx", rows)
    report = load(graph, path, "list", mapping=mapping, source="origin-list")
    refused = {(r["file"], r["line"]): r["reason"] for r in read_rejects(report)}
    assert set(refused) == {("origin-edition.xlsx", "5"), ("origin-edition.xlsx", "6")}
    assert "no name in the name column" in refused["origin-edition.xlsx", "5"]
    assert "decision_date" in refused["origin-edition.xlsx", "6"]
    # Line 6 is refused by the list now, subject and penalty together (issue 13: its firm was loaded,
    # clean, while its penalty was refused): two entries, two refused.
    assert report.summary["entries"] == 2 and report.summary["refused"] == 2
    assert not graph.run("MATCH (e:Enterprise {name: 'Origin Beta Ltd'}) RETURN e")
    assert "list_rejects_file" not in report.summary  # one rejects file for the load
    assert report.read == report.loaded + report.rejected
    n = graph.run("MATCH (p:Penalty {list_id: 'origin-list'}) RETURN count(p) AS n")[0]["n"]
    assert n == 2


def test_the_report_is_written_once_with_the_summary(graph, tmp_path, monkeypatch):
    from chengxin.loaders.csv_folder import LoadReport

    writes = []
    real_write = LoadReport.write
    monkeypatch.setattr(LoadReport, "write", lambda self, path: (writes.append(path), real_write(self, path)))
    out = tmp_path / "report.json"
    report = load(graph, NAICM, "ocds", id_scheme="MX-RFC", source="gacm-naicm-ocds", report_path=out)
    assert writes == [out]
    written = json.loads(out.read_text("utf-8"))
    assert written["summary"]["releases"] == 292 and "matched_links_made" in written["summary"]
    assert written["loaded"] == report.loaded > 0 and written["folder"] == str(NAICM)
    # a folder load that stops part-way writes its report once too
    folder = tmp_path / "half"
    folder.mkdir()
    (folder / "persons.csv").write_text("person_id,name\nZBR0001,测试一\n", "utf-8")
    (folder / "projects.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    writes.clear()
    with pytest.raises(InvalidInput) as caught:
        load(graph, folder, "folder", report_path=tmp_path / "half.json")
    assert writes == [tmp_path / "half.json"]
    half = json.loads((tmp_path / "half.json").read_text("utf-8"))
    assert half["loaded"] == 1 and any("projects.xlsx" in p for p in half["problems"])
    assert caught.value.report.folder == str(folder)


# --- entity matching ------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("中国葛洲坝集团股份有限公司", "中国葛洲坝集团有限公司"),
    ("ＡＢＣ建设有限公司", "ABC建设有限责任公司"),
    ("苏州（新区）建设 有限公司", "苏州(新区)建设有限公司"),
    ("China Gezhouba Group Co., Ltd.", "CHINA GEZHOUBA GROUP COMPANY LIMITED"),
    ("Especialistas  Ambientales, S.A. de C.V.", "ESPECIALISTAS AMBIENTALES SA DE CV"),
])
def test_names_that_normalise_alike(a, b):
    assert matching.normalise(a) == matching.normalise(b)


@pytest.mark.parametrize("a, b", [
    ("中国葛洲坝集团股份有限公司", "中国葛洲坝集团股份有限公司北京分公司"),
    ("China Gezhouba Group Co., Ltd.", "China Gezhouba Group Cement Co., Ltd."),
    ("苏州建设有限公司", "杭州建设有限公司"),
])
def test_names_that_stay_apart(a, b):
    assert matching.normalise(a) != matching.normalise(b)


def test_chinese_name_beside_english_and_branches():
    assert matching.chinese_name("China Gezhouba Group Co., Ltd.（中国葛洲坝集团股份有限公司）") == "中国葛洲坝集团股份有限公司"
    assert matching.chinese_name("中国葛洲坝集团股份有限公司") is None  # already Chinese only
    assert matching.branch_parents("中国葛洲坝集团股份有限公司北京分公司")[0] == "中国葛洲坝集团股份有限公司"
    assert matching.branch_parents("Hebei Construction Group Corporation Limited Anguo Branch")[0] == \
        "Hebei Construction Group Corporation Limited"
    assert matching.branch_parents("Branch of Royal Road Limited") == ["Royal Road Limited"]
    assert matching.branch_parents("China Gezhouba Group Co., Ltd.") == []


@pytest.fixture(scope="module")
def gezhouba(graph, ebrd, tmp_path_factory):
    """Two registered Chinese firms (a parent and its branch) and a list naming the parent in English
    with its Chinese name beside it, plus a misspelt near name for review."""
    from chengxin.loaders.ingest import load_folder

    from .conftest import write_csv

    d = tmp_path_factory.mktemp("gezhouba")
    write_csv(d / "enterprises.csv", [
        {"uscc": GEZHOUBA, "name": "中国葛洲坝集团股份有限公司", "type": "施工", "region_code": "420500"},
        {"uscc": GEZHOUBA_BJ, "name": "中国葛洲坝集团股份有限公司北京分公司", "type": "施工", "region_code": "110000"},
        {"uscc": uscc("MA0GEB003"), "name": "中国葛洲坝集团股份有限责任公司", "type": "施工", "region_code": "420500"},
    ])
    load_folder(graph, d, progress=False)
    lst = tmp_path_factory.mktemp("gzblist") / "list.csv"
    write_csv(lst, [
        {"Firm": "China Gezhouba Group Co., Ltd. (中国葛洲坝集团股份有限公司)", "From": "2025-01-01", "To": "2027-12-31", "Why": "Fraud"},
        {"Firm": "China Gezhoba Group Construction Engineering Co Ltd", "From": "2025-01-01", "To": "", "Why": "Fraud"},
    ])
    mapping = lst.parent / "m.toml"
    mapping.write_text('[list]\nid = "gzb-test"\nsanctioning_institution = "Test Bank"\n'
                       '[columns]\nname = "Firm"\nstart = "From"\nend = "To"\ngrounds = "Why"\n', encoding="utf-8")
    return load(graph, lst, "list", mapping=mapping, source="gzb-test-list")


def test_chinese_name_given_beside_english_links_to_the_registered_firm(graph, gezhouba, client):
    links = graph.run("MATCH (a:Enterprise)-[l:SAME_AS]-(b:Enterprise {uscc: $u}) RETURN a.uscc AS k, a.name AS name, "
                      "l.score AS s, l.reason AS why",
                      {"u": GEZHOUBA})
    listed = [r for r in links if r["name"].startswith("China Gezhouba Group Co., Ltd. (")]
    assert listed and listed[0]["s"] >= 0.9 and "中文名称" in listed[0]["why"]
    # Two registered firms never become one by name, however alike.
    assert not [r for r in links if r["k"] == uscc("MA0GEB003")]
    branch = graph.run("MATCH (:Enterprise {uscc: $b})-[l:BRANCH_OF]->(:Enterprise {uscc: $p}) RETURN l.score AS s",
                       {"b": GEZHOUBA_BJ, "p": GEZHOUBA})
    assert branch and branch[0]["s"] >= 0.9
    page = client.get(f"/enterprise/{GEZHOUBA}").get_data(as_text=True)
    assert 'id="matched-records"' in page and "Test Bank" in page and "gzb-test-list" in page
    assert client.get(f"/api/enterprise/{GEZHOUBA_BJ}").get_json()["matched"][0]["link"] == "BRANCH_OF"


def test_review_flow(graph, gezhouba, client):
    pending = client.get("/api/review").get_json()["pairs"]
    # list entries are keyed by their list and entry (issue 13): the pair is found by its names
    pair = next(p for p in pending if "GEZHOBA" in (p["a_name"] or "").upper() or "GEZHOBA" in (p["b_name"] or "").upper())
    assert 0.75 <= pair["score"] < 0.9 and pair["reason"]
    page = client.get("/review").get_data(as_text=True)
    assert 'class="pair"' in page and 'value="accept"' in page
    r = client.post("/api/review/decide", json={"a": pair["a"], "b": pair["b"], "decision": "accept"})
    assert r.status_code == 200 and r.get_json()["accepted"]
    made = graph.run("MATCH (:Enterprise {uscc: $a})-[l:SAME_AS]-(:Enterprise {uscc: $b}) RETURN l.status AS s",
                     {"a": pair["a"], "b": pair["b"]})
    assert made == [{"s": "accepted"}]
    # Undo: the link goes, the pair is remembered as rejected and not proposed again.
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # the form's CSRF token
    r = client.post("/review/decide", data={"a": pair["a"], "b": pair["b"], "decision": "reject", "csrf_token": csrf},
                    headers={"Origin": "http://localhost"})
    assert r.status_code == 303
    assert not graph.run("MATCH (:Enterprise {uscc: $a})-[l:SAME_AS]-(:Enterprise {uscc: $b}) RETURN l",
                         {"a": pair["a"], "b": pair["b"]})
    again = matching.run(graph, settings=graph.settings)
    assert again["made"] == 0 and again["pending"] == 0
    rejected = client.get("/api/review?status=rejected").get_json()["pairs"]
    assert {(p["a"], p["b"]) for p in rejected} >= {(pair["a"], pair["b"])}
    cross = client.post("/review/decide", data={"a": pair["a"], "b": pair["b"], "decision": "accept", "csrf_token": csrf},
                        headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403
    assert client.post("/api/review/decide", json={"a": "x", "b": "y", "decision": "accept"}).status_code == 404


def test_cli_review_and_match(cli, gezhouba):
    listing = cli("review", "--status", "rejected")
    assert listing.exit_code == 0 and "Gezhoba" in listing.stdout
    again = cli("match")
    assert again.exit_code == 0 and "0 new links made" in again.stdout


# --- export ---------------------------------------------------------------------------------

def test_export_ftm_is_valid_followthemoney(graph, ebrd, tmp_path):
    from followthemoney import model

    from chengxin.graph import export

    done = export.export(graph, "ftm", tmp_path / "all.ftm.json")
    schemas = done["written"]
    assert {"Company", "Person", "Sanction", "Project", "ProjectParticipant", "ContractAward"} <= set(schemas)
    ids = set()
    for line in (tmp_path / "all.ftm.json").read_text(encoding="utf-8").splitlines():
        e = json.loads(line)
        proxy = model.get_proxy(e, cleaned=False)
        for prop in e["properties"]:
            assert prop in proxy.schema.properties, (e["schema"], prop)
        assert not [r for r in proxy.schema.required if not proxy.get(r)], e
        ids.add(e["id"])
    assert len(ids) == sum(schemas.values())


def test_export_graphml_and_neighbourhood(graph, naicm, tmp_path):
    from chengxin.graph import export

    whole = export.export(graph, "graphml", tmp_path / "g.graphml")
    root = ET.parse(tmp_path / "g.graphml").getroot()
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(root.findall(".//g:node", ns)) == whole["nodes"] and len(root.findall(".//g:edge", ns)) == whole["relationships"]
    around = export.export(graph, "jsonl", tmp_path / "around", around="project:46101", depth=1)
    near = graph.run("MATCH (p:Project {project_code: '46101'})--(m) RETURN count(DISTINCT m) AS n")[0]["n"]
    assert around["nodes"] == near + 1 and around["written"]["tenders"] >= 292


def test_export_then_load_gives_the_same_counts(graph, naicm, tmp_path):
    from chengxin.loaders.ingest import load_folder
    from chengxin.graph import export, queries

    export.export(graph, "jsonl", tmp_path / "tables")
    before = queries.stats(graph)
    target = Settings(home=tmp_path / "fresh-home", start_timeout=180)
    fresh = connect(target)
    try:
        ensure_schema(fresh)
        report = load_folder(fresh, tmp_path / "tables", progress=False)
        assert report.rejected == 0, Path(report.rejects_file).read_text("utf-8-sig")[:2000]
        after = queries.stats(fresh)
    finally:
        fresh.close()
        embedded.stop(target)
    labels = {k: v for k, v in before["labels"].items() if k != "Dataset"}
    rels = {k: v for k, v in before["relationships"].items() if k not in ("SAME_AS", "BRANCH_OF", "POSSIBLY_SAME_AS")}
    assert after["labels"] == labels
    assert after["relationships"] == rels


# --- /sources -------------------------------------------------------------------------------

def test_sources_page_lists_every_dataset(client, naicm, ebrd):
    data = client.get("/api/sources").get_json()["datasets"]
    by_name = {d["name"]: d for d in data}
    assert by_name["gacm-naicm-ocds"]["summary"]["releases"] == 292
    assert by_name["gacm-naicm-ocds"]["provenance"].startswith("Repository: https://github.com/open-contracting/sample-data")
    assert by_name["mdb-debarment"]["kind"] == "list" and by_name["mdb-debarment"]["summary"]["entries"] > 1000
    page = client.get("/sources?lang=en").get_data(as_text=True)  # the Chinese page names the count in Chinese
    assert 'data-name="gacm-naicm-ocds"' in page and "releases: <b>292</b>" in page
