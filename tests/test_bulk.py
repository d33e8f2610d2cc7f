"""The bulk first load (loaders/csv_folder.py, ``cypher/bulk/``) against the MERGE path.

One embedded server of the module's own (never the session graph, which is not empty): the same
folder (the sample, the planted cases, and rows that are refused, repeated or conflicting) is loaded
into the emptied graph by each path, and every node's and relationship's properties are compared;
the load time stamp (``loaded_at``) is the one property that differs between two loads.
"""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import pytest

from chengxin.graph import embedded
from chengxin.graph.db import connect
from chengxin.graph.errors import InvalidInput, LoadAborted
from chengxin.graph.model import get_model
from chengxin.graph.schema import ensure_schema
from chengxin.graph.settings import Settings
from chengxin.loaders.checks import AGAIN, CONFLICT, NEW, Seen
from chengxin.loaders.csv_folder import FolderLoader
from chengxin.loaders.ids import Pseudonyms
from chengxin.loaders.ingest import load_folder
from chengxin.loaders.plant import plant

from .conftest import SAMPLE, make_uscc
from .test_jzsc_stages import write_stage_tables


@pytest.fixture(scope="module")
def g(tmp_path_factory):
    import os

    # A longer command limit than the analysts' 5 s: the dumps read the whole graph on a shared machine.
    s = Settings(home=tmp_path_factory.mktemp("bulk") / "home", uri=os.environ.get("CHENGXIN_URI") or None,
                 start_timeout=180, query_timeout=120)
    graph = connect(s)
    ensure_schema(graph)
    yield graph
    graph.close()
    if s.embedded:
        embedded.stop(s)


def wipe(graph) -> None:
    graph.run("MATCH (n) DETACH DELETE n", write=True)


