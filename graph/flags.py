"""Red flags: one detector per kind, each a named query (``cypher/flag_KIND.cypher``) whose rows
are grouped here into *hits*. A hit has a stable ``key`` (what the planted-case tests and links
use), a one-line title and the facts (messages: an English msgid and its parameters, said in a
language by the edge, see :mod:`graph.messages`), the facts that make it a hit, links to every
entity involved (``evidence``) and the firms it implicates (used by the risk score).

Each detector runs as a batch job, not as a console query: its query takes a key range
(``$lo``/``$hi`` on the indexed key of its driving firm or person, see :data:`BATCHING`), the
runner walks the ranges within ``flag_budget_seconds`` and halves a range the database stops at
its time limit or refuses as too big. Every row falls in exactly one range, so the hits are the
same as one query's. A complete run of every detector is stored under ``CHENGXIN_HOME``
(:class:`FlagRuns`), and the pages and the risk ranking read it.

The terms the detectors share (which measures ban bidding, which qualification a role needs, the
project manager's role) live in :mod:`graph.vocabulary`; thresholds are settings.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import logging
import os
import threading
import time
from collections import Counter, defaultdict, deque
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .db import Graph
from .errors import ChengxinError, NotFound, QueryTimeout
from .messages import COMMAS, N_, Listing, Message, listing, msg
from .model import get_model
from .vocabulary import (BID_BANS, LOSS_OF_STANDING, PROJECT_MANAGER, ROLE_QUALIFICATIONS, SUBCONTRACT_DEFAULT_ROLE,
                         needs_param, term)

REL = {"LEGAL_REP_OF": N_("legal representative"), "REGISTERED_AT": N_("registered person")}
SHARED = {"legal_rep": N_("legal representative"), "shareholder": N_("shareholder"),
          "registered_person": N_("registered person"), "phone": N_("phone"), "address": N_("address")}
NO_END = N_("no end")


def _either(group: str, code: str, *names: str) -> tuple[str, ...]:
    """A term's code and its Chinese names: a stage record's role may carry either (the loader writes
    the code; a folder table may give the Chinese)."""
    try:
        t = term(group, code)
    except KeyError:  # the group is not in this vocabulary
        t = None
    return tuple(dict.fromkeys((code, *((t.zh,) if t else ()), *names)))


#: A project's stages (issue 16): the roles of the firms a stage record names (``PARTY_TO.role``) and of
#: the people (``NAMED_ON.role``) that the lifecycle detectors compare.
STAGE_ROLES = {"owner": _either("stage_roles", "owner", "建设单位", "发包单位"),
               "contractor": _either("stage_roles", "contractor", "施工单位", "承包单位"),
               "performer": _either("stage_roles", "performer", "业绩单位")}
STAGE_STAFF_ROLES = {"project_manager": _either("staff_roles", "project_manager", "项目经理"),
                     "chief_supervisor": _either("staff_roles", "chief_supervisor", "总监理工程师")}
#: ``pm_changed`` compares these roles between the tender result and the later stages.
CHECKED_STAFF = ("project_manager", "chief_supervisor")
STAGE_STAFF_NAMES = {"project_manager": N_("project manager"), "chief_supervisor": N_("chief supervising engineer")}
STAGE_NAMES = {"permit": N_("construction permit"), "performance": N_("performance record")}


def _route(label: str) -> str:
    """The page route of a stage record's label (the model's)."""
    spec = get_model().labels.get(label)
    return spec.route if spec else label.lower()
#: ``permit_without_tender``: words of a project's funding that mean state-owned funds (全部或者部分使用国有资金
#: 投资或者国家融资, 《必须招标的工程项目规定》 art. 2); the works threshold is a setting (docs/flags.md).
STATE_FUNDING = ("政府", "国有", "财政", "国资", "国家融资")
#: The measure of the platform's false-performance list (虚假业绩).
FALSE_PERFORMANCE_WORDS = _either("measures", "false_performance", "虚假业绩")[1:]


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
            facts.append(msg(N_("{a} and {b} share the same {what}: {value}"), a=r["a_name"], b=r["b_name"],
                             what=msg(SHARED[r["what"]]), value=r["value"]))
        kinds = listing((msg(SHARED[w]) for w in sorted({r["what"] for r in group})), COMMAS)
        bidders = sorted({(r[f"{x}_uscc"], r[f"{x}_name"]) for r in group for x in "ab"})
        first = bidders[0][1] or bidders[0][0]
        hits.append(_hit("bid_ring", tno, ref("tender", tno),
                         msg(N_("{firm} and {others} other bidders on {tender} share {kinds}"), firm=first,
                             others=len(bidders) - 1, n=len(bidders), tender=tno, kinds=kinds),
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
                         msg(N_("{firm} and {others} other firms bid together repeatedly and take turns winning "
                                "({tenders} tenders)"),
                             firm=names[members[0]] or members[0], others=len(members) - 1, n=len(members),
                             tenders=len(tenders)),
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
        facts = [msg(N_("{old}: {measure} on {date} ({penalty}); {person} ({old_link} there) is now {new_link} at {new}"),
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


# --- a project's life: the stages checked against each other (issue 16) -----------------------

def _firm_refs(firms: list[dict]) -> list[dict]:
    return [ref("enterprise", f["uscc"], f.get("name")) for f in firms if f and f.get("uscc")]


def _pm_changed(rows: list[dict]) -> list[dict]:
    hits = []
    for key, group in _group(rows, lambda r: f"{r['project_code']}|{r['named_id']}|{r['actual_id']}").items():
        r = group[0]
        role = msg(STAGE_STAFF_NAMES.get(r["role"], r["role"]))
        facts = [msg(N_("tender {tender} ({date}) names {named} as {role}; {stage} {record} names {actual}"),
                     tender=r["tender_no"], date=r["open_date"], named=r["named_name"], role=role,
                     stage=msg(STAGE_NAMES[g["stage"]]), record=g["stage_key"], actual=g["actual_name"])
                 for g in group]
        facts.append(msg(N_("no change of {role} is recorded in the project's staff records"), role=role))
        evidence = [ref("project", r["project_code"], r["project_name"]), ref("tender", r["tender_no"]),
                    ref("person", r["named_id"], r["named_name"]), ref("person", r["actual_id"], r["actual_name"])] + \
                   [ref(_route("Permit" if g["stage"] == "permit" else "Performance"), g["stage_key"]) for g in group]
        name = r["project_name"] or r["project_code"]
        hits.append(_hit("pm_changed", key, ref("project", r["project_code"], name),
                         msg(N_("{project}: the {role} named in the tender is not the one on site"), project=name, role=role),
                         r["open_date"], facts, evidence,
                         [u for g in group for u in (g["named_uscc"], g["actual_uscc"])]))
    return hits


def _contract_above_award(rows: list[dict]) -> list[dict]:
    hits = []
    for r in rows:
        name = r["project_name"] or r["project_code"]
        excess = (r["amount"] / r["price"] - 1.0) * 100.0
        hits.append(_hit(
            "contract_above_award", r["contract_id"], ref(_route("Contract"), r["contract_id"], r["contract_no"] or r["contract_id"]),
            msg(N_("{project}: contract {pct}% above the winning price"), project=name, pct=f"{excess:.1f}"),
            r["signed_date"] or r["open_date"],
            [msg(N_("{firm} won tender {tender} at {price} 万元 and the contract record says {amount} 万元 ({pct}% more)"),
                 firm=r["name"] or r["uscc"], tender=r["tender_no"], price=f"{r['price']:g}", amount=f"{r['amount']:g}",
                 pct=f"{excess:.1f}")],
            [ref("project", r["project_code"], r["project_name"]), ref("tender", r["tender_no"]),
             ref("enterprise", r["uscc"], r["name"])] + [ref("enterprise", u) for u in r["owners"]],
            [r["uscc"], *r["owners"]]))
    return hits


def _work_before_permit(rows: list[dict]) -> list[dict]:
    hits = []
    for r in rows:
        name = r["project_name"] or r["project_code"]
        if r["permit_no"] is None:
            title = msg(N_("{project}: completed with no construction permit"), project=name)
            fact = msg(N_("completion record {record} ({start} to {end}) and no construction permit for the project"),
                       record=r["completion_no"], start=r["start_date"], end=r["end_date"])
        else:
            title = msg(N_("{project}: work started before the construction permit"), project=name)
            fact = msg(N_("completion record {record}: work started on {start}, permit {permit} issued on {issued}"),
                       record=r["completion_no"], start=r["start_date"], permit=r["permit_no"], issued=r["issued"])
        evidence = [ref("project", r["project_code"], r["project_name"])] + \
                   ([ref(_route("Permit"), r["permit_no"])] if r["permit_no"] else []) + _firm_refs(r["firms"])
        hits.append(_hit("work_before_permit", r["completion_no"], ref(_route("Completion"), r["completion_no"]), title,
                         r["start_date"], [fact], evidence, [f["uscc"] for f in r["firms"]]))
    return hits


def _permit_without_tender(rows: list[dict]) -> list[dict]:
    hits = []
    for r in rows:
        name = r["project_name"] or r["project_code"]
        firms = listing((f["name"] or f["uscc"] for f in r["contractors"]), COMMAS)
        if not r["winners"]:
            title = msg(N_("{project}: construction permit with no tender result"), project=name)
            fact = msg(N_("permit {permit} ({amount} 万元, funding {funding}) must have been tendered; "
                          "the project has no tender result"),
                       permit=r["permit_no"], amount=f"{r['amount']:g}", funding=r["funding"])
        else:
            title = msg(N_("{project}: the permit's contractor did not win the tender"), project=name)
            fact = msg(N_("permit {permit} names {firms} as contractor; the tender was won by {winners}"),
                       permit=r["permit_no"], firms=firms,
                       winners=listing((f"{w['name'] or w['uscc']} ({w['tender_no']})" for w in r["winners"]), COMMAS))
        evidence = [ref("project", r["project_code"], r["project_name"])] + _firm_refs(r["contractors"]) + \
                   [ref("tender", w["tender_no"]) for w in r["winners"]] + _firm_refs(r["winners"])
        hits.append(_hit("permit_without_tender", r["permit_no"], ref(_route("Permit"), r["permit_no"]), title, r["issued"],
                         [fact], evidence, [f["uscc"] for f in r["contractors"]]))
    return hits


def _false_performance(rows: list[dict]) -> list[dict]:
    hits = []
    for r in rows:
        facts = [msg(N_("on the false-performance list since {date} ({penalty}: {description})"), date=r["marked"],
                     penalty=r["penalty_id"], description=r["description"] or r["project_code"])]
        if r["won"]:
            facts.append(msg(N_("won afterwards: {tenders}"), tenders=listing(
                (f"{t['tender_no']} ({_d(t['open_date'])})" for t in sorted(r["won"], key=lambda t: t["tender_no"])),
                COMMAS)))
        if r["used"]:
            facts.append(msg(N_("the marked project {project} is still its performance on {records}"),
                             project=r["project_name"] or r["project_code"], records=listing(sorted(r["used"]), COMMAS)))
        evidence = [ref("penalty", r["penalty_id"])] + \
                   ([ref("project", r["project_code"], r["project_name"])] if r["project_code"] else []) + \
                   [ref("tender", t["tender_no"]) for t in r["won"]] + [ref(_route("Performance"), u) for u in r["used"]]
        hits.append(_hit("false_performance", f"{r['uscc']}|{r['penalty_id']}", ref("enterprise", r["uscc"], r["name"]),
                         msg(N_("{firm} is on the false-performance list and was used again"), firm=r["name"] or r["uscc"]),
                         r["marked"], facts, evidence, [r["uscc"]]))
    return hits


def _pm_overlap_permits(rows: list[dict]) -> list[dict]:
    hits = []
    for pid, group in _group(rows, lambda r: r["person_id"]).items():
        name = group[0]["person_name"]
        facts, evidence, firms = [], [], []
        for r in group:
            evidence += [ref(_route("Permit"), r["a_no"]), ref(_route("Permit"), r["b_no"])]
            evidence += [ref("project", c) for c in (r["a_code"], r["b_code"]) if c]
            firms += [r["a_uscc"], r["b_uscc"]]
            facts.append(msg(N_("permit {a} ({a_start} to {a_end}) overlaps permit {b} ({b_start} to {b_end})"),
                             a=r["a_no"], a_start=r["a_start"], a_end=r["a_end"],
                             b=r["b_no"], b_start=r["b_start"], b_end=r["b_end"]))
        permits = {e["key"] for e in evidence if e["route"] == _route("Permit")}
        hits.append(_hit("pm_overlap_permits", pid, ref("person", pid, name),
                         msg(N_("{person}: project manager on {n} construction permits at once"), person=name, n=len(permits)),
                         min(r["a_start"] for r in group), facts, evidence, firms))
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
    """The roles that need a qualification, and per role its categories (a map: looked up, not searched)."""
    needs = needs_param()
    return {"roles": [n["role"] for n in needs], "categories": {n["role"]: n["categories"] for n in needs}}


def _subcontract_needs(settings) -> dict:
    return {"needs": needs_param(), "default_role": SUBCONTRACT_DEFAULT_ROLE}


DETECTORS: dict[str, Detector] = {d.kind: d for d in (
    Detector("cert_lending", 1, N_("Certificate lending"), _cert_lending),
    Detector("pm_conflict", 2, N_("Project manager on overlapping projects"), _pm_conflict,
             lambda s: {"role": PROJECT_MANAGER}),
    Detector("sanctioned_bidding", 3, N_("Bidding while banned"), _sanctioned_bidding,
             lambda s: {"bans": list(BID_BANS)}),
    Detector("bid_ring", 4, N_("Bid ring: linked bidders"), _bid_ring),
    Detector("bid_rotation", 5, N_("Bid ring: rotating winners"), _bid_rotation,
             lambda s: {"min_together": s.flag_min_together}),
    Detector("subcontract_chain", 6, N_("Subcontracting chain"), _subcontract_chain),
    Detector("unqualified_subcontractor", 7, N_("Unqualified subcontractor"),
             _unqualified_subcontractor, _subcontract_needs),
    Detector("phoenix", 8, N_("Phoenix firm"), _phoenix, lambda s: {"losses": list(LOSS_OF_STANDING)}),
    Detector("unqualified_participation", 9, N_("Participation without a valid qualification"),
             _unqualified_participation, _needs),
    Detector("pm_changed", 10, N_("Project manager changed without record"), _pm_changed,
             lambda s: {"roles": [{"code": c, "names": list(STAGE_STAFF_ROLES[c])} for c in CHECKED_STAFF]}),
    Detector("contract_above_award", 11, N_("Contract above the winning price"), _contract_above_award,
             lambda s: {"pct": float(s.contract_above_award_pct), "contractor": list(STAGE_ROLES["contractor"]),
                        "owner": list(STAGE_ROLES["owner"])}),
    Detector("work_before_permit", 12, N_("Work before the construction permit"), _work_before_permit,
             lambda s: {"contractor": list(STAGE_ROLES["contractor"])}),
    Detector("permit_without_tender", 13, N_("Permit without a tender"), _permit_without_tender,
             lambda s: {"state_funding": list(STATE_FUNDING), "threshold": float(s.tender_required_works_amount),
                        "contractor": list(STAGE_ROLES["contractor"])}),
    Detector("false_performance", 14, N_("False performance record used again"), _false_performance,
             lambda s: {"words": list(FALSE_PERFORMANCE_WORDS), "performer": list(STAGE_ROLES["performer"])}),
    Detector("pm_overlap_permits", 15, N_("Project manager on overlapping permits"), _pm_overlap_permits,
             lambda s: {"roles": list(STAGE_STAFF_ROLES["project_manager"])}),
)}


def detector(kind: str) -> Detector:
    if kind not in DETECTORS:
        raise NotFound(msg(N_("no red flag called {kind!r}; known: {known}"), kind=kind, known=", ".join(DETECTORS)))
    return DETECTORS[kind]


def _sort_key(hit: dict):
    return (hit["date"] or dt.date.min, hit["key"])


# --- batches: one detector's query split into key ranges ----------------------------------------

log = logging.getLogger("chengxin.flags")

#: Per detector: the key space its ``$lo``/``$hi`` range is on (``cypher/flag_keys_KEY.cypher``:
#: the label's unique key, whose index serves a range; the sparsest start that reaches every row:
#: tenders, projects or penalties rather than people or firms where one will do) and how many of
#: those keys one batch covers by default. One walk of each key's index per run cuts the ranges for
#: every detector on it. Measured at scale 700: each batch about a second of the database's time or
#: less, so two at once stay under its 5 s limit on a busy machine; a batch over it is halved.
BATCHING: dict[str, tuple[str, int]] = {
    "cert_lending": ("person", 50_000),
    "pm_conflict": ("project", 10_000),
    "sanctioned_bidding": ("penalty", 20_000),
    "bid_ring": ("tender", 10_000),
    "bid_rotation": ("enterprise", 5_000),
    "subcontract_chain": ("enterprise", 40_000),
    "unqualified_subcontractor": ("enterprise", 20_000),
    "phoenix": ("penalty", 40_000),
    "unqualified_participation": ("enterprise", 10_000),
    "pm_changed": ("project", 5_000),
    "contract_above_award": ("project", 10_000),
    "work_before_permit": ("project", 10_000),
    "permit_without_tender": ("permit", 10_000),
    "false_performance": ("penalty", 40_000),
    "pm_overlap_permits": ("permit", 10_000),
}
#: The walk of each key's index cuts ranges of this many keys; a detector's batch joins as many
#: neighbouring ranges as its size holds (one walk per key space and run serves every detector).
GRAIN = {"person": 12_500, "enterprise": 1_000, "project": 2_500, "tender": 2_500, "penalty": 1_000, "permit": 2_500}
#: The label whose unique key each key space walks (its node count tells whether the cuts of the last run
#: still fit: :meth:`FlagRuns.cuts`).
KEY_LABELS = {"person": "Person", "enterprise": "Enterprise", "project": "Project", "tender": "Tender",
              "penalty": "Penalty", "permit": "Permit"}
#: The last run's cuts of a key space are used again while its node count is within this share of the
#: count they were cut at (any cut covers every key once; they are only about as even as they were).
RECUT_SHARE = 0.1
#: Further queries of a detector, each on its own key space: (query, key space, keys per batch).
#: bid_ring compares each tender's bidders' own details (its own query, on tenders) and, candidates
#: first, the firms a shareholder holds (on firms: only a holder of two firms or more) and the firms a
#: person is registered at (on people: only people registered at two firms or more).
PARTS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "cert_lending": (("flag_cert_lending_double", "person", 100_000),),
    "bid_ring": (("flag_bid_ring_holders", "enterprise", 20_000), ("flag_bid_ring_people", "person", 100_000)),
}
#: Candidates that queries of different detectors share, found once per run (:func:`fetch_rows`'s ``memo``):
#: a name and how to find their keys (:class:`Candidates`: the reads it needs, :data:`READS`, and how their rows
#: give the keys). A query that takes them (:data:`TAKES`) gets the candidates of its batch's range as ``$keys``,
#: and is not run for a range with none. A read is made once per run too, for every candidate that needs it. At
#: scale 700 one read of the 1.2 M people (11 s of the database) finds the people registered twice (for
#: cert_lending and bid_ring) and those acting for a firm while registered at another (cert_lending, whose query
#: had read every person's projects and registrations: 10 s, beside 7 s for the people registered twice); one
#: read of every tender's winners and bidders (10 s) and one of every firm's details (2 s) find the candidates of
#: bid_ring and bid_rotation, which had expanded them in the database (13 s and 22 s).
SEP = "\x1f"  # between the keys or fields of a line of flag_tender_bidders and flag_firm_details
PART = "\x1e"  # between the parts of a line of flag_tender_bidders (the loader refuses these control characters)


def _tender_lines(rows: list[dict]) -> list[tuple[str, list[str], list[str]]]:
    """flag_tender_bidders' lines as (tender number, winners, bidders). Each key keeps its one-letter mark (taken
    off the few that become candidates), which keeps a firm key or a tender number from reading as an ID number
    to the privacy filter every result goes through."""
    out = []
    for row in rows:
        for line in row["tenders"]:
            tno, won, bid = line.split(PART)
            out.append((tno, won.split(SEP) if won else [], bid.split(SEP)))
    return out


def _firm_lines(rows: list[dict]) -> dict[str, tuple[tuple[int, str], ...]]:
    """flag_firm_details' lines by (marked) firm key: what the firm could share with another, as (which, value):
    its legal representative (0; none when it has none, a marked empty key matching another, as in the
    query), its phone (1) and its address (2), each unless empty."""
    out = {}
    for row in rows:
        for line in row["firms"]:
            key, rep, phone, address = line.split(SEP, 3)
            out[key] = tuple((which, v) for which, v in ((0, rep), (1, phone[1:]), (2, address[1:])) if v)
    return out


@dataclass(frozen=True)
class Read:
    """A query run once per run over every range of its key space, its rows kept in the run's memo as ``parse``
    gives them."""

    query: str
    key: str  # the key space of its ranges
    size: int  # keys per batch
    params: dict = field(default_factory=dict)
    parse: Callable[[list[dict]], object] = lambda rows: rows


READS: dict[str, Read] = {r.query: r for r in (
    Read("flag_people_candidates", "person", 50_000),
    Read("flag_tender_bidders", "tender", 10_000, {"sep": SEP, "part": PART}, _tender_lines),
    Read("flag_firm_details", "enterprise", 40_000, {"sep": SEP}, _firm_lines),
)}


def _rotating_firms(found: dict, settings) -> list[str]:
    """bid_rotation's candidates, from every tender's winners and bidders: the smaller key of each pair of firms
    where each won a tender the other bid on and that bid together at least ``flag_min_together`` times, counted
    as the query counts (the other firm's bids on the first's tenders). The query then compares only these
    firms' pairs, so its rows are the same."""
    tenders = found["flag_tender_bidders"]
    beaten: dict[str, set[str]] = defaultdict(set)  # per winner, the firms that bid on a tender it won
    for _, won, bid in tenders:
        for w in won:
            beaten[w].update(bid)
    none: set[str] = set()
    pairs = [(a, b) for a, others in beaten.items() for b in others if a < b and a in beaten.get(b, none)]
    both = {x for pair in pairs for x in pair}
    bids: dict[str, list[int]] = defaultdict(list)  # the tenders the firms of those pairs bid on
    for n, (_, _, bid) in enumerate(tenders):
        for b in bid:
            if b in both:
                bids[b].append(n)
    firms = set()
    for a, b in pairs:
        mine = set(bids[a])
        if sum(t in mine for t in bids[b]) >= settings.flag_min_together:
            firms.add(a[1:])
    return sorted(firms)


