"""Search: exact identifiers first, then the CJK full-text index of each searchable label.

User text never reaches Lucene's query parser raw: its operators and special characters are
removed and words lower-cased (so AND/OR/NOT are plain words); the legal-form ending every firm
name shares (有限公司 …) is dropped from a longer word. Text without a digit cannot be an
identifier, so it skips the exact lookups. The CJK analyzer indexes
character bigrams, so a lone Chinese character (a surname, say) becomes a prefix query.
"""

from __future__ import annotations

import re

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


def search(graph: Graph, text: str, limit: int = 20) -> dict:
    text = (text or "").strip()
    result = {"q": text, "exact": [], "groups": []}
    if not text:
        return result
    if may_be_identifier(text):
        result["exact"] = graph.query("search_exact", text=text)
    query = lucene_query(text)
    if query:
        for spec in get_model().search_labels():
            hits = graph.query("search_fulltext", index=spec.fulltext_index, text=query, limit=limit)
            if hits:
                result["groups"].append({"label": spec.name, "hits": hits})
    return result
