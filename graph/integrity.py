"""Whether a sanction is in force on a date: the one rule the pages (and later eligibility) share.

A penalty record is *in force* from its decision date to ``valid_until`` (the end of its
publication or sanction period). It is *restrictive* when its measure takes away the right to
bid or to work (暂停投标资格, 列入黑名单, 停业整顿, 吊销/降低资质, 暂扣安全生产许可证, 暂停执业).
A restrictive record with no end date stays in force.
"""

from __future__ import annotations

import datetime as dt

RESTRICTIVE = ("暂停投标资格", "列入黑名单", "黑名单", "停业整顿", "吊销", "降低资质等级", "暂扣安全生产许可证", "暂停执业")


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
