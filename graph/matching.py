"""Entity matching: records from different sources that name the same firm, linked, never merged.

Identifiers come first: a USCC, or another register's ``SCHEME:ID``, is the node's key, so two
records with the same identifier are one node already. Then a pair of records is scored by the
features of :mod:`graph.match_features` (names normalised by :func:`graph.names.normalise` in
both scripts, transliteration and accents, honorifics, bracketed short names, legal forms, branch
patterns, identifiers found in list entries, country, address), each with its weight; every link
stores the features that made it.

At or above ``match_threshold`` a link is made (``SAME_AS`` or ``BRANCH_OF``, status ``auto``);
between ``match_review_floor`` and the threshold it waits for a person (``POSSIBLY_SAME_AS``,
status ``pending``) on ``/review`` and ``chengxin review``. Each pair has an id (:func:`pair_id`, a
hash of its two keys). Decisions come in batches, a selection of ids or every pair a filter
(status, score band, source, feature) selects; each batch is a decision with its own id, written
into the history of each link it changed (the decision log, :func:`decision_log`), and can be
undone (:func:`undo`). Accepting makes the link; rejecting keeps the pair as rejected so it is not
proposed again; rejecting a made link unlinks it. Two records that both carry an identifier of the
same register are different firms by definition and are never linked by name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections import defaultdict

from . import match_features as mf
from .db import Graph
from .errors import InvalidInput, NotFound
from .messages import DEFAULT, N_, Message, msg, render
from .names import branch_parents, chinese_name, normalise

__all__ = ["branch_parents", "chinese_name", "decide", "decide_many", "decision_log", "normalise", "pair_id",
           "parse_pair", "propose", "review_list", "run", "undo"]

#: The feature codes a link may carry (filters on /review and ``chengxin review --reason``).
FEATURES = tuple(mf.LABELS)
#: Link statuses: made by matching, made by a person, waiting, refused by a person.
STATUSES = ("pending", "rejected", "auto", "accepted")
#: The most records one exact-name bucket pairs up (a name that hundreds of records share says little).
BUCKET_CAP = 300
#: The most records one near-name block compares pairwise.
BLOCK_CAP = 400


def pair_id(a: str, b: str) -> str:
    """A pair's stable id: a hash of its two keys, in either order (no names on command lines)."""
    return hashlib.sha1("\x1f".join(sorted((a, b))).encode("utf-8")).hexdigest()[:12]


def _reason(kind: str, features: list[dict], parent: str | None = None) -> Message:
    """The one-line reason of a link: its strongest feature, in words."""
    codes = {f["code"]: f for f in features}
    if kind == "branch":
        return msg(N_("a branch of “{parent}”"), parent=parent)
    if "same_identifier" in codes:
        return msg(N_("same identifier {id}"), id=codes["same_identifier"]["detail"]["id"])
    if "same_full_name" in codes:
        return msg(N_("same name once normalised"))
    if "similar_name" in codes:
        return msg(N_("similar names (ratio {ratio:.2f})"), ratio=codes["similar_name"]["detail"]["ratio"])
    for code in ("chinese_name", "same_name", "transliteration", "alias"):
        if code in codes:
            return msg(mf.LABELS[code])
    return msg(N_("similar names"))


