"""The neighbourhood graph of an entity (``/graph/<route>/<key>``, drawn in an iframe on each
entity page, and ``/api/graph/<route>/<key>``), and pyvis's bundled vis-network, served here."""

from __future__ import annotations

from pathlib import Path

import pyvis
from flask import Blueprint, send_from_directory

from chengxin.graph import queries
from chengxin.graph.errors import NotFound
from chengxin.graph.messages import N_, msg

from ..core import app_settings, get_graph, respond
from ..graphview import build

bp = Blueprint("graphview", __name__)
VIS_DIR = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"


@bp.get("/graph/<route>/<path:key>")
@bp.get("/api/graph/<route>/<path:key>", endpoint="neighbourhood_json")
def neighbourhood(route: str, key: str):
    settings = app_settings()
    per_type = max(3, settings.graph_node_cap // 4)
    view = queries.neighbourhood(get_graph(), route, key, per_type=per_type)
    data = build(view)
    data["center"] = {"label": view["center"]["label"], "key": key, "name": view["center"]["name"]}
    return respond("graph.html", data)


@bp.get("/vendor/vis-network/<name>")
def vis_network(name: str):
    if name not in ("vis-network.min.js", "vis-network.css"):
        raise NotFound(msg(N_("no such file: {name}"), name=name))
    return send_from_directory(VIS_DIR, name, max_age=86400)
