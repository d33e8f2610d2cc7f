"""The pages part of the bench: every page a user can click, timed server side on a loaded graph.

    python bench/run.py --home /work/data/home700 --pages-only [--requests 200] [--paths 100]

Called by ``bench/run.py`` after its load (or at once with ``--pages-only`` on an already loaded
home, which it only reads). Prints, for each page, p50/p95/max over random keys with the target,
and, where the old query can still be run on the same graph, the old and the new side by side with
the ratio of the medians (a query that hits the database's time limit is shown as ``> limit``).
Every request must answer 200: a 408/500 fails the bench.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from pathlib import Path
from urllib.parse import quote

from chengxin.graph import embedded, queries
from chengxin.graph.errors import ChengxinError
from chengxin.graph.model import get_model

#: The page figures on main before this work, at scale 700 (issue 14), for the "before" column.
MAIN_AT_700 = {"home": "408 after 5-8 s", "enterprise": "p95 50", "project": "p95 38", "person": "p95 11",
               "search": "p95 339", "path": "p95 1,139", "stats": "fails (5 s limit)"}
TARGETS = {"home": 100, "api": 100, "search": 100, "path": 500}
ENTITY_TARGET = 50



def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed(fn, n: int) -> tuple[list[float], str | None]:
    """Milliseconds of ``n`` calls of ``fn``; stops at the first error and names it."""
    times = []
    for _ in range(n):
        t = time.perf_counter()
        try:
            fn()
        except ChengxinError as e:
            return times + [(time.perf_counter() - t) * 1000], type(e).__name__
        times.append((time.perf_counter() - t) * 1000)
    return times, None


def side_by_side(what: str, old, new, n: int) -> None:
    old_t, old_err = timed(old, n)
    new_t, new_err = timed(new, n)
    a = statistics.median(old_t)
    b = statistics.median(new_t)
    old_s = f"> {a:,.0f} ms ({old_err})" if old_err else f"{a:,.1f} ms"
    new_s = f"{b:,.1f} ms ({new_err})" if new_err else f"{b:,.1f} ms"
    ratio = f"{a / b:,.1f}x{' at least' if old_err else ''}" if b else "-"
    print(f"  {what:<34} old {old_s:<26} new {new_s:<14} ratio {ratio}")


def sample_keys(graph, label: str, rng: random.Random, n: int = 200, window: int = 5_000) -> list[str]:
    """``n`` random keys among the first ``window`` nodes of ``label`` (SKIP to a random offset
    walks the label, which takes seconds in a large one; the biggest entities are timed apart)."""
    key = get_model().labels[label].key
    rows = graph.run(f"MATCH (n:`{label}`) RETURN n.`{key}` AS k LIMIT $w", {"w": window})
    keys = [r["k"] for r in rows if r["k"]]
    return rng.sample(keys, min(n, len(keys)))


def extremes(graph) -> dict[str, list[tuple[str, str]]]:
    """The biggest entities the pages must still draw quickly: the authority with the most
    penalties, awards and certificates, and the firms with the most bids, registered people,
    projects and qualifications (each found by degree, in slices of the key space)."""
    out: dict[str, list[tuple[str, str]]] = {"authority": [], "enterprise": []}
    rows = graph.run("MATCH (a:Authority) RETURN a.name AS k, COUNT { (a)<-[:ISSUED_BY]-() } AS n "
                     "ORDER BY n DESC LIMIT 3")
    out["authority"] = [(f"{r['n']:,} issued", r["k"]) for r in rows]
    # Every firm's bids, registered people, projects and certificates, a slice of firms per query
    # (one query over all of them passes the 5 s limit at scale 700).
    best: dict[str, tuple[int, str]] = {}
    rels = {"BID_ON": "(e)-[:BID_ON]->()", "REGISTERED_AT": "(e)<-[:REGISTERED_AT]-()",
            "PARTICIPATES_IN": "(e)-[:PARTICIPATES_IN]->()", "HOLDS": "(e)-[:HOLDS]->()"}
    counts = ", ".join(f"{rel}: COUNT {{ {pattern} }}" for rel, pattern in rels.items())
    total = queries.stats(graph)["labels"].get("Enterprise", 0)
    for skip in range(0, total, 5_000):
        try:
            rows = graph.run(f"MATCH (e:Enterprise) WITH e SKIP $s LIMIT 5000 RETURN e.uscc AS k, {{{counts}}} AS n",
                             {"s": skip})
        except ChengxinError as e:
            print(f"  (firms {skip:,}+ not counted: {type(e).__name__})")
            continue
        for r in rows:
            for rel, n in r["n"].items():
                if n > best.get(rel, (-1, ""))[0]:
                    best[rel] = (n, r["k"])
    out["enterprise"] = [(f"most {rel} ({n:,})", k) for rel, (n, k) in best.items()]
    return out


def report(name: str, times: list[float], target: float | None, before: str | None = None) -> None:
    line = f"  {name:<14}{statistics.median(times):>8.1f}{pct(times, 95):>8.1f}{max(times):>9.1f}"
    if target is not None:
        line += f"   target p95 <= {target:g}{'  MISSED' if pct(times, 95) > target else ''}"
    if before:
        line += f"   main at 700: {before}"
    print(line)


def run_pages(graph, settings, *, requests: int = 200, n_paths: int = 100, seed: int = 1,
              planted_paths: list[dict] | None = None, flag_run: bool = False) -> None:
    from chengxin.cypher import library
    from chengxin.graph import paths
    from chengxin.web import create_app

    rng = random.Random(seed)
    counts = queries.stats(graph)
    nodes, rels = sum(counts["labels"].values()), sum(counts["relationships"].values())
    print(f"\n[pages: graph of {nodes:,} nodes, {rels:,} relationships]")

    print("\n[old query vs new on the same graph, median of a few runs]")
    side_by_side("headline counts (stats)", lambda: queries.stats_scan(graph), lambda: queries.stats(graph), 3)
    side_by_side("recent penalties (10)", lambda: graph.query("recent_penalties_scan", limit=10),
                 lambda: queries.recent_penalties(graph, 10), 5)

    app = create_app(settings, graph=graph)
    # The enterprise, person, project, tender and penalty pages show the latest red-flag run and
    # start one in the background when there is none. With ``flag_run`` one run is made first (the
    # steady state); without, on a large shared graph, the pages read an empty run, so their figures
    # are the pages' own and the bench does not run every detector (timed by run.py) behind them.
    runs = app.extensions["chengxin"]["flag_runs"]
    if flag_run:
        t = time.perf_counter()
        runs.detect_all(graph, wait=True)
        print(f"\n[red-flag run for the entity pages: {time.perf_counter() - t:.1f} s, made before timing]")
    elif runs.latest() is None or runs.stale(runs.latest(), graph):
        from chengxin.graph.flags import DETECTORS, FlagRun, data_version  # an empty run, held in memory only

        # Of the data's current version: a run of another version is stale, and a page reading it
        # would start a background run of every detector behind the figures.
        runs.store = Path(settings.home_path) / "no-flag-run.json"
        runs.run = FlagRun({k: [] for k in DETECTORS}, dt.datetime.now() + dt.timedelta(days=3650),
                           data_version=data_version(graph))
    else:
        print(f"\n[red-flag run for the entity pages: the home's stored run of {runs.latest().computed_at:%Y-%m-%d %H:%M}]")
    client = app.test_client()

    def timed_pages(make_path, n: int, warm: int = 5) -> list[float]:
        """``n`` requests timed after ``warm`` uncounted ones (the JVM compiles a query's path on
        its first runs)."""
        for _ in range(warm):
            get(make_path())
        return [get(make_path()) for _ in range(n)]

    def get(path: str) -> float:
        t = time.perf_counter()
        status = client.get(path).status_code
        took = (time.perf_counter() - t) * 1000
        if status != 200:
            raise SystemExit(f"{path} answered {status} after {took:,.0f} ms")
        return took

    model = get_model()
    keys = {spec.route: sample_keys(graph, spec.name, rng) for spec in model.labels.values()}
    big = extremes(graph)
    print("\n[pages, server side (Flask test client: queries + view + template), ms]")
    print(f"  {'page':<14}{'p50':>8}{'p95':>8}{'max':>9}")
    for path in ("/", "/api/"):
        report(path, timed_pages(lambda: path, requests), TARGETS["home"], MAIN_AT_700["home"])
    worst = 0.0
    for spec in model.labels.values():
        route = spec.route
        if not keys[route]:
            continue
        times = timed_pages(lambda: f"/{route}/{quote(rng.choice(keys[route]), safe='')}", requests)
        worst = max(worst, pct(times, 95))
        report(route, times, ENTITY_TARGET, MAIN_AT_700.get(route))
    for route, items in big.items():
        for what, key in items:
            times = timed_pages(lambda: f"/{route}/{quote(key, safe='')}", max(5, requests // 20), warm=2)
            worst = max(worst, pct(times, 95))
            report(f"{route}*", times, ENTITY_TARGET)
            print(f"      * the {route} with {what}")
    words = ["南昌", "建设", "监理", "工程有限公司", "王", "供水", "道路提升", "北京 设计", "深圳", "李明",
             "中建", "市政", "张伟", "江西省", "设计院"]
    ids = [rng.choice(keys[r]) for r in ("enterprise", "project", "person") if keys[r] for _ in range(3)]
    terms = words + ids
    times = timed_pages(lambda: "/search?q=" + quote(rng.choice(terms)), requests)
    report("search", times, TARGETS["search"], MAIN_AT_700["search"])
    times = timed_pages(lambda: "/graph/enterprise/" + quote(rng.choice(keys["enterprise"]), safe=""), requests // 4)
    report("graph view", times, None)
    for path in ("/sources", "/console", "/queries"):
        report(path, timed_pages(lambda: path, 5, warm=1), None)
    print(f"  entity pages p95 (worst type) {worst:.1f} ms (target <= {ENTITY_TARGET})")

    print("\n[query library, one run each with its example parameters, s (limit CHENGXIN_QUERY_TIMEOUT)]")
    some = {"uscc": keys["enterprise"][0], "project_code": keys["project"][0], "person_id": keys["person"][0]}
    for q in library():
        values = {k: some.get(k, p.example) for k, p in q.params.items()}
        try:
            res = app.extensions["chengxin"]["console"].run_named(graph, q.name, values)
            print(f"  {q.name:<26}{res.seconds:>8.3f}{len(res.rows):>7} rows")
        except ChengxinError as e:
            print(f"  {q.name:<26}  FAILED {type(e).__name__}: {e.detail[:80]}")

    firms = keys["enterprise"]
    pairs = [(f"enterprise:{rng.choice(firms)}", f"enterprise:{rng.choice(firms)}") for _ in range(n_paths)]
    pairs += [(p["from"], p["to"]) for p in planted_paths or []]
    times, found = [], 0
    for a, b in pairs:
        if a == b:
            continue
        t = time.perf_counter()
        res = paths.find(graph, a, b)
        times.append((time.perf_counter() - t) * 1000)
        found += bool(res["paths"])
    print(f"\n[relationship finder, {len(times)} pairs of firms, max {settings.path_max_hops} hops, ms]")
    print(f"  p50 {statistics.median(times):.1f}  p95 {pct(times, 95):.1f}  max {max(times):.1f}  "
          f"connected {found}/{len(times)}  (target p95 <= {TARGETS['path']}; main at 700: {MAIN_AT_700['path']})")
    pages_path = [get(f"/path?from={quote(a)}&to={quote(b)}") for a, b in pairs[:20] if a != b]
    report("/path page", pages_path, TARGETS["path"])

    state = embedded.status(settings) if settings.embedded else None
    if state:
        print(f"\n[memory] embedded database resident: {rss_mb(state.pid):,.0f} MB "
              f"(heap limit {embedded.heap_size(settings)}, page cache {embedded.page_cache_mb(settings):,} MB)")