def _append(path: Path, rows: list[dict]) -> None:
    with open(path, encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    with open(path, "a", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header)
        for r in rows:
            w.writerow({k: r.get(k, "") for k in header})


def first_rows(path: Path, n: int) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return [r for _, r in zip(range(n), csv.DictReader(f))]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The sample and the planted cases in one folder, with rows of every kind the loader treats
    apart: repeats (loaded again), repeated keys with other values (refused), invalid rows, a tender
    with a second winner, an award to two subjects, a legal representative who has a persons row."""
    d = tmp_path_factory.mktemp("bulkdata") / "folder"
    shutil.copytree(SAMPLE, d)
    planted = tmp_path_factory.mktemp("bulkplant")
    plant(planted)
    for f in planted.glob("*.csv"):
        with open(f, encoding="utf-8", newline="") as i:
            _append(d / f.name, list(csv.DictReader(i)))
    ent = first_rows(d / "enterprises.csv", 3)
    _append(d / "enterprises.csv", [
        ent[0],  # the same row again: loads (a MERGE)
        {**ent[1], "name": "冒名建设有限公司"},  # the same key, another name: refused
        {**ent[2], "uscc": "not-a-uscc"},  # invalid
        {**ent[2], "uscc": make_uscc("MA0BULK01"), "name": "控制\x1b字符有限公司"},  # control character
        {"uscc": make_uscc("MA0BULK02"), "name": "新法人有限公司", "type": "施工", "legal_rep_id": "RYBULK0001",
         "legal_rep_name": "钱某"},
    ])
    _append(d / "persons.csv", [{"person_id": "RYBULK0001", "name": "钱某某", "gender": "女"}])
    tender = first_rows(d / "tenders.csv", 1)[0]
    _append(d / "tenders.csv", [{**tender, "winner_uscc": make_uscc("MA0BULK03"), "winning_price": "1.5"}])
    award = first_rows(d / "awards.csv", 1)[0]
    _append(d / "awards.csv", [{**award, "subject_type": "enterprise", "subject_id": make_uscc("MA0BULK04")}])
    part = first_rows(d / "participations.csv", 2)
    _append(d / "participations.csv", [part[0], {**part[1], "remark": "另一备注"}])
    bid = first_rows(d / "bids.csv", 1)[0]
    _append(d / "bids.csv", [bid, {**bid, "uscc": make_uscc("MA0BULK05")}])  # a repeat; a stub bidder
    write_stage_tables(d)  # a project's life: contracts, reviews, permits, completions, who each names
    return d


def dump(graph) -> tuple[Counter, Counter]:
    """Every node (labels, properties) and relationship (type, its ends' keys, properties), without
    the load time, as multisets: a node made twice shows as a count of 2."""
    keys = {name: spec.key for name, spec in get_model().labels.items()}

    def key_of(labels, props):
        for lab in sorted(labels):
            if lab in keys:
                return (lab, props.get(keys[lab]))
        return (tuple(sorted(labels)), None)

    def clean(props):
        return tuple(sorted((k, repr(v)) for k, v in props.items() if k != "loaded_at"))

    nodes = Counter()
    for r in graph.run("MATCH (n) RETURN labels(n) AS l, properties(n) AS p"):
        nodes[(tuple(sorted(r["l"])), clean(r["p"]))] += 1
    rels = Counter()
    for r in graph.run("MATCH (a)-[x]->(b) RETURN labels(a) AS la, properties(a) AS pa, type(x) AS t, "
                       "properties(x) AS px, labels(b) AS lb, properties(b) AS pb"):
        rels[(key_of(r["la"], r["pa"]), r["t"], key_of(r["lb"], r["pb"]), clean(r["px"]))] += 1
    return nodes, rels


def summary(report) -> list[tuple]:
    return [(t.table, t.read, t.loaded, t.rejected, sorted((k, v["count"], v["line"]) for k, v in t.reasons.items()))
            for t in report.tables]


def rejects(report) -> list[tuple]:
    with open(report.rejects_file, encoding="utf-8-sig") as f:
        return sorted((r["file"], r["line"], r["reason"]) for r in csv.DictReader(f))


@pytest.fixture(scope="module")
def merged(g, folder):
    wipe(g)
    report = load_folder(g, folder, progress=False, mode="merge")
    assert report.mode == "merge"
    return report, dump(g)


def test_the_bulk_path_makes_the_same_graph_as_the_merge_path(g, folder, merged):
    merge_report, (merge_nodes, merge_rels) = merged
    wipe(g)
    report = load_folder(g, folder, progress=False)  # an empty graph: the bulk path, chosen by itself
    assert report.mode == "bulk"
    nodes, rels = dump(g)
    assert sum(nodes.values()) == sum(merge_nodes.values()) > 3000
    assert sum(rels.values()) == sum(merge_rels.values()) > 5000
    assert nodes == merge_nodes
    assert rels == merge_rels
    assert max(nodes.values()) == 1 and max(rels.values()) == 1  # nothing made twice
    assert summary(report) == summary(merge_report)
    assert rejects(report) == rejects(merge_report)
    refused = [r for r in rejects(report) if r[0] == "enterprises.csv"]
    assert any("the same uscc as line 2" in r[2] or "the same uscc as line 3" in r[2] for r in refused), refused
    # the two winners of one tender, the two subjects of one award, the legal representative's own row
    assert g.run("MATCH (p:Person {person_id: $p}) RETURN p.name AS n, p.stub AS s",
                 {"p": Pseudonyms.for_settings(g.settings).person_key("RYBULK0001")}) == [{"n": "钱某某", "s": False}]


def test_a_reload_after_a_bulk_load_changes_nothing(g, folder, merged):
    wipe(g)
    first = load_folder(g, folder, progress=False)
    assert first.mode == "bulk"
    before = dump(g)
    again = load_folder(g, folder, progress=False)
    assert again.mode == "merge"  # the graph is not empty now
    assert dump(g) == before
    assert summary(again) == summary(first)
    with pytest.raises(InvalidInput, match="only into an empty graph"):
        load_folder(g, folder, progress=False, mode="bulk")


def test_a_bulk_load_stopped_part_way_runs_again_to_the_same_graph(g, folder, merged):
    _, expected = merged
    wipe(g)

    class Stops(FolderLoader):
        calls = 0

        def _write(self, table, slots, rows, loaded_at, create=False):
            Stops.calls += 1
            if table.name == "registrations":  # the node tables are in; the database goes away
                raise LoadAborted("the database went away (test)")
            super()._write(table, slots, rows, loaded_at, create)

    with pytest.raises(LoadAborted):
        Stops(g, Pseudonyms.for_settings(g.settings), progress=False).load(folder, folder.parent / "r1.csv")
    assert g.run("MATCH (n) RETURN count(n) AS c")[0]["c"] > 0
    report = load_folder(g, folder, progress=False)
    assert report.mode == "merge"
    assert dump(g) == expected


def test_the_repeated_key_check_keeps_a_number_per_key_and_names_the_conflict(tmp_path):
    seen = Seen("enterprises")
    row = {"uscc": "A", "props": {"name": "甲", "type": "施工"}, "source": "s", "source_url": None}
    assert seen.check(1, row) == (NEW, 1)
    assert seen.check(2, dict(row)) == (AGAIN, 1)
    other = {**row, "props": {"name": "乙", "type": "监理"}}
    assert seen.check(3, other) == (CONFLICT, 1)
    assert all(isinstance(v, int) for v in seen.first.values())
    assert seen.explain(2, row, other) == ("the same uscc as line 2 with other values (name, type): the first row "
                                           "is kept, this one is not loaded")
    # a tender with a second winner is the same key again, not a conflict
    tenders = Seen("tenders")
    t = {"tender_no": "T", "winner_uscc": "W1", "winning_price": 1.0, "props": {"method": "公开"}, "source": "s"}
    tenders.check(1, t)
    assert tenders.check(2, {**t, "winner_uscc": "W2", "winning_price": 2.0})[0] == AGAIN


def test_the_conflicting_rows_are_named_from_a_second_read(g, tmp_path):
    d = tmp_path / "conflicts"
    d.mkdir()
    rows = [{"uscc": make_uscc(f"MA0BULKC{i}"), "name": f"公司{i}", "type": "施工"} for i in range(3)]
    with open(d / "enterprises.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["uscc", "name", "type"])
        w.writeheader()
        w.writerows(rows + [{**rows[2], "type": "监理"}, rows[0], {**rows[0], "name": "冒名公司"}])
    report = FolderLoader(g, Pseudonyms(b"t"), progress=False, mode="merge").load(d, tmp_path / "r.csv")
    assert (report.tables[0].loaded, report.tables[0].rejected) == (4, 2)
    assert [(r[1], r[2].split(":")[0]) for r in rejects(report)] == [
        ("5", "the same uscc as line 4 with other values (type)"),
        ("7", "the same uscc as line 2 with other values (name)"),
    ]


def test_the_national_platforms_records_make_the_same_graph_by_either_path(g):
    """``--format jzsc`` (tests/data/jzsc and the real export) by the bulk path and by MERGE."""
    from chengxin.loaders.ingest import open_source

    from .test_jzsc import FIXTURES, REAL

    graphs = []
    for mode in ("merge", "bulk"):
        wipe(g)
        for path in (FIXTURES, REAL):
            loader = FolderLoader(g, Pseudonyms.for_settings(g.settings), progress=False, mode="auto" if mode == "bulk" else mode)
            report = loader.load(open_source(path, "jzsc", "jzsc"), Path(g.settings.home) / f"{mode}-{path.name}-rejects.csv")
            assert report.mode == ("bulk" if mode == "bulk" and path == FIXTURES else "merge")
        graphs.append(dump(g))
    (merge_nodes, merge_rels), (nodes, rels) = graphs
    assert sum(nodes.values()) == sum(merge_nodes.values()) > 100
    assert nodes == merge_nodes and rels == merge_rels
    assert max(nodes.values()) == 1 and max(rels.values()) == 1
