"""The neighbourhood graph of an entity (``/graph/<route>/<key>``, drawn in an iframe on each
entity page, and ``/api/graph/<route>/<key>``), and pyvis's bundled vis-network, served here."""

from __future__ import annotations

from pathlib import Path

import pyvis
import datetime as dt

from flask import Blueprint, request, send_from_directory

from chengxin.graph import queries
from chengxin.graph.errors import InvalidInput, NotFound
from chengxin.graph.messages import N_, msg

from chengxin.graph.model import get_model

from ..core import app_settings, get_flag_runs, get_graph, respond
from ..graphview import build

bp = Blueprint("graphview", __name__)
VIS_DIR = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"


@bp.get("/graph/<route>/<path:key>")
@bp.get("/api/graph/<route>/<path:key>", endpoint="neighbourhood_json")
def neighbourhood(route: str, key: str):
    """``?type=T&skip=N``: the next page of one relationship type (what a "more" node adds)."""
    settings = app_settings()
    per_type = max(3, settings.graph_node_cap // 4)
    skip = _skip()
    rel_type = (request.args.get("type") or "").strip() or None
    if rel_type is not None and rel_type not in get_model().relationships:
        raise InvalidInput(msg(N_("no relationship type called {name!r}"), name=rel_type))
    graph = get_graph()
    view = queries.neighbourhood(graph, route, key, per_type=per_type, skip=skip, rel_type=rel_type)
    today = dt.date.today()
    firms = [n["key"] for n in view["neighbours"] if n["label"] == "Enterprise" and n["key"]]
    if view["center"]["label"] == "Enterprise":
        firms.append(key)
    marks = {u: "flagged" for u in _flagged(firms)}
    marks.update({u: "sanctioned" for u in queries.graph_marks(graph, firms, today)})
    data = build(view, marks, today.isoformat())
    data["center"] = {"label": view["center"]["label"], "key": key, "name": view["center"]["name"]}
    return respond("graph.html", data)


def _skip() -> int:
    text = (request.args.get("skip") or "0").strip()
    if not text.isdigit():
        raise InvalidInput(msg(N_("{name} must be a whole number of at least 0, got {text!r}"), name="skip", text=text))
    return int(text)


def _flagged(usccs: list[str]) -> set[str]:
    """The firms among ``usccs`` some red flag of the stored run names (none while none is stored)."""
    run = get_flag_runs().latest()  # never starts a run: a graph does not wait for the flags
    if run is None:
        return set()
    wanted, found = set(usccs), set()
    for hits in run.hits.values():
        for h in hits:
            found.update(wanted.intersection(h["firms"]))
    return found


@bp.get("/vendor/vis-network/<name>")
def vis_network(name: str):
    if name not in ("vis-network.min.js", "vis-network.css"):
        raise NotFound(msg(N_("no such file: {name}"), name=name))
    return send_from_directory(VIS_DIR, name, max_age=86400)
