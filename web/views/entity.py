"""Entity pages, one blueprint per label of the model: ``/<route>/<key>`` and ``/api/<route>/<key>``,
endpoint ``<route>.profile``, template ``entity/<route>.html``, query ``cypher/<route>_profile.cypher``."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

from flask import Blueprint

from chengxin.graph import eligibility, matching, queries, risk
from chengxin.graph.integrity import sanction_status
from chengxin.graph.model import get_model

from ..core import app_settings, get_flag_runs, get_graph, respond


#: The pages of a project's later stages (contract, drawing review, permit, completion, performance).
STAGE_ROUTES = frozenset(get_model().labels[label].route for _, label, _ in queries.STAGES[1:]
                         if label in get_model().labels)

#: The enterprise page's panels are read while its profile is: each is a few independent queries.
_PANELS = ThreadPoolExecutor(max_workers=6, thread_name_prefix="chengxin-panels")


def _firm_panels(graph, key: str, today: dt.date, settings, runs) -> dict:
    """The investigators' panel: eligibility today and the risk score, each with its page."""
    score = risk.firm_score(graph, key, today, wait=False, settings=settings, runs=runs)
    return {"eligibility": eligibility.check(graph, key, today, settings=settings),
            "risk": {k: score[k] for k in ("score", "contributions", "flags_pending")}}


def _view(route: str):
    def profile(key: str):
        graph = get_graph()
        today = dt.date.today()
        if route == "enterprise":
            # The app's objects are read here, in the request; the workers only query.
            panels = _PANELS.submit(_firm_panels, graph, key, today, app_settings(), get_flag_runs())
            matched = _PANELS.submit(graph.query, "matched_records", uscc=key)
        data = queries.profile(graph, route, key, today)
        if route in ("person", "project", "tender", "penalty") or route in STAGE_ROUTES:
            data["flags"] = get_flag_runs().for_entity(graph, route, key)
        if route == "project":
            queries.mark_timeline(data["timeline"], data["flags"])
        if route == "enterprise":
            data.update(panels.result())
            rows = matched.result()
            data["matched"] = matching.matched(rows)
            # a sanction follows the entity: records linked to the firm count in its badge
            data["sanction"] = sanction_status(data["penalties"] + matching.linked_penalties(rows), today)
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