def _linked_tenders(found: dict, settings) -> list[str]:
    """bid_ring's candidate tenders: two of the bidders (different firms) have the same legal representative,
    or the same phone or address (not empty), as flag_bid_ring compares them; it then reads only these."""
    firms = found["flag_firm_details"]
    # only what two firms or more have can be shared on a tender: the other firms' details are left out
    counts = Counter(x for details in firms.values() for x in details)
    linked = {key: shared for key, details in firms.items() if (shared := [x for x in details if counts[x] > 1])}
    out = []
    for tno, _, bid in found["flag_tender_bidders"]:
        some = linked.keys() & bid
        if len(some) > 1:
            shared = [x for b in some for x in linked[b]]
            if len(shared) != len(set(shared)):
                out.append(tno[1:])
    return sorted(out)


@contextmanager
def _no_cycle_collection():
    """Python's cycle collector paused while a read's millions of small strings, lists and sets are made (they
    hold no cycles; the collector, run again and again as they grow, had doubled the time: 5 s instead of 3 at
    scale 700)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@dataclass(frozen=True)
class Candidates:
    reads: tuple[str, ...]  # :data:`READS`
    keys: Callable[[dict, object], list[str]]  # from the reads (by query) and the settings


CANDIDATES: dict[str, Candidates] = {
    "people_registered_twice": Candidates(("flag_people_candidates",),
                                          lambda found, settings: [r["key"] for r in found["flag_people_candidates"]
                                                                   if r["twice"]]),
    "people_acting_elsewhere": Candidates(("flag_people_candidates",),
                                          lambda found, settings: [r["key"] for r in found["flag_people_candidates"]
                                                                   if r["acting"]]),
    "linked_tenders": Candidates(("flag_tender_bidders", "flag_firm_details"), _linked_tenders),
    "rotating_firms": Candidates(("flag_tender_bidders",), _rotating_firms),
}
TAKES: dict[str, str] = {"flag_cert_lending": "people_acting_elsewhere",
                         "flag_cert_lending_double": "people_registered_twice",
                         "flag_bid_ring_people": "people_registered_twice",
                         "flag_bid_ring": "linked_tenders",
                         "flag_bid_rotation": "rotating_firms"}
#: Above every key (keys are printable text): the upper bound of the last range.
TOP = "\uffff\uffff"

Range = tuple[str, str, int]  # lo (inclusive), hi (exclusive), about how many keys


def key_ranges(graph: Graph, key: str, size: int) -> list[Range]:
    """Ranges of ``size`` keys each (the last one what is left) covering every key exactly once,
    cut by walking the key's index: the key ``size`` places after the last cut, again and again."""
    ranges: list[Range] = []
    lo = ""
    while True:
        found = graph.query(f"flag_keys_{key}", lo=lo, hi=TOP, skip=size)
        if not found or not found[0]["key"] or found[0]["key"] <= lo:
            ranges.append((lo, TOP, size))
            return ranges
        ranges.append((lo, found[0]["key"], size))
        lo = found[0]["key"]


