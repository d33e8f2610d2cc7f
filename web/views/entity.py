"""Entity pages, one blueprint per label of the model: ``/<route>/<key>`` and ``/api/<route>/<key>``,
endpoint ``<route>.profile``, template ``entity/<route>.html``, query ``cypher/<route>_profile.cypher``."""

from __future__ import annotations

from flask import Blueprint

from graph import queries
from graph.model import get_model

from .. import get_graph, respond


def _view(route: str):
    def profile(key: str):
        data = queries.profile(get_graph(), route, key)
        return respond(f"entity/{route}.html", data)

    return profile


def blueprints() -> list[Blueprint]:
    out = []
    for spec in get_model().labels.values():
        bp = Blueprint(spec.route, __name__)
        view = _view(spec.route)
        bp.add_url_rule(f"/{spec.route}/<path:key>", "profile", view)
        bp.add_url_rule(f"/api/{spec.route}/<path:key>", "profile_json", view)
        out.append(bp)
    return out
