"""chengxin benchmark: figures and ratios measured side by side in one run.

    python bench/run.py [--scale 100] [--baseline-rows 1000] [--minimal-rows 5000] [--rounds 3] [--requests 200]
                        [--folder DIR] [--only load|flags|check]
    python bench/run.py --home /work/data/home700 --pages-only [--requests 200] [--paths 100]
    python bench/run.py --only matching   (entity matching: precision and recall on the labelled set, seconds)

1. Load throughput: the loader (batched UNWIND … MERGE) against a naive baseline, one row per
   transaction, on the same rows of the same sample (each load under fresh keys, on a server of
   its own), taking turns after one uncounted round; the ratio is of the medians. Three pairs:
   the loader's own statements with one row per transaction (the same work, only the transactions
   differ) over the whole sample at scale 1, and over the first rows of every table of the
   --scale sample; and a hand-written MERGE for enterprises and participations that writes fewer
   properties than the loader does.
2. The first load of the whole sample at --scale (or of --folder, e.g. a pre-generated scale-700 folder,
   only read) side by side: the bulk path against the MERGE path, each into an empty database of its
   own (default heap), each in a process of its own: seconds, rows/s, the ratio, the loader's peak RSS
   (psutil, sampled) and the database's resident memory (now and its peak); both must load and refuse
   the same rows. ``--only load`` stops there.
3. Every page (bench/pages.py): home and its counts, each entity page (random keys and the biggest
   authority and firms), search, the graph view, sources, console, the query library and the
   relationship finder, server side (Flask test client: query + view + template), p50/p95 over
   random keys, old queries beside their replacements where both run; resident memory of the
   embedded database process.

``--only check``: the loader's own share of a load, alone: every row read, validated and built as a load
would (``chengxin load --check``), no database; seconds, CPU microseconds a row (the process's CPU time,
so a busy machine does not inflate it much) per table and in total, and the peak resident memory. A
load cannot be faster than this on one Python thread, whatever the database does.

Runs on its own temporary homes (embedded servers of its own), so it never touches your data;
``--home H --pages-only`` runs only part 3, reading the graph already loaded under ``H``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import threading
import statistics
import tempfile
import time
import shutil
from pathlib import Path


from chengxin.graph import embedded, queries
from chengxin.graph.db import connect
from chengxin.graph.schema import ensure_schema
from chengxin.graph.settings import Settings
from chengxin.loaders.csv_folder import TABLES, FolderLoader
from chengxin.loaders.ids import Pseudonyms
from chengxin.loaders.readers import read_table
from chengxin.loaders.plant import plant
from chengxin.loaders.sample import generate

import pages  # bench/pages.py, beside this file


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def subset(src: Path, dst: Path, tables: list[str], n: int) -> int:
    dst.mkdir(parents=True, exist_ok=True)
    total = 0
    for t in tables:
        lines = (src / f"{t}.csv").read_text("utf-8").splitlines(keepends=True)
        body = lines[1 : 1 + n]
        (dst / f"{t}.csv").write_text(lines[0] + "".join(body), "utf-8")
        total += len(body)
    return total


#: Columns holding a node key (or a reference to one), in every table of the input format.
KEY_COLUMNS = {"uscc", "legal_rep_id", "person_id", "project_code", "owner_uscc", "cert_no", "tender_no",
               "agency_uscc", "winner_uscc", "award_id", "subject_id", "penalty_id", "from_uscc", "to_uscc",
               "holder_id"}


def relabel(src: Path, dst: Path, tag: str) -> None:
    """Copy a table folder with every key given a prefix of its own (``XX-TAG:`` is a scheme the
    loader accepts wherever a USCC goes): the same rows, as new nodes of the same shape, so that
    loads can follow one another in one graph without deleting anything in between."""
    dst.mkdir(parents=True, exist_ok=True)
    for f in src.glob("*.csv"):
        with open(f, encoding="utf-8", newline="") as i, open(dst / f.name, "w", encoding="utf-8", newline="") as o:
            rows = csv.DictReader(i)
            w = csv.DictWriter(o, fieldnames=rows.fieldnames)
            w.writeheader()
            for r in rows:
                w.writerow({k: (f"XX-{tag}:{v}" if k in KEY_COLUMNS and v else v) for k, v in r.items()})


def naive_load(graph, folder: Path) -> int:
    """The hand-written baseline: one transaction per row, a MERGE of each enterprise (with its legal
    representative) and each participation, writing fewer properties than the loader does."""
    rows = 0
    _, ents = read_table(folder / "enterprises.csv")
    for _, r in ents:
        graph.run("MERGE (e:Enterprise {uscc: $uscc}) SET e.name = $name, e.type = $type, e.region_code = $region, "
                  "e.source = 'naive', e.loaded_at = $t "
                  "MERGE (p:Person {person_id: $rep}) ON CREATE SET p.name = $rep_name, p.stub = true "
                  "MERGE (p)-[l:LEGAL_REP_OF]->(e) SET l.source = 'naive', l.loaded_at = $t",
                  {"uscc": r["uscc"], "name": r["name"], "type": r["type"], "region": r["region_code"], "t": "now",
                   "rep": r["legal_rep_id"], "rep_name": r["legal_rep_name"]},
                  write=True)
        rows += 1
    _, parts = read_table(folder / "participations.csv")
    for _, r in parts:
        graph.run("MERGE (e:Enterprise {uscc: $uscc}) MERGE (p:Project {project_code: $code}) "
                  "MERGE (e)-[x:PARTICIPATES_IN {role: $role}]->(p) SET x.source = 'naive', x.loaded_at = $t",
                  {"uscc": r["uscc"], "code": r["project_code"], "role": r["role"], "t": "now"}, write=True)
        rows += 1
    return rows


def side_by_side(folder: Path, what: str, naive, batched, rounds: int) -> None:
    """Time ``naive(f)`` and ``batched(f)`` (each loads folder ``f`` and returns the rows loaded) on
    the rows of ``folder``, taking turns: one round that is not counted (the JVM compiles the write
    paths as it goes, for both alike), then ``rounds`` counted ones. Every load gets its own copy of
    the rows under fresh keys (``relabel``), so nothing is deleted between loads: a delete leaves
    index tombstones that slow the next load's lookups, the batched side's more. The ratio is of the
    medians: a single round swings by ±20% on 2 cores."""
    naive_s, batched_s, loaded = [], [], set()
    for i in range(1 + rounds):
        for side, fn, times in (("N", naive, naive_s), ("B", batched, batched_s)):
            copy = folder.with_name(f"{folder.name}-{i}{side}")
            relabel(folder, copy, f"R{i}{side}")
            t = time.perf_counter()
            loaded.add(fn(copy))
            times.append(time.perf_counter() - t)
    assert len(loaded) == 1, f"the two sides loaded different row counts: {loaded}"
    n = loaded.pop()
    cold = naive_s.pop(0) / batched_s.pop(0)
    a, b = statistics.median(naive_s), statistics.median(batched_s)
    each = "  ".join(f"{x / y:.1f}" for x, y in zip(naive_s, batched_s))
    print(f"\n[load throughput, {what}; {n:,} rows, median of {rounds} rounds]")
    print(f"  naive, one row per transaction : {n / a:10,.0f} rows/s ({a:.2f} s)")
    print(f"  chengxin loader, batched UNWIND: {n / b:10,.0f} rows/s ({b:.2f} s)")
    print(f"  ratio                          : {a / b:10.1f} x  (target >= 10 x; each round {each}; uncounted first {cold:.1f})")


def load_throughput(work: Path, args) -> None:
    """Section 1, on an embedded server of its own (stopped afterwards), so the graph the other
    sections measure holds the sample and nothing else."""
    settings = Settings(home=work / "home-throughput", embedded_heap="4g", start_timeout=180, query_timeout=60)
    graph = connect(settings)
    try:
        ensure_schema(graph)
        batched = FolderLoader(graph, Pseudonyms(b"bench"), batch_size=settings.batch_size, progress=False,
                               mode="merge")  # the section measures the MERGE statements
        one_row = FolderLoader(graph, Pseudonyms(b"bench"), batch_size=1, progress=False, mode="merge")
        small = work / "small"
        generate(small, scale=1, seed=7)
        side_by_side(small, "the whole sample at scale 1, every table; the baseline runs the loader's own "
                     "statements, one row per transaction",
                     lambda f: one_row.load(f, work / "rejects-small.csv").loaded,
                     lambda f: batched.load(f, work / "rejects-small.csv").loaded, args.rounds)
        every = work / "every-table"
        subset(work / "sample", every, [t.name for t in TABLES], args.baseline_rows)
        side_by_side(every, f"the first {args.baseline_rows:,} rows of every table at scale {args.scale} (their "
                     f"references mostly outside: stubs); the same two sides",
                     lambda f: one_row.load(f, work / "rejects-every.csv").loaded,
                     lambda f: batched.load(f, work / "rejects-every.csv").loaded, args.rounds)
        two = work / "two-tables"
        subset(work / "sample", two, ["enterprises", "participations"], args.minimal_rows)
        side_by_side(two, f"the first {args.minimal_rows:,} enterprises and participations; the baseline is a "
                     f"hand-written MERGE writing fewer properties",
                     lambda f: naive_load(graph, f),
                     lambda f: batched.load(f, work / "rejects-two.csv").loaded, args.rounds)
    finally:
        graph.close()
        embedded.stop(settings)


#: One first load in a process of its own (its peak RSS is the loader's alone): prints the report as JSON.
LOAD_CHILD = """
import json, sys, time
from pathlib import Path
from chengxin.graph.db import connect
from chengxin.graph.schema import ensure_schema
from chengxin.graph.settings import Settings
from chengxin.loaders.csv_folder import FolderLoader
from chengxin.loaders.ids import Pseudonyms
home, folder, mode = sys.argv[1:4]
g = connect(Settings(home=home, start_timeout=180))
ensure_schema(g)
t = time.perf_counter()
rep = FolderLoader(g, Pseudonyms(b"bench"), batch_size=g.settings.batch_size, progress=False, mode=mode).load(
    Path(folder), Path(home) / "rejects.csv")