def join(ranges: list[Range], size: int) -> list[Range]:
    """Neighbouring ranges joined into batches of about ``size`` keys (still every key once)."""
    out: list[Range] = []
    for r in ranges:
        if out and out[-1][2] + r[2] <= size:
            lo, _, n = out[-1]
            out[-1] = (lo, r[1], n + r[2])
        else:
            out.append(r)
    return out


def _halve(graph: Graph, key: str, r: Range) -> list[Range] | None:
    """Two ranges splitting ``r`` at about its middle key (the last range of a walk holds fewer keys
    than its size says: a smaller step is tried until one lands inside); None when it has one key."""
    lo, hi, n = r
    skip = n // 2
    while skip >= 1:
        found = graph.query(f"flag_keys_{key}", lo=lo, hi=hi, skip=skip)
        if found and found[0]["key"] and lo < found[0]["key"] < hi:
            return [(lo, found[0]["key"], skip), (found[0]["key"], hi, max(n - skip, skip))]
        skip //= 2
    return None


def _too_big(e: ChengxinError) -> bool:
    """The database stopped the query at its time limit, or refused it as over its query heap."""
    return isinstance(e, QueryTimeout) or "heap budget" in str(e.detail).lower()


def _canonical(row: dict) -> str:
    return json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)


@dataclass
class Batches:
    """How one detector's batch job went."""

    kind: str
    seconds: float = 0.0
    ranges: int = 0  # ranges run
    halved: int = 0  # ranges the database refused, run again as two
    rows: int = 0


