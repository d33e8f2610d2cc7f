"""Search: exact identifiers first, then the CJK full-text index of each searchable label.

User text never reaches Lucene's query parser raw: its operators and special characters are
removed and words lower-cased (so AND/OR/NOT are plain words). The CJK analyzer indexes
character bigrams, so a lone Chinese character (a surname, say) becomes a prefix query.
"""

from __future__ import annotations

import re

from .db import Graph
from .model import get_model

_SPECIAL = re.compile(r'[+\-&|!(){}\[\]^"~*?:\\/<>=\'`,，。;；、]')
_CJK = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]$")


def lucene_query(text: str) -> str | None:
    words = _SPECIAL.sub(" ", text).lower().split()
    out = [w + "*" if _CJK.match(w) else w for w in words]
    return " ".join(out)[:200] or None


def search(graph: Graph, text: str, limit: int = 20) -> dict:
    text = (text or "").strip()
    result = {"q": text, "exact": [], "groups": []}
    if not text:
        return result
    result["exact"] = graph.query("search_exact", text=text)
    query = lucene_query(text)
    if query:
        for spec in get_model().search_labels():
            hits = graph.query("search_fulltext", index=spec.fulltext_index, text=query, limit=limit)
            if hits:
                result["groups"].append({"label": spec.name, "hits": hits})
    return result
