"""The CSV-folder loader against the real database: valid data, bad input, encodings, formats,
idempotence and stubs."""

import csv
import json
from pathlib import Path

import pytest

from chengxin.loaders.ingest import load_folder
from chengxin.graph import queries
from chengxin.graph.errors import InvalidInput

from .conftest import HOSTILE_USCC, ID_PERSON, STUB_USCC, make_uscc, sample_rows, write_csv


def test_sample_loads_completely(sample_report, graph):
    report = sample_report
    assert report.rejected == 0
    for t in report.tables:
        assert t.read == t.loaded == len(sample_rows(t.table)), t.table
    counts = queries.stats(graph)["labels"]
    assert counts["Enterprise"] >= len(sample_rows("enterprises"))
    assert counts["Tender"] >= len(sample_rows("tenders"))


def test_every_node_and_relationship_is_stamped(graph):
    assert graph.run("MATCH (n) WHERE n.source IS NULL OR n.loaded_at IS NULL RETURN count(n) AS c")[0]["c"] == 0
    assert graph.run("MATCH ()-[r]->() WHERE r.source IS NULL OR r.loaded_at IS NULL RETURN count(r) AS c")[0]["c"] == 0


def test_loading_again_changes_no_count(sample_report, graph):
    before = queries.stats(graph)
    report = load_folder(graph, Path(__file__).parent.parent / "chengxin" / "sample", progress=False)
    assert report.rejected == 0 and report.loaded == sample_report.loaded
    assert queries.stats(graph) == before


def test_references_to_missing_ids_make_stubs(graph):
    rows = graph.run("MATCH (e:Enterprise {uscc: $u})-[:PARTICIPATES_IN]->(p:Project) "
                     "RETURN e.stub AS es, p.stub AS ps, p.project_code AS code", {"u": STUB_USCC})
    assert rows == [{"es": True, "ps": True, "code": "TEST-STUB-PROJECT"}]
    # a real row for a stub completes it
    assert graph.run("MATCH (e:Enterprise {uscc: $u}) RETURN e.stub AS s", {"u": HOSTILE_USCC}) == [{"s": False}]


def test_id_card_numbers_are_never_stored(graph):
    assert graph.run("MATCH (p:Person {person_id: $id}) RETURN count(p) AS c", {"id": ID_PERSON})[0]["c"] == 0
    rows = graph.run("MATCH (p:Person)-[:LEGAL_REP_OF]->(:Enterprise {uscc: $u}) RETURN p{.*} AS p", {"u": HOSTILE_USCC})
    person = rows[0]["p"]
    assert person["person_id"].startswith("P") and ID_PERSON not in json.dumps(person, default=str)
    assert person["id_number_masked"] == "3601************37"
    # every property of every node, lists too (a list entry's aliases): toString() refuses a list, so the
    # properties are searched here rather than in Cypher
    props = graph.run("MATCH (n) RETURN properties(n) AS p")
    assert sum(1 for r in props if ID_PERSON in json.dumps(r["p"], default=str, ensure_ascii=False)) == 0


BAD_ENTERPRISES = [
    ({"uscc": make_uscc("MA0G00D01"), "name": "好公司有限公司", "type": "施工", "registered_capital": "1,000"}, None),
    ({"uscc": make_uscc("MA0G00D02")[:-1] + "0", "name": "校验位错有限公司", "type": "施工"}, "check character"),
    ({"uscc": "123", "name": "短代码有限公司", "type": "施工"}, "18 characters"),
    ({"uscc": make_uscc("MA0BAD003"), "name": "", "type": "施工"}, "name: required value is missing"),
    ({"uscc": make_uscc("MA0BAD004"), "name": "类型错有限公司", "type": "开发商"}, "type: '开发商' is not one of"),
    ({"uscc": make_uscc("MA0BAD005"), "name": "负资本有限公司", "registered_capital": "-5"}, "registered_capital"),
    ({"uscc": make_uscc("MA0BAD006"), "name": "坏日期有限公司", "established": "2020-13-45"}, "established: not a real date"),
    ({"uscc": make_uscc("MA0BAD007"), "name": "乱日期有限公司", "established": "yesterday"}, "accepted: YYYY-MM-DD"),
    ({"uscc": make_uscc("MA0G00D08"), "name": "中文日期有限公司", "established": "2019年3月5日"}, None),
    ({"uscc": make_uscc("MA0G00D09"), "name": "斜杠日期有限公司", "established": "2019/03/05"}, None),
    ({"uscc": make_uscc("MA0BAD010"), "name": "坏区划有限公司", "region_code": "36"}, "6-digit"),
]


