"""Red flags: one detector per kind, each a named query (``cypher/flag_KIND.cypher``) whose rows
are grouped here into *hits*. A hit has a stable ``key`` (what the planted-case tests and links
use), a one-line title in Chinese and English, the facts that make it a hit, links to every
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
from .vocabulary import (BID_BANS, LOSS_OF_STANDING, PROJECT_MANAGER, ROLE_QUALIFICATIONS, SUBCONTRACT_DEFAULT_ROLE,
                         needs_param)

REL_ZH = {"LEGAL_REP_OF": "法定代表人", "REGISTERED_AT": "注册人员"}
REL_EN = {"LEGAL_REP_OF": "legal representative", "REGISTERED_AT": "registered person"}
SHARED_ZH = {"legal_rep": "法定代表人", "shareholder": "股东", "registered_person": "注册人员", "phone": "电话",
             "address": "地址"}
SHARED_EN = {"legal_rep": "legal representative", "shareholder": "shareholder",
             "registered_person": "registered person", "phone": "phone", "address": "address"}


def ref(route: str, key, name=None) -> dict:
    return {"route": route, "key": key, "name": name or key}


def _d(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else ("—" if value is None else str(value))


def _fact(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def _hit(kind: str, key: str, subject: dict, title_zh: str, title_en: str, date, facts: list[dict],
         evidence: list[dict], firms: list[str]) -> dict:
    seen, unique = set(), []
    for e in [subject, *evidence]:
        if e and e.get("key") and (e["route"], e["key"]) not in seen:
            seen.add((e["route"], e["key"]))
            unique.append(e)
    return {"kind": kind, "key": key, "subject": subject, "title": {"zh": title_zh, "en": title_en},
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
            at = "、".join(f"{g['name']}（{_d(g['valid_from'])}至{_d(g['valid_until'])}）" for g in regs)
            at_en = "; ".join(f"{g['name']} ({_d(g['valid_from'])} to {_d(g['valid_until'])})" for g in regs)
            if r["pattern"] == "acting":
                evidence += [ref("project", r["project_code"], r["project_name"]),
                             ref("enterprise", r["acting_uscc"], r["acting_name"])]
                firms.append(r["acting_uscc"])
                facts.append(_fact(
                    f"{_d(r['start'])}至{_d(r['end'])}代表 {r['acting_name'] or r['acting_uscc']} 担任 {r['project_name']} 的"
                    f"{r['role']}，同期注册于 {at}",
                    f"served as {r['role']} on {r['project_name']} for {r['acting_name'] or r['acting_uscc']} "
                    f"({_d(r['start'])} to {_d(r['end'])}) while registered at {at_en}"))
            else:
                facts.append(_fact(f"同期注册于两家企业：{at}", f"registered at two firms at once: {at_en}"))
        hits.append(_hit("cert_lending", pid, ref("person", pid, name), f"{name} 涉嫌挂证",
                         f"{name}: suspected certificate lending", min(r["start"] for r in group if r["start"]) if any(r["start"] for r in group) else None,
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
            facts.append(_fact(
                f"{r['a_name']}（{_d(r['a_start'])}至{_d(r['a_end'])}）与 {r['b_name']}（{_d(r['b_start'])}至{_d(r['b_end'])}）工期重叠",
                f"{r['a_name']} ({_d(r['a_start'])} to {_d(r['a_end'])}) overlaps {r['b_name']} "
                f"({_d(r['b_start'])} to {_d(r['b_end'])})"))
        projects = {e["key"] for e in evidence}
        hits.append(_hit("pm_conflict", pid, ref("person", pid, name),
                         f"{name} 同期担任 {len(projects)} 个项目的项目经理",
                         f"{name}: project manager on {len(projects)} overlapping projects",
                         min(r["a_start"] for r in group), facts, evidence, firms))
    return hits


def _sanctioned_bidding(rows: list[dict]) -> list[dict]:
    hits = []
    for key, group in _group(rows, lambda r: f"{r['uscc']}|{r['tender_no']}").items():
        r = group[0]
        verb_zh, verb_en = ("中标", "won") if r["won"] else ("投标", "bid on")
        facts = [_fact(f"{_d(r['open_date'])} {verb_zh}招标 {r['tender_no']}，时值 {p['penalty_id']}（{p['measure']}，"
                       f"{_d(p['decision_date'])}至{_d(p['valid_until']) if p['valid_until'] else '无期限'}）有效期内",
                       f"{verb_en} tender {r['tender_no']} on {_d(r['open_date'])} while {p['penalty_id']} ({p['measure']}, "
                       f"{_d(p['decision_date'])} to {_d(p['valid_until']) if p['valid_until'] else 'no end'}) was in force")
                 for p in group]
        evidence = [ref("tender", r["tender_no"]), ref("project", r["project_code"])] + \
                   [ref("penalty", p["penalty_id"]) for p in group]
        hits.append(_hit("sanctioned_bidding", key, ref("enterprise", r["uscc"], r["name"]),
                         f"{r['name']} 在{group[0]['measure']}期间{verb_zh}",
                         f"{r['name']} {verb_en} a tender during {group[0]['measure']}", r["open_date"], facts,
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
            facts.append(_fact(f"{r['a_name']} 与 {r['b_name']} 共享{SHARED_ZH[r['what']]}：{r['value']}",
                               f"{r['a_name']} and {r['b_name']} share a {SHARED_EN[r['what']]}: {r['value']}"))
        kinds = sorted({SHARED_ZH[r["what"]] for r in group})
        hits.append(_hit("bid_ring", tno, ref("tender", tno), f"招标 {tno} 的投标人共享{'、'.join(kinds)}",
                         f"Bidders on {tno} share {', '.join(sorted({SHARED_EN[r['what']] for r in group}))}",
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
        facts = [_fact(f"{r['a_name']} 与 {r['b_name']} 共同投标 {r['together']} 次，分别中标 {r['a_wins']} 次和 {r['b_wins']} 次",
                       f"{r['a_name']} and {r['b_name']} bid together {r['together']} times and won {r['a_wins']} "
                       f"and {r['b_wins']} of them") for r in group]
        evidence = [ref("enterprise", u, names[u]) for u in members] + [ref("tender", t) for t in tenders]
        hits.append(_hit("bid_rotation", "|".join(members), ref("enterprise", members[0], names[members[0]]),
                         f"{len(members)} 家企业反复共同投标并轮流中标（{len(tenders)} 次招标）",
                         f"{len(members)} firms bid together repeatedly and take turns winning ({len(tenders)} tenders)",
                         None, facts, evidence, members))
    return hits


def _subcontract_chain(rows: list[dict]) -> list[dict]:
    hits = []
    for code, group in _group(rows, lambda r: r["project_code"]).items():
        facts, evidence, firms = [], [ref("project", code, group[0]["project_name"])], []
        for r in group:
            evidence += [ref("enterprise", r[f"{x}_uscc"], r[f"{x}_name"]) for x in "abc"]
            firms += [r[f"{x}_uscc"] for x in "abc"]
            facts.append(_fact(f"{r['a_name']} → {r['b_name']}（{r['first_scope'] or '—'}）→ {r['c_name']}（{r['second_scope'] or '—'}）",
                               f"{r['a_name']} → {r['b_name']} ({r['first_scope'] or '—'}) → {r['c_name']} ({r['second_scope'] or '—'})"))
        name = group[0]["project_name"] or code
        hits.append(_hit("subcontract_chain", code, ref("project", code, name), f"{name} 存在层层分包",
                         f"{name}: subcontracting chain", None, facts, evidence, firms))
    return hits


def _held(held: list[dict]) -> tuple[str, str]:
    if not held:
        return "未持有任何资质", "holds no qualification"
    zh = "、".join(f"{q['category']} {q['cert_no']}（{_d(q['issued'])}至{_d(q['expires'])}）" for q in held)
    return f"持有 {zh}", "holds " + "; ".join(f"{q['category']} {q['cert_no']} ({_d(q['issued'])} to {_d(q['expires'])})" for q in held)


def _unqualified_subcontractor(rows: list[dict]) -> list[dict]:
    hits = []
    for r in rows:
        held_zh, held_en = _held(r["held"])
        need = "、".join(ROLE_QUALIFICATIONS.get(r["role"], ()))
        hits.append(_hit(
            "unqualified_subcontractor", f"{r['project_code']}|{r['uscc']}", ref("enterprise", r["uscc"], r["name"]),
            f"{r['name']} 承接 {r['project_name'] or r['project_code']} 的{r['role']}时无有效{need}资质",
            f"{r['name']} took a {r['role']} subcontract on {r['project_name'] or r['project_code']} without a valid qualification",
            r["start_on"],
            [_fact(f"{r['from_name']} 将{r['scope'] or ''}分包给 {r['name']}，{_d(r['start_on'])} 开工时需要{need}资质；该企业{held_zh}",
                   f"{r['from_name']} subcontracted {r['scope'] or 'work'} to {r['name']}; on {_d(r['start_on'])} it needed "
                   f"one of: {need}; it {held_en}")],
            [ref("project", r["project_code"], r["project_name"]), ref("enterprise", r["from_uscc"], r["from_name"])]
            + [ref("qualification", q["cert_no"]) for q in r["held"]],
            [r["uscc"], r["from_uscc"]]))
    return hits


def _unqualified_participation(rows: list[dict]) -> list[dict]:
    hits = []
    for r in rows:
        held_zh, held_en = _held(r["held"])
        need = "、".join(ROLE_QUALIFICATIONS.get(r["role"], ()))
        hits.append(_hit(
            "unqualified_participation", f"{r['project_code']}|{r['uscc']}|{r['role']}",
            ref("enterprise", r["uscc"], r["name"]),
            f"{r['name']} 以{r['role']}身份参建 {r['project_name'] or r['project_code']} 时无有效资质",
            f"{r['name']} took part in {r['project_name'] or r['project_code']} as {r['role']} without a valid qualification",
            r["start_on"],
            [_fact(f"{_d(r['start_on'])} 参建时需要{need}资质；该企业{held_zh}",
                   f"on {_d(r['start_on'])} the role needed one of: {need}; the firm {held_en}")],
            [ref("project", r["project_code"], r["project_name"])] + [ref("qualification", q["cert_no"]) for q in r["held"]],
            [r["uscc"]]))
    return hits


def _phoenix(rows: list[dict]) -> list[dict]:
    hits = []
    for key, group in _group(rows, lambda r: f"{r['old_uscc']}|{r['new_uscc']}").items():
        r = group[0]
        tenders = {t["tender_no"]: t for g in group for t in g["tenders"]}
        facts = [_fact(f"{g['old_name']} 于 {_d(g['decision_date'])} 被{g['measure']}（{g['penalty_id']}）；其{REL_ZH[g['old_link']]} "
                       f"{g['person_name']} 现为 {g['new_name']} 的{REL_ZH[g['new_link']]}",
                       f"{g['old_name']}: {g['measure']} on {_d(g['decision_date'])} ({g['penalty_id']}); its "
                       f"{REL_EN[g['old_link']]} {g['person_name']} is {REL_EN[g['new_link']]} of {g['new_name']}")
                 for g in group]
        facts.append(_fact("此后中标：" + "、".join(f"{t} ({_d(v['open_date'])})" for t, v in sorted(tenders.items())),
                           "won afterwards: " + ", ".join(f"{t} ({_d(v['open_date'])})" for t, v in sorted(tenders.items()))))
        evidence = [ref("enterprise", r["old_uscc"], r["old_name"])] + \
                   [ref("penalty", g["penalty_id"]) for g in group] + \
                   [ref("person", g["person_id"], g["person_name"]) for g in group] + \
                   [ref("tender", t) for t in sorted(tenders)]
        hits.append(_hit("phoenix", key, ref("enterprise", r["new_uscc"], r["new_name"]),
                         f"{r['new_name']} 承接被{r['measure']}企业 {r['old_name']} 的人员后中标",
                         f"{r['new_name']} took on people of {r['old_name']} ({r['measure']}) and then won tenders",
                         min(g["decision_date"] for g in group), facts, evidence, [r["new_uscc"], r["old_uscc"]]))
    return hits


# --- the registry ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Detector:
    kind: str
    number: int
    zh: str
    en: str
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
    Detector("cert_lending", 1, "挂证", "Certificate lending", _cert_lending),
    Detector("pm_conflict", 2, "在建项目冲突", "Project manager on overlapping projects", _pm_conflict,
             lambda s: {"role": PROJECT_MANAGER}),
    Detector("sanctioned_bidding", 3, "处罚期内投标", "Bidding while banned", _sanctioned_bidding,
             lambda s: {"bans": list(BID_BANS)}),
    Detector("bid_ring", 4, "围标串标（关联投标人）", "Bid ring: linked bidders", _bid_ring),
    Detector("bid_rotation", 4, "围标串标（轮流中标）", "Bid ring: rotating winners", _bid_rotation,
             lambda s: {"min_together": s.flag_min_together}),
    Detector("subcontract_chain", 5, "层层转包", "Subcontracting chain", _subcontract_chain),
    Detector("unqualified_subcontractor", 5, "分包单位无相应资质", "Unqualified subcontractor",
             _unqualified_subcontractor, _subcontract_needs),
    Detector("phoenix", 6, "换壳重生", "Phoenix firm", _phoenix, lambda s: {"losses": list(LOSS_OF_STANDING)}),
    Detector("unqualified_participation", 7, "无资质参建", "Participation without a valid qualification",
             _unqualified_participation, _needs),
)}


def detector(kind: str) -> Detector:
    if kind not in DETECTORS:
        raise NotFound(f"没有这类风险信号 {kind} / no red flag called {kind!r}; "
                       f"known: {', '.join(DETECTORS)}")
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
