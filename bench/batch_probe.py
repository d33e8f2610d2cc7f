"""What ArcadeDB's own batch API would cost a first load: a probe, not a load path.

    python bench/batch_probe.py [--vertices 500000] [--edges 500000]

ArcadeDB's ``GraphBatch`` (``arcadedb_embedded``: rows cross into the JVM as one JSON string per
chunk, edges are buffered and connected at the end) run in this process on a database of its own
under a temporary folder, with no server, no Bolt and no Cypher: the cheapest way ArcadeDB offers to
write a graph from Python. Person-like vertices (nine properties, one a DATE) and relationships with
three properties between them and firm-like vertices, three ways: no index; the key's unique index
and a CJK full-text index on the name made before the load (as chengxin's schema has them); and the
same two indexes built after the load. Printed: wall seconds and the process's CPU microseconds per
vertex and per edge (the CPU figure is the one to compare on a shared machine).

Why it is here: ``chengxin load`` spends ~58 us of Python a row reading, validating and building it
(``bench/run.py --only check``), and the database ~3x that executing ``UNWIND`` Cypher over Bolt.
This probe measures how much of the database's share a native bulk path could save, before building
one (README, "Scale 700: the load").
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path


def _run(root: Path, n_vertices: int, n_edges: int, indexes: str) -> dict:
    import arcadedb_embedded as arcadedb

    path = root / f"probe-{indexes}"
    shutil.rmtree(path, ignore_errors=True)
    db = arcadedb.create_database(str(path))
    try:
        for statement in ("CREATE VERTEX TYPE Person", "CREATE VERTEX TYPE Enterprise", "CREATE EDGE TYPE REGISTERED_AT",
                          "CREATE PROPERTY Person.birth DATE"):
            db.command("sql", statement)

        def index() -> None:
            db.command("sql", "CREATE PROPERTY Person.person_id STRING")
            db.command("sql", "CREATE INDEX ON Person (person_id) UNIQUE")
            db.command("sql", "CREATE PROPERTY Person.name STRING")
            db.command("sql", 'CREATE INDEX ON Person (name) FULL_TEXT METADATA '
                              '{"analyzer": "org.apache.lucene.analysis.cjk.CJKAnalyzer"}')

        if indexes == "before":
            index()
        rows = [{"person_id": f"P{i:09d}", "name": f"张{i}", "birth": "1980-01-02", "stub": False, "source": "probe",
                 "loaded_at": "2026-11-21T00:00:00+00:00", "gender": "男", "id_number_masked": "3201**********1234",
                 "region_code": "330106"} for i in range(n_vertices)]
        out = {"indexes": indexes}
        t, c = time.perf_counter(), time.process_time()
        with db.graph_batch(expected_edge_count=n_edges) as batch:
            rids = []
            for i in range(0, n_vertices, 20_000):
                rids += batch.create_vertices("Person", rows[i:i + 20_000])
            firms = batch.create_vertices("Enterprise", [{"uscc": f"91{i:016d}", "name": "公司"}
                                                         for i in range(max(1, n_vertices // 5))])
            out["vertex_s"], out["vertex_cpu_us"] = time.perf_counter() - t, (time.process_time() - c) / n_vertices * 1e6
            rng = random.Random(7)
            t, c = time.perf_counter(), time.process_time()
            for i in range(0, n_edges, 20_000):
                k = min(20_000, n_edges - i)
                batch.new_edges([rids[rng.randrange(n_vertices)] for _ in range(k)], "REGISTERED_AT",
                                [firms[rng.randrange(len(firms))] for _ in range(k)],
                                [{"reg_type": "一级注册建造师", "source": "probe", "loaded_at": "2026-11-21"}] * k)
        out["edge_s"], out["edge_cpu_us"] = time.perf_counter() - t, (time.process_time() - c) / n_edges * 1e6
        if indexes == "after":
            t, c = time.perf_counter(), time.process_time()
            index()
            out["index_s"], out["index_cpu_us"] = time.perf_counter() - t, (time.process_time() - c) / n_vertices * 1e6
        return out
    finally:
        db.close()
        shutil.rmtree(path, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--vertices", type=int, default=500_000)
    ap.add_argument("--edges", type=int, default=500_000)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="chengxin-probe-"))
    try:
        print(f"\n== ArcadeDB GraphBatch in process: {args.vertices:,} vertices, {args.edges:,} edges ==")
        for indexes in ("none", "before", "after"):
            r = _run(root, args.vertices, args.edges, indexes)
            line = (f"  indexes {indexes:<7} vertices {r['vertex_s']:6.1f} s ({r['vertex_cpu_us']:5.1f} us CPU each), "
                    f"edges {r['edge_s']:6.1f} s ({r['edge_cpu_us']:5.1f} us CPU each)")
            if "index_s" in r:
                line += f", indexes built after {r['index_s']:5.1f} s ({r['index_cpu_us']:5.1f} us CPU a vertex)"
            print("\n" + line, flush=True)  # the JVM logs to the same stream without ending its lines
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
