"""Red flags: one detector per kind, each a named query (``cypher/flag_KIND.cypher``) whose rows
are grouped here into *hits*. A hit has a stable ``key`` (what the planted-case tests and links
use), a one-line title and the facts (messages: an English msgid and its parameters, said in a
language by the edge, see :mod:`graph.messages`), the facts that make it a hit, links to every
entity involved (``evidence``) and the firms it implicates (used by the risk score).

The terms the detectors share (which measures ban bidding, which qualification a role needs, the
project manager's role) live in :mod:`graph.vocabulary`; thresholds are settings.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from typing import Callable

from .db import Graph
from .errors import NotFound
from .messages import COMMAS, N_, Message, listing, msg
from .vocabulary import (BID_BANS, LOSS_OF_STANDING, PROJECT_MANAGER, ROLE_QUALIFICATIONS, SUBCONTRACT_DEFAULT_ROLE,
                         needs_param)

REL = {"LEGAL_REP_OF": N_("legal representative"), "REGISTERED_AT": N_("registered person")}
SHARED = {"legal_rep": N_("legal representative"), "shareholder": N_("shareholder"),
          "registered_person": N_("registered person"), "phone": N_("phone"), "address": N_("address")}
NO_END = N_("no end")


def ref(route: str, key, name=None) -> dict:
    return {"route": route, "key": key, "name": name or key}


def _d(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else ("—" if value is None else str(value))


def _hit(kind: str, key: str, subject: dict, title: Message, date, facts: list[Message],
         evidence: list[dict], firms: list[str]) -> dict:
    seen, unique = set(), []
    for e in [subject, *evidence]:
        if e and e.get("key") and (e["route"], e["key"]) not in seen:
            seen.add((e["route"], e["key"]))
            unique.append(e)
    return {"kind": kind, "key": key, "subject": subject, "title": title,
            "date": date, "facts": facts, "evidence": unique, "firms": sorted({f for f in firms if f})}


def _group(rows: list[dict], key: Callable[[dict], str]) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(key(r), []).append(r)
    return groups


# --- hit builders, one per detector ----------------------------------------------------------

def _cert_lending(rows: list[dict]) -> list[dict]:
    hits = []
    for pid, group in _group(rows, lambda r: r["person_id"]).items():
        name = group[0]["person_name"]
        facts, evidence, firms = [], [], []
        for r in group:
            regs = r["registrations"]
            evidence += [ref("enterprise", g["uscc"], g["name"]) for g in regs]
            firms += [g["uscc"] for g in regs]
            at = listing(msg(N_("{firm} ({start} to {end})"), firm=g["name"], start=g["valid_from"], end=g["valid_until"])
                         for g in regs)
            if r["pattern"] == "acting":
                evidence += [ref("project", r["project_code"], r["project_name"]),
                             ref("enterprise", r["acting_uscc"], r["acting_name"])]
                firms.append(r["acting_uscc"])
                facts.append(msg(
                    N_("served as {role} on {project} for {firm} ({start} to {end}) while registered at {at}"),
                    role=r["role"], project=r["project_name"], firm=r["acting_name"] or r["acting_uscc"],
                    start=r["start"], end=r["end"], at=at))
            else:
                facts.append(msg(N_("registered at two firms at once: {at}"), at=at))
        hits.append(_hit("cert_lending", pid, ref("person", pid, name),
                         msg(N_("{person}: suspected certificate lending"), person=name), min(r["start"] for r in group if r["start"]) if any(r["start"] for r in group) else None,
                         facts, evidence, firms))
    return hits


def _pm_conflict(rows: list[dict]) -> list[dict]:
    hits = []
    for pid, group in _group(rows, lambda r: r["person_id"]).items():
        name = group[0]["person_name"]
        facts, evidence, firms = [], [], []
        for r in group:
            evidence += [ref("project", r["a_code"], r["a_name"]), ref("project", r["b_code"], r["b_name"])]
            firms += [r["a_uscc"], r["b_uscc"]]
            facts.append(msg(N_("{a} ({a_start} to {a_end}) overlaps {b} ({b_start} to {b_end})"),
                             a=r["a_name"], a_start=r["a_start"], a_end=r["a_end"],
                             b=r["b_name"], b_start=r["b_start"], b_end=r["b_end"]))
        projects = {e["key"] for e in evidence}
        hits.append(_hit("pm_conflict", pid, ref("person", pid, name),
                         msg(N_("{person}: project manager on {n} overlapping projects"), person=name, n=len(projects)),
                         min(r["a_start"] for r in group), facts, evidence, firms))
    return hits


def _sanctioned_bidding(rows: list[dict]) -> list[dict]:
    hits = []
    for key, group in _group(rows, lambda r: f"{r['uscc']}|{r['tender_no']}").items():
        r = group[0]
        fact = (N_("won tender {tender} on {date} while {penalty} ({measure}, {start} to {end}) was in force")
                if r["won"] else
                N_("bid on tender {tender} on {date} while {penalty} ({measure}, {start} to {end}) was in force"))
        facts = [msg(fact, tender=r["tender_no"], date=r["open_date"], penalty=p["penalty_id"], measure=p["measure"],
                     start=p["decision_date"], end=p["valid_until"] or msg(NO_END))
                 for p in group]
        evidence = [ref("tender", r["tender_no"]), ref("project", r["project_code"])] + \
                   [ref("penalty", p["penalty_id"]) for p in group]
        hits.append(_hit("sanctioned_bidding", key, ref("enterprise", r["uscc"], r["name"]),
                         msg(N_("{firm} won a tender during {measure}") if r["won"] else
                             N_("{firm} bid on a tender during {measure}"), firm=r["name"], measure=group[0]["measure"]),
                         r["open_date"], facts,
                         evidence, [r["uscc"]]))
    return hits


def _bid_ring(rows: list[dict]) -> list[dict]:
    hits = []
    for tno, group in _group(rows, lambda r: r["tender_no"]).items():
        facts, evidence, firms = [], [], []
        for r in group:
            evidence += [ref("enterprise", r["a_uscc"], r["a_name"]), ref("enterprise", r["b_uscc"], r["b_name"])]
            if r["via"]:
                route, _, key = r["via"].partition(":")
                evidence.append(ref(route, key, r["value"]))
            firms += [r["a_uscc"], r["b_uscc"]]
            facts.append(msg(N_("{a} and {b} share a {what}: {value}"), a=r["a_name"], b=r["b_name"],
                             what=msg(SHARED[r["what"]]), value=r["value"]))
        kinds = listing((msg(SHARED[w]) for w in sorted({r["what"] for r in group})), COMMAS)
        hits.append(_hit("bid_ring", tno, ref("tender", tno), msg(N_("Bidders on {tender} share {kinds}"), tender=tno, kinds=kinds),
                         group[0]["open_date"], facts, evidence, firms))
    return hits


def _bid_rotation(rows: list[dict]) -> list[dict]:
    parent: dict[str, str] = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    names = {}
    for r in rows:
        names[r["a_uscc"]], names[r["b_uscc"]] = r["a_name"], r["b_name"]
        parent[find(r["a_uscc"])] = find(r["b_uscc"])
    groups = _group(rows, lambda r: find(r["a_uscc"]))
    hits = []
    for group in groups.values():
        members = sorted({u for r in group for u in (r["a_uscc"], r["b_uscc"])})
        tenders = sorted({t for r in group for t in r["tenders"]})
        facts = [msg(N_("{a} and {b} bid together {n} times and won {a_wins} and {b_wins} of them"), a=r["a_name"],
                     b=r["b_name"], n=r["together"], a_wins=r["a_wins"], b_wins=r["b_wins"]) for r in group]
        evidence = [ref("enterprise", u, names[u]) for u in members] + [ref("tender", t) for t in tenders]
        hits.append(_hit("bid_rotation", "|".join(members), ref("enterprise", members[0], names[members[0]]),
                         msg(N_("{n} firms bid together repeatedly and take turns winning ({tenders} tenders)"),
                             n=len(members), tenders=len(tenders)),
                         None, facts, evidence, members))
    return hits


def _subcontract_chain(rows: list[dict]) -> list[dict]:
    hits = []
    for code, group in _group(rows, lambda r: r["project_code"]).items():
        facts, evidence, firms = [], [ref("project", code, group[0]["project_name"])], []
        for r in group:
            evidence += [ref("enterprise", r[f"{x}_uscc"], r[f"{x}_name"]) for x in "abc"]
            firms += [r[f"{x}_uscc"] for x in "abc"]
            facts.append(msg(N_("{a} → {b} ({first}) → {c} ({second})"), a=r["a_name"], b=r["b_name"],
                             first=r["first_scope"] or None, c=r["c_name"], second=r["second_scope"] or None))
        name = group[0]["project_name"] or code
        hits.append(_hit("subcontract_chain", code, ref("project", code, name), msg(N_("{project}: subcontracting chain"), project=name),
                         None, facts, evidence, firms))
    return hits


def _held(held: list[dict]) -> Message:
    if not held:
        return msg(N_("holds no qualification"))
    return msg(N_("holds {qualifications}"), qualifications=listing(
        msg(N_("{category} {cert} ({start} to {end})"), category=q["category"], cert=q["cert_no"], start=q["issued"],
            end=q["expires"]) for q in held))


def _need(role: str):
    return listing(ROLE_QUALIFICATIONS.get(role, ()), COMMAS)


def _unqualified_subcontractor(rows: list[dict]) -> list[dict]:
    hits = []
    for r in rows:
        need = _need(r["role"])
        hits.append(_hit(
            "unqualified_subcontractor", f"{r['project_code']}|{r['uscc']}", ref("enterprise", r["uscc"], r["name"]),
            msg(N_("{firm} took a {role} subcontract on {project} without a valid qualification"),
                firm=r["name"], role=r["role"], project=r["project_name"] or r["project_code"], need=need),
            r["start_on"],
            [msg(N_("{source} subcontracted {scope} to {firm}; on {date} it needed one of: {need}; it {held}")
                 if r["scope"] else
                 N_("{source} subcontracted work to {firm}; on {date} it needed one of: {need}; it {held}"),
                 source=r["from_name"], scope=r["scope"], firm=r["name"], date=r["start_on"], need=need,
                 held=_held(r["held"]))],
            [ref("project", r["project_code"], r["project_name"]), ref("enterprise", r["from_uscc"], r["from_name"])]
            + [ref("qualification", q["cert_no"]) for q in r["held"]],
            [r["uscc"], r["from_uscc"]]))
    return hits


def _unqualified_participation(rows: list[dict]) -> list[dict]:
    hits = []
    for r in rows:
        hits.append(_hit(
            "unqualified_participation", f"{r['project_code']}|{r['uscc']}|{r['role']}",
            ref("enterprise", r["uscc"], r["name"]),
            msg(N_("{firm} took part in {project} as {role} without a valid qualification"), firm=r["name"],
                project=r["project_name"] or r["project_code"], role=r["role"]),
            r["start_on"],
            [msg(N_("on {date} the role needed one of: {need}; the firm {held}"), date=r["start_on"],
                 need=_need(r["role"]), held=_held(r["held"]))],
            [ref("project", r["project_code"], r["project_name"])] + [ref("qualification", q["cert_no"]) for q in r["held"]],
            [r["uscc"]]))
    return hits


def _phoenix(rows: list[dict]) -> list[dict]:
    hits = []
    for key, group in _group(rows, lambda r: f"{r['old_uscc']}|{r['new_uscc']}").items():
        r = group[0]
        tenders = {t["tender_no"]: t for g in group for t in g["tenders"]}
        facts = [msg(N_("{old}: {measure} on {date} ({penalty}); its {old_link} {person} is {new_link} of {new}"),
                     old=g["old_name"], measure=g["measure"], date=g["decision_date"], penalty=g["penalty_id"],
                     old_link=msg(REL[g["old_link"]]), person=g["person_name"], new_link=msg(REL[g["new_link"]]),
                     new=g["new_name"])
                 for g in group]
        facts.append(msg(N_("won afterwards: {tenders}"), tenders=listing(
            (f"{t} ({_d(v['open_date'])})" for t, v in sorted(tenders.items())), COMMAS)))
        evidence = [ref("enterprise", r["old_uscc"], r["old_name"])] + \
                   [ref("penalty", g["penalty_id"]) for g in group] + \
                   [ref("person", g["person_id"], g["person_name"]) for g in group] + \
                   [ref("tender", t) for t in sorted(tenders)]
        hits.append(_hit("phoenix", key, ref("enterprise", r["new_uscc"], r["new_name"]),
                         msg(N_("{new} took on people of {old} ({measure}) and then won tenders"), new=r["new_name"],
                             old=r["old_name"], measure=r["measure"]),
                         min(g["decision_date"] for g in group), facts, evidence, [r["new_uscc"], r["old_uscc"]]))
    return hits


# --- the registry ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Detector:
    kind: str
    number: int
    name: str  # an English msgid
    build: Callable[[list[dict]], list[dict]]
    params: Callable[..., dict] = lambda settings: {}

    @property
    def query(self) -> str:
        return f"flag_{self.kind}"


def _needs(settings) -> dict:
    return {"needs": needs_param()}


def _subcontract_needs(settings) -> dict:
    return {"needs": needs_param(), "default_role": SUBCONTRACT_DEFAULT_ROLE}


DETECTORS: dict[str, Detector] = {d.kind: d for d in (
    Detector("cert_lending", 1, N_("Certificate lending"), _cert_lending),
    Detector("pm_conflict", 2, N_("Project manager on overlapping projects"), _pm_conflict,
             lambda s: {"role": PROJECT_MANAGER}),
    Detector("sanctioned_bidding", 3, N_("Bidding while banned"), _sanctioned_bidding,
             lambda s: {"bans": list(BID_BANS)}),
    Detector("bid_ring", 4, N_("Bid ring: linked bidders"), _bid_ring),
    Detector("bid_rotation", 4, N_("Bid ring: rotating winners"), _bid_rotation,
             lambda s: {"min_together": s.flag_min_together}),
    Detector("subcontract_chain", 5, N_("Subcontracting chain"), _subcontract_chain),
    Detector("unqualified_subcontractor", 5, N_("Unqualified subcontractor"),
             _unqualified_subcontractor, _subcontract_needs),
    Detector("phoenix", 6, N_("Phoenix firm"), _phoenix, lambda s: {"losses": list(LOSS_OF_STANDING)}),
    Detector("unqualified_participation", 7, N_("Participation without a valid qualification"),
             _unqualified_participation, _needs),
)}


def detector(kind: str) -> Detector:
    if kind not in DETECTORS:
        raise NotFound(msg(N_("no red flag called {kind!r}; known: {known}"), kind=kind, known=", ".join(DETECTORS)))
    return DETECTORS[kind]


def _sort_key(hit: dict):
    return (hit["date"] or dt.date.min, hit["key"])


def detect(graph: Graph, kind: str, settings) -> list[dict]:
    """Run one detector over the whole graph with the thresholds in ``settings``; newest hits first."""
    d = detector(kind)
    return build_hits(kind, graph.query(d.query, **d.params(settings)))


def build_hits(kind: str, rows: list[dict]) -> list[dict]:
    """One detector's hits from its query's rows (no database needed); newest first."""
    return sorted(detector(kind).build(rows), key=_sort_key, reverse=True)


class FlagRuns:
    """Every detector's hits, the latest run kept for ``flag_cache_seconds``: one per app
    (``app.extensions["chengxin"]["flag_runs"]``) or command, not hung on the graph.

    At scale 100 one run of every detector takes seconds, too long for a page. With
    ``wait=False`` (the enterprise page) the latest run is returned even when stale, and a
    stale or missing one is refreshed in a background thread; None means no run has finished
    yet. With ``wait=True`` (the ranking, /flags) a stale or missing run is made first.
    """

    def __init__(self, settings):
        self.settings = settings
        self.result: dict[str, list[dict]] | None = None
        self.at = 0.0  # time.monotonic() of the run held
        self.computed_at: dt.datetime | None = None  # when the run held was made (shown on the pages)
        self.thread: threading.Thread | None = None  # a background run under way
        self._lock = threading.Lock()

    def detect_all(self, graph: Graph, wait: bool = True, fresh: bool = False) -> dict[str, list[dict]] | None:
        ttl = self.settings.flag_cache_seconds
        with self._lock:
            current = self.result is not None and not fresh and time.monotonic() - self.at < ttl
            if current or (not wait and self.result is not None and self.thread is not None):
                return self.result
            if not wait:
                if self.thread is None:
                    self.thread = threading.Thread(target=self._refresh, args=(graph,), daemon=True,
                                                   name="chengxin-flags")
                    self.thread.start()
                return self.result
        return self._refresh(graph)

    def _refresh(self, graph: Graph) -> dict[str, list[dict]]:
        try:
            result = {kind: detect(graph, kind, self.settings) for kind in DETECTORS}
            with self._lock:
                self.result, self.at = result, time.monotonic()
                self.computed_at = dt.datetime.now().replace(microsecond=0)
            return result
        finally:
            with self._lock:
                if self.thread is threading.current_thread():
                    self.thread = None

    def for_firm(self, graph: Graph, uscc: str, wait: bool = True) -> list[dict] | None:
        """Every hit that implicates the firm (None: no run has finished yet, see :meth:`detect_all`)."""
        found = self.detect_all(graph, wait=wait)
        if found is None:
            return None
        return [h for hits in found.values() for h in hits if uscc in h["firms"]]

    def for_entity(self, graph: Graph, route: str, key: str, wait: bool = False) -> list[dict] | None:
        """Every hit whose subject or evidence is this entity (None: no run has finished yet)."""
        found = self.detect_all(graph, wait=wait)
        if found is None:
            return None
        return [h for hits in found.values() for h in hits
                if any(e["route"] == route and e["key"] == key for e in h["evidence"])]