took = time.perf_counter() - t
print(json.dumps({"seconds": took, "mode": rep.mode, "loaded": rep.loaded, "rejected": rep.rejected,
                  "tables": [(x.table, x.read, x.loaded, x.rejected) for x in rep.tables]}))
"""


def hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def one_first_load(work: Path, folder: Path, mode: str) -> dict:
    """Load ``folder`` into a new, empty embedded database with ``mode`` (bulk or merge), in a child
    process; its peak RSS sampled with psutil every 0.2 s; the database's RSS read at the end."""
    import psutil

    home = work / f"home-first-{mode}"
    settings = Settings(home=home, start_timeout=180)
    embedded.start(settings)  # started before the clock, as `chengxin db start` would be
    child = subprocess.Popen([sys.executable, "-c", LOAD_CHILD, str(home), str(folder), mode],
                             stdout=subprocess.PIPE, text=True)
    peak, proc = [0], psutil.Process(child.pid)

    def sample():
        while child.poll() is None:
            try:
                peak[0] = max(peak[0], proc.memory_info().rss)
            except psutil.Error:
                break
            time.sleep(0.2)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    out, _ = child.communicate()
    watcher.join()
    if child.returncode != 0:
        raise SystemExit(f"the {mode} load failed (exit {child.returncode})")
    res = json.loads(out.strip().splitlines()[-1])
    state = embedded.status(settings)
    res.update(home=home, settings=settings, load_peak_mb=peak[0] / 2**20,
               db_rss_mb=rss_mb(state.pid), db_peak_mb=hwm_mb(state.pid))
    return res