def propose(records: list[dict], review_floor: float) -> list[dict]:
    """Links between records (``key``, ``name`` and what else :mod:`graph.match_features` reads),
    each with its score, features and reason, best first."""
    index: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        mf.prepare(r)
        for tag, keys in (("f", r["_full"]), ("c", r["_core"] | r["_zh"] | r["_alias"]), ("l", r["_latin"]),
                          ("i", r["_ids"])):
            for k in keys:
                index[f"{tag}:{k}"].append(r)
    links: dict[tuple[str, str, str], dict] = {}

    def offer(a, b, kind, parent=None, given=None):
        if a is b or a["key"] == b["key"]:
            return
        found = mf.compare(a, b, kind, parent=given)
        if found is None or found["score"] < review_floor:
            return
        pair = (a["key"], b["key"], kind) if kind == "branch" else (*sorted((a["key"], b["key"])), kind)
        if pair not in links or links[pair]["score"] < found["score"]:
            links[pair] = {"from": pair[0], "to": pair[1], "kind": kind, "score": found["score"],
                           "features": found["features"], "reason": _reason(kind, found["features"], parent),
                           "id": pair_id(pair[0], pair[1])}

    seen: set[tuple[int, int]] = set()
    for bucket in index.values():
        if len(bucket) < 2 or len(bucket) > BUCKET_CAP:
            continue
        for i, a in enumerate(bucket):
            for b in bucket[i + 1:]:
                k = (id(a), id(b)) if id(a) < id(b) else (id(b), id(a))
                if k in seen:
                    continue
                seen.add(k)
                offer(a, b, "same")
    for r in records:
        for parent in r["_branch_parents"]:
            key = normalise(parent)
            found = [o for o in index.get(f"c:{key}", []) if o is not r and not o["_branch_parents"]]
            for o in found:
                offer(r, o, "branch", parent=o["name"], given=parent)
            if found:
                break
    # Near names: within blocks of the same first three characters of the name without its legal form.
    blocks: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for r in records:
        for k in r["_core"] | (r["_latin"] if not r["_latin_only"] else set()):
            if len(k) >= 4:
                blocks[k[:3]].append((k, r))
    for block in blocks.values():
        if len(block) > BLOCK_CAP:
            continue
        for i, (ka, a) in enumerate(block):
            for kb, b in block[i + 1:]:
                if a is b or ka == kb or (a["_branch_parents"] and b["_branch_parents"]):
                    continue
                k = (id(a), id(b)) if id(a) < id(b) else (id(b), id(a))
                if k in seen:
                    continue
                seen.add(k)
                offer(a, b, "same")
    return sorted(links.values(), key=lambda x: (-x["score"], x["from"], x["to"]))


def _record(r: dict) -> dict:
    return {"key": r["uscc"], **{k: r.get(k) for k in (
        "name", "alt_name", "name_zh", "aliases", "registration_no", "registered_uscc", "country", "address",
        "source", "list_id", "entity_kind")}}


def run(graph: Graph, threshold: float | None = None, *, settings) -> dict:
    """Propose links over every enterprise and write the new ones; returns counts. ``settings``
    gives ``match_threshold`` (unless ``threshold`` is given) and ``match_review_floor``."""
    s = settings
    threshold = s.match_threshold if threshold is None else threshold
    records = [_record(r) for r in graph.query("match_records") if r["name"]]
    known = {(r["a"], r["b"]) for r in graph.query("match_known")}
    proposed = propose(records, s.match_review_floor)
    made = pending = 0
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    auto, wait = [], []
    for link in proposed:
        if (link["from"], link["to"]) in known or (link["to"], link["from"]) in known:
            continue
        row = {"a": link["from"], "b": link["to"], "score": link["score"], **_stored(link["reason"]), "at": now,
               "features": json.dumps(link["features"], ensure_ascii=False), "pair_id": link["id"],
               "kind": link["kind"], "history": "[]"}
        if link["score"] >= threshold:
            auto.append(row)
        else:
            wait.append(row)
    for kind, query in (("same", "match_write_same"), ("branch", "match_write_branch")):
        rows = [r for r in auto if r["kind"] == kind]
        if rows:
            made += graph.query(query, rows=rows, status="auto", who=None)[0]["n"]
    if wait:
        pending = graph.query("match_write_possible", rows=wait, status="pending", who=None)[0]["n"]
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


def features(row: dict) -> list[dict]:
    """A stored link's features, each with its label as a message (none for links written before features)."""
    try:
        found = json.loads(row.get("features") or "[]")
    except ValueError:
        return []
    return [{**f, "label": msg(mf.LABELS.get(f.get("code"), f.get("code") or ""))} for f in found]


def linked_penalties(matched: list[dict]) -> list[dict]:
    """The penalties of the records linked to a firm by a made link (``SAME_AS``, ``BRANCH_OF``:
    by matching or an accepted review), rows of ``matched_records``, each with the record it came through."""
    return [{**p, "via": m["uscc"], "via_name": m.get("name"), "via_source": m.get("source"), "link": m["link"]}
            for m in matched if m.get("link") in ("SAME_AS", "BRANCH_OF") for p in m.get("penalties") or []]


def matched(rows: list[dict]) -> list[dict]:
    """Rows of ``matched_records`` as the pages show them: the reason and the features said in words, the pair's id."""
    return [{**m, "reason": reason(m), "features": features(m)}
            for m in rows]


# --- review -----------------------------------------------------------------------------------

