"""Home (search box, headline counts, recent penalties) and search."""

from __future__ import annotations

from flask import Blueprint, request

from chengxin.graph import queries
from chengxin.graph.search import search as run_search

from ..core import get_graph, respond

bp = Blueprint("home", __name__)


@bp.get("/")
@bp.get("/api/", endpoint="index_json")
def index():
    graph = get_graph()
    data = {"stats": queries.stats(graph), "recent_penalties": queries.recent_penalties(graph, 10)}
    return respond("home.html", data)


@bp.get("/search")
@bp.get("/api/search", endpoint="search_json")
def search():
    q = request.args.get("q", "")[:200]
    return respond("search.html", run_search(get_graph(), q))