def first_loads(work: Path, folder: Path, label: str) -> dict:
    """Section 2: the bulk and the MERGE first load of ``folder``, side by side; returns the bulk side
    (its server stopped, its home kept for the sections that follow)."""
    sides = {}
    for mode in ("bulk", "merge"):
        sides[mode] = one_first_load(work, folder, mode)
        embedded.stop(sides[mode]["settings"])
    b, m = sides["bulk"], sides["merge"]
    assert b["mode"] == "bulk" and m["mode"] == "merge", (b["mode"], m["mode"])
    assert b["tables"] == m["tables"], "the two paths loaded or refused different rows"
    print(f"\n[first load into an empty graph, {label}: {b['loaded']:,} rows loaded, {b['rejected']:,} refused; "
          f"default heap, each path on its own database]")
    print(f"  {'path':<34}{'seconds':>9}{'rows/s':>10}{'loader peak RSS':>17}{'database RSS / peak':>22}")
    for name, r in (("bulk (CREATE for new keys)", b), ("MERGE (UNWIND … MERGE)", m)):
        print(f"  {name:<34}{r['seconds']:>9.1f}{r['loaded'] / r['seconds']:>10,.0f}{r['load_peak_mb']:>14,.0f} MB"
              f"{r['db_rss_mb']:>11,.0f} / {r['db_peak_mb']:,.0f} MB")
    print(f"  ratio MERGE / bulk: {m['seconds'] / b['seconds']:.2f} x  (target: the whole scale-700 folder <= 180 s)")
    shutil.rmtree(m["home"], ignore_errors=True)
    return b


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


