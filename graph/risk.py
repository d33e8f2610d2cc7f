"""An explainable risk score per enterprise, 0–100: every point comes from a listed fact.

    score = clamp(Σ penalty points + Σ red-flag points + Σ award points, 0, 100)

- a penalty scores ``risk_measure_points[measure] × risk_authority_factor[level] × recency``;
- a red-flag hit implicating the firm scores ``risk_flag_points[kind]``;
- an award scores ``risk_award_points[level] × recency`` (negative);
- recency is 1 while a penalty is in force, else ``0.5 ** (years since it ended, or since the
  award, / risk_half_life_years)``.

The weights are settings (``CHENGXIN_RISK_*``), documented in the README.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import weakref

from . import regions
from .db import Graph
from .errors import NotFound
from .flags import DETECTORS, FlagRuns, key_ranges
from .integrity import MUNICIPALITIES, authority_level, in_force
from .messages import N_, msg

__all__ = ["LEVELS", "MUNICIPALITIES", "authority_level", "contributions", "firm_score", "ranking"]

log = logging.getLogger(__name__)

#: The authority levels as a reason names them (English msgids).
LEVELS = {"national": N_("national"), "provincial": N_("provincial"), "local": N_("local")}


def _measure_points(measure: str | None, table: dict[str, float]) -> tuple[float, str]:
    for word, points in table.items():
        if word != "*" and measure and word in measure:
            return points, word
    return table.get("*", 0.0), "*"


def _recency(since: dt.date | None, today: dt.date, half_life: float) -> float:
    if since is None or since >= today:
        return 1.0
    return 0.5 ** (((today - since).days / 365.25) / half_life)


def contributions(facts: list[dict], hits: list[dict], settings, today: dt.date) -> list[dict]:
    """The scored facts of one firm: each with its points and the reason (a message)."""
    out = []
    for f in facts:
        if f["fact"] == "penalty":
            base, word = _measure_points(f["what"], settings.risk_measure_points)
            level = authority_level(f["authority"])
            if f.get("origin") and authority_level(f["origin"]) == "international":
                level = "international"  # a cross-debarment: the originating bank's sanction
            factor = settings.risk_authority_factor.get(level, 1.0)
            current = in_force({"decision_date": f["date"], "valid_until": f["until"], "measure": f["what"]}, today)
            recency = 1.0 if current else _recency(f["until"] or f["date"], today, settings.risk_half_life_years)
            points = base * factor * recency
            if f.get("via"):
                out.append({"kind": "penalty", "route": "penalty", "key": f["id"], "points": round(points, 1),
                            "via": f["via"], "reason": msg(
                                N_("penalty {id} ({measure}) of the matched record {via} ({link}): {base:g} × authority "
                                   "level {factor:g} ({level}) × recency {recency:.2f}"),
                                id=f["id"], measure=f["what"] or None, via=f.get("via_name") or f["via"],
                                link=f.get("link") or "", base=base, factor=factor,
                                level=msg(LEVELS[level]) if level in LEVELS else level, recency=recency)})
                continue
            out.append({"kind": "penalty", "route": "penalty", "key": f["id"], "points": round(points, 1),
                        "reason": msg(
                            N_("penalty {id} ({measure}): {base:g} × authority level {factor:g} ({level}) × recency "
                               "{recency:.2f} (in force)") if current else
                            N_("penalty {id} ({measure}): {base:g} × authority level {factor:g} ({level}) × recency "
                               "{recency:.2f}"),
                            id=f["id"], measure=f["what"] or None, base=base, factor=factor,
                            level=msg(LEVELS[level]) if level in LEVELS else level,
                            recency=recency)})
        else:
            base, _ = _measure_points(f["level"], settings.risk_award_points)
            recency = _recency(f["date"], today, settings.risk_half_life_years)
            out.append({"kind": "award", "route": "award", "key": f["id"], "points": round(base * recency, 1),
                        "reason": msg(N_("award {award} ({level}): {base:g} × recency {recency:.2f}"),
                                      award=f["what"], level=f["level"] or None, base=base, recency=recency)})
    for h in hits:
        d = DETECTORS[h["kind"]]
        points = settings.risk_flag_points.get(h["kind"], 0.0)
        out.append({"kind": "flag", "route": "flags", "key": h["kind"], "hit": h["key"], "points": round(points, 1),
                    "reason": msg(N_("red flag '{flag}': {title}: {points:g}"), flag=msg(d.name), title=h["title"],
                                  points=points)})
    out.sort(key=lambda c: -abs(c["points"]))
    return out


def _score(parts: list[dict]) -> int:
    return int(round(min(100.0, max(0.0, sum(c["points"] for c in parts)))))


def firm_score(graph: Graph, uscc: str, today: dt.date | None = None, wait: bool = True, *, settings,
               runs: FlagRuns) -> dict:
    """One firm's score and its contributions, weighted by ``settings``, with the red flags of
    ``runs``. ``wait=False`` does not wait for the red-flag detectors: until their first run
    finishes the score leaves flags out and says so (``flags_pending``)."""
    today = today or dt.date.today()
    brief = graph.query("enterprise_brief", usccs=[uscc])
    if not brief:
        raise NotFound(msg(N_("{kind} {key} not found"), kind=msg(N_("Enterprise")), key=uscc))
    facts = graph.query("risk_facts_firm", uscc=uscc)
    hits = runs.for_firm(graph, uscc, wait=wait)
    parts = contributions(facts, hits or [], settings, today)
    return {**brief[0], "score": _score(parts), "raw": round(sum(c["points"] for c in parts), 1),
            "contributions": parts, "today": today, "flags_pending": hits is None, "computed_at": runs.computed_at}


#: Firms whose brief one query asks for (a ranking at scale 700 names tens of thousands).
BRIEF_CHUNK = 5_000
#: Firms whose penalties and awards one query reads: at scale 700 the whole market in one query
#: took 5-10 s, over the database's time limit on a busy machine.
FACT_RANGE = 20_000
#: How long a page waits for a ranking being scored before it shows the one it has (or says one is
#: being made): a small graph is scored within it; at scale 700 scoring takes seconds.
PAGE_WAIT_SECONDS = 2.0

_jobs: "weakref.WeakKeyDictionary[FlagRuns, threading.Thread]" = weakref.WeakKeyDictionary()
_jobs_lock = threading.Lock()


def _scored(graph: Graph, found: dict | None, today: dt.date, settings) -> list[dict]:
    """Every firm whose penalties, awards and red-flag hits score above zero, highest first, each with
    its region's name."""
    facts: dict[str, list[dict]] = {}
    for lo, hi, _ in key_ranges(graph, "enterprise", FACT_RANGE):
        for f in graph.query("risk_facts", lo=lo, hi=hi):
            facts.setdefault(f["uscc"], []).append(f)
    hits: dict[str, list[dict]] = {}
    for hs in (found or {}).values():
        for h in hs:
            for u in h["firms"]:
                hits.setdefault(u, []).append(h)
    usccs = sorted(set(facts) | set(hits))
    briefs = {b["uscc"]: b for i in range(0, len(usccs), BRIEF_CHUNK)
              for b in graph.query("enterprise_brief", usccs=usccs[i:i + BRIEF_CHUNK])}
    rows = []
    for u in usccs:
        b = briefs.get(u) or {"uscc": u, "name": None, "type": None, "region_code": None}
        parts = contributions(facts.get(u, []), hits.get(u, []), settings, today)
        rows.append({**b, "region": regions.label(b.get("region_code")) or None,
                     "score": _score(parts), "raw": round(sum(c["points"] for c in parts), 1),
                     "penalties": sum(1 for c in parts if c["kind"] == "penalty"),
                     "flags": sum(1 for c in parts if c["kind"] == "flag"),
                     "awards": sum(1 for c in parts if c["kind"] == "award")})
    rows.sort(key=lambda r: (-r["score"], -r["raw"], r["uscc"]))
    return [r for r in rows if r["score"] > 0]