def test_bad_rows_are_rejected_with_reasons_and_the_rest_loads(graph, tmp_path):
    folder = tmp_path / "bad"
    cols = ["uscc", "name", "type", "registered_capital", "established", "region_code", "extra_col"]
    write_csv(folder / "enterprises.csv", [{c: r.get(c, "") for c in cols} | {"extra_col": "kept"} for r, _ in BAD_ENTERPRISES])
    good = make_uscc("MA0G00D01")
    base = {"subject_type": "enterprise", "subject_id": good, "authority": "某局", "decision_date": "2024-01-01", "amount": ""}
    write_csv(folder / "penalties.csv", [
        base | {"penalty_id": "TEST-P1", "subject_type": "company"},
        base | {"penalty_id": "TEST-P2", "subject_id": "not-a-uscc"},
        base | {"penalty_id": "TEST-P3", "decision_date": ""},
        base | {"penalty_id": "TEST-P4", "amount": "-1"},
        base | {"penalty_id": "TEST-P5", "amount": "3"},
    ])
    # a whole file without a required column
    write_csv(folder / "bids.csv", [{"tender_no": "T1", "price": "1"}, {"tender_no": "T2", "price": "2"}])
    report = load_folder(graph, folder, progress=False)
    by_table = {t.table: t for t in report.tables}
    expected_bad = [reason for _, reason in BAD_ENTERPRISES if reason]
    assert by_table["enterprises"].rejected == len(expected_bad)
    assert by_table["enterprises"].loaded == len(BAD_ENTERPRISES) - len(expected_bad)
    assert by_table["penalties"].loaded == 1 and by_table["penalties"].rejected == 4
    assert by_table["bids"].loaded == 0 and by_table["bids"].rejected == 2
    assert "missing required column(s) uscc" in by_table["bids"].error

    with open(report.rejects_file, encoding="utf-8-sig") as f:
        rejects = list(csv.DictReader(f))
    assert len(rejects) == report.rejected
    ent = [r for r in rejects if r["file"] == "enterprises.csv"]
    for (row, reason), rej in zip([x for x in BAD_ENTERPRISES if x[1]], ent):
        assert reason in rej["reason"], rej
        assert json.loads(rej["row"])["name"] == row["name"]  # the original row, unchanged
    lines = {int(r["line"]) for r in ent}
    assert lines == {i + 2 for i, (_, reason) in enumerate(BAD_ENTERPRISES) if reason}
    pen = {r["line"]: r["reason"] for r in rejects if r["file"] == "penalties.csv"}
    assert "subject_type" in pen["2"] and "subject_id: invalid" in pen["3"]
    assert "decision_date: required" in pen["4"] and "amount" in pen["5"]

    good = graph.run("MATCH (e:Enterprise {uscc: $u}) RETURN e.registered_capital AS c, e.extra_col AS x",
                     {"u": make_uscc("MA0G00D01")})
    assert good == [{"c": 1000.0, "x": "kept"}]  # "1,000" parsed; unknown column kept as a property
    dated = graph.run("MATCH (e:Enterprise) WHERE e.uscc IN $u RETURN toString(e.established) AS d",
                      {"u": [make_uscc("MA0G00D08"), make_uscc("MA0G00D09")]})
    assert [r["d"] for r in dated] == ["2019-03-05", "2019-03-05"]


def test_gbk_jsonl_and_xlsx_tables(graph, tmp_path):
    from openpyxl import Workbook

    folder = tmp_path / "formats"
    write_csv(folder / "enterprises.csv", [
        {"uscc": make_uscc("MA0GBK001"), "name": "赣州市编码测试建设有限公司", "type": "施工"}], encoding="gbk")
    (folder / "projects.jsonl").write_text(
        json.dumps({"project_code": "TEST-JSONL-1", "name": "测试项目（JSONL）", "total_investment": 100}, ensure_ascii=False)
        + "\n{broken json\n", "utf-8")
    wb = Workbook()
    ws = wb.active
    ws.append(["cert_no", "uscc", "category", "grade", "expires"])
    ws.append(["TEST-XLSX-1", make_uscc("MA0GBK001"), "施工总承包", "二级", "2030-01-01"])
    ws.append(["cert_no", "uscc", "category", "grade", "expires"])  # repeated header line
    wb.save(folder / "qualifications.xlsx")
    report = load_folder(graph, folder, progress=False)
    t = {x.table: x for x in report.tables}
    assert t["enterprises"].encoding == "gb18030" and t["enterprises"].loaded == 1
    assert t["projects"].loaded == 1 and t["projects"].rejected == 1
    assert t["qualifications"].loaded == 1 and t["qualifications"].skipped_header_lines == 1
    rows = graph.run("MATCH (e:Enterprise {uscc: $u})-[:HOLDS]->(q) RETURN e.name AS n, q.cert_no AS c",
                     {"u": make_uscc("MA0GBK001")})
    assert rows == [{"n": "赣州市编码测试建设有限公司", "c": "TEST-XLSX-1"}]


