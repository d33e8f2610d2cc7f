"""One verdict per firm: the strip at the top of its page (the 企查查 risk strip, OpenSanctions' status).

Sanction status, bidding eligibility today, the risk score and the number of red flags, from one
computation so they can never disagree with each other or with the sections below them:

- eligibility is :func:`graph.eligibility.check` on the day (the rule of ``settings.eligibility_rule``);
- the sanctions in force are the page's badge, :func:`graph.integrity.sanction_status` of the firm's
  own penalties and those of the records linked to it (a sanction follows the entity), each described
  by the eligibility check's reason for it (measure, end, the institution, the record it came through);
  a development bank's debarment the rule shows as a restriction keeps the firm eligible and the
  verdict red;
- the risk score and its red flags are :func:`graph.risk.firm_score` of the same day.

The verdict's level is the worst of its parts: ``red`` when the firm may not bid or a restrictive
sanction is in force, ``amber`` for a record in its publication period, a red flag or a score at or
above ``WATCH_SCORE``, else ``green``. The page's sections read the same object: the penalties
table marks the ids in ``in_force``, the qualifications table the ids in ``expired``.
"""

from __future__ import annotations

import datetime as dt

from . import eligibility, risk
from .flags import FlagRuns
from .integrity import is_restrictive
from .messages import N_, msg

#: A score at or above this makes the verdict amber (the firm is worth a look) even with no sanction.
WATCH_SCORE = 30


def firm(graph, uscc: str, today: dt.date | None = None, *, settings, runs: FlagRuns, wait: bool = False) -> dict:
    """The verdict on ``uscc`` for ``today``; raises NotFound for an unknown firm."""
    today = today or dt.date.today()
    el = eligibility.check(graph, uscc, today, settings=settings)
    score = risk.firm_score(graph, uscc, today, wait=wait, settings=settings, runs=runs)
    return combine(el, score, today)


SANCTION_KINDS = ("penalty", "other_institution")


def combine(el: dict, score: dict, today: dt.date, sanction: dict | None = None) -> dict:
    """The verdict from an eligibility check and a risk score of the same firm and day (no database).
    ``sanction`` is the page's :func:`graph.integrity.sanction_status` of the firm's own and linked
    penalties (the badge's); without it, the one the eligibility check's reasons give."""
    by_id = {r["key"]: r for r in el["reasons"] if r["kind"] in SANCTION_KINDS}
    if sanction is None:
        ids = list(by_id)
        restrictive_ids = [k for k, r in by_id.items() if is_restrictive(r.get("what")) or "bid" in r["blocks"]
                           or r["kind"] == "other_institution"]
        ends = [by_id[k].get("until") for k in restrictive_ids]
        sanction = {"restricted": bool(restrictive_ids), "in_publication": bool(ids), "in_force": ids,
                    "restrictive": restrictive_ids, "linked": [],
                    "restricted_until": max(ends) if ends and all(ends) else None}
    sanctions = []
    for pid in sanction["in_force"]:
        r = by_id.get(pid, {})
        sanctions.append({"penalty_id": pid, "measure": r.get("what"), "from": r.get("from"), "until": r.get("until"),
                          "restrictive": pid in sanction["restrictive"], "blocks_bidding": "bid" in (r.get("blocks") or []),
                          "source": r.get("source"), "via": r.get("via"), "via_name": r.get("via_name")})
    restrictive = [s for s in sanctions if s["restrictive"] or s["blocks_bidding"]]
    expired = [r["key"] for r in el["reasons"] if r["kind"] == "qualification"]
    no_qualification = any(r["kind"] == "no_qualification" for r in el["reasons"])
    flags = [c for c in score["contributions"] if c["kind"] == "flag"]
    if restrictive:
        sanction_part = {"status": "restricted", "level": "red", "until": sanction.get("restricted_until"),
                         "text": msg(N_("Sanction in force"))}
    elif sanctions:
        sanction_part = {"status": "in_publication", "level": "amber", "until": None,
                         "text": msg(N_("Bad-behaviour record in its publication period"))}
    else:
        sanction_part = {"status": "none", "level": "green", "until": None, "text": msg(N_("No sanction in force today"))}
    bidding_level = "green" if el["eligible"] else "red"
    if not el["eligible"]:
        why = []
        if any(s["blocks_bidding"] for s in sanctions):
            why.append(msg(N_("a sanction in force")))
        if no_qualification:
            why.append(msg(N_("no valid qualification")))
        bidding_text = msg(N_("may not bid"))
    else:
        why = []
        bidding_text = msg(N_("may bid"))
    flag_level = "amber" if flags else "green"
    score_level = "red" if score["score"] >= 60 else "amber" if score["score"] >= WATCH_SCORE else "green"
    if not el["eligible"] or restrictive:
        level = "red"
    elif sanctions or flags or score["score"] >= WATCH_SCORE:
        level = "amber"
    else:
        level = "green"
    if level == "red":
        headline = msg(N_("May not bid today")) if not el["eligible"] else msg(N_("Sanction in force"))
    elif level == "amber":
        headline = msg(N_("Worth a closer look"))
    else:
        headline = msg(N_("No sanction, may bid, no red flag"))
    return {
        "uscc": el["uscc"], "name": el.get("name"), "date": today, "level": level, "headline": headline,
        "sanction": {**sanction_part, "in_force": sanctions, "ids": [s["penalty_id"] for s in sanctions],
                     "restrictive": [s["penalty_id"] for s in restrictive], "linked": sanction.get("linked") or []},
        "bidding": {"eligible": el["eligible"], "eligible_for_awards": el["eligible_for_awards"],
                    "restrictions": [{"penalty_id": r["key"], "source": r.get("source")} for r in el.get("restrictions") or []],
                    "level": bidding_level, "text": bidding_text, "why": why, "eligible_again": el["eligible_again"],
                    "rule": el["rule"], "reasons": el["reasons"]},
        "qualifications": {"valid": el["valid_qualifications"], "expired": expired, "none_valid": no_qualification},
        "risk": {"score": score["score"], "level": score_level, "raw": score.get("raw"),
                 "contributions": score["contributions"], "flags_pending": score.get("flags_pending", False),
                 "computed_at": score.get("computed_at")},
        "flags": {"count": len(flags), "level": flag_level, "pending": score.get("flags_pending", False),
                  "kinds": sorted({c["key"] for c in flags})},
    }