#: The commit whose detector queries ran as one query each (before issue 14's batches).
BEFORE_BATCHES = "a01160d"


def _before_text(kind: str) -> str | None:
    import subprocess

    try:
        return subprocess.run(["git", "show", f"{BEFORE_BATCHES}:cypher/flag_{kind}.cypher"], capture_output=True,
                              text=True, check=True, cwd=Path(__file__).resolve().parent).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def _one_query(graph, kind: str, settings) -> tuple[float | None, str]:
    """One detector as one query over the whole graph, as it ran before (its query at
    BEFORE_BATCHES, else today's over one key range holding every key), under the database's time
    limit; (seconds, '') or (None, why it did not finish)."""
    from chengxin.graph import flags
    from chengxin.graph.errors import ChengxinError

    d = flags.detector(kind)
    old = _before_text(kind)
    t = time.perf_counter()
    try:
        if old:
            graph.run(old, d.params(settings), what=f"flag_{kind} (before)")
        else:
            graph.query(d.query, lo="", hi=flags.TOP, **d.params(settings))
    except ChengxinError as e:
        took = time.perf_counter() - t
        return None, ("timeout" if "time limit" in e.detail else "heap budget" if "heap" in e.detail.lower()
                      else "error") + f" after {took:.1f} s"
    return time.perf_counter() - t, ""


def detectors(graph, settings, app=None, manifest: dict | None = None, requests: int = 20,
              before: bool = True, stored: bool = False, store: Path | None = None) -> dict:
    """Section 5: every red-flag detector as a batch job (key ranges, its own budget) beside the
    same detector as one query (before; a timeout or a refused query reported as such), the
    total, the run stored under the home, and the /flags and /risk pages reading it (p95)."""
    from chengxin.graph import flags

    runs = flags.FlagRuns(settings, store=store)
    if stored and runs.latest() is not None:
        run, lines = runs.latest(), {}
        print(f"\n[red-flag detectors: the stored run of {run.computed_at}, {run.total_seconds:.1f} s: "
              + ", ".join(f"{k} {v:.1f} s" for k, v in run.seconds.items()) + "]")
    else:
        run, lines = _run_detectors(graph, settings, runs, manifest, before)
    if app is not None:
        _pages(app, runs, requests)
    return {"run": run, "lines": lines}