def test_a_folder_without_tables_is_a_clear_error(graph, tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InvalidInput, match="holds none of the tables"):
        load_folder(graph, tmp_path, progress=False)


def test_a_damaged_file_stops_the_load_after_the_tables_before_it_are_written(graph, tmp_path):
    folder = tmp_path / "damaged"
    firm = make_uscc("MA0DMG001")
    write_csv(folder / "enterprises.csv", [{"uscc": firm, "name": "吉安市断点测试建设有限公司", "type": "施工"}])
    (folder / "persons.xlsx").write_bytes(b"this is not a workbook")
    with pytest.raises(InvalidInput, match=r"persons\.xlsx: not a readable \.xlsx workbook"):
        load_folder(graph, folder, progress=False)
    # the table read before the damaged one was written, not dropped with the batch in flight
    assert graph.run("MATCH (e:Enterprise {uscc: $u}) RETURN e.name AS n", {"u": firm}) == [{"n": "吉安市断点测试建设有限公司"}]
    (folder / "persons.xlsx").unlink()
    write_csv(folder / "persons.csv", [{"person_id": "RY-DMG-0001", "name": "测试人员"}])
    report = load_folder(graph, folder, progress=False)  # the re-run after the fix
    assert report.rejected == 0 and report.loaded == 2
    assert graph.run("MATCH (e:Enterprise {uscc: $u}) RETURN count(e) AS c", {"u": firm}) == [{"c": 1}]


def test_rows_without_their_optional_references_still_load_in_full(graph, tmp_path):
    # Each statement ends with its optional reference (owner, authority, winner …); a row without it
    # must still write everything before it, and a row with it everything after.
    folder = tmp_path / "optional"
    firm = make_uscc("MA0QPT001")
    write_csv(folder / "projects.csv", [
        {"project_code": "OPT-P-1", "name": "无建设单位的测试项目", "owner_uscc": ""},
        {"project_code": "OPT-P-2", "name": "有建设单位的测试项目", "owner_uscc": firm}])
    write_csv(folder / "qualifications.csv", [
        {"cert_no": "OPT-Q-1", "uscc": firm, "category": "施工总承包", "authority": ""}])
    write_csv(folder / "tenders.csv", [
        {"tender_no": "OPT-T-1", "project_code": "OPT-P-1", "agency_uscc": "", "winner_uscc": ""},
        {"tender_no": "OPT-T-2", "project_code": "OPT-P-2", "agency_uscc": firm, "winner_uscc": ""}])
    write_csv(folder / "awards.csv", [
        {"award_id": "OPT-A-1", "subject_type": "enterprise", "subject_id": firm, "name": "测试奖", "project_code": "", "authority": ""}])
    write_csv(folder / "penalties.csv", [
        {"penalty_id": "OPT-X-1", "subject_type": "enterprise", "subject_id": firm, "authority": "测试市住房和城乡建设局",
         "decision_date": "2024-01-02", "project_code": ""}])
    write_csv(folder / "project_staff.csv", [
        {"project_code": "OPT-P-1", "person_id": "RY-OPT-0001", "role": "项目经理", "uscc": ""}])
    report = load_folder(graph, folder, progress=False)
    assert report.rejected == 0 and report.loaded == 8

    # each query counts what one row (with or without its optional reference) must have written
    for q in (
        "MATCH (p:Project {project_code: 'OPT-P-1'}) WHERE p.stub = false RETURN count(p) AS c",
        "MATCH (:Enterprise {uscc: $u})-[:OWNS]->(p:Project) RETURN count(p) AS c",
        "MATCH (:Enterprise {uscc: $u})-[:HOLDS]->(q:Qualification {cert_no: 'OPT-Q-1'}) "
        "WHERE NOT (q)-[:ISSUED_BY]->() RETURN count(q) AS c",
        "MATCH (t:Tender {tender_no: 'OPT-T-1'})-[:FOR]->(:Project {project_code: 'OPT-P-1'}) "
        "WHERE NOT ()-[:WON]->(t) AND NOT ()-[:AGENT_FOR]->(t) RETURN count(t) AS c",
        "MATCH (:Enterprise {uscc: $u})-[:AGENT_FOR]->(t:Tender {tender_no: 'OPT-T-2'}) RETURN count(t) AS c",
        "MATCH (:Enterprise {uscc: $u})-[:RECEIVED]->(a:Award {award_id: 'OPT-A-1'}) RETURN count(a) AS c",
        "MATCH (:Enterprise {uscc: $u})-[:PENALIZED]->(x:Penalty {penalty_id: 'OPT-X-1'})"
        "-[:ISSUED_BY]->(:Authority {name: '测试市住房和城乡建设局'}) WHERE NOT (x)-[:CONCERNS]->() RETURN count(x) AS c",
        "MATCH (:Person {person_id: 'RY-OPT-0001'})-[:WORKS_ON {role: '项目经理'}]->(:Project {project_code: 'OPT-P-1'}) "
        "RETURN count(*) AS c",
    ):
        assert graph.run(q, {"u": firm})[0]["c"] == 1, q


