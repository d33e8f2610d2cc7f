"""Entity pages, one blueprint per label of the model: ``/<route>/<key>`` and ``/api/<route>/<key>``,
endpoint ``<route>.profile``, template ``entity/<route>.html``, query ``cypher/<route>_profile.cypher``."""

from __future__ import annotations

from flask import Blueprint

from chengxin.graph import eligibility, matching, queries, risk
from chengxin.graph.model import get_model

from ..core import app_settings, get_flag_runs, get_graph, respond


def _view(route: str):
    def profile(key: str):
        graph = get_graph()
        data = queries.profile(graph, route, key)
        if route in ("person", "project", "tender", "penalty"):
            data["flags"] = get_flag_runs().for_entity(graph, route, key)
        if route == "enterprise":
            # The investigators' panel: eligibility today and the risk score, each with its page.
            data["eligibility"] = eligibility.check(graph, key, data["today"], settings=app_settings())
            score = risk.firm_score(graph, key, data["today"], wait=False, settings=app_settings(),
                                    runs=get_flag_runs())
            data["risk"] = {k: score[k] for k in ("score", "contributions", "flags_pending")}
            data["matched"] = [{**m, "reason": matching.reason(m)} for m in graph.query("matched_records", uscc=key)]
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
