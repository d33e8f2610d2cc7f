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


# --- rules the investigators' detectors and the eligibility check share -----------------------

#: Measures that take away the right to bid (flag 3 and bidding eligibility).
BID_BANS = ("暂停投标资格", "列入黑名单", "黑名单")
#: Measures by which a firm loses its standing altogether (flag 6, phoenix firms).
LOSS_OF_STANDING = ("列入黑名单", "黑名单", "吊销")

#: The qualification categories that allow a participation role; any one, valid on the start
#: date, suffices. Roles missing here (建设单位, 招标代理 since 2018, 造价咨询 since 2021) need none.
ROLE_QUALIFICATIONS: dict[str, tuple[str, ...]] = {
    "施工总承包": ("施工总承包",),
    "专业分包": ("专业承包", "施工总承包"),
    "劳务分包": ("施工劳务", "专业承包", "施工总承包"),
    "监理": ("工程监理",),
    "设计": ("工程设计",),
    "勘察": ("工程勘察",),
}


def qualification_valid(q: dict, on: dt.date) -> bool:
    issued, expires = q.get("issued"), q.get("expires")
    return (issued is None or issued <= on) and (expires is None or expires >= on)
