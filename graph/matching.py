"""Entity matching: records from different sources that name the same firm, linked, never merged.

Identifiers come first: a USCC, or another register's ``SCHEME:ID``, is the node's key, so two
records with the same identifier are one node already. Then names, after
:func:`graph.names.normalise`:
full-width and half-width forms made one (NFKC), brackets made one, spaces and punctuation
dropped, case folded, legal-form suffixes removed (有限公司, 有限责任公司, 股份有限公司, Co., Ltd.,
Limited, Corporation, S.A. de C.V. …). A Chinese legal name written beside an English one
("中国葛洲坝集团股份有限公司 (China Gezhouba Group Co., Ltd.)") is matched on its own, and a branch
(…分公司, … Branch) is linked to its parent.

Each proposed link has a score and a one-line reason. At or above ``match_threshold`` it is made
(``SAME_AS`` or ``BRANCH_OF``, status ``auto``); between ``match_review_floor`` and the threshold it
waits for a person (``POSSIBLY_SAME_AS``, status ``pending``) on ``/review`` and ``chengxin review``.
Accepting makes the link; rejecting keeps the pair as rejected so it is not proposed again;
unlinking a made link rejects it. Two records that both carry an identifier of the same
register are different firms by definition and are never linked by name.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

from rapidfuzz.distance import Indel

from .db import Graph
from .errors import InvalidInput, NotFound
from .messages import DEFAULT, N_, Message, msg, render
from .names import branch_parents, chinese_name, normalise

__all__ = ["branch_parents", "chinese_name", "decide", "normalise", "parse_pair", "propose", "review_list", "run"]


def _scheme(key: str) -> str:
    return key.split(":", 1)[0] if ":" in key else "CN-USCC"


def _distinct_registers(a: dict, b: dict) -> bool:
    """Both carry an identifier of the same register: different firms by definition."""
    sa, sb = _scheme(a["key"]), _scheme(b["key"])
    return sa == sb and sa not in ("XX-NAME", "XX-ID")


def propose(records: list[dict], review_floor: float) -> list[dict]:
    """Links between records (``key``, ``name``, ``alt_name``, ``source``) with score and reason, best first."""
    by_form: dict[str, list[dict]] = defaultdict(list)
    by_key: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        names = [r["name"]] + ([r["alt_name"]] if r.get("alt_name") else [])
        r["_keys"] = {normalise(n) for n in names if n} - {""}
        r["_forms"] = {normalise(n, keep_form=True) for n in names if n} - {""}
        r["_cjk"] = {normalise(c) for n in names if n for c in [chinese_name(n)] if c}
        for k in r["_forms"]:
            by_form[k].append(r)
        for k in r["_keys"] | r["_cjk"]:
            by_key[k].append(r)
    links: dict[tuple[str, str, str], dict] = {}

    def offer(a, b, kind, score, reason: Message):
        if a["key"] == b["key"] or (kind == "same" and _distinct_registers(a, b)):
            return
        pair = (a["key"], b["key"], kind) if kind == "branch" else (*sorted((a["key"], b["key"])), kind)
        if pair not in links or links[pair]["score"] < score:
            links[pair] = {"from": pair[0], "to": pair[1], "kind": kind, "score": round(score, 3), "reason": reason}

    for r in records:
        r["_branch"] = bool(branch_parents(r["name"]))
    for r in records:
        for k in r["_forms"]:
            for o in by_form[k]:
                offer(r, o, "same", 1.0, msg(N_("same name once normalised")))
        for k in r["_keys"]:
            for o in by_key[k]:
                if o.get("source") and o.get("source") == r.get("source"):
                    # One list naming both: likely related firms of different legal forms; a person decides.
                    offer(r, o, "same", 0.85, msg(N_("same name, different legal form, in one source")))
                else:
                    offer(r, o, "same", 0.95, msg(N_("same name without the legal form")))
        for k in r["_cjk"]:
            for o in by_key[k]:
                if o is not r:
                    offer(r, o, "same", 0.97, msg(N_("the Chinese name given beside the English one matches")))
        for parent in branch_parents(r["name"]):
            found = [o for o in by_key.get(normalise(parent), []) if o is not r]
            for o in found:
                offer(r, o, "branch", 0.93, msg(N_("a branch of “{parent}”"), parent=o["name"]))
            if found:
                break
    # Near names, for review: within blocks of the same first three characters.
    blocks: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for r in records:
        for k in r["_keys"]:
            if len(k) >= 4:
                blocks[k[:3]].append((k, r))
    for block in blocks.values():
        if len(block) > 400:
            continue
        for i, (ka, a) in enumerate(block):
            for kb, b in block[i + 1:]:
                if a is b or ka == kb or (a["_branch"] and b["_branch"]):
                    continue
                if a.get("source") and a.get("source") == b.get("source"):
                    continue  # one source lists different firms under near names (its branches, its regions)
                ratio = Indel.normalized_similarity(ka, kb)  # difflib's ratio, 2·M / (|a| + |b|)
                score = round(ratio * 0.9, 3)
                if score >= review_floor:
                    offer(a, b, "same", score, msg(N_("similar names (ratio {ratio:.2f})"), ratio=ratio))
    return sorted(links.values(), key=lambda x: (-x["score"], x["from"], x["to"]))


def run(graph: Graph, threshold: float | None = None, *, settings) -> dict:
    """Propose links over every enterprise and write the new ones; returns counts. ``settings``
    gives ``match_threshold`` (unless ``threshold`` is given) and ``match_review_floor``."""
    s = settings
    threshold = s.match_threshold if threshold is None else threshold
    records = [{"key": r["uscc"], "name": r["name"], "alt_name": r["alt_name"], "source": r["source"]}
               for r in graph.query("match_records") if r["name"]]
    known = {(r["a"], r["b"]) for r in graph.query("match_known")}
    proposed = propose(records, s.match_review_floor)
    made = pending = 0
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    auto, wait = [], []
    for link in proposed:
        if (link["from"], link["to"]) in known or (link["to"], link["from"]) in known:
            continue
        row = {"a": link["from"], "b": link["to"], "score": link["score"], **_stored(link["reason"]), "at": now}
        if link["score"] >= threshold:
            auto.append({**row, "kind": link["kind"]})
        else:
            wait.append(row)
    for kind, query in (("same", "match_write_same"), ("branch", "match_write_branch")):
        rows = [r for r in auto if r["kind"] == kind]
        if rows:
            made += graph.query(query, rows=rows, status="auto", who=None)[0]["n"]
    if wait:
        pending = graph.query("match_write_possible", rows=wait, status="pending")[0]["n"]
    return {"records": len(records), "proposed": len(proposed), "made": made, "pending": pending,
            "threshold": threshold}


def _stored(reason: Message) -> dict:
    """A link's reason as the database keeps it: the msgid and its parameters (JSON), which the
    edges say in their language, and ``reason``, the text in the default language for whoever
    reads the graph with Cypher."""
    return {"reason": render(reason, DEFAULT), "reason_msgid": reason.msgid, "reason_params": json.dumps(reason.params)}


def reason(row: dict) -> Message | str | None:
    """A stored link's reason as a message (the stored text for links written before msgids)."""
    if row.get("reason_msgid"):
        return Message(row["reason_msgid"], json.loads(row.get("reason_params") or "{}"))
    return row.get("reason")


