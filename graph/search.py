"""Search: exact identifiers first, then the CJK full-text index of each searchable label.

User text never reaches Lucene's query parser raw: its operators and special characters are
removed and words lower-cased (so AND/OR/NOT are plain words); the legal-form ending every firm
name shares (有限公司 …) is dropped from a longer word. Text without a digit cannot be an
identifier, so it skips the exact lookups. The CJK analyzer indexes
character bigrams, so a lone Chinese character (a surname, say) becomes a prefix query.

The lookups (exact, and one full-text query per searchable label) are independent, so they run at
once on a small thread pool: a search takes as long as its slowest lookup, not their sum.

A common word is the slow case of a full-text index: the index scores every name holding it
(BM25 over all its postings) before keeping the best twenty, so "建设" or "工程" cost ArcadeDB half a
second to two seconds at scale 700. A query of one such word (one or two Chinese characters: a
single bigram, or a surname prefix) is first looked for among the first ``COMMON_WINDOW`` names of
the label (``search_common``): a word found there ``limit`` times is common, and those names are the
answer, ranked the way BM25 would rank one term (names starting with the word, then more
occurrences, then shorter names first). A rarer word goes to the full-text index, where it is cheap.

A longer word (a firm's whole name, say) is searched as its bigrams, as the index would split it,
less the bigrams common in that label's names (建设, 工程, 集团 …: found in at least
``COMMON_SHARE`` of the first ``COMMON_WINDOW`` names, counted once an hour): they add hundreds of
thousands of postings to score and almost nothing to the ranking, their BM25 weight being low.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from . import regions
from .db import Graph
from .model import get_model

_SPECIAL = re.compile(r'[+\-&|!(){}\[\]^"~*?:\\/<>=\'`,，。;；、]')
_CJK = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]$")


#: Words every firm name ends with: they tell no firm from another and, as CJK bigrams with
#: postings across the whole index, made "工程有限公司" the slowest search at scale. Dropped from a
#: word unless nothing else is left.
GENERIC_ENDINGS = ("股份有限公司", "有限责任公司", "有限公司", "集团公司")


def _trim(word: str) -> str:
    for ending in GENERIC_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending):
            return word[: -len(ending)]
    return word


def lucene_query(text: str) -> str | None:
    words = [_trim(w) for w in _SPECIAL.sub(" ", text).lower().split()]
    out = [w + "*" if _CJK.match(w) else w for w in words]
    return " ".join(out)[:200] or None


def may_be_identifier(text: str) -> bool:
    """Every key chengxin has (USCC, project code, certificate, person id, tender, decision
    number, award id) holds a digit; a name alone skips the exact lookups."""
    return any(c.isdigit() for c in text)


#: Names of a label looked at to tell a common word (see the module's docstring).
COMMON_WINDOW = 3000
_SHORT_CJK = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]{1,2}$")


def common_word(text: str) -> str | None:
    """The query's one word when it is one or two Chinese characters (after the generic ending is
    trimmed), the case :func:`search` first tries as a common word; else None."""
    words = [_trim(w) for w in _SPECIAL.sub(" ", text).lower().split()]
    return words[0] if len(words) == 1 and _SHORT_CJK.match(words[0]) else None


COMMON_SHARE = 0.08
_CJK_WORD = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]{3,}$")
_common: dict[tuple[int, str, int], tuple[float, frozenset[str]]] = {}
_common_lock = threading.Lock()


def _bigrams(word: str) -> list[str]:
    return [word[i:i + 2] for i in range(len(word) - 1)]


def common_bigrams(graph: Graph, spec) -> frozenset[str]:
    """Bigrams in at least ``COMMON_SHARE`` of the first ``COMMON_WINDOW`` names of the label (an hour)."""
    key = (id(graph), spec.name, COMMON_WINDOW)
    hit = _common.get(key)
    if hit and time.monotonic() - hit[0] < 3600:
        return hit[1]
    rows = graph.query("search_common", labels={"kind": spec.name}, word="", window=COMMON_WINDOW,
                       limit=COMMON_WINDOW)
    df = Counter(b for r in rows for b in set(_bigrams(r.get("name") or "")))
    least = max(5, COMMON_SHARE * len(rows))
    found = frozenset(b for b, n in df.items() if n >= least)
    with _common_lock:
        _common[key] = (time.monotonic(), found)
    return found


def without_common(query: str, common: frozenset[str]) -> str:
    """The query with each long Chinese word written as its bigrams less the common ones (a word
    made only of common bigrams is kept whole)."""
    out = []
    for w in query.split():
        if _CJK_WORD.match(w):
            keep = [b for b in dict.fromkeys(_bigrams(w)) if b not in common]
            out.append(" ".join(keep) if keep else w)
        else:
            out.append(w)
    return " ".join(out)


def _rank_common(word: str, hits: list[dict], limit: int) -> list[dict]:
    def key(h):
        name = h.get("name") or ""
        return (not name.startswith(word), -name.count(word), len(name), name)
    return sorted(hits, key=key)[:limit]


def _label_hits(graph: Graph, spec, query: str, word: str | None, limit: int) -> list[dict]:
    if word:
        hits = graph.query("search_common", labels={"kind": spec.name}, word=word, window=COMMON_WINDOW,
                           limit=limit * 3)
        if len(hits) >= limit:
            return _rank_common(word, hits, limit)
    query = without_common(query, common_bigrams(graph, spec))
    first, *others = graph.backend.fulltext_indexes(spec)
    hits = graph.query("search_fulltext", index=first, text=query, limit=limit)
    for index in others:  # other names (a list entry's Chinese name, its aliases) in indexes of their own
        keys = {h["key"] for h in hits}
        hits += [h for h in graph.query("search_fulltext", index=index, text=query, limit=limit) if h["key"] not in keys]
    return sorted(hits, key=lambda h: -(h.get("score") or 0))[:limit] if others else hits


#: Lookups of all searches at once (each a query on its own connection from the driver's pool).
_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="chengxin-search")


def search(graph: Graph, text: str, limit: int = 20, labels: list[str] | None = None) -> dict:
    """Exact identifiers and, per searchable label (or only ``labels``), its best ``limit`` names."""
    text = (text or "").strip()
    result = {"q": text, "exact": [], "groups": []}
    if not text:
        return result
    exact = _POOL.submit(graph.query, "search_exact", text=text, upper=text.upper()) if may_be_identifier(text) else None
    query = lucene_query(text)
    word = common_word(text)
    groups = [(spec.name, _POOL.submit(_label_hits, graph, spec, query, word, limit))
              for spec in (get_model().search_labels() if query else []) if labels is None or spec.name in labels]
    if exact is not None:
        result["exact"] = exact.result()
    for name, future in groups:
        hits = future.result()
        if hits:
            result["groups"].append({"label": name, "hits": hits})
    return result


# --- one ranked list (the search page, its suggestions and the path finder's choices) ------------

#: Hits on one page of the ranked list, and the most a label is asked for (page × size + 1 at most).
PAGE_SIZE = 20
MAX_PER_LABEL = 400
#: Hits asked of each label for the first pages, whichever page is shown, so that paging through
#: them never shows a hit twice (a larger pool could rank differently); later pages ask for more.
POOL = 41
#: Between two hits of equal rank, the kind a person more often means (a firm before a project).
LABEL_ORDER = {"Enterprise": 0, "Person": 1, "Project": 2}
_SPACE = re.compile(r"\s+")


def _plain(text: str | None) -> str:
    return _SPACE.sub("", (text or "")).casefold()


def _tier(q: str, h: dict) -> tuple[int, str]:
    """How a hit's name (or, a step behind it, one of its other names: a list entry's Chinese name or
    alias) holds the query: 1 exactly, 2 at its start, 3 whole inside it, 4 only word by word."""
    def of(name) -> int:
        name = _plain(name)
        return 1 if name == q else 2 if q and name.startswith(q) else 3 if q and q in name else 4
    best = of(h.get("name"))
    others = h.get("other_names") or []
    for other in ([others] if isinstance(others, str) else others):
        best = min(best, of(other))
    return best, {1: "name", 2: "prefix", 3: "contains", 4: "words"}[best]


def _identified(h: dict) -> int:
    """0 for a record known by a real identifier, 1 for one keyed only within its source (XX-…)."""
    return 1 if str(h.get("key") or "").startswith("XX-") else 0


def rank_hits(text: str, exact: list[dict], groups: list[dict]) -> list[dict]:
    """One list from the exact identifiers and each label's full-text hits, best first:
    0 an identifier, 1 the exact name, 2 a name starting with the query, 3 a name holding it whole,
    then by relevance (each label's score relative to its best hit, or its rank there when the
    common-word path gave no score), then firms before people before projects, shorter names first."""
    q = _plain(text)
    out: dict[tuple, dict] = {}
    for h in exact:
        out[(h["label"], h["key"])] = {**h, "tier": 0, "relevance": 1.0, "match": "identifier"}
    for g in groups:
        hits = g["hits"]
        best = max([h.get("score") or 0 for h in hits] + [0]) or None
        for i, h in enumerate(hits):
            key = (h["label"], h["key"])
            if key in out or h.get("key") is None:
                continue
            tier, match = _tier(q, h)
            rel = (h["score"] / best) if best and h.get("score") is not None else 1.0 / (1 + i)
            out[key] = {**h, "tier": tier, "relevance": round(rel, 3), "match": match}
    return sorted(out.values(), key=lambda h: (h["tier"], _identified(h), -h["relevance"], LABEL_ORDER.get(h["label"], 9),
                                               len(h.get("name") or ""), h.get("name") or "", str(h["key"])))


def ranked(graph: Graph, text: str, label: str | None = None, page: int = 1, size: int = PAGE_SIZE,
           today=None, region: str | None = None) -> dict:
    """The search page's answer: one ranked list across labels (:func:`rank_hits`), facets (hits per
    label, ``label`` keeps one), a page of ``size`` hits and, on each firm or person of the page, its
    sanctions in force (one query for the page: ``search_marks``). Region codes become names."""
    text = (text or "").strip()
    page = max(1, page)
    labels = {s.name for s in get_model().search_labels()}
    label = label if label in labels or label in {"Qualification", "Tender", "Penalty", "Award"} else None
    per_label = min(MAX_PER_LABEL, max(POOL, page * size + 1))
    found = search(graph, text, limit=per_label, labels=[label] if label else None)
    hits = rank_hits(text, found["exact"], found["groups"])
    facets: dict[str, int] = {}
    for h in hits:
        facets[h["label"]] = facets.get(h["label"], 0) + 1
    if label:
        hits = [h for h in hits if h["label"] == label]
    provinces: dict[str, int] = {}
    for h in hits:
        code = str(h.get("region_code") or "")
        if len(code) == 6 and code[:2] + "0000" in regions.table():
            provinces[code[:2]] = provinces.get(code[:2], 0) + 1
    wanted = regions.prefixes(region) if region else []
    if region:
        hits = [h for h in hits if regions.matches(h.get("region_code"), wanted)]
    total = len(hits)
    pages = max(1, -(-total // size))
    page = min(page, pages)
    shown = hits[(page - 1) * size: page * size]
    for h in shown:
        h["region"] = regions.name(h.get("region_code")) if h.get("region_code") else None
    marks = {}
    firms = [h["key"] for h in shown if h["label"] == "Enterprise"]
    people = [h["key"] for h in shown if h["label"] == "Person"]
    if firms or people:
        for m in graph.query("search_marks", usccs=firms, persons=people, date=today or dt.date.today()):
            marks[(m["label"], m["key"])] = m
    for h in shown:
        m = marks.get((h["label"], h["key"])) or {}
        h["sanctions_in_force"] = m.get("in_force", 0)
        h["restricted"] = bool(m.get("restrictive"))
    # The jump: the one best hit, when it is an identifier or an exact name no other record known by a
    # real identifier shares (records keyed only within a source, e.g. a list's or a platform export's
    # copy of the name, wait for matching and do not make an exact name ambiguous).
    jump = hits[0] if hits and hits[0]["tier"] <= 1 and (
        len(hits) == 1 or hits[1]["tier"] > hits[0]["tier"] or _identified(hits[1]) > _identified(hits[0])) else None
    return {"q": text, "label": label, "region": region, "region_prefixes": wanted,
            "region_facets": [{"prefix": p, "name": regions.name(p + "0000"), "count": n}
                              for p, n in sorted(provinces.items(), key=lambda x: -x[1])[:12]],
            "hits": shown, "total": total, "page": page, "pages": pages, "size": size,
            "facets": [{"label": k, "count": facets[k]} for k in sorted(facets, key=lambda k: LABEL_ORDER.get(k, 9))],
            "more_possible": any(len(g["hits"]) >= per_label for g in found["groups"]),
            "jump": {"label": jump["label"], "key": jump["key"], "name": jump.get("name")} if jump else None,
            "exact": found["exact"], "groups": found["groups"]}