def test_the_load_command_prints_a_summary_and_names_a_damaged_file(cli, tmp_path):
    folder = tmp_path / "cli-load"
    write_csv(folder / "enterprises.csv", [{"uscc": make_uscc("MA0CL1001"), "name": "抚州市命令行测试建设有限公司", "type": "施工"}])
    write_csv(folder / "persons.csv", [{"person_id": "RY-CLI-0001", "name": "命令行测试"}])
    out = cli("load", str(folder))
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert any(line.split()[:5] == ["enterprises", "enterprises.csv", "1", "1", "0"] for line in lines), out.output
    assert any(line.split()[:4] == ["total", "2", "2", "0"] for line in lines), out.output
    assert "rows/s" in out.output
    (folder / "projects.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    bad = cli("load", str(folder))
    assert bad.exit_code != 0 and "projects.xlsx: not a readable .xlsx workbook" in bad.output


def test_batches_start_small_then_take_the_configured_size(graph, tmp_path):
    from chengxin.loaders.csv_folder import FolderLoader, Rejects, _Writer
    from chengxin.loaders.ids import Pseudonyms

    writer = _Writer(FolderLoader(graph, Pseudonyms(b"t"), batch_size=2000, progress=False), Rejects(tmp_path / "r.csv"), "now")
    sizes = []
    for _ in range(5):
        sizes.append(writer.next_size(2000))
        writer.submitted += 1
    writer.close()
    assert sizes == [250, 500, 1000, 2000, 2000]
    assert writer.next_size(1) == 1 and writer.next_size(100) == 100


def test_a_check_validates_every_row_writes_the_rejects_and_nothing_to_the_graph(cli, graph, tmp_path):
    """``chengxin load --check``: the same reading, validation and rejects as a load, no write."""
    folder = tmp_path / "check"
    good = make_uscc("MA0CHK001")
    write_csv(folder / "enterprises.csv", [
        {"uscc": good, "name": "抚州市只检查建设有限公司", "type": "施工"},
        {"uscc": "not-a-uscc", "name": "坏代码公司", "type": "施工"},
        {"uscc": good, "name": "抚州市只检查建设有限公司", "type": "施工"},  # repeated with the same values
        {"uscc": good, "name": "另一个名字", "type": "施工"},  # repeated with other values
    ])
    write_csv(folder / "persons.csv", [{"person_id": "RY-CHK-0001", "name": "只检查"}])
    before = graph.run("MATCH (n) RETURN count(n) AS n")[0]["n"]
    out = cli("load", "--check", str(folder), "--report", str(tmp_path / "check.json"))
    assert out.exit_code == 0, out.output
    assert "checked only: nothing was written" in out.output and "rows/s" not in out.output
    lines = out.output.splitlines()
    assert any(line.split()[:5] == ["enterprises", "enterprises.csv", "4", "2", "2"] for line in lines), out.output
    assert graph.run("MATCH (n) RETURN count(n) AS n")[0]["n"] == before
    assert not graph.run("MATCH (e:Enterprise {uscc: $u}) RETURN e", {"u": good})
    report = json.loads((tmp_path / "check.json").read_text("utf-8"))
    assert report["mode"] == "check" and report["rejected"] == 2
    with open(report["rejects_file"], encoding="utf-8-sig") as f:
        reasons = {int(r["line"]): r["reason"] for r in csv.DictReader(f)}
    assert set(reasons) == {3, 5}
    assert "uscc" in reasons[3] and "line 2" in reasons[5]  # the conflict names the first row's line
    assert cli("load", "--check", "--merge", str(folder)).exit_code != 0  # a check writes nothing: no write path


def test_a_check_of_a_mostly_refused_table_exits_non_zero(cli, tmp_path):
    folder = tmp_path / "check-bad"
    write_csv(folder / "enterprises.csv", [{"uscc": f"bad-{i}", "name": f"坏{i}", "type": "施工"} for i in range(5)])
    out = cli("load", "--check", str(folder))
    assert out.exit_code != 0 and "would not be complete" in out.output, out.output
