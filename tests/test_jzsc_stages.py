"""A project's life as folder tables (issue 16): contracts, drawing reviews, permits, completions,
performance records and the firms and people each names, loaded into the session database.

The rows use ids of their own (ZZS…), so the sample's counts are untouched. ``write_stage_tables``
is also used by tests/test_bulk.py, which loads the same rows by the bulk and the MERGE path.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from chengxin.loaders.ids import Pseudonyms
from chengxin.loaders.ingest import load_folder
from chengxin.loaders.rows import COLUMNS

from .conftest import make_uscc

OWNER = make_uscc("MA0TGX001")
CONTRACTOR = make_uscc("MA0TGX002")
SUPERVISOR = make_uscc("MA0TGX003")
REVIEWER = make_uscc("MA0TGX004")
PM_ID = "320102198001010833"  # an ID-card number as the person id: stored as a pseudonym only


def _write(path: Path, rows: list[dict]) -> None:
    """Append to the table (its header kept) or write it new with the contract's columns."""
    table = path.stem
    if path.exists():
        with open(path, encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f))
        mode = "a"
    else:
        header = list(COLUMNS[table])
        header += [k for r in rows for k in r if k not in header]
        mode = "w"
    with open(path, mode, encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, extrasaction="ignore")
        if mode == "w":
            w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in header})


def write_stage_tables(d: Path, p: str = "ZZS") -> Path:
    """One project's life (tender → contract → review → permit → completion, a performance record),
    with a repeat, a conflicting repeat and invalid rows in each relationship table."""
    d.mkdir(parents=True, exist_ok=True)
    code = f"{p}-PRJ-1"
    _write(d / "contracts.csv", [
        {"contract_id": f"{p}-HT-1", "project_code": code, "contract_no": f"{p}-C-1", "record_no": f"{p}-HT-1",
         "contract_type": "施工总包", "amount": "1,234.5", "scale": "大型", "signed_date": "2023-03-01",
         "created": "2023-03-05"},
        {"contract_id": f"{p}-HT-2", "project_code": code, "amount": "-5"},  # negative money: refused
    ])
    _write(d / "drawing_reviews.csv", [
        {"review_no": f"{p}-SC-1", "project_code": code, "review_date": "2023-01-20", "reviewer_name": "某审查中心"},
    ])
    _write(d / "permits.csv", [
        {"permit_no": f"{p}-XK-1", "project_code": code, "review_no": f"{p}-SC-1", "amount": "1200",
         "area": "5000.5", "issued": "2023-04-01", "planned_start": "2023-04-10", "planned_end": "2024-10-10"},
        {"permit_no": f"{p}-XK-2", "project_code": code, "issued": "2023/13/01"},  # not a real date
    ])
    _write(d / "completions.csv", [
        {"completion_no": f"{p}-JG-1", "project_code": code, "permit_no": f"{p}-XK-1", "fact_cost": "1300",
         "fact_area": "5000", "fact_size": "5000平方米", "structure": "框架结构", "start_date": "2023-04-15",
         "end_date": "2024-09-30", "data_source": "业务办理", "remark": "<b>备注</b>"},
        # a completion naming a permit no table holds: the permit is a stub
        {"completion_no": f"{p}-JG-2", "project_code": code, "permit_no": f"{p}-XK-9"},
    ])
    _write(d / "performances.csv", [
        {"perf_no": f"{p}-YJ-1", "project_code": code, "uscc": CONTRACTOR, "qualification_standard": "建筑工程施工总承包",
         "scale_grade": "一级", "start_date": "2023-04-15", "end_date": "2024-09-30"},
        {"perf_no": f"{p}-YJ-2", "project_code": code, "enterprise_name": "只有名称建筑有限公司"},  # a firm by name only
    ])
    _write(d / "stage_parties.csv", [
        {"stage": "contract", "stage_key": f"{p}-HT-1", "uscc": OWNER, "role": "发包单位"},  # a word of owner
        {"stage": "contract", "stage_key": f"{p}-HT-1", "uscc": CONTRACTOR, "role": "contractor"},
        {"stage": "contract", "stage_key": f"{p}-HT-1", "uscc": CONTRACTOR, "role": "contractor"},  # a repeat
        {"stage": "permit", "stage_key": f"{p}-XK-1", "uscc": CONTRACTOR, "role": "施工单位"},
        {"stage": "permit", "stage_key": f"{p}-XK-1", "uscc": SUPERVISOR, "role": "监理单位"},
        {"stage": "drawing_review", "stage_key": f"{p}-SC-1", "uscc": REVIEWER, "role": "reviewer"},
        {"stage": "completion", "stage_key": f"{p}-JG-1", "uscc": OWNER, "role": "owner"},
        {"stage": "permit", "stage_key": f"{p}-XK-1", "uscc": OWNER, "role": "监工"},  # not a stage role
        {"stage": "tender", "stage_key": f"{p}-XK-1", "uscc": OWNER, "role": "owner"},  # firms of tenders: bids/WON
    ])
    _write(d / "stage_people.csv", [
        {"stage": "tender", "stage_key": f"{p}-ZB-1", "person_id": PM_ID, "name": "张三", "role": "项目经理",
         "uscc": CONTRACTOR},
        {"stage": "permit", "stage_key": f"{p}-XK-1", "person_id": PM_ID, "name": "张三", "role": "project_manager",
         "uscc": CONTRACTOR},
        {"stage": "permit", "stage_key": f"{p}-XK-1", "person_id": f"{p}-RY-2", "name": "李四", "role": "总监理工程师",
         "uscc": SUPERVISOR},
        {"stage": "performance", "stage_key": f"{p}-YJ-1", "person_id": f"{p}-RY-3", "name": "王五", "role": "项目负责人"},
        {"stage": "completion", "stage_key": f"{p}-JG-1", "person_id": f"{p}-RY-3", "name": "王五", "role": "技术负责人",
         "uscc": CONTRACTOR},
        {"stage": "completion", "stage_key": f"{p}-JG-1", "person_id": f"{p}-RY-3", "name": "王五", "role": "技术负责人",
         "uscc": SUPERVISOR},  # the same key, another firm: refused
        {"stage": "permit", "stage_key": f"{p}-XK-1", "person_id": f"{p}-RY-4", "role": "安全员"},  # not a staff role
    ])
    return d


