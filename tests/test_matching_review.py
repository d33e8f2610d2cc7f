"""Review at scale (issue 13), against the real embedded database: pairs filtered by status, score
band, source and feature; accepted or rejected by id, a selection, or all that a filter selects;
every decision in a log, and undone; the same from ``chengxin review``, where pairs are named by id
(a name with an apostrophe broke the old suggested commands). An accepted pair carries a sanction
like a link matching made."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from chengxin.graph import eligibility, matching

from .conftest import write_csv

RECORDS = [  # (key, name, list): three pairs of near names on two lists, for review
    ("XX-LIST:RV-A:1", "Kappa Roadworks Constructora SA", "rv-a"), ("XX-LIST:RV-B:1", "Kappa Roadwork Construction SA", "rv-b"),
    ("XX-LIST:RV-A:2", "O'Brien Civil Works Ltd", "rv-a"), ("XX-LIST:RV-B:2", "OBrien Civil Work Ltd", "rv-b"),
    ("XX-LIST:RV-A:3", "Lambda Tunnelling Ltd", "rv-a"), ("XX-LIST:RV-B:3", "Lamda Tunneling Ltd", "rv-b"),
]


@pytest.fixture(scope="module")
def pending(graph, tmp_path_factory):
    from chengxin.loaders.ingest import load_folder

    for lst in ("rv-a", "rv-b"):
        d = tmp_path_factory.mktemp(lst)
        write_csv(d / "enterprises.csv", [{"uscc": k, "name": n, "list_id": lst, "id_scheme": "XX-LIST", "country": "Chile"}
                                          for k, n, li in RECORDS if li == lst])
        if lst == "rv-b":
            write_csv(d / "penalties.csv", [{"penalty_id": "RV-ADB-1", "subject_type": "enterprise",
                                             "subject_id": "XX-LIST:RV-B:1", "measure": "列入黑名单 / debarment",
                                             "authority": "Asian Development Bank", "decision_date": "2025-01-01",
                                             "valid_until": "2999-12-31"}])
        load_folder(graph, d, source=lst, progress=False)
    matching.run(graph, settings=graph.settings)
    pairs = matching.review_list(graph, "pending", source="rv-")
    assert len(pairs) == 3, pairs
    return {(p["a"], p["b"]): p for p in pairs}


def _id(pending, n):
    return next(p["id"] for (a, b), p in pending.items() if f":{n}" in a[-2:])


def test_filters_by_band_source_and_feature(graph, pending, client):
    every = client.get("/api/review?source=rv-").get_json()["pairs"]
    assert {p["id"] for p in every} == {p["id"] for p in pending.values()}
    for p in every:
        assert p["id"] == matching.pair_id(p["a"], p["b"]) and re.fullmatch(r"[0-9a-f]{12}", p["id"])
        assert [f["code"] for f in p["features"]][0] == "similar_name" and "same_country" in {f["code"] for f in p["features"]}
    lo = min(p["score"] for p in every)
    narrow = client.get(f"/api/review?source=rv-&band={lo}-{lo}").get_json()["pairs"]
    assert narrow and all(p["score"] == lo for p in narrow) and len(narrow) < len(every)
    assert client.get("/api/review?source=rv-&reason=same_identifier").get_json()["pairs"] == []
    assert client.get("/api/review?source=rv-&band=0.9-0.2").status_code == 400
    page = client.get("/review?source=rv-").get_data(as_text=True)
    assert 'id="review-filter"' in page and 'name="pair"' in page and 'data-code="similar_name"' in page
    assert "O&#39;Brien" in page or "O&#x27;Brien" in page  # escaped


def test_accept_a_selection_reject_by_filter_and_undo(graph, pending, client):
    one, two, three = (_id(pending, n) for n in (1, 2, 3))
    r = client.post("/api/review/decide", json={"pair": [one, two], "decision": "accept"})
    assert r.status_code == 200 and r.get_json()["changed"] == 2
    first = r.get_json()["decision"]
    accepted = {p["id"] for p in matching.review_list(graph, "accepted", source="rv-")}
    assert accepted == {one, two}
    # an accepted pair carries the sanction of its record, like a link matching made
    found = eligibility.check(graph, "XX-LIST:RV-A:1", dt.date.today(), settings=graph.settings)
    assert [r["source"] for r in found["restrictions"]] == ["Asian Development Bank"]
    # everything the filter selects: the one pending pair of these sources
    r = client.post("/api/review/decide", json={"scope": "filter", "source": "rv-", "status": "pending", "decision": "reject"})
    assert r.get_json()["changed"] == 1 and r.get_json()["ids"] == [three]
    second = r.get_json()["decision"]
    log = client.get("/api/review").get_json()["log"]
    assert [d["decision"] for d in log][:2] == [second, first]
    # undo the latest: the third pair waits again; then the first: both back to pending
    r = client.post("/api/review/undo", json={})
    assert r.get_json()["undid"] == second and r.get_json()["changed"] == 1
    assert client.post("/api/review/undo", json={"decision": first}).get_json()["changed"] == 2
    assert {p["id"] for p in matching.review_list(graph, "pending", source="rv-")} == {one, two, three}
    assert client.post("/api/review/undo", json={"decision": first}).status_code == 400  # undone already
    assert client.post("/api/review/decide", json={"pair": ["000000000000"], "decision": "accept"}).status_code == 404
    assert not eligibility.check(graph, "XX-LIST:RV-A:1", dt.date.today(), settings=graph.settings)["restrictions"]


def test_the_form_posts_a_selection_with_its_csrf_token(graph, pending, client):
    page = client.get("/review?source=rv-").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    three = _id(pending, 3)
    r = client.post("/review/decide?source=rv-", data={"csrf_token": csrf, "decision": f"reject:{three}"},
                    headers={"Origin": "http://localhost"})
    assert r.status_code == 303 and "source=rv-" in r.headers["Location"]
    assert three in {p["id"] for p in matching.review_list(graph, "rejected", source="rv-")}
    undo = client.post("/review/undo", data={"csrf_token": csrf}, headers={"Origin": "http://localhost"})
    assert undo.status_code == 303
    cross = client.post("/review/decide", data={"csrf_token": csrf, "decision": f"accept:{three}"},
                        headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403


def test_cli_review_names_pairs_by_id(cli, graph, pending):
    listing = cli("review", "--source", "rv-")
    assert listing.exit_code == 0, listing.output
    assert "O'Brien" in listing.stdout
    commands = [line.strip() for line in listing.stdout.splitlines() if line.strip().startswith("chengxin review")]
    assert len(commands) == 3 and all(re.fullmatch(r"chengxin review --accept [0-9a-f]{12}", c) for c in commands)
    two = _id(pending, 2)
    done = cli("review", "--accept", two)
    assert done.exit_code == 0 and "accepted: 1 pairs" in done.stdout
    banded = cli("review", "--status", "pending", "--source", "rv-", "--reject-all")
    assert banded.exit_code == 0 and "rejected: 2 pairs" in banded.stdout
    log = cli("review", "--log")
    assert log.exit_code == 0 and "reject" in log.stdout
    assert cli("review", "--undo").exit_code == 0
    assert cli("review", "--undo").exit_code == 0
    assert {p["id"] for p in matching.review_list(graph, "pending", source="rv-")} == {p["id"] for p in pending.values()}
    bad = cli("review", "--band", "high")
    assert bad.exit_code != 0 and "0.75-0.9" in bad.output and "high" in bad.output
