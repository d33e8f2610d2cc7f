"""A project's whole life (issue 16): the sample's new stages, the pages of the new records and
their JSON twins, the project's timeline with the detectors' findings on it, search by the
records' numbers and false-performance penalties on the firm and the project."""

from __future__ import annotations

import csv
import datetime as dt
import time
from pathlib import Path

import pytest

from chengxin.loaders.sample import generate

from .conftest import SAMPLE

STAGE_TABLES = ("contracts", "drawing_reviews", "permits", "completions", "performances", "stage_parties",
                "stage_people")


def rows(folder: Path, table: str) -> list[dict]:
    with open(folder / f"{table}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def D(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


@pytest.mark.parametrize("scale", [1, 2])
def test_sample_has_every_stage_mostly_consistent(tmp_path, scale):
    counts = generate(tmp_path, scale=scale, seed=11)
    for t in STAGE_TABLES:
        assert counts[t] > 0, t
    projects = {p["project_code"]: p for p in rows(tmp_path, "projects")}
    assert counts["contracts"] == len(projects)
    tenders = {t["tender_no"]: t for t in rows(tmp_path, "tenders")}
    works = {t["project_code"]: t for t in tenders.values() if t["section"].startswith("施工")}
    close = 0
    for c in rows(tmp_path, "contracts"):
        t = works[c["project_code"]]
        assert D(t["open_date"]) < D(c["signed_date"]) <= D(projects[c["project_code"]]["start_date"])
        close += abs(float(c["amount"]) / float(t["winning_price"]) - 1) <= 0.05
    assert close >= 0.95 * counts["contracts"]
    permits = rows(tmp_path, "permits")
    before = sum(D(p["issued"]) <= D(p["planned_start"]) for p in permits)
    assert 0.95 * len(permits) <= before < len(permits) or len(permits) < 60
    reviews = {r["review_no"]: r for r in rows(tmp_path, "drawing_reviews")}
    assert all(D(reviews[p["review_no"]]["review_date"]) < D(p["planned_start"]) for p in permits)
    for c in rows(tmp_path, "completions"):
        assert D(c["start_date"]) < D(c["end_date"]) <= D(c["created"])
    # The permit names the tender's project manager, nearly always.
    people = rows(tmp_path, "stage_people")
    tender_pm = {tenders[p["stage_key"]]["project_code"]: p["person_id"] for p in people
                 if p["stage"] == "tender" and p["role"] == "project_manager"}
    permit_project = {p["permit_no"]: p["project_code"] for p in permits}
    on_permit = [(permit_project[p["stage_key"]], p["person_id"]) for p in people
                 if p["stage"] == "permit" and p["role"] == "project_manager"]
    same = sum(tender_pm.get(code) == pid for code, pid in on_permit)
    assert same >= 0.9 * len(on_permit)
    fake = [p for p in rows(tmp_path, "penalties") if p["measure"] == "虚假业绩"]
    assert fake and all(p["penalty_id"].startswith("FAKE-") and p["project_code"] in projects for p in fake)


def test_sample_stages_fast_and_linear(tmp_path):
    t0 = time.monotonic()
    one = generate(tmp_path / "one", scale=1, seed=5)
    took = time.monotonic() - t0
    four = generate(tmp_path / "four", scale=4, seed=5)
    assert took < 10
    for t in ("contracts", "permits", "stage_people"):
        assert 3 * one[t] <= four[t] <= 5 * one[t], t


def test_the_shipped_sample_carries_the_stages():
    for t in STAGE_TABLES:
        assert len(rows(SAMPLE, t)) > 10, t


def test_stages_loaded_from_the_sample(sample_report, graph):
    loaded = {t.table: t for t in sample_report.tables}
    for t in STAGE_TABLES:
        assert loaded[t].rejected == 0 and loaded[t].loaded == len(rows(SAMPLE, t)), t
    n = graph.run("MATCH (s:Permit)-[:STAGE_OF]->(:Project) RETURN count(s) AS n")[0]["n"]
    assert n >= len(rows(SAMPLE, "permits"))


def _project_of(plant_manifest, kind: str, index: int = 0) -> str:
    return plant_manifest["flags"][kind]["planted"][index].split("|")[0]


def test_project_timeline_in_order_with_findings(plant_manifest, client):
    code = _project_of(plant_manifest, "pm_changed")
    data = client.get(f"/api/project/{code}").get_json()
    stages = [e["stage"] for e in data["timeline"]]
    assert stages == ["tender", "tender", "permit", "performance"]
    tender, _, permit, perf = data["timeline"]
    assert tender["amount"] == 4200 and tender["people"][0]["name"].endswith("周建华")
    assert tender["people"][0]["role_name"]["text"] == "项目经理"
    assert permit["people"][0]["name"].endswith("钱志明") and permit["firms"][0]["role"] == "contractor"
    assert [f["kind"] for f in permit["flags"]] == ["pm_changed"]
    assert [f["kind"] for f in perf["flags"]] == ["pm_changed"]
    assert tender["flags"] and tender["flags"][0]["kind"] == "pm_changed"
    page = client.get(f"/project/{code}").get_data(as_text=True)
    assert 'id="timeline"' in page and page.count('class="flag-mark bad"') >= 3
    assert page.index('data-stage="tender"') < page.index('data-stage="permit"') < page.index('data-stage="performance"')
    en = client.get(f"/api/project/{code}?lang=en").get_json()
    assert en["timeline"][2]["stage_name"]["text"] == "Construction permit"


def test_the_sample_project_chain(client, graph):
    row = graph.run("MATCH (c:Completion)-[:STAGE_OF]->(p:Project) WHERE p.source STARTS WITH 'chengxin 合成' "
                    "RETURN p.project_code AS code ORDER BY code LIMIT 1")[0]
    data = client.get(f"/api/project/{row['code']}").get_json()
    stages = [e["stage"] for e in data["timeline"]]
    for s in ("tender", "contract", "drawing_review", "permit", "completion"):
        assert s in stages, s
    assert stages == sorted(stages, key=["tender", "contract", "drawing_review", "permit", "completion",
                                         "performance"].index)


@pytest.mark.parametrize("kind,route,field", [
    ("contract_above_award", "contract", "contract"),
    ("work_before_permit", "completion", "completion"),
    ("permit_without_tender", "permit", "permit"),
])
def test_stage_pages_and_json_twins(plant_manifest, client, kind, route, field):
    key = plant_manifest["flags"][kind]["planted"][0]
    api = client.get(f"/api/{route}/{key}").get_json()
    assert api["key"] == key and api[field] and api["projects"] and api["parties"]
    assert kind in {h["kind"] for h in api["flags"]}
    page = client.get(f"/{route}/{key}")
    assert page.status_code == 200 and 'id="flag-panel"' in page.get_data(as_text=True)
    assert client.get(f"/api/{route}/NO-SUCH-{key}").status_code == 404


def test_permit_drawing_review_and_performance_pages(client, graph):
    r = graph.run("MATCH (c:Completion)-[:UNDER_PERMIT]->(s:Permit)-[:RESTS_ON]->(d:DrawingReview) "
                  "RETURN c.completion_no AS c, s.permit_no AS s, d.review_no AS d ORDER BY s LIMIT 1")[0]
    permit = client.get(f"/api/permit/{r['s']}").get_json()
    assert permit["reviews"][0]["review_no"] == r["d"] and r["c"] in {c["completion_no"] for c in permit["completions"]}
    assert {p["role"] for p in permit["people"]} >= {"project_manager"}
    review = client.get(f"/api/drawing_review/{r['d']}").get_json()
    assert r["s"] in {p["permit_no"] for p in review["permits"]}
    perf = graph.run("MATCH (f:Performance) RETURN f.perf_no AS k ORDER BY k LIMIT 1")[0]["k"]
    page = client.get(f"/performance/{perf}").get_data(as_text=True)
    assert 'id="rel-PARTY_TO"' in page and 'id="rel-NAMED_ON"' in page


def test_search_finds_permit_and_contract_numbers(plant_manifest, client):
    permit = plant_manifest["flags"]["permit_without_tender"]["planted"][0]
    contract = plant_manifest["flags"]["contract_above_award"]["planted"][0]
    for key, label in ((permit, "Permit"), (contract, "Contract")):
        data = client.get("/api/search", query_string={"q": key}).get_json()
        assert [(e["label"], e["key"]) for e in data["exact"]] == [(label, key)], data["exact"]
    # the contract's own number (合同编号) finds its record too
    data = client.get("/api/search", query_string={"q": "SZHT-2024-001"}).get_json()
    assert [(e["label"], e["key"]) for e in data["exact"]] == [("Contract", contract)], data["exact"]


def test_false_performance_on_the_firm_and_the_project(plant_manifest, client):
    uscc, penalty = plant_manifest["flags"]["false_performance"]["planted"][0].split("|")
    firm = client.get(f"/api/enterprise/{uscc}").get_json()
    assert [p["penalty_id"] for p in firm["false_performance"]] == [penalty]
    page = client.get(f"/enterprise/{uscc}").get_data(as_text=True)
    assert 'id="false-performance"' in page and penalty in page
    code = firm["false_performance"][0]["project_code"]
    project = client.get(f"/api/project/{code}").get_json()
    assert penalty in {p["penalty_id"] for p in project["false_performance"]}


def test_timeline_click_leads_to_the_permit(plant_manifest, browser, base_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    code = _project_of(plant_manifest, "pm_changed")
    browser.get(f"{base_url}/project/{code}")
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "timeline"))
    stage = browser.find_element(By.CSS_SELECTOR, "#timeline li.stage-permit.flagged")
    assert "⚑" in stage.text
    stage.find_element(By.CSS_SELECTOR, "a.ent-permit").click()
    WebDriverWait(browser, 10).until(lambda d: "/permit/" in d.current_url)
    assert "施工许可" in browser.find_element(By.TAG_NAME, "main").text
    assert browser.find_elements(By.CSS_SELECTOR, "#flag-panel article.hit")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from .conftest import start_chromium

    driver = start_chromium(tmp_path_factory.mktemp("chromium"))
    yield driver
    driver.quit()


def test_person_page_lists_the_permits_naming_them(plant_manifest, client):
    pid = plant_manifest["flags"]["pm_overlap_permits"]["planted"][0]
    data = client.get(f"/api/person/{pid}").get_json()
    permits = [n for n in data["named_on"] if n["label"] == "Permit"]
    assert len(permits) == 2 and all(n["role"] == "project_manager" and n["project_code"] for n in permits)
    assert {str(n["start"]) for n in permits} == {"2024-01-01", "2024-06-01"}
    assert "pm_overlap_permits" in {h["kind"] for h in data["flags"]}
    page = client.get(f"/person/{pid}").get_data(as_text=True)
    assert 'id="rel-NAMED_ON"' in page and page.count("/permit/") >= 2


def test_graph_view_and_console_schema_know_the_stages(plant_manifest, client):
    permit = plant_manifest["flags"]["permit_without_tender"]["planted"][0]
    data = client.get(f"/api/graph/permit/{permit}").get_json()
    assert data["center"]["label"] == "Permit"
    assert len(data["nodes"]) >= 3 and data["edges"]  # the permit, its project and its contractor at least
    assert client.get(f"/graph/permit/{permit}").status_code == 200
    assert client.get("/console").status_code == 200  # its schema panel reads every label's properties