def parts(kind: str) -> list[tuple[str, str, int]]:
    """One detector's queries, each with the key space of its ranges and its batch size: its own
    query (:data:`BATCHING`), then any further ones (:data:`PARTS`). Its rows are all of theirs."""
    key, size = BATCHING[kind]
    return [(detector(kind).query, key, size), *PARTS.get(kind, ())]


def fetch_rows(graph: Graph, kind: str, settings, size: int | None = None,
               ranges: dict[str, list[Range]] | None = None, memo: dict | None = None
               ) -> tuple[list[dict], Batches]:
    """Every row of one detector's queries (:func:`parts`), each walking its key ranges within
    ``flag_budget_seconds`` (together): ``ranges`` holds fine ranges already cut per key space
    (joined here into the part's batches), else they are cut here in batches of ``size`` keys (or
    the part's own size). ``memo`` keeps the :data:`CANDIDATES` (and the :data:`READS` they come
    from) found for one detector for the next ones of a run. Rows come in a canonical order, so the hits do not depend on how the work was
    split."""
    d = detector(kind)
    t0 = time.monotonic()
    info = Batches(kind)
    memo = {} if memo is None else memo
    params = d.params(settings)
    batches: dict[str, list[Range]] = {}  # per key space, as this detector's parts cut it
    todo: deque[tuple[str, str, Range]] = deque()
    for query, key, default in parts(kind):
        n = size or settings.flag_batch_keys or default
        cut = join(ranges[key], n) if ranges and key in ranges else key_ranges(graph, key, n)
        batches.setdefault(key, cut)
        todo += [(query, key, r) for r in cut]
    for name in dict.fromkeys(TAKES[q] for q, _, _ in todo if q in TAKES):
        if name not in memo:
            found = {}
            for query in CANDIDATES[name].reads:
                if f"read:{query}" not in memo:
                    c = READS[query]
                    n = size or settings.flag_batch_keys or c.size
                    cut = join(ranges[c.key], n) if ranges and c.key in ranges else key_ranges(graph, c.key, n)
                    rows = _batches(graph, kind, settings, t0, deque((query, c.key, r) for r in cut),
                                    lambda q, r: c.params, Batches(kind))
                    with _no_cycle_collection():
                        memo[f"read:{query}"] = c.parse(rows)
                found[query] = memo[f"read:{query}"]
            with _no_cycle_collection():
                memo[name] = sorted(set(CANDIDATES[name].keys(found, settings)))

    def bind(query: str, r: Range) -> dict | None:
        if query not in TAKES:
            return params
        keys = [k for k in memo[TAKES[query]] if r[0] <= k < r[1]]
        return {**params, "keys": keys} if keys else None  # no candidate in the range: nothing to ask

    rows = _batches(graph, kind, settings, t0, todo, bind, info)
    rows.sort(key=_canonical)
    info.rows, info.seconds = len(rows), round(time.monotonic() - t0, 3)
    return rows, info