def _run_detectors(graph, settings, runs, manifest, before: bool):
    from chengxin.graph import flags

    print(f"\n[red-flag detectors: one query (before) vs key-range batches (after), s; budget "
          f"{settings.flag_budget_seconds:g} s each]")
    print(f"  {'detector':<28}{'before':>16}{'after':>9}{'db cpu':>8}{'ranges':>8}{'halved':>8}{'hits':>8}{'ratio':>8}"
          f"{'load':>6}")
    lines: dict[str, dict] = {}
    state = embedded.status(settings)
    cpu = [_cpu_seconds(state.pid) if state else None]  # the database's CPU time (steadier than wall time on a shared machine)
    cpu0 = cpu[0]

    # Before: each detector as one query (the 5 s limit of the database stops some); first, so that
    # the batch run's own total is what is timed after.
    one = {kind: _one_query(graph, kind, settings) if before else (None, "not tried") for kind in flags.DETECTORS}

    def progress(info, hits: list) -> None:
        old, why = one[info.kind]
        lines[info.kind] = {"before": old, "why": why, "after": info.seconds}
        ratio = f"{old / info.seconds:7.1f}x" if old and info.seconds else "      —"
        planted = ""
        if manifest:
            expect = manifest["flags"].get(info.kind, {"planted": [], "controls": []})
            keys = {h["key"] for h in hits}
            planted = (f"  planted found {sum(k in keys for k in expect['planted'])}/{len(expect['planted'])}, "
                       f"controls flagged {sum(k in keys for k in expect['controls'])}/{len(expect['controls'])}")
        now = _cpu_seconds(state.pid) if state else None
        used = f"{now - cpu[0]:8.1f}" if now is not None and cpu[0] is not None else "       —"
        cpu[0] = now  # (the index walks a detector starts count in its figure)
        print(f"  {info.kind:<28}{(f'{old:.2f}' if old is not None else why):>16}{info.seconds:>9.2f}{used}"
              f"{info.ranges:>8}{info.halved:>8}{len(hits):>8}{ratio:>8}{os.getloadavg()[0]:6.1f}{planted}", flush=True)

    run = runs.run_all(graph, progress=progress)
    finished = [v["before"] for v in lines.values() if v["before"] is not None]
    old_total = (f"{sum(finished):.1f} s, {len(lines) - len(finished)} of {len(lines)} did not finish"
                 if before else "not tried")
    total_cpu = (f"; database CPU {cpu[0] - cpu0:.1f} s" if cpu[0] is not None and cpu0 is not None else "")
    print(f"  {'all detectors':<28}{'':>16}{run.total_seconds:>9.2f}   (target <= 60 s; one query each: {old_total}"
          f"{total_cpu}; load average {', '.join(f'{x:.1f}' for x in os.getloadavg())})")
    print(f"  stored run: {runs.store} ({run.computed_at})")
    return run, lines


def _pages(app, runs, requests: int) -> None:
    """/flags, /risk and one /flags/<kind> reading the stored run, p50/p95/max (the first /risk
    request scores every firm; the next ones reuse that until the run or the day changes)."""
    app.extensions["chengxin"]["flag_runs"] = runs
    client = app.test_client()
    if True:
        print(f"\n[pages reading the stored run, {requests} requests each, ms]")
        for path in ("/flags", "/risk", "/flags/cert_lending"):
            times = []
            for _ in range(requests):
                t = time.perf_counter()
                status = client.get(path).status_code
                times.append((time.perf_counter() - t) * 1000)
                assert status == 200, (path, status)
            print(f"  {path:<22} p50 {statistics.median(times):8.1f}  p95 {pct(times, 95):8.1f}  max {max(times):8.1f}"
                  f"   (before: waited for a whole run of every detector)")


