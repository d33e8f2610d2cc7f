"""Whether a sanction is in force on a date: the one rule the pages (and later eligibility) share.

A penalty record is *in force* from its decision date to ``valid_until`` (the end of its
publication or sanction period). It is *restrictive* when its measure takes away the right to
bid or to work (暂停投标资格, 列入黑名单, 停业整顿, 吊销/降低资质, 暂扣安全生产许可证, 暂停执业).
A restrictive record with no end date stays in force. Which measures are restrictive, which ban
bidding and which qualification a role needs are written on the terms of :mod:`graph.vocabulary`.
"""

from __future__ import annotations

import datetime as dt

from .vocabulary import RESTRICTIVE


def is_restrictive(measure: str | None) -> bool:
    return bool(measure) and any(word in measure for word in RESTRICTIVE)


def in_force(penalty: dict, on: dt.date) -> bool:
    start = penalty.get("decision_date")
    end = penalty.get("valid_until")
    if start is None or start > on:
        return False
    if end is None:
        return is_restrictive(penalty.get("measure"))
    return on <= end


def sanction_status(penalties: list[dict], on: dt.date) -> dict:
    current = [p for p in penalties if in_force(p, on)]
    restrictive = [p for p in current if is_restrictive(p.get("measure"))]
    ends = [p["valid_until"] for p in restrictive if p.get("valid_until")]
    return {
        "on": on,
        "restricted": bool(restrictive),
        "in_publication": bool(current),
        "in_force": [p["penalty_id"] for p in current],
        "restrictive": [p["penalty_id"] for p in restrictive],
        "restricted_until": max(ends) if ends and len(ends) == len(restrictive) else None,
    }


# --- rules the investigators' detectors and the eligibility check share -----------------------
# (which measures ban bidding, which qualification a role needs: graph.vocabulary)


def qualification_valid(q: dict, on: dt.date) -> bool:
    issued, expires = q.get("issued"), q.get("expires")
    return (issued is None or issued <= on) and (expires is None or expires >= on)
