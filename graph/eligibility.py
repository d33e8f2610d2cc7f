"""Bidding eligibility on a date: the rule provincial platforms automate, made checkable.

A firm may not bid, nor be rated for awards (评优评先), while a bad-behaviour record against it is
in force (from its decision date to the end of its publication / rectification period,
``valid_until``; a restrictive measure with no end stays in force). With
``eligibility_rule = "restrictive"`` only measures that take away the right to bid or to work
(:data:`graph.vocabulary.RESTRICTIVE`) block bidding; other records then block award ratings
only. A firm of a type that needs a qualification (:data:`graph.vocabulary.NEEDS_QUALIFICATION`:
施工, 监理, 设计, 勘察) also needs at least one valid on the date; expired ones are listed either way.
"""

from __future__ import annotations

import datetime as dt

from .db import Graph
from .errors import NotFound
from .integrity import in_force, is_restrictive, qualification_valid
from .messages import N_, msg
from .vocabulary import NEEDS_QUALIFICATION


def check(graph: Graph, uscc: str, on: dt.date | None = None, *, settings) -> dict:
    """The firm's eligibility on ``on`` (today by default) under ``settings.eligibility_rule``."""
    rows = graph.query("eligibility_facts", uscc=uscc)
    if not rows:
        raise NotFound(msg(N_("{kind} {key} not found"), kind=msg(N_("Enterprise")), key=uscc))
    return assess(rows[0], on or dt.date.today(), settings.eligibility_rule)


def assess(firm: dict, on: dt.date, rule: str) -> dict:
    """The rule itself, on one firm's facts (a row of ``eligibility_facts``): no database needed."""
    reasons = []
    for p in sorted(firm["penalties"], key=lambda p: p.get("decision_date") or dt.date.min):
        if not in_force(p, on):
            continue
        restrictive = is_restrictive(p.get("measure"))
        blocks = ["bid", "award"] if (rule == "any" or restrictive) else ["award"]
        until = p.get("valid_until")
        reasons.append({
            "kind": "penalty", "route": "penalty", "key": p["penalty_id"], "what": p.get("measure"),
            "from": p.get("decision_date"), "until": until, "blocks": blocks,
            "reason": msg(N_("bad-behaviour record {penalty} ({measure}) in force {until}: {blocks}"),
                          penalty=p["penalty_id"], measure=p.get("measure") or None,
                          until=msg(N_("until {date}"), date=until) if until else msg(N_("with no end date")),
                          blocks=msg(N_("may not bid or be rated for awards") if "bid" in blocks else
                                     N_("may not be rated for awards"))),
        })
    valid = [q for q in firm["qualifications"] if qualification_valid(q, on)]
    for q in firm["qualifications"]:
        if q in valid:
            continue
        not_yet = q.get("issued") and q["issued"] > on
        reasons.append({
            "kind": "qualification", "route": "qualification", "key": q["cert_no"], "what": q.get("category"),
            "from": q.get("issued"), "until": q.get("expires"), "blocks": [],
            "reason": msg(N_("qualification {cert} ({category} {grade}) not yet held (from {date})") if not_yet else
                          N_("qualification {cert} ({category} {grade}) expired on {date}"),
                          cert=q["cert_no"], category=q.get("category") or None, grade=q.get("grade") or "",
                          date=q["issued"] if not_yet else q["expires"]),
        })
    if firm.get("type") in NEEDS_QUALIFICATION and not valid:
        reasons.append({
            "kind": "no_qualification", "route": None, "key": None, "what": None, "from": None, "until": None,
            "blocks": ["bid"],
            "reason": msg(N_("a {type} firm with no valid qualification on that date may not bid"), type=firm["type"]),
        })
    bid_blocks = [r for r in reasons if "bid" in r["blocks"]]
    award_blocks = [r for r in reasons if "award" in r["blocks"]]
    ends = [r["until"] for r in bid_blocks if r["kind"] == "penalty"]
    open_ended = any(r["until"] is None for r in bid_blocks) or any(r["kind"] == "no_qualification" for r in bid_blocks)
    return {
        "uscc": firm["uscc"], "name": firm["name"], "type": firm.get("type"), "date": on, "rule": rule,
        "eligible": not bid_blocks, "eligible_for_awards": not award_blocks,
        "eligible_again": (max(ends) + dt.timedelta(days=1)) if bid_blocks and not open_ended else None,
        "reasons": reasons, "valid_qualifications": [q["cert_no"] for q in valid],
    }