def holds_text(graph, text: str) -> bool:
    """Some node's or relationship's property holds ``text`` (read in Python: toString() refuses a list)."""
    for q in ("MATCH (n) RETURN properties(n) AS p", "MATCH ()-[r]->() RETURN properties(r) AS p"):
        if any(text in str(v) for row in graph.run(q) for v in row["p"].values()):
            return True
    return False


@pytest.fixture(scope="module")
def stages(graph, tmp_path_factory):
    folder = write_stage_tables(tmp_path_factory.mktemp("stages") / "folder")
    return load_folder(graph, folder, progress=False), folder


def _table(report, name):
    return next(t for t in report.tables if t.table == name)


def test_every_stage_table_loads_and_bad_rows_are_refused_with_their_reason(stages):
    report, _ = stages
    expected = {"contracts": (2, 1), "drawing_reviews": (1, 0), "permits": (2, 1), "completions": (2, 0),
                "performances": (2, 0), "stage_parties": (9, 2), "stage_people": (7, 2)}
    assert {t.table: (t.read, t.rejected) for t in report.tables} == expected
    with open(report.rejects_file, encoding="utf-8-sig") as f:
        text = f.read()
    reasons = {(r["file"], r["line"]): r["reason"] for r in csv.DictReader(text.splitlines())}
    assert "amount" in reasons[("contracts.csv", "3")] and "greater than or equal to 0" in reasons[("contracts.csv", "3")]
    assert "issued: not a real date" in reasons[("permits.csv", "3")]
    assert "role: '监工' is not a stage role" in reasons[("stage_parties.csv", "9")]
    assert "stage: 'tender' is not one of" in reasons[("stage_parties.csv", "10")]
    assert "the same stage + stage_key + person_id + role as line 6" in reasons[("stage_people.csv", "7")]
    assert "role: '安全员' is not a staff role" in reasons[("stage_people.csv", "8")]
    assert PM_ID not in text


