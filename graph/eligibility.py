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
from .vocabulary import NEEDS_QUALIFICATION


def check(graph: Graph, uscc: str, on: dt.date | None = None, *, settings) -> dict:
    """The firm's eligibility on ``on`` (today by default) under ``settings.eligibility_rule``."""
    rows = graph.query("eligibility_facts", uscc=uscc)
    if not rows:
        raise NotFound(f"没有找到企业 {uscc} / enterprise {uscc} not found")
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
        until_zh = f"至 {until.isoformat()}" if until else "无期限"
        until_en = f"until {until.isoformat()}" if until else "with no end date"
        reasons.append({
            "kind": "penalty", "route": "penalty", "key": p["penalty_id"], "what": p.get("measure"),
            "from": p.get("decision_date"), "until": until, "blocks": blocks,
            "zh": f"不良行为记录 {p['penalty_id']}（{p.get('measure') or '—'}）有效期内，{until_zh}："
                  + ("不得投标、不得参与评优评先" if "bid" in blocks else "不得参与评优评先"),
            "en": f"bad-behaviour record {p['penalty_id']} ({p.get('measure') or '—'}) in force {until_en}: "
                  + ("may not bid or be rated for awards" if "bid" in blocks else "may not be rated for awards"),
        })
    valid = [q for q in firm["qualifications"] if qualification_valid(q, on)]
    for q in firm["qualifications"]:
        if q in valid:
            continue
        not_yet = q.get("issued") and q["issued"] > on
        reasons.append({
            "kind": "qualification", "route": "qualification", "key": q["cert_no"], "what": q.get("category"),
            "from": q.get("issued"), "until": q.get("expires"), "blocks": [],
            "zh": f"资质 {q['cert_no']}（{q.get('category') or '—'}{q.get('grade') or ''}）"
                  + (f"尚未取得（{q['issued'].isoformat()} 起）" if not_yet else f"已于 {q['expires'].isoformat()} 过期"),
            "en": f"qualification {q['cert_no']} ({q.get('category') or '—'} {q.get('grade') or ''}) "
                  + (f"not yet held (from {q['issued'].isoformat()})" if not_yet else f"expired on {q['expires'].isoformat()}"),
        })
    if firm.get("type") in NEEDS_QUALIFICATION and not valid:
        reasons.append({
            "kind": "no_qualification", "route": None, "key": None, "what": None, "from": None, "until": None,
            "blocks": ["bid"],
            "zh": f"{firm['type']}企业在该日没有任何有效资质，不得投标",
            "en": f"a {firm['type']} firm with no valid qualification on that date may not bid",
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
