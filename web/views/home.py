"""Home (search box, headline counts, recent penalties) and search."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from chengxin.graph import queries
from chengxin.graph.model import get_model
from chengxin.graph.regions import name as region_name
from chengxin.graph.search import rank_hits, ranked
from chengxin.graph.search import search as run_search

from .. import i18n
from ..core import entity_url, get_flag_runs, get_graph, respond

bp = Blueprint("home", __name__)


@bp.get("/")
@bp.get("/api/", endpoint="index_json")
def index():
    graph = get_graph()
    data = {"stats": queries.stats(graph), "recent_penalties": queries.recent_penalties(graph, 10)}
    return respond("home.html", data)


_flagged: dict = {}


def flagged_firms(graph) -> frozenset:
    """Firms some red flag of the stored run implicates (kept per run), for the marks on search hits."""
    runs = get_flag_runs()
    found = runs.detect_all(graph, wait=False)
    if found is None:
        return frozenset()
    key = (id(runs), runs.computed_at)
    if _flagged.get("key") != key:
        _flagged.update(key=key, firms=frozenset(u for hits in found.values() for h in hits for u in h["firms"]))
    return _flagged["firms"]


def _page_arg() -> int:
    try:
        return max(1, min(10_000, int(request.args.get("page", 1))))
    except ValueError:
        return 1


@bp.get("/search")
@bp.get("/api/search", endpoint="search_json")
def search():
    q = request.args.get("q", "")[:200]
    graph = get_graph()
    data = ranked(graph, q, (request.args.get("label") or "").strip() or None, _page_arg(),
                  region=(request.args.get("region") or "").strip()[:40] or None)
    flagged = flagged_firms(graph) if data["hits"] else frozenset()
    for h in data["hits"]:
        h["flagged"] = h["label"] == "Enterprise" and h["key"] in flagged
    return respond("search.html", data)


@bp.get("/api/suggest")
def suggest():
    """Suggestions as a person types (static/suggest.js): the first few hits of the ranked list."""
    q = request.args.get("q", "")[:100].strip()
    items = []
    if len(q) >= 1:
        found = run_search(get_graph(), q, limit=8)
        for h in rank_hits(q, found["exact"], found["groups"])[:8]:
            spec = get_model().labels.get(h["label"])
            items.append({"label": h["label"], "kind": i18n.label_name(h["label"]), "key": h["key"],
                          "name": h.get("name") or h["key"], "url": entity_url(h["label"], h["key"]),
                          "region": region_name(h.get("region_code")), "exact": h["tier"] <= 1 and spec is not None})
    return jsonify({"q": q, "items": items, "lang": i18n.current()})