def _batches(graph: Graph, kind: str, settings, t0: float, todo: deque, bind: Callable[[str, Range], dict | None],
             info: Batches) -> list[dict]:
    """Run the batches ``todo`` (query, key space, range) on ``flag_workers`` threads with the parameters
    ``bind`` gives (None: nothing to run), halving a range the database refuses as too big."""
    budget = settings.flag_budget_seconds
    rows: list[dict] = []
    workers = settings.flag_workers
    pool = ThreadPoolExecutor(workers, thread_name_prefix=f"chengxin-flag-{kind}")
    running: dict = {}  # future -> (query, key space, range)
    try:
        while todo or running:
            while todo and len(running) < workers:
                if time.monotonic() - t0 > budget:
                    raise QueryTimeout(f"red flag {kind}: over its budget of {budget:g} s (CHENGXIN_FLAG_BUDGET_SECONDS) "
                                       f"after {info.ranges} key ranges, {len(todo) + len(running)} left")
                query, key, r = todo.popleft()
                params = bind(query, r)
                if params is None:
                    info.ranges += 1
                    continue
                running[pool.submit(graph.query, query, lo=r[0], hi=r[1], **params)] = (query, key, r)
            if not running:
                continue
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                query, key, r = running.pop(future)
                try:
                    rows += future.result()
                except ChengxinError as e:
                    halves = _halve(graph, key, r) if _too_big(e) else None
                    if halves is None:
                        raise
                    log.info("red flag %s: key range [%s, %s) of %s halved: %s", kind, r[0], r[1], query, e.detail)
                    info.halved += 1
                    todo.extendleft((query, key, h) for h in reversed(halves))
                    continue
                info.ranges += 1
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return rows