def parse_band(text: str | None) -> tuple[float, float] | None:
    """A score band written ``LOW-HIGH`` (either end may be left out: ``0.8-``, ``-0.85``)."""
    if not text or not str(text).strip():
        return None
    lo, sep, hi = str(text).strip().partition("-")
    try:
        band = (float(lo) if lo.strip() else 0.0, float(hi) if hi.strip() else 1.0) if sep else (float(lo), float(lo))
    except ValueError:
        raise InvalidInput(msg(N_("a score band is written LOW-HIGH, such as 0.75-0.9; got {band}"), band=text)) from None
    if not (0 <= band[0] <= band[1] <= 1):
        raise InvalidInput(msg(N_("a score band is written LOW-HIGH, such as 0.75-0.9; got {band}"), band=text))
    return band


def _selected(rows: list[dict], band=None, source: str | None = None, reason_code: str | None = None) -> list[dict]:
    out = []
    for r in rows:
        if band and not (band[0] <= (r.get("score") or 0) <= band[1]):
            continue
        if source and source.lower() not in f"{r.get('a_source') or ''}\x1f{r.get('b_source') or ''}".lower():
            continue
        if reason_code and reason_code not in {f["code"] for f in r["features"]}:
            continue
        out.append(r)
    return out


def review_list(graph: Graph, status: str | tuple[str, ...] = "pending", *, band: tuple[float, float] | None = None,
                source: str | None = None, reason_code: str | None = None) -> list[dict]:
    """Links and pairs of the given status(es), each with its id, features and reason, narrowed
    by a score band, a source (either record's, a part of its name) and a feature code."""
    statuses = [status] if isinstance(status, str) else list(status)
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        raise InvalidInput(msg(N_("status must be one of {allowed}; got {got}"), allowed=", ".join(STATUSES),
                               got=", ".join(unknown)))
    rows = [{**r, "id": pair_id(r["a"], r["b"]), "reason": reason(r), "features": features(r)}
            for r in graph.query("match_review_list", statuses=statuses)]
    return _selected(rows, band, source, reason_code)


def _target(row: dict, accept: bool) -> tuple[str, str]:
    """The link type and status a decision gives a pair."""
    if accept:
        return ("BRANCH_OF" if row.get("kind") == "branch" or row["type"] == "BRANCH_OF" else "SAME_AS"), "accepted"
    return "POSSIBLY_SAME_AS", "rejected"


_WRITE = {"SAME_AS": "match_write_same", "BRANCH_OF": "match_write_branch", "POSSIBLY_SAME_AS": "match_write_possible"}


def _apply(graph: Graph, changes: list[tuple[dict, str, str, dict]], who: str | None) -> None:
    """Write each (row, type, status, history entry) in one transaction: unlink, link again."""
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    steps: list[tuple[str, dict]] = [("match_unlink_many", {"rows": [{"a": r["a"], "b": r["b"]} for r, *_ in changes]})]
    by_type: dict[str, list[dict]] = defaultdict(list)
    for r, type_, status, entry in changes:
        history = json.loads(r.get("history") or "[]") + [entry]
        kind = r.get("kind") or ("branch" if r["type"] == "BRANCH_OF" else "same")
        by_type[type_].append({
            "a": r["a"], "b": r["b"], "score": r["score"], "reason": r["reason_text"], "reason_msgid": r["reason_msgid"],
            "reason_params": r["reason_params"], "at": now, "features": r.get("features_json"), "pair_id": r["id"],
            "kind": kind, "history": json.dumps(history, ensure_ascii=False), "status": status})
    for type_, rows in by_type.items():
        steps.append((_WRITE[type_], {"rows": rows, "status": None, "who": who}))
    graph.query_together(*steps)


def _raw(graph: Graph, statuses: list[str]) -> list[dict]:
    return [{**r, "id": pair_id(r["a"], r["b"]), "reason_text": r["reason"], "features_json": r["features"]}
            for r in graph.query("match_review_list", statuses=statuses)]


def decide_many(graph: Graph, accept: bool, ids: list[str] | None = None, *, who: str | None = None,
                band: tuple[float, float] | None = None, source: str | None = None,
                reason_code: str | None = None, status: str | None = None) -> dict:
    """Accept or reject the pairs ``ids`` name, or (``ids`` None) every pair the filters select.
    Accepting applies to pending and rejected pairs; rejecting to pending pairs and made links.
    One decision, with its id, in the history of every link it changed."""
    allowed = ["pending", "rejected"] if accept else ["pending", "auto", "accepted"]
    statuses = [status] if status else (allowed if ids is not None else ["pending"])
    statuses = [s for s in statuses if s in allowed]
    rows = _raw(graph, statuses)
    if ids is not None:
        wanted = {i.strip() for i in ids if i and i.strip()}
        rows = [r for r in rows if r["id"] in wanted]
        missing = wanted - {r["id"] for r in rows}
        if missing:
            raise NotFound(msg(N_("no pair to {action} with id {ids}"), action=msg(N_("accept") if accept else N_("reject")),
                               ids=", ".join(sorted(missing))))
    else:
        rows = _selected([{**r, "features": features({"features": r["features_json"]})} for r in rows],
                         band, source, reason_code)
    decision = _decision_id()
    at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")
    changes = []
    for r in rows:
        type_, new = _target(r, accept)
        entry = {"decision": decision, "action": "accept" if accept else "reject", "at": at, "who": who,
                 "from": [r["type"], r["status"]], "to": [type_, new]}
        changes.append((r, type_, new, entry))
    if changes:
        _apply(graph, changes, who)
    return {"decision": decision if changes else None, "accepted": accept, "changed": len(changes),
            "ids": [r["id"] for r in rows]}


