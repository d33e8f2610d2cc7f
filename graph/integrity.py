"""Whether a sanction is in force on a date: the one rule the pages (and later eligibility) share.

A penalty record is *in force* from its decision date to ``valid_until`` (the end of its
publication or sanction period). It is *restrictive* when its measure takes away the right to
bid or to work (暂停投标资格, 列入黑名单, 停业整顿, 吊销/降低资质, 暂扣安全生产许可证, 暂停执业).
A restrictive record with no end date stays in force. Which measures are restrictive, which ban
bidding and which qualification a role needs are written on the terms of :mod:`graph.vocabulary`.
"""

from __future__ import annotations

import datetime as dt
import re

from .vocabulary import AUTHORITY_LEVELS, RESTRICTIVE

MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
_INTERNATIONAL = re.compile(
    r"(?<![A-Za-z])(?:" + "|".join(re.escape(w) for w in AUTHORITY_LEVELS.get("international", ())) + r")(?![A-Za-z])",
    re.IGNORECASE)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def authority_level(name: str | None) -> str:
    """international (development banks and other bodies of graph/vocabulary.toml's
    ``[authority_levels]``, or a name with no Chinese character), national (部委), provincial
    (省厅, 直辖市委员会) or local; a name-based rule."""
    name = name or ""
    if name.strip() and (_INTERNATIONAL.search(name) or not _CJK.search(name)):
        return "international"
    if "部" in name and ("中华人民共和国" in name or name.endswith("部") or "国家" in name):
        return "national"
    if "厅" in name or "自治区" in name or (name.startswith(MUNICIPALITIES) and "委员会" in name):
        return "provincial"
    return "local"


def other_institution(penalty: dict) -> str | None:
    """The institution behind a sanction that is not a Chinese authority's (a development bank's
    debarment, a cross-debarment's originating bank), or None."""
    for name in (penalty.get("authority"), penalty.get("originating_institution")):
        if name and authority_level(name) == "international":
            return name
    return None


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
        # in force through a matched record (SAME_AS, BRANCH_OF, an accepted review): whose, and how linked
        "linked": [{k: p.get(k) for k in ("penalty_id", "measure", "authority", "via", "via_name", "via_source", "link")}
                   for p in current if p.get("via")],
    }


# --- rules the investigators' detectors and the eligibility check share -----------------------
# (which measures ban bidding, which qualification a role needs: graph.vocabulary)


def qualification_valid(q: dict, on: dt.date) -> bool:
    issued, expires = q.get("issued"), q.get("expires")
    return (issued is None or issued <= on) and (expires is None or expires >= on)