def _score_job(graph: Graph, found: dict | None, today: dt.date, settings, runs: FlagRuns, key: tuple) -> None:
    try:
        runs.ranked = (key, _scored(graph, found, today, settings))
    except Exception as e:  # noqa: BLE001 -- the page keeps the ranking it has and says it is pending
        log.warning("risk ranking: scoring failed: %s", e)


def _score_in_background(graph: Graph, found: dict | None, today: dt.date, settings, runs: FlagRuns,
                         key: tuple) -> threading.Thread:
    """The thread scoring ``key``'s ranking: the one under way for these runs, or a new one."""
    with _jobs_lock:
        job = _jobs.get(runs)
        if job is None or not job.is_alive():
            job = threading.Thread(target=_score_job, args=(graph, found, today, settings, runs, key), daemon=True,
                                   name="chengxin-risk")
            _jobs[runs] = job
            job.start()
        return job


def ranking(graph: Graph, region: str | None = None, type_: str | None = None, limit: int = 100,
            today: dt.date | None = None, wait: bool = False, *, settings, runs: FlagRuns) -> dict:
    """Every firm with a score above zero, highest first, optionally within a region-code prefix and a type.
    The red flags come from the stored run (``runs``); ``wait=False`` (the page) never waits for
    one: until the first run finishes the ranking leaves flags out and says so (``flags_pending``).
    The scored list is kept with the run it was made from (``runs.ranked``) while the run, the day and
    the data (:meth:`FlagRuns.data_version`, read again at most every ``flag_cache_seconds``) stay the
    same: at scale 700 scoring every firm takes seconds, so it is done once per run and day, not again
    every ``flag_cache_seconds`` (a page then waited 12 s every five minutes).

    With ``wait=False`` the scoring is a background job, not the request's work: the page waits
    for it ``PAGE_WAIT_SECONDS`` at most, then shows the ranking it holds (``ranking_stale``: made
    from an earlier run, day or data) or none yet (``ranking_pending``). ``ranked_key`` names the
    ranking the rows come from (for a caller keeping views of it; not for display)."""
    today = today or dt.date.today()
    found = runs.detect_all(graph, wait=wait)
    key = (runs.computed_at, today, id(settings), runs.data_version(graph))
    held = runs.ranked
    if not (held and held[0] == key):
        if wait:
            runs.ranked = (key, _scored(graph, found, today, settings))
        else:
            _score_in_background(graph, found, today, settings, runs, key).join(PAGE_WAIT_SECONDS)
        held = runs.ranked
    scored = held[1] if held else []
    rows = [r for r in scored
            if (not region or (r.get("region_code") or "").startswith(region)) and (not type_ or r.get("type") == type_)]
    return {"today": today, "region": region, "type": type_, "total": len(rows), "rows": rows[:limit],
            "limit": limit, "flags_pending": found is None, "computed_at": runs.computed_at,
            "ranking_pending": held is None, "ranking_stale": held is not None and held[0] != key,
            "ranked_for": held[0][1] if held else None, "ranked_key": held[0] if held else None}