def test_the_chain_of_stages_and_who_each_names(graph, stages):
    chain = graph.run(
        "MATCH (c:Completion {completion_no: 'ZZS-JG-1'})-[:UNDER_PERMIT]->(pm:Permit)-[:RESTS_ON]->(d:DrawingReview), "
        "(c)-[:STAGE_OF]->(p:Project), (pm)-[:STAGE_OF]->(p), (d)-[:STAGE_OF]->(p), "
        "(k:Contract)-[:STAGE_OF]->(p), (f:Performance {perf_no: 'ZZS-YJ-1'})-[:STAGE_OF]->(p) "
        "RETURN pm.permit_no AS permit, pm.issued AS issued, pm.area AS area, d.review_no AS review, "
        "k.amount AS amount, k.signed_date AS signed, c.start_date AS start, c.remark AS remark, p.stub AS stub")
    assert len(chain) == 1
    row = chain[0]
    assert (row["permit"], row["review"], row["amount"], row["area"]) == ("ZZS-XK-1", "ZZS-SC-1", 1234.5, 5000.5)
    assert str(row["issued"]) == "2023-04-01" and str(row["signed"]) == "2023-03-01" and str(row["start"]) == "2023-04-15"
    assert row["remark"] == "<b>备注</b>" and row["stub"] is True  # text as given; the project known only by code
    parties = graph.run("MATCH (e:Enterprise)-[x:PARTY_TO]->(s) WHERE e.uscc IN $u "
                        "RETURN labels(s)[0] AS stage, e.uscc AS uscc, x.role AS role ORDER BY stage, role, uscc",
                        {"u": [OWNER, CONTRACTOR, SUPERVISOR, REVIEWER]})
    assert [(r["stage"], r["uscc"], r["role"]) for r in parties] == [
        ("Completion", OWNER, "owner"), ("Contract", CONTRACTOR, "contractor"), ("Contract", OWNER, "owner"),
        ("DrawingReview", REVIEWER, "reviewer"), ("Performance", CONTRACTOR, "performer"),
        ("Permit", CONTRACTOR, "contractor"), ("Permit", SUPERVISOR, "supervisor")]
    by_name = graph.run("MATCH (e:Enterprise)-[x:PARTY_TO {role: 'performer'}]->(:Performance {perf_no: 'ZZS-YJ-2'}) "
                        "RETURN e.uscc AS uscc, e.name AS name, e.stub AS stub")
    assert by_name == [{"uscc": "XX-NAME:FOLDER:只有名称建筑有限公司", "name": "只有名称建筑有限公司", "stub": True}]
    stub_permit = graph.run("MATCH (:Completion {completion_no: 'ZZS-JG-2'})-[:UNDER_PERMIT]->(pm:Permit) "
                            "RETURN pm.permit_no AS n, pm.stub AS stub")
    assert stub_permit == [{"n": "ZZS-XK-9", "stub": True}]


def test_people_named_on_stages_by_role_code_and_never_by_their_id_number(graph, stages):
    key = Pseudonyms.for_settings(graph.settings).person_key(PM_ID)
    named = graph.run("MATCH (pe:Person {person_id: $k})-[x:NAMED_ON]->(s) "
                      "RETURN labels(s)[0] AS stage, x.role AS role, x.uscc AS uscc, pe.name AS name ORDER BY stage",
                      {"k": key})
    assert named == [{"stage": "Permit", "role": "project_manager", "uscc": CONTRACTOR, "name": "张三"},
                     {"stage": "Tender", "role": "project_manager", "uscc": CONTRACTOR, "name": "张三"}]
    assert graph.run("MATCH (t:Tender {tender_no: 'ZZS-ZB-1'}) RETURN t.stub AS s") == [{"s": True}]
    roles = graph.run("MATCH (:Person {person_id: 'ZZS-RY-3'})-[x:NAMED_ON]->(s) RETURN labels(s)[0] AS stage, "
                      "x.role AS role, x.uscc AS uscc ORDER BY stage")
    assert roles == [{"stage": "Completion", "role": "technical_lead", "uscc": CONTRACTOR},
                     {"stage": "Performance", "role": "project_lead", "uscc": None}]
    assert not holds_text(graph, PM_ID)


def test_loading_the_stages_again_changes_nothing(graph, stages):
    _, folder = stages
    count = ("MATCH (n) WHERE n:Contract OR n:DrawingReview OR n:Permit OR n:Completion OR n:Performance "
             "OPTIONAL MATCH (n)-[x]-() RETURN count(DISTINCT n) AS n, count(x) AS r")
    before = graph.run(count)
    again = load_folder(graph, folder, progress=False)
    assert {t.table: t.loaded for t in again.tables} == {t.table: t.loaded for t in stages[0].tables}
    assert graph.run(count) == before


def test_every_label_slot_that_takes_any_label_takes_the_stages_too():
    """A statement whose ``kind`` slot takes every label (export, the neighbourhood, the schema panel)
    must take the stage labels as well, or their pages and exports are refused."""
    from chengxin.cypher import _load, names
    from chengxin.graph.model import get_model

    every = set(get_model().labels)
    old = {"Project", "Enterprise", "Person", "Qualification", "Award", "Penalty", "Tender", "Authority"}
    for name in names():
        for slot, allowed in _load(name).labels.items():
            if old <= set(allowed):
                assert set(allowed) == every, (name, slot)