def review_list(graph: Graph, status: str = "pending") -> list[dict]:
    return [{**r, "reason": reason(r)} for r in graph.query("match_review_list", status=status)]


def decide(graph: Graph, a: str, b: str, accept: bool, who: str | None = None) -> dict:
    """Accept a pending (or rejected) pair: the link is made. Reject a pending pair, or undo a
    made link: the pair is kept as rejected, so matching does not propose it again."""
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    rels = graph.query("match_pair", a=a, b=b)
    possible = [r for r in rels if r["type"] == "POSSIBLY_SAME_AS"]
    made = [r for r in rels if r["type"] != "POSSIBLY_SAME_AS"]
    if accept:
        if made:
            return {"a": a, "b": b, "accepted": True, "already": True}
        if not possible:
            raise NotFound(msg(N_("no pair {a} ⟷ {b} to review"), a=a, b=b))
        r = possible[0]
        row = {"a": r["a"], "b": r["b"], "score": r["score"], "reason": r["reason"], "reason_msgid": r["reason_msgid"],
               "reason_params": r["reason_params"], "at": now}
        graph.query_together(("match_unlink", {"a": a, "b": b}),
                             ("match_write_same", {"rows": [row], "status": "accepted", "who": who or "reviewer"}))
        return {"a": a, "b": b, "accepted": True}
    if not rels:
        raise NotFound(msg(N_("no link or pair {a} ⟷ {b}"), a=a, b=b))
    r = (made or possible)[0]
    row = {"a": r["a"], "b": r["b"], "score": r["score"], "reason": r["reason"], "reason_msgid": r["reason_msgid"],
           "reason_params": r["reason_params"], "at": now}
    graph.query_together(("match_unlink", {"a": a, "b": b}),
                         ("match_write_possible", {"rows": [row], "status": "rejected", "who": who or "reviewer"}))
    return {"a": a, "b": b, "accepted": False, "unlinked": bool(made)}


def parse_pair(text: str) -> tuple[str, str]:
    a, sep, b = (text or "").partition("|")
    if not sep or not a or not b:
        raise InvalidInput(f"a pair is written KEY|KEY, got {text!r}")
    return a.strip(), b.strip()