def _decision_id() -> str:
    """A decision's id: its time to the microsecond (so ids sort as decisions were made) and a random tail."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S%f") + "-" + secrets.token_hex(2)


def decision_log(graph: Graph) -> list[dict]:
    """Every decision, newest first: its id, action, when, who, how many pairs, and whether it was undone."""
    found: dict[str, dict] = {}
    undone: set[str] = set()
    for r in graph.query("match_decisions"):
        for e in json.loads(r["history"] or "[]"):
            d = found.setdefault(e["decision"], {"decision": e["decision"], "action": e["action"], "at": e["at"],
                                                 "who": e.get("who"), "pairs": 0, "undoes": e.get("undoes")})
            d["pairs"] += 1
            if e.get("undoes"):
                undone.add(e["undoes"])
    for d in found.values():
        d["undone"] = d["decision"] in undone
    return sorted(found.values(), key=lambda d: (d["at"], d["decision"]), reverse=True)


def undo(graph: Graph, decision: str | None = None, who: str | None = None) -> dict:
    """Undo a decision (the latest one not undone yet, by default): each pair it changed goes back
    to the link type and status it had, as a new decision in the log."""
    log = decision_log(graph)
    if decision is None:
        candidates = [d for d in log if not d["undone"] and d["action"] != "undo"]
        if not candidates:
            raise NotFound(msg(N_("no decision to undo")))
        decision = candidates[0]["decision"]
    elif not any(d["decision"] == decision for d in log):
        raise NotFound(msg(N_("no decision {id}"), id=decision))
    elif any(d["decision"] == decision and d["undone"] for d in log):
        raise InvalidInput(msg(N_("decision {id} was undone already"), id=decision))
    rows = _raw(graph, list(STATUSES))
    new = _decision_id()
    at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")
    changes = []
    for r in rows:
        history = json.loads(r.get("history") or "[]")
        if not history or history[-1]["decision"] != decision:
            continue  # a later decision changed this pair again: left as it is
        type_, status = history[-1]["from"]
        entry = {"decision": new, "action": "undo", "undoes": decision, "at": at, "who": who,
                 "from": [r["type"], r["status"]], "to": [type_, status]}
        changes.append((r, type_, status, entry))
    if changes:
        _apply(graph, changes, who)
    return {"decision": new if changes else None, "undid": decision, "changed": len(changes)}


def decide(graph: Graph, a: str, b: str, accept: bool, who: str | None = None) -> dict:
    """One pair, by its two keys: accept a pending (or rejected) pair, the link is made; reject a
    pending pair, or undo a made link: the pair is kept as rejected, so matching does not propose it again."""
    rels = graph.query("match_pair", a=a, b=b)
    if not rels:
        raise NotFound(msg(N_("no link or pair {a} ⟷ {b}"), a=a, b=b) if not accept else
                       msg(N_("no pair {a} ⟷ {b} to review"), a=a, b=b))
    made = [r for r in rels if r["type"] != "POSSIBLY_SAME_AS"]
    if accept and made:
        return {"a": a, "b": b, "accepted": True, "already": True}
    if accept and not [r for r in rels if r["type"] == "POSSIBLY_SAME_AS"]:
        raise NotFound(msg(N_("no pair {a} ⟷ {b} to review"), a=a, b=b))
    done = decide_many(graph, accept, [pair_id(a, b)], who=who or "reviewer")
    return {"a": a, "b": b, "accepted": accept, "decision": done["decision"], **({} if accept else {"unlinked": bool(made)})}


def parse_pair(text: str) -> tuple[str, str]:
    a, sep, b = (text or "").partition("|")
    if not sep or not a or not b:
        raise InvalidInput(f"a pair is written KEY|KEY, got {text!r}")
    return a.strip(), b.strip()