def flags_on_home(args) -> None:
    """``--home H --flags-only``: section 5 on an already loaded home (no load, nothing deleted;
    the run is stored under H as `chengxin flags --run` would)."""
    from chengxin.web import create_app

    settings = Settings(home=args.home, start_timeout=180)
    graph = connect(settings)
    try:
        stats = queries.stats(graph) if args.stats else None
        if stats:
            print(f"graph: {sum(stats['labels'].values()):,} nodes, {sum(stats['relationships'].values()):,} relationships")
        app = create_app(settings, graph=graph)
        detectors(graph, settings, app=app, requests=args.requests, before=not args.no_before, stored=args.stored,
                  store=args.store)
        state = embedded.status(settings)
        if state:
            print(f"\n[memory] embedded database resident: {rss_mb(state.pid):,.0f} MB")
    finally:
        graph.close()  # the server is the home's: left running


def only_flags(work: Path, folder: Path, label: str, manifest: dict, args) -> None:
    """``--only flags``: one bulk load of ``folder`` into a home of its own, then section 4 (every
    detector, the issue-16 lifecycle ones included, as batch jobs; planted cases checked), without
    the one-query comparison."""
    loaded = one_first_load(work, folder, "bulk")
    print(f"\n[load, {label}: {loaded['loaded']:,} rows in {loaded['seconds']:.1f} s]")
    embedded.stop(loaded["settings"])
    settings = Settings(home=loaded["home"], embedded_heap="4g", start_timeout=180, query_timeout=60)
    graph = connect(settings)
    try:
        stats = queries.stats(graph)
        print(f"  graph: {sum(stats['labels'].values()):,} nodes, {sum(stats['relationships'].values()):,} relationships; "
              + ", ".join(f"{k} {stats['labels'].get(k, 0):,}" for k in
                          ("Contract", "DrawingReview", "Permit", "Completion", "Performance")))
        from chengxin.web import create_app

        detectors(graph, settings, app=create_app(settings, graph=graph), manifest=manifest,
                  requests=args.requests // 10 or 1, before=False)
    finally:
        graph.close()
        embedded.stop(settings)
        shutil.rmtree(work, ignore_errors=True)


def only_check(work: Path, sample_dir: Path, label: str) -> None:
    """``--only check``: the loader's own CPU cost a row (chengxin load --check: no database)."""
    import resource

    from chengxin.loaders.ingest import check_any

    print(f"\n== the loader's own share: {label}, read + validated + built, nothing written ==")
    settings = Settings(home=work / "check-home")
    t0, c0 = time.perf_counter(), time.process_time()
    report = check_any(settings, sample_dir, progress=False)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    for t in report.tables:
        print(f"  {t.table:<16} {t.read:>10,} rows {t.seconds:8.1f} s {t.seconds / max(t.read, 1) * 1e6:7.1f} us/row")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  total {report.read:,} rows ({report.rejected:,} refused) in {wall:.1f} s: {report.read / wall:,.0f} rows/s; "
          f"CPU {cpu:.1f} s = {cpu / max(report.read, 1) * 1e6:.1f} us/row; peak RSS {peak:,.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=100)
    ap.add_argument("--baseline-rows", type=int, default=1000, help="rows of every table in the side-by-side")
    ap.add_argument("--minimal-rows", type=int, default=5000,
                    help="enterprises and participations in the side-by-side with the hand-written baseline")
    ap.add_argument("--rounds", type=int, default=3, help="turns each side takes in the side-by-side")
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--paths", type=int, default=100, help="random firm pairs for the relationship finder")
    ap.add_argument("--home", type=Path, help="an already loaded home, read only (with --pages-only)")
    ap.add_argument("--pages-only", action="store_true", help="time the pages of --home's graph; no load")
    ap.add_argument("--folder", type=Path, help="load this table folder (only read; e.g. a scale-700 sample made "
                    "before with `chengxin sample --scale 700 --plant`) instead of generating one")
    ap.add_argument("--only", choices=["load", "matching", "flags", "check"], help="check: only the loader's "
                    "own share (read, validate, build every row; no database); load: only the side-by-side first load "
                    "(section 2); matching: only entity matching's precision and recall on the labelled set (no "
                    "database); flags: one (bulk) load of the sample, then only the red-flag detectors (section 4, no "
                    "one-query runs) with the planted cases checked")
    ap.add_argument("--flags-only", action="store_true", help="only the red-flag detectors and the /flags, /risk pages, "
                    "on --home's graph: no load (the run is stored under the home)")
    ap.add_argument("--no-before", action="store_true", help="with --flags-only: skip the one-query runs")
    ap.add_argument("--stored", action="store_true", help="with --flags-only: time the pages on the home's stored run "
                    "(no detector run)")
    ap.add_argument("--store", type=Path, help="with --flags-only: keep the run in this file instead of under --home "
                    "(the home then stays read only)")
    ap.add_argument("--stats", action="store_true", help="with --flags-only: print the graph's counts first")
    args = ap.parse_args()
    if args.only == "matching":
        import matching as match_bench  # bench/matching.py, beside this file

        print("\n== entity matching: the labelled evaluation set ==")
        match_bench.report(match_bench.evaluate())
        return
    if args.flags_only:
        if not args.home:
            ap.error("--flags-only needs --home")
        flags_on_home(args)
        return
    if args.pages_only:
        if not args.home:
            ap.error("--pages-only needs --home (a loaded graph)")
        settings = Settings(home=args.home)
        graph = connect(settings)
        try:
            pages.run_pages(graph, settings, requests=args.requests, n_paths=args.paths)
        finally:
            graph.close()  # the server stays as it was: it is not this bench's
        return
    work = Path(tempfile.mkdtemp(prefix="chengxin-bench-"))
    t0 = time.perf_counter()
    if args.folder:
        sample_dir = args.folder.resolve()
        planted = sample_dir / "planted.json"
        manifest = json.loads(planted.read_text("utf-8")) if planted.exists() else {"flags": {}, "path": []}
        label = f"{sample_dir}"
    else:
        sample_dir = work / "sample"
        counts = generate(sample_dir, scale=args.scale, seed=7)
        manifest = plant(sample_dir)  # the planted red-flag cases, to check the detectors at scale
        print(f"sample scale {args.scale}: {sum(counts.values()):,} rows generated in {time.perf_counter() - t0:.1f} s")
        label = f"scale {args.scale}"
    if args.only == "flags":
        only_flags(work, sample_dir, label, manifest, args)
        return
    if args.only == "check":
        only_check(work, sample_dir, label)
        shutil.rmtree(work, ignore_errors=True)
        return
    if args.only != "load":
        if args.folder:  # section 1 subsets the sample under work/
            shutil.copytree(sample_dir, work / "sample", dirs_exist_ok=True)
        load_throughput(work, args)  # 1.
    first = first_loads(work, sample_dir, label)  # 2.
    if args.only == "load":
        shutil.rmtree(work, ignore_errors=True)
        return
    # The sections that follow read the bulk-loaded graph (the same data), on a bigger heap.
    settings = Settings(home=first["home"], embedded_heap="4g", start_timeout=180, query_timeout=60)
    graph = connect(settings)
    try:
        stats = queries.stats(graph)
        nodes, rels = sum(stats["labels"].values()), sum(stats["relationships"].values())
        print(f"  graph: {nodes:,} nodes, {rels:,} relationships")

        # 3. every page, and the query library
        pages.run_pages(graph, settings, requests=args.requests, n_paths=args.paths,
                        planted_paths=manifest["path"], flag_run=True)

        # 4. the investigators' detectors
        from chengxin.web import create_app

        detectors(graph, settings, app=create_app(settings, graph=graph), manifest=manifest,
                  requests=args.requests // 10 or 1)
        state = embedded.status(settings)
        if state:
            print(f"\n[memory, after the detectors] embedded database resident: {pages.rss_mb(state.pid):,.0f} MB")
    finally:
        graph.close()
        embedded.stop(settings)


if __name__ == "__main__":
    main()