def detect(graph: Graph, kind: str, settings, size: int | None = None) -> list[dict]:
    """Run one detector over the whole graph with the thresholds in ``settings``, in key-range
    batches (``size`` keys each; default the detector's own); newest hits first."""
    return build_hits(kind, fetch_rows(graph, kind, settings, size)[0])


def build_hits(kind: str, rows: list[dict]) -> list[dict]:
    """One detector's hits from its query's rows (no database needed); newest first."""
    return sorted(detector(kind).build(rows), key=_sort_key, reverse=True)


# --- the stored run ----------------------------------------------------------------------------

RUN_FILE = "flag-run.json"


@dataclass
class FlagRun:
    """One complete run of every detector, as stored under ``CHENGXIN_HOME``."""

    hits: dict[str, list[dict]]
    computed_at: dt.datetime
    seconds: dict[str, float] = field(default_factory=dict)  # per detector
    ranges: dict[str, int] = field(default_factory=dict)  # key ranges run, per detector
    total_seconds: float = 0.0
    data_version: str | None = None  # the data's state when the run began (:func:`data_version`)
    cuts: dict[str, list] = field(default_factory=dict)  # per key space: the ranges it was cut into
    cut_counts: dict[str, int] = field(default_factory=dict)  # per key space: its node count when cut


