"""What every view uses: the app's graph, the page-or-JSON response, the error response.

Views import from here, not from the package, so the app factory (``chengxin.web``) can import
the views at the top of its module without a cycle.
"""

from __future__ import annotations

import threading

from flask import current_app, jsonify, render_template, request, url_for

from chengxin.graph.db import Graph, connect
from chengxin.graph.model import get_model


def get_graph() -> Graph:
    """The app's graph as pages use it (:meth:`Graph.pages`): while the database is down a page
    answers 503 at once, and the first request after it is back is served."""
    ext = current_app.extensions["chengxin"]
    if ext["graph"] is None:
        with ext.setdefault("connect_lock", threading.Lock()):
            if ext["graph"] is None:
                ext["graph"] = connect(ext["settings"])
    return ext["graph"].pages()


def entity_url(label: str, key) -> str | None:
    """The one way to an entity's page, ``/<route>/<key>`` (endpoint ``<route>.profile``), for every
    template, graph and link; None for a label outside the model or a node without a key."""
    spec = get_model().labels.get(label)
    if spec is None or key is None:
        return None
    return url_for(f"{spec.route}.profile", key=str(key))


def wants_json() -> bool:
    return request.path.startswith("/api/")


def respond(template: str, data: dict, status: int = 200, **extra):
    """The page, or its JSON twin under /api/."""
    if wants_json():
        return jsonify(data), status
    return render_template(template, data=data, **extra), status


def error_response(status: int, detail: str):
    if wants_json():
        return jsonify({"error": detail, "status": status}), status
    return render_template("error.html", status=status, detail=detail), status
