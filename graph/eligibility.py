"""Bidding eligibility on a date: the rule provincial platforms automate, made checkable.

A firm may not bid, nor be rated for awards (评优评先), while a bad-behaviour record against it is
in force (from its decision date to the end of its publication / rectification period,
``valid_until``; a restrictive measure with no end stays in force). With
``eligibility_rule = "restrictive"`` only measures that take away the right to bid or to work
(:data:`graph.vocabulary.RESTRICTIVE`) block bidding; other records then block award ratings
only. A firm of a type that needs a qualification (:data:`graph.vocabulary.NEEDS_QUALIFICATION`:
施工, 监理, 设计, 勘察) also needs at least one valid on the date; expired ones are listed either way.

A sanction follows the entity: the penalties of records linked to the firm (``SAME_AS``,
``BRANCH_OF``, made by matching or by an accepted review) count as the firm's own, each shown with
the record it came through. A sanction by another institution (a development bank's debarment:
:func:`graph.integrity.other_institution`) is a rule of its own: under
``eligibility_other_institutions = "restriction"`` (the default) it is shown as a restriction with
its source and blocks nothing (such a debarment binds the projects that institution finances, not a
tender under Chinese law); under ``"ban"`` it blocks bidding and award ratings.
"""

from __future__ import annotations

import datetime as dt

from .db import Graph
from .errors import NotFound
from .integrity import in_force, is_restrictive, other_institution, qualification_valid
from .messages import N_, msg
from .vocabulary import NEEDS_QUALIFICATION


def check(graph: Graph, uscc: str, on: dt.date | None = None, *, settings) -> dict:
    """The firm's eligibility on ``on`` (today by default) under ``settings.eligibility_rule``."""
    rows = graph.query("eligibility_facts", uscc=uscc)
    if not rows:
        raise NotFound(msg(N_("{kind} {key} not found"), kind=msg(N_("Enterprise")), key=uscc))
    return assess(rows[0], on or dt.date.today(), settings.eligibility_rule,
                  other=settings.eligibility_other_institutions)


def _penalties(firm: dict) -> list[dict]:
    """The firm's own penalties and those of the records linked to it (each once)."""
    seen, out = set(), []
    for p in list(firm.get("penalties") or []) + list(firm.get("linked_penalties") or []):
        if p["penalty_id"] not in seen:
            seen.add(p["penalty_id"])
            out.append(p)
    return out


def assess(firm: dict, on: dt.date, rule: str, other: str = "restriction") -> dict:
    """The rule itself, on one firm's facts (a row of ``eligibility_facts``): no database needed.
    ``other`` is ``eligibility_other_institutions``: ``restriction`` or ``ban``."""
    reasons = []
    for p in sorted(_penalties(firm), key=lambda p: p.get("decision_date") or dt.date.min):
        if not in_force(p, on):
            continue
        until = p.get("valid_until")
        until_msg = msg(N_("until {date}"), date=until) if until else msg(N_("with no end date"))
        via = {"via": p["via"], "via_name": p.get("via_name"), "link": p.get("link")} if p.get("via") else {}
        institution = other_institution(p)
        if institution:
            blocks = ["bid", "award"] if other == "ban" else []
            reasons.append({
                "kind": "other_institution", "route": "penalty", "key": p["penalty_id"], "what": p.get("measure"),
                "from": p.get("decision_date"), "until": until, "blocks": blocks, "source": institution, **via,
                "reason": msg(N_("sanction by {institution}, {penalty} ({measure}), in force {until}{through}: {blocks}"),
                              institution=institution, penalty=p["penalty_id"], measure=p.get("measure") or None,
                              until=until_msg,
                              through=msg(N_(", through the matched record {record}"), record=p.get("via_name") or p["via"])
                              if via else "",
                              blocks=msg(N_("may not bid or be rated for awards") if blocks else
                                         N_("a restriction on the projects that institution finances; shown, not a ban"))),
            })
            continue
        restrictive = is_restrictive(p.get("measure"))
        blocks = ["bid", "award"] if (rule == "any" or restrictive) else ["award"]
        reasons.append({
            "kind": "penalty", "route": "penalty", "key": p["penalty_id"], "what": p.get("measure"),
            "from": p.get("decision_date"), "until": until, "blocks": blocks, **via,
            "reason": msg(N_("bad-behaviour record {penalty} ({measure}) in force {until}: {blocks}"),
                          penalty=p["penalty_id"], measure=p.get("measure") or None,
                          until=until_msg,
                          blocks=msg(N_("may not bid or be rated for awards") if "bid" in blocks else
                                     N_("may not be rated for awards"))) if not via else
                      msg(N_("bad-behaviour record {penalty} ({measure}) of the matched record {record} in force {until}: "
                             "{blocks}"),
                          penalty=p["penalty_id"], measure=p.get("measure") or None, record=p.get("via_name") or p["via"],
                          until=until_msg,
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
    ends = [r["until"] for r in bid_blocks if r["kind"] in ("penalty", "other_institution")]
    open_ended = any(r["until"] is None for r in bid_blocks) or any(r["kind"] == "no_qualification" for r in bid_blocks)
    return {
        "uscc": firm["uscc"], "name": firm["name"], "type": firm.get("type"), "date": on, "rule": rule,
        "eligible": not bid_blocks, "eligible_for_awards": not award_blocks,
        "restrictions": [r for r in reasons if r["kind"] == "other_institution" and not r["blocks"]],
        "eligible_again": (max(ends) + dt.timedelta(days=1)) if bid_blocks and not open_ended else None,
        "reasons": reasons, "valid_qualifications": [q["cert_no"] for q in valid],
    }