def _encode(value):
    if isinstance(value, Message):
        return {"$msg": value.msgid, "params": value.params, "context": value.context}
    if isinstance(value, Listing):
        return {"$listing": list(value.items), "separator": value.separator}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    return str(value)


def _decode(obj: dict):
    if "$msg" in obj:
        return Message(obj["$msg"], obj.get("params") or {}, obj.get("context"))
    if "$listing" in obj:
        return Listing(tuple(obj["$listing"]), obj["separator"])
    if len(obj) == 1:
        if "$date" in obj:
            return dt.date.fromisoformat(obj["$date"])
        if "$datetime" in obj:
            return dt.datetime.fromisoformat(obj["$datetime"])
    return obj


def save_run(path: Path, run: FlagRun) -> None:
    """Write the run atomically to a private file (owner only: hits name people)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    data = {"version": 1, "computed_at": run.computed_at, "total_seconds": run.total_seconds,
            "seconds": run.seconds, "ranges": run.ranges, "data_version": run.data_version,
            "cuts": run.cuts, "cut_counts": run.cut_counts, "hits": run.hits}
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, default=_encode)
    os.replace(tmp, path)


def load_run(path: Path) -> FlagRun:
    data = json.loads(path.read_text("utf-8"), object_hook=_decode)
    return FlagRun(hits=data["hits"], computed_at=data["computed_at"], seconds=data.get("seconds", {}),
                   ranges=data.get("ranges", {}), total_seconds=data.get("total_seconds", 0.0),
                   data_version=data.get("data_version"),
                   cuts={k: [tuple(r) for r in v] for k, v in (data.get("cuts") or {}).items()},
                   cut_counts=data.get("cut_counts") or {})


def data_version(graph: Graph) -> str:
    """The data's state in one cheap read (the datasets' latest load time and load count): it changes
    with every load, so a stored run made under another version is out of date."""
    row = (graph.query("data_version") or [{}])[0]
    return f"{row.get('loaded_at')}|{row.get('loads')}|{row.get('datasets')}"


class FlagRuns:
    """The latest complete run of every detector: one per app (``app.extensions["chengxin"]["flag_runs"]``)
    or command, not hung on the graph, stored in ``CHENGXIN_HOME/flag-run.json`` so that a restart
    (or another process: ``chengxin flags --run``) finds it.

    At scale 700 a run takes minutes of database work, so a run is made again only when it is out
    of date (:meth:`stale`): the data changed since it began (a load recorded a dataset; checked
    with one cheap query at most every ``flag_cache_seconds``), or it is older than
    ``flag_max_age_hours`` (sanctions and qualifications expire with the calendar), or someone asks
    (``?fresh=1``, ``chengxin flags --run``). A busy site therefore does not keep the database
    running detectors. With ``wait=False`` (every page) the stored run is returned even when out of
    date, and a new one is made in a background thread; None means no run has finished yet. With
    ``wait=True`` (the commands) a missing or out-of-date run is made first.
    """

    def __init__(self, settings, store: Path | None = None):
        self.settings = settings
        self.store = Path(store) if store is not None else Path(settings.home_path) / RUN_FILE
        self.run: FlagRun | None = None
        self._stamp: int | None = None  # the stored file's mtime when it was read
        self.thread: threading.Thread | None = None  # a background run under way
        self.error: str | None = None  # why the last run failed (the stored one stays)
        self.ranked = None  # the risk ranking scored from the run held (graph.risk.ranking)
        self._version: tuple[float, str] | None = None  # (monotonic time read, data version)
        self._index: tuple[dict, dict, dict] | None = None  # (the run's hits, by firm, by entity): _indexed
        self._lock = threading.Lock()

    @property
    def computed_at(self) -> dt.datetime | None:
        """When the run shown was made (None: no complete run yet)."""
        run = self.latest()
        return run.computed_at if run else None

    def latest(self) -> FlagRun | None:
        """The latest complete run: this object's, or the stored one when the file changed."""
        try:
            stamp = self.store.stat().st_mtime_ns
        except OSError:
            return self.run
        if stamp != self._stamp:
            try:
                run = load_run(self.store)
            except (OSError, ValueError, KeyError, TypeError) as e:
                log.warning("red flags: cannot read the stored run %s: %s", self.store, e)
                return self.run
            with self._lock:
                self.run, self._stamp = run, stamp
        return self.run

    def stale(self, run: FlagRun, graph: Graph | None = None) -> bool:
        """Out of date: older than ``flag_max_age_hours``, or (given the graph) the data changed since
        the run began. The data's version is read at most every ``flag_cache_seconds``."""
        if (dt.datetime.now() - run.computed_at).total_seconds() >= self.settings.flag_max_age_hours * 3600:
            return True
        return graph is not None and self.data_version(graph) != run.data_version

    def data_version(self, graph: Graph, fresh: bool = False) -> str:
        """The data's version (:func:`data_version`), read again when older than ``flag_cache_seconds``."""
        held = self._version
        if fresh or held is None or time.monotonic() - held[0] >= self.settings.flag_cache_seconds:
            held = self._version = (time.monotonic(), data_version(graph))
        return held[1]

    def detect_all(self, graph: Graph, wait: bool = False, fresh: bool = False) -> dict[str, list[dict]] | None:
        run = self.latest()
        if run is not None and not fresh and not self.stale(run, graph):
            return run.hits
        if wait:
            return self.run_all(graph).hits
        self.start(graph)
        return run.hits if run else None

    def start(self, graph: Graph) -> bool:
        """Start a run in the background unless one is under way; whether one was started."""
        with self._lock:
            if self.thread is not None:
                return False
            self.thread = threading.Thread(target=self._background, args=(graph,), daemon=True, name="chengxin-flags")
            self.thread.start()
            return True

    def _background(self, graph: Graph) -> None:
        try:
            self.run_all(graph)
        except Exception as e:  # noqa: BLE001 -- kept in self.error; the stored run stays
            log.warning("red flags: the background run failed: %s", e)
        finally:
            with self._lock:
                if self.thread is threading.current_thread():
                    self.thread = None

    def run_all(self, graph: Graph, progress: Callable[[Batches, list[dict]], None] | None = None) -> FlagRun:
        """Run every detector as a batch job, one after another, and store the run once all finished."""
        t0 = time.monotonic()
        version = self.data_version(graph, fresh=True)  # before the first detector: a load meanwhile makes it stale
        hits: dict[str, list[dict]] = {}
        seconds: dict[str, float] = {}
        ranges: dict[str, int] = {}
        try:
            cut, counts = self.cuts(graph)  # at most one walk of each key's index per run
        except ChengxinError as e:
            self.error = f"key ranges: {e.detail}"
            raise
        memo: dict = {}  # candidates shared by detectors and the reads they come from, found once
        for kind in DETECTORS:
            try:
                rows, info = fetch_rows(graph, kind, self.settings, ranges=cut, memo=memo)
            except ChengxinError as e:
                self.error = f"{kind}: {e.detail}"
                raise
            hits[kind] = build_hits(kind, rows)
            seconds[kind], ranges[kind] = info.seconds, info.ranges
            if progress:
                progress(info, hits[kind])
        run = FlagRun(hits, dt.datetime.now().replace(microsecond=0), seconds, ranges,
                      round(time.monotonic() - t0, 3), version, cut, counts)
        save_run(self.store, run)
        with self._lock:
            self.run, self.error = run, None
            try:
                self._stamp = self.store.stat().st_mtime_ns
            except OSError:
                pass
        return run

    def cuts(self, graph: Graph) -> tuple[dict[str, list[Range]], dict[str, int]]:
        """The fine ranges of every key space the detectors use, and the node count each was cut at.
        The last run's cuts of a key space are used again while its count is within
        :data:`RECUT_SHARE` of theirs (at scale 700 the walks cost 7 s of the database, 4.5 s of them
        the 1.2 M people); the others are walked, the key spaces at once on ``flag_workers`` threads."""
        sizes: dict[str, int] = {}
        for kind in DETECTORS:
            for _, key, default in parts(kind):
                sizes[key] = min(sizes.get(key, GRAIN[key]), self.settings.flag_batch_keys or default)
        for c in READS.values():
            sizes[c.key] = min(sizes.get(c.key, GRAIN[c.key]), self.settings.flag_batch_keys or c.size)
        labels, _ = graph.backend.type_counts(graph)
        counts = {key: labels.get(KEY_LABELS[key], 0) for key in sizes}
        last = self.latest()
        cut: dict[str, list[Range]] = {}
        for key, n in counts.items():
            then = last.cut_counts.get(key) if last else None
            if then is not None and last.cuts.get(key) and abs(n - then) <= RECUT_SHARE * max(then, 1) \
                    and all(r[2] == sizes[key] for r in last.cuts[key]):
                cut[key] = last.cuts[key]
        walk = [key for key in sizes if key not in cut]
        with ThreadPoolExecutor(max(1, self.settings.flag_workers), thread_name_prefix="chengxin-flag-keys") as pool:
            for key, found in zip(walk, pool.map(lambda k: key_ranges(graph, k, sizes[k]), walk)):
                cut[key] = found
        return cut, counts

    def _indexed(self, found: dict[str, list[dict]]) -> tuple[dict, dict]:
        """The run's hits by firm and by entity (route, key), made once per run: a page reads its own
        hits from them instead of going through every hit of the run (tens of thousands at scale 700,
        30 ms a page)."""
        held = self._index
        if held is not None and held[0] is found:
            return held[1], held[2]
        by_firm: dict[str, list[dict]] = {}
        by_entity: dict[tuple[str, str], list[dict]] = {}
        for hits in found.values():
            for h in hits:
                for uscc in dict.fromkeys(h["firms"]):
                    by_firm.setdefault(uscc, []).append(h)
                for ref in dict.fromkeys((e["route"], e["key"]) for e in h["evidence"]):
                    by_entity.setdefault(ref, []).append(h)
        self._index = (found, by_firm, by_entity)
        return by_firm, by_entity

    def for_firm(self, graph: Graph, uscc: str, wait: bool = True) -> list[dict] | None:
        """Every hit that implicates the firm (None: no run has finished yet, see :meth:`detect_all`)."""
        found = self.detect_all(graph, wait=wait)
        if found is None:
            return None
        return list(self._indexed(found)[0].get(uscc, ()))

    def for_entity(self, graph: Graph, route: str, key: str, wait: bool = False) -> list[dict] | None:
        """Every hit whose subject or evidence is this entity (None: no run has finished yet)."""
        found = self.detect_all(graph, wait=wait)
        if found is None:
            return None
        return list(self._indexed(found)[1].get((route, key), ()))
