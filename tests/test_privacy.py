"""What is an ID number (graph/privacy.py): the shape AND a province AND a plausible birth date AND the
ISO 7064 MOD 11-2 check character; and record numbers the model declares (施工许可证编号 …), 18 digits like
an ID number, never masked by shape.

The ID numbers here are real-shaped and valid (check characters computed); the permit numbers are the
platform's shape (region, yyyymmdd, sequence), some of whose digits happen to pass the check. The pages,
search and the export are read from the session's graph: the bundled sample's permit numbers are 18 digits
like the real ones, and some of them pass the check too."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from chengxin.graph.privacy import is_id_number, mask_text, redact
from chengxin.loaders.ids import id_check_char

from .conftest import SAMPLE


def make_id(first17: str) -> str:
    return first17 + id_check_char(first17)


REAL_IDS = [make_id("33010619850312" + "123"), make_id("11010519491231" + "002"), make_id("44030719990101" + "88" + "1"),
            make_id("65010220000229054")]
#: Permit numbers as the platform writes them: 330106 + 20190523 + 0101 (the brief's example passes the check).
PERMITS_PASSING = ["330106201905230101", "440307202311280301"]
PERMITS_FAILING = ["320583202103150201", "440307202311280201"]


def test_real_id_numbers_are_id_numbers_and_masked_in_free_text():
    for number in REAL_IDS:
        assert is_id_number(number), number
        masked = mask_text(f"申报人身份证号{number}，已核")
        assert number not in masked and f"{number[:4]}************{number[-2:]}" in masked
    assert is_id_number(REAL_IDS[1].lower())  # a lower-case x is still an X


def test_the_shape_alone_is_not_an_id_number():
    good = REAL_IDS[0]
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    month_13 = make_id("33010619851312123")
    future = make_id("33010621190312123")
    no_province = make_id("99010619850312123")
    before_1900 = make_id("33010618991231123")
    for number in (wrong_check, month_13, future, no_province, before_1900):
        assert not is_id_number(number), number
        assert mask_text(f"编号 {number}") == f"编号 {number}"
    for permit in PERMITS_FAILING:
        assert not is_id_number(permit) and mask_text(permit) == permit


def test_a_masked_number_stays_as_it_is():
    for text in ("3201**********1234", "身份证 4600**********123X 张三", "3301************31"):
        assert mask_text(text) == text


def test_permit_numbers_whose_digits_pass_the_check_are_kept_in_record_fields_not_in_free_text():
    for permit in PERMITS_PASSING:
        assert is_id_number(permit)  # its digits pass every test of an ID number …
        row = {"permit": {"permit_no": permit, "review_no": permit, "remark": f"许可证 {permit}"},
               "completions": [{"completion_no": "C1", "permit_no": permit}],
               "hit": {"label": "Permit", "key": permit, "name": permit},
               "rel": {"type": "STAGE_OF", "a_label": "Permit", "a": permit, "b_label": "Project", "b": permit},
               "stage_key": permit, "a_no": permit, "b_no": permit, "used": [permit]}
        out = redact(row)
        # … but the model's record-number fields, and a row's key of a Permit, are shown as they are
        assert out["permit"]["permit_no"] == permit and out["permit"]["review_no"] == permit
        assert out["completions"][0]["permit_no"] == permit
        assert out["hit"] == {"label": "Permit", "key": permit, "name": permit}
        assert out["rel"]["a"] == permit
        assert out["stage_key"] == permit and out["a_no"] == permit and out["b_no"] == permit and out["used"] == [permit]
        # free text is masked whatever it holds; so is the key of a node that is not a record
        assert permit not in out["permit"]["remark"]
        assert out["rel"]["b"] != permit
        assert redact({"label": "Person", "key": permit, "name": permit}) == {
            "label": "Person", "key": mask_text(permit), "name": mask_text(permit)}


def test_a_real_id_number_is_masked_in_every_other_field_and_nested():
    number = REAL_IDS[0]
    row = {"name": number, "description": f"当事人{number}", "people": [{"name": "张三", "note": number}],
           "label": "Enterprise", "key": number, number: "as a key"}
    text = json.dumps(redact(row), ensure_ascii=False)
    assert number not in text and text.count("3301************") == 5


def test_the_sample_makes_18_digit_permit_numbers_like_the_platform():
    with open(SAMPLE / "permits.csv", encoding="utf-8") as f:
        numbers = [r["permit_no"] for r in csv.DictReader(f)]
    assert numbers and all(len(n) == 18 and n.isdigit() for n in numbers)
    assert any(is_id_number(n) for n in numbers)  # some pass the check, as real ones do


@pytest.fixture(scope="module")
def passing_permit(graph):
    """A permit of the sample whose number passes every test of an ID number, with its project."""
    rows = graph.driver.execute_query(  # past the privacy filter: the numbers as stored
        "MATCH (s:Permit)-[:STAGE_OF]->(p:Project) RETURN s.permit_no AS no, p.project_code AS code",
        database_=graph.database).records
    found = [(r["no"], r["code"]) for r in rows if r["no"] and is_id_number(r["no"])]
    assert found, "the sample has permit numbers that pass the ID-number check"
    return found[0]


def test_such_a_permit_number_is_stored_and_shown_in_full(graph, client, passing_permit):
    no, code = passing_permit
    permit = client.get(f"/api/permit/{no}").get_json()
    assert permit["key"] == no and permit["permit"]["permit_no"] == no
    project = client.get(f"/api/project/{code}").get_json()
    assert no in {p["permit_no"] for p in project["permits"]}
    assert no in json.dumps(project, ensure_ascii=False)
    assert no in client.get(f"/permit/{no}").get_data(as_text=True)
    hits = client.get("/api/search", query_string={"q": no}).get_json()["exact"]
    assert [(h["label"], h["key"]) for h in hits] == [("Permit", no)]
    completions = graph.run("MATCH (c:Completion)-[:UNDER_PERMIT]->(:Permit {permit_no: $no}) "
                            "RETURN c.permit_no AS p", {"no": no})
    assert all(c["p"] == no for c in completions)


def test_the_export_keeps_permit_numbers_and_masks_id_numbers(graph, passing_permit, tmp_path):
    from chengxin.graph.export import export

    no, code = passing_permit
    out = tmp_path / "around.graphml"
    export(graph, "graphml", out, around=f"permit:{no}", depth=2)
    text = out.read_text("utf-8")
    assert no in text and code in text
    permits = {r["permit_no"] for r in graph.run("MATCH (s:Permit) RETURN s.permit_no AS permit_no")}
    shapes = set(re.findall(r"(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])", text))
    assert {s for s in shapes if is_id_number(s)} <= permits  # the other firms' permits, nothing else
    with open(SAMPLE / "persons.csv", encoding="utf-8") as f:
        ids = {r["id_number"] for r in csv.DictReader(f) if r.get("id_number")}
    assert ids and not ids & shapes and "****" in text  # the people's numbers: masked
