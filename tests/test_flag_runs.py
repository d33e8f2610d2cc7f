"""Red flags as batch jobs (issue 14): key-range batches give the same hits as one query, a range
the database refuses is halved, a detector over its budget fails, and the latest complete run is
stored under HOME, survives an app restart and is what the pages read (they never wait for one)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from chengxin.graph import flags
from chengxin.graph.db import Graph
from chengxin.graph.errors import QueryTimeout
from chengxin.graph.vocabulary import needs_param


@pytest.mark.parametrize("kind", list(flags.DETECTORS))
def test_many_tiny_batches_give_the_same_hits_as_one_query(plant_manifest, graph, kind):
    one_rows, one = flags.fetch_rows(graph, kind, graph.settings, size=10**9)
    # The session graph holds about 200 projects (the project-driven detectors of issue 16), some dozens of
    # penalties and hundreds of firms, tenders and people: a smaller batch for a smaller key space, so that
    # every detector is really split.
    size = {"project": 15, "penalty": 3, "permit": 15}.get(flags.BATCHING[kind][0], 25)
    many_rows, many = flags.fetch_rows(graph, kind, graph.settings, size=size)
    # one range per query of the detector (flags.parts: bid_ring and cert_lending run two), then really split
    assert one.ranges == len(flags.parts(kind)) and many.ranges >= 10  # (the sample graph has hundreds of keys)
    assert many_rows == one_rows and one_rows
    whole = flags.build_hits(kind, one_rows)
    assert flags.build_hits(kind, many_rows) == whole
    keys = {h["key"] for h in whole}
    expect = plant_manifest["flags"][kind]
    assert set(expect["planted"]) <= keys and not set(expect["controls"]) & keys


BEFORE = Path(__file__).parent / "data" / "flags_before"  # the detectors' queries before issue 14's rewrite


def _norm(rows: list[dict]) -> list[str]:
    """Rows in one order, lists inside a row too (a collected list's order is the engine's)."""
    return sorted(flags._canonical({k: sorted(v, key=flags._canonical) if isinstance(v, list) else v for k, v in r.items()})
                  for r in rows)


@pytest.mark.parametrize("kind", sorted(p.stem.removeprefix("flag_") for p in BEFORE.glob("flag_*.cypher")))
def test_a_rewritten_detector_finds_what_its_old_query_found(plant_manifest, graph, kind):
    """Issue 14 rewrote the slow detectors (bid_ring compares each tender's bidders once and reads
    registered people's pairs candidates first; bid_rotation starts from pairs that each won; the person
    detectors start from projects; the penalty ones from penalties): the old formulation, one query over
    every firm or person (kept in tests/data/flags_before), gives the same rows and hits on the planted
    sample, every planted case included."""
    old_text = (BEFORE / f"flag_{kind}.cypher").read_text("utf-8")
    d = flags.detector(kind)
    # (an old query may take a parameter the new one no longer does: unqualified_participation's list of needs)
    old = graph.run(old_text, {"lo": "", "hi": flags.TOP, "needs": needs_param(), **d.params(graph.settings)})
    new, _ = flags.fetch_rows(graph, kind, graph.settings, size=10**9)
    assert new and _norm(new) == _norm(old)
    assert flags.build_hits(kind, new) == flags.build_hits(kind, sorted(old, key=flags._canonical))
    keys = {h["key"] for h in flags.build_hits(kind, new)}
    assert set(plant_manifest["flags"][kind]["planted"]) <= keys
    if kind == "bid_ring":  # every way of sharing is planted, and found by the new queries
        assert {r["what"] for r in new} >= {"legal_rep", "shareholder", "registered_person", "address"}


def test_key_ranges_cover_every_key_once(graph):
    ranges = flags.key_ranges(graph, "enterprise", 40)
    assert len(ranges) >= 5 and ranges[0][0] == "" and ranges[-1][1] == flags.TOP
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))  # contiguous, in key order
    keys = [r["u"] for r in graph.run("MATCH (e:Enterprise) RETURN e.uscc AS u")]
    for k in keys:
        assert sum(lo <= k < hi for lo, hi, _ in ranges) == 1, k
    inside = [sum(lo <= k < hi for k in keys) for lo, hi, _ in ranges]
    assert all(n == 40 for n in inside[:-1]) and 0 < inside[-1] <= 40  # cut in key order, 40 keys each


class RefusesWideRanges:
    """The session graph, except that a detector's query over more than an eighth of the keys of its key
    space (firms, tenders, people …) is stopped as if at the database's time limit (as cert_lending was at
    scale 700)."""

    KEYS = {"enterprise": "MATCH (n:Enterprise) RETURN n.uscc AS k", "tender": "MATCH (n:Tender) RETURN n.tender_no AS k",
            "person": "MATCH (n:Person) RETURN n.person_id AS k", "project": "MATCH (n:Project) RETURN n.project_code AS k",
            "penalty": "MATCH (n:Penalty) RETURN n.penalty_id AS k", "permit": "MATCH (n:Permit) RETURN n.permit_no AS k"}

    def __init__(self, base: Graph):
        self.base, self.refused, self.lock = base, 0, __import__("threading").Lock()  # batches run in threads
        self.space = {query: key for kind in flags.DETECTORS for query, key, _ in flags.parts(kind)}
        self.keys = {key: [r["k"] for r in base.run(text)] for key, text in self.KEYS.items()}

    def query(self, name, /, labels=None, **params):
        if name in self.space:
            keys = self.keys[self.space[name]]
            inside = sum(params["lo"] <= k < params["hi"] for k in keys)
            if inside > len(keys) // 8:
                with self.lock:
                    self.refused += 1
                raise QueryTimeout(f"{name}: stopped at the database's time limit")
        return self.base.query(name, labels=labels, **params)


def test_a_refused_range_is_halved_until_it_fits(graph):
    refusing = RefusesWideRanges(graph)
    rows, info = flags.fetch_rows(refusing, "bid_ring", graph.settings, size=10**9)
    assert refusing.refused >= 3 and info.halved == refusing.refused and info.ranges >= 8
    assert rows == flags.fetch_rows(graph, "bid_ring", graph.settings, size=10**9)[0]


def test_a_detector_over_its_budget_fails_and_the_stored_run_stays(graph, tmp_path):
    runs = flags.FlagRuns(graph.settings, store=tmp_path / "flag-run.json")
    first = runs.run_all(graph)
    tight = graph.settings.model_copy(update={"flag_budget_seconds": 1e-9, "flag_batch_keys": 50})
    with pytest.raises(QueryTimeout, match="CHENGXIN_FLAG_BUDGET_SECONDS"):
        flags.fetch_rows(graph, "cert_lending", tight)
    over = flags.FlagRuns(tight, store=runs.store)
    with pytest.raises(QueryTimeout):
        over.run_all(graph)
    assert over.error and over.error.startswith("cert_lending")
    assert over.latest().computed_at == first.computed_at and over.latest().hits == first.hits


def test_the_last_runs_key_ranges_are_used_again_while_the_counts_hold(graph, tmp_path, monkeypatch):
    """Walking the key indexes cost 7 s of the database's time a run at scale 700 (4.5 s the people): a
    run uses the last run's cuts of a key space while its node count is within RECUT_SHARE of the count
    they were cut at, and walks again the key spaces whose count moved. Any cut that covers every key
    once gives the same hits."""
    walked = []
    real = flags.key_ranges
    monkeypatch.setattr(flags, "key_ranges", lambda g, key, size: walked.append(key) or real(g, key, size))
    store = tmp_path / "flag-run.json"
    first = flags.FlagRuns(graph.settings, store=store).run_all(graph)
    spaces = {key for kind in flags.DETECTORS for _, key, _ in flags.parts(kind)}
    assert sorted(walked) == sorted(spaces) == sorted(first.cuts) and all(first.cut_counts[k] > 0 for k in spaces)
    walked.clear()
    second = flags.FlagRuns(graph.settings, store=store).run_all(graph)  # another process reads the stored run
    assert walked == [] and second.cuts == first.cuts and second.hits == first.hits
    stored = flags.load_run(store)
    stored.cut_counts["tender"] = stored.cut_counts["tender"] * 2 + 10  # as if half the tenders were loaded since
    # and the people cut anyhow: three ranges (still every key once), at the size a walk would cut
    size = stored.cuts["person"][0][2]
    stored.cuts["person"] = [("", "RY", size), ("RY", "RY5", size), ("RY5", flags.TOP, size)]
    flags.save_run(store, stored)
    third = flags.FlagRuns(graph.settings, store=store).run_all(graph)
    assert walked == ["tender"] and third.cuts["tender"] == first.cuts["tender"]
    assert third.cuts["person"] == stored.cuts["person"] and third.hits == first.hits


class Counting:
    """The session graph, counting the catalog queries asked of it by name."""

    def __init__(self, base: Graph):
        self.base, self.calls, self.lock = base, {}, __import__("threading").Lock()

    def __getattr__(self, name):
        return getattr(self.base, name)

    def query(self, name, /, labels=None, **params):
        with self.lock:
            self.calls[name] = self.calls.get(name, 0) + 1
        return self.base.query(name, labels=labels, **params)


def test_candidates_shared_by_detectors_are_found_once_per_run(graph):
    """Finding the people registered at two firms, and those acting for a firm while registered at another,
    reads every person (11 s of the database at scale 700): cert_lending finds them, bid_ring takes them from the
    run's memo, and each asks its queries only for the ranges that hold one, with the same rows as finding them
    itself."""
    counting, memo = Counting(graph), {}
    cert, _ = flags.fetch_rows(counting, "cert_lending", graph.settings, size=25, memo=memo)
    found = counting.calls["flag_people_candidates"]
    twice = memo["people_registered_twice"]
    assert found >= 10 and twice == sorted(r["p"] for r in graph.run(
        "MATCH (p:Person) WHERE COUNT { (p)-[:REGISTERED_AT]->() } > 1 RETURN p.person_id AS p"))
    acting = memo["people_acting_elsewhere"]
    assert {r["person_id"] for r in cert if r["pattern"] == "acting"} <= set(acting)
    assert counting.calls["flag_cert_lending"] <= len(acting) < graph.run("MATCH (p:Person) RETURN count(p) AS n")[0]["n"]
    ring, info = flags.fetch_rows(counting, "bid_ring", graph.settings, size=25, memo=memo)
    assert counting.calls["flag_people_candidates"] == found  # not again
    assert counting.calls["flag_bid_ring_people"] <= len(twice) < info.ranges
    assert cert == flags.fetch_rows(graph, "cert_lending", graph.settings, size=25)[0]
    assert ring == flags.fetch_rows(graph, "bid_ring", graph.settings, size=25)[0]
    assert {r["what"] for r in ring} >= {"registered_person"} and {r["pattern"] for r in cert} == {"acting", "double"}


def test_bid_ring_and_bid_rotation_read_every_tender_once_and_ask_only_for_candidates(graph):
    """Every tender's winners and bidders are read once a run (one line a tender, compared in Python): bid_ring
    asks its tender query only for the tenders where two bidders share a legal representative, phone or
    address, bid_rotation only for the firms of pairs that each won a tender the other bid on. Their rows are
    those of asking every key."""
    counting, memo = Counting(graph), {}
    ring, _ = flags.fetch_rows(counting, "bid_ring", graph.settings, size=25, memo=memo)
    reads = counting.calls["flag_tender_bidders"]
    rotation, info = flags.fetch_rows(counting, "bid_rotation", graph.settings, size=25, memo=memo)
    assert reads >= 5 and counting.calls["flag_tender_bidders"] == reads  # not again for bid_rotation
    assert counting.calls["flag_firm_details"] >= 1
    linked, rotating = memo["linked_tenders"], memo["rotating_firms"]
    assert 0 < counting.calls["flag_bid_ring"] <= len(linked) and 0 < counting.calls["flag_bid_rotation"] <= len(rotating)
    assert counting.calls["flag_bid_rotation"] < info.ranges
    everyone = {"tender": [r["k"] for r in graph.run("MATCH (t:Tender) RETURN t.tender_no AS k")],
                "enterprise": [r["k"] for r in graph.run("MATCH (e:Enterprise) RETURN e.uscc AS k")]}
    whole = graph.query("flag_bid_ring", lo="", hi=flags.TOP, keys=everyone["tender"])
    assert {r["tender_no"] for r in whole} <= set(linked)
    assert _norm([r for r in ring if r["what"] in ("legal_rep", "phone", "address")]) == _norm(whole) and whole
    whole = graph.query("flag_bid_rotation", lo="", hi=flags.TOP, keys=everyone["enterprise"],
                        **flags.detector("bid_rotation").params(graph.settings))
    assert {r["a_uscc"] for r in whole} <= set(rotating) and _norm(rotation) == _norm(whole) and whole


def _found(tenders: list[tuple[str, list[str], list[str]]], firms: dict[str, tuple] | None = None) -> dict:
    """The reads as flag_tender_bidders and flag_firm_details return them (one row a batch, one line each)."""
    k = "k".__add__
    lines = ["t" + tno + flags.PART + flags.SEP.join(map(k, won)) + flags.PART + flags.SEP.join(map(k, bid))
             for tno, won, bid in tenders]
    details = [flags.SEP.join([k(key), "" if rep is None else "v" + rep, "v" + (phone or ""), "v" + (address or "")])
               for key, (rep, phone, address) in (firms or {}).items()]
    return {"flag_tender_bidders": flags.READS["flag_tender_bidders"].parse([{"tenders": lines[:1]}, {"tenders": lines[1:]}]),
            "flag_firm_details": flags.READS["flag_firm_details"].parse([{"firms": details}])}


def test_bid_rings_candidate_tenders_are_compared_as_the_query_compares():
    firms = {"A": ("p1", "010-1", "北京路1号"), "B": ("p2", "010-1", ""), "C": ("p3", "", ""), "D": ("p4", "", ""),
             "E": ("", "", None), "F": ("", None, None), "G": (None, "", ""), "H": (None, "", ""),
             "I": ("p9", "", "上海路2号"), "J": ("p10", None, "上海路2号")}
    found = _found([("T1", [], ["A", "B"]),  # the same phone
                    ("T2", ["C"], ["C", "D"]),  # nothing in common
                    ("T3", [], ["A", "A"]),  # one firm twice is not a pair
                    ("T4", [], ["E", "F"]),  # the same empty legal representative's key: equal in Cypher too
                    ("T5", [], ["G", "H"]),  # no legal representative, empty phone and address: nothing shared
                    ("T6", [], ["C", "I", "J"]),  # the same address
                    ("T7", [], ["X", "Y"])], firms)  # firms with no details (not read): no crash, no pair
    assert flags._linked_tenders(found, None) == ["T1", "T4", "T6"]


def test_bid_rotations_candidates_count_as_the_query_counts(settings):
    three = settings.model_copy(update={"flag_min_together": 3})
    rotating = [("1", ["A"], ["A", "B"]), ("2", ["B"], ["A", "B"]), ("3", [], ["A", "B", "C"]),  # A and B: 3 together
                ("4", ["C"], ["C", "D"]), ("5", ["D"], ["C", "D"]),  # C and D: twice only
                ("6", ["E"], ["F", "G"]), ("7", ["F"], ["E"]), ("8", [], ["E", "F"]), ("9", [], ["E", "F"])]
    # E won with F bidding, F won a tender E bid on although F itself did not bid on it (as the query asks);
    # together counts only where both bid: 8 and 9 (and 7 for E alone), so E and F bid together twice
    assert flags._rotating_firms(_found(rotating), three) == ["A"]
    two = settings.model_copy(update={"flag_min_together": 2})
    assert flags._rotating_firms(_found(rotating), two) == ["A", "C", "E"]


def test_a_read_line_keeps_a_key_shaped_like_an_id_number():
    """Every result goes through the privacy filter, which masks what reads as an ID number: the reads mark each
    key with a letter, so a firm key of that shape (as a firm's USCC may be) is compared and asked for as it is."""
    from chengxin.graph.privacy import is_id_number, redact

    key = "11010519491231002X"
    assert is_id_number(key) and redact(key) != key  # bare, it would be masked
    line = "t" + key + flags.PART + "k" + key + flags.PART + "k" + key + flags.SEP + "k91110000MA95QK3N14"
    assert redact({"tenders": [line]}) == {"tenders": [line]}
    assert flags.READS["flag_tender_bidders"].parse([{"tenders": [line]}]) == [("t" + key, ["k" + key], ["k" + key, "k91110000MA95QK3N14"])]


def test_the_stored_run_round_trips_and_is_private(graph, tmp_path):
    runs = flags.FlagRuns(graph.settings, store=tmp_path / "flag-run.json")
    run = runs.run_all(graph)
    assert stat.S_IMODE(runs.store.stat().st_mode) == 0o600
    again = flags.load_run(runs.store)
    assert again.hits == run.hits  # dates come back as dates
    assert again.computed_at == run.computed_at and set(again.seconds) == set(flags.DETECTORS)
    assert again.total_seconds >= max(again.seconds.values())


def test_a_pages_hits_come_from_the_runs_index_and_match_a_full_scan(graph, tmp_path):
    """for_entity / for_firm read an index made once per run; it gives what going through every
    hit gives, for every entity and firm the run names, and for one it does not."""
    runs = flags.FlagRuns(graph.settings, store=tmp_path / "flag-run.json")
    found = runs.run_all(graph).hits
    every = [h for hits in found.values() for h in hits]
    refs = {(e["route"], e["key"]) for h in every for e in h["evidence"]}
    firms = {u for h in every for u in h["firms"]}
    assert len(refs) > 20 and len(firms) > 10
    for route, key in refs | {("enterprise", "NO-SUCH-FIRM")}:
        scan = [h for h in every if any(e["route"] == route and e["key"] == key for e in h["evidence"])]
        assert runs.for_entity(graph, route, key) == scan, (route, key)
    for uscc in firms | {"NO-SUCH-FIRM"}:
        assert runs.for_firm(graph, uscc) == [h for h in every if uscc in h["firms"]], uscc


def _flag_queries(monkeypatch) -> list[str]:
    asked: list[str] = []
    real = Graph.query

    def spy(self, name, /, labels=None, **params):
        if name.startswith("flag_") and not name.startswith("flag_keys_"):  # a key walk (the ranking's too) runs no detector
            asked.append(name)
        return real(self, name, labels=labels, **params)

    monkeypatch.setattr(Graph, "query", spy)
    return asked


def test_the_stored_run_survives_an_app_restart_and_pages_read_it(app, settings, graph, monkeypatch):
    from chengxin.web import create_app

    # A run of the data as it is now (earlier tests loaded files: a run older than those loads is out
    # of date, and a restarted app would rightly make a new one in the background).
    before = app.extensions["chengxin"]["flag_runs"].run_all(graph)
    assert before is not None and before.data_version == flags.data_version(graph)
    asked = _flag_queries(monkeypatch)
    restarted = create_app(settings, graph=graph)  # a new app: nothing in memory
    runs = restarted.extensions["chengxin"]["flag_runs"]
    client = restarted.test_client()
    index = client.get("/api/flags").get_json()
    assert index["computed_at"] == before.computed_at.isoformat(sep=" ") and not index["pending"]
    assert {k["kind"]: k["count"] for k in index["kinds"]} == {k: len(v) for k, v in before.hits.items()}
    for kind in flags.DETECTORS:
        assert client.get(f"/flags/{kind}").status_code == 200
    ranking = client.get("/api/risk").get_json()
    assert not ranking["flags_pending"] and any(r["flags"] for r in ranking["rows"])
    assert 'id="flags-run"' in client.get("/risk").get_data(as_text=True)
    assert asked == [] and runs.thread is None  # read, not run: no detector query, no background run


def test_pages_never_wait_for_a_run(app, settings, graph, tmp_path, monkeypatch):
    from chengxin.web import create_app

    fresh = create_app(settings, graph=graph)
    runs = fresh.extensions["chengxin"]["flag_runs"] = flags.FlagRuns(settings, store=tmp_path / "none-yet.json")
    asked = _flag_queries(monkeypatch)
    client = fresh.test_client()
    first = client.get("/api/flags").get_json()
    assert first["pending"] and not any(k["count"] for k in first["kinds"])
    thread = runs.thread
    assert thread is not None  # started in the background, not waited for
    risk = client.get("/api/risk").get_json()
    assert risk["flags_pending"] and not any(r["flags"] for r in risk["rows"])
    thread.join(120)
    assert runs.latest() is not None and runs.store.exists() and asked
    index = client.get("/api/flags").get_json()
    assert not index["pending"] and all(k["count"] > 0 for k in index["kinds"])


def test_a_stored_run_is_made_again_only_when_a_load_changed_the_data(graph, tmp_path):
    """At scale 700 a run is minutes of database work: pages must not start one every few minutes
    on a busy site, only after a load (a new dataset record) or when the run is older than a day."""
    import datetime as dt

    settings = graph.settings.model_copy(update={"flag_cache_seconds": 0.0})  # read the version every time
    runs = flags.FlagRuns(settings, store=tmp_path / "run.json")
    run = flags.FlagRun(hits={}, computed_at=dt.datetime.now(), data_version=runs.data_version(graph))
    assert not runs.stale(run, graph)  # nothing loaded since: kept, however often pages ask
    old = flags.FlagRun(hits={}, computed_at=dt.datetime.now() - dt.timedelta(hours=25),
                        data_version=run.data_version)
    assert runs.stale(old, graph)  # over flag_max_age_hours
    graph.query("record_dataset", name="test-data-version",
                props={"loaded_at": "2999-01-01T00:00:00", "rows": 0})
    try:
        assert runs.stale(run, graph)  # a load recorded a dataset since the run began
        held = flags.FlagRuns(graph.settings, store=tmp_path / "run.json")  # the default: read every 300 s
        held._version = (__import__("time").monotonic(), run.data_version)
        assert not held.stale(run, graph)  # the version read a moment ago is trusted until then
    finally:
        graph.run("MATCH (d:Dataset {name: 'test-data-version'}) DELETE d", write=True)
    assert not runs.stale(run, graph)


def test_the_risk_ranking_is_scored_once_per_run_day_and_data(graph, tmp_path, monkeypatch):
    """Scoring every firm takes seconds at scale 700: /risk scores once for a run, a day and the data's
    version, not again every flag_cache_seconds, and again after a load changed the data."""
    from chengxin.graph import risk

    settings = graph.settings.model_copy(update={"flag_cache_seconds": 0.0})  # read the version every time
    runs = flags.FlagRuns(settings, store=tmp_path / "run.json")
    calls = []
    real = risk._scored
    monkeypatch.setattr(risk, "_scored", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = risk.ranking(graph, settings=settings, runs=runs, wait=True)
    again = risk.ranking(graph, settings=settings, runs=runs, limit=5)
    assert len(calls) == 1 and again["rows"] == first["rows"][:5] and again["total"] == first["total"]
    graph.query("record_dataset", name="test-ranking-version", props={"loaded_at": "2999-01-01T00:00:00", "rows": 0})
    try:
        risk.ranking(graph, settings=settings, runs=runs, wait=True)
        assert len(calls) == 2  # a load changed the data: scored again
    finally:
        graph.run("MATCH (d:Dataset {name: 'test-ranking-version'}) DELETE d", write=True)
    risk.ranking(graph, settings=settings, runs=runs, today=first["today"] + __import__("datetime").timedelta(days=1),
                 wait=True)
    assert len(calls) == 3  # another day: qualifications and sanctions expire


def test_the_risk_page_never_waits_long_for_scoring_and_shows_what_it_holds(app, settings, graph, tmp_path,
                                                                           monkeypatch):
    """Scoring every firm is a background job: a page waits for it a moment at most, then says a
    ranking is being computed (none held yet) or shows the one it holds with its day; a score that
    fails leaves the page answering. The firms' facts are read in key ranges (each query small)."""
    import threading
    import time

    from chengxin.graph import risk
    from chengxin.web import create_app

    fresh = create_app(settings, graph=graph)
    runs = fresh.extensions["chengxin"]["flag_runs"]
    runs.run_all(graph)
    real, gate = risk._scored, threading.Event()
    monkeypatch.setattr(risk, "_scored", lambda *a, **k: gate.wait(60) and real(*a, **k))
    monkeypatch.setattr(risk, "FACT_RANGE", 7)  # many ranges: every firm still read once
    client = fresh.test_client()
    t = time.monotonic()
    page = client.get("/risk")
    assert page.status_code == 200 and time.monotonic() - t < risk.PAGE_WAIT_SECONDS + 5
    assert 'id="ranking-pending"' in page.get_data(as_text=True)
    assert client.get("/api/risk").get_json()["ranking_pending"]
    gate.set()
    risk._jobs[runs].join(60)
    data = client.get("/api/risk").get_json()
    assert not data["ranking_pending"] and not data["ranking_stale"] and data["total"] > 0
    today = __import__("datetime").date.today()
    whole = [r["uscc"] for r in real(graph, runs.latest().hits, today, settings) if ":" not in r["uscc"]]
    assert data["total"] == len(whole) and [r["uscc"] for r in data["rows"]] == whole[:len(data["rows"])]
    # The next day: the held ranking is shown, said to be of its day, while a new one is scored.
    gate.clear()
    runs.ranked = (runs.ranked[0][:1] + (runs.ranked[0][1] - __import__("datetime").timedelta(days=1),)
                   + runs.ranked[0][2:], runs.ranked[1])
    stale = client.get("/api/risk").get_json()
    assert stale["ranking_stale"] and stale["total"] == data["total"]
    assert 'id="ranking-pending"' in client.get("/risk").get_data(as_text=True)
    gate.set()
    risk._jobs[runs].join(60)
    assert not client.get("/api/risk").get_json()["ranking_stale"]
