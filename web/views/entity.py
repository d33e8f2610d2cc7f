"""Entity pages, one blueprint per label of the model: ``/<route>/<key>`` and ``/api/<route>/<key>``,
endpoint ``<route>.profile``, template ``entity/<route>.html``, query ``cypher/<route>_profile.cypher``."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

from flask import Blueprint, current_app, request

from chengxin.graph import eligibility, matching, queries, risk, verdict
from chengxin.graph.integrity import sanction_status
from chengxin.graph.model import get_model

from ..core import app_settings, get_flag_runs, get_graph, respond, wants_json
from ..tables import PAGE_SIZE, csv_requested
from . import entity_tables


#: The pages of a project's later stages (contract, drawing review, permit, completion, performance).
STAGE_ROUTES = frozenset(get_model().labels[label].route for _, label, _ in queries.STAGES[1:]
                         if label in get_model().labels)

#: The enterprise page's panels are read while its profile is: each is a few independent queries.
_PANELS = ThreadPoolExecutor(max_workers=6, thread_name_prefix="chengxin-panels")


def _firm_panels(graph, key: str, today: dt.date, settings, runs) -> dict:
    """The verdict at the top (graph/verdict.py) and the panels it is made of: eligibility today and
    the risk score, each with its page."""
    score = risk.firm_score(graph, key, today, wait=False, settings=settings, runs=runs)
    el = eligibility.check(graph, key, today, settings=settings)
    return {"eligibility": el, "risk": {k: score[k] for k in ("score", "contributions", "flags_pending")},
            "_score": score}


def _list_names(data: dict) -> dict:
    """A sanction's name as people know it: the list's name for a list entry, else its decision number."""
    names = {}
    for p in data.get("penalties") or []:
        names[p["penalty_id"]] = p.get("list_name") or p["penalty_id"]
    for m in data.get("matched") or []:
        for p in m.get("penalties") or []:
            names[p["penalty_id"]] = p.get("list_name") or p.get("source") or p["penalty_id"]
    return names


def _authority(graph, key: str, today: dt.date) -> dict:
    """An authority's profile, kept while the day and the data stay the same (``profile_cache``; the data's
    version is read each time, one small query, so a load shows at once): it holds every penalty the
    authority decided (up to 20,000, so its table filters, sorts and exports them all), and paging,
    sorting or filtering that table asks for the same page again."""
    cache = current_app.extensions["chengxin"]["profile_cache"]
    ck = ("authority", key, today, get_flag_runs().data_version(graph, fresh=True))
    data = cache.get(ck)
    if data is None and not wants_json() and not any(k in ("csv", "all") or k.startswith("penalties_")
                                                     for k in request.args):
        # A first view of the page (no paging, sorting, filtering, CSV or whole lists asked) reads only
        # the table's first page and the first awards and certificates: an authority has hundreds to
        # tens of thousands of each. (The JSON twin keeps the whole lists, its data.)
        fk = ("authority first view",) + ck[1:]
        first = cache.get(fk)
        if first is None:
            first = cache[fk] = dict(queries.profile(graph, "authority", key, today, penalty_limit=PAGE_SIZE,
                                                     list_limit=PAGE_SIZE), penalties_paged=True)
        return dict(first)
    if data is None:
        data = cache[ck] = queries.profile(graph, "authority", key, today)
    return dict(data)


def _data(route: str, graph, key: str, today: dt.date) -> dict:
    """A page's view model; for a firm with its verdict, matched records and their sanctions."""
    if route == "enterprise":
        # The app's objects are read here, in the request; the workers only query.
        panels = _PANELS.submit(_firm_panels, graph, key, today, app_settings(), get_flag_runs())
        matched = _PANELS.submit(graph.query, "matched_records", uscc=key)
    data = _authority(graph, key, today) if route == "authority" else queries.profile(graph, route, key, today)
    if route in ("person", "project", "tender", "penalty") or route in STAGE_ROUTES:
        data["flags"] = get_flag_runs().for_entity(graph, route, key)
    if route == "project":
        queries.mark_timeline(data["timeline"], data["flags"])
    if route == "enterprise":
        panel = panels.result()
        score = panel.pop("_score")
        data.update(panel)
        rows = matched.result()
        data["matched"] = matching.matched(rows)
        # a sanction follows the entity: records linked to the firm count in its badge
        data["sanction"] = sanction_status(data["penalties"] + matching.linked_penalties(rows), today)
        # the verdict at the top, from the same eligibility check, risk score and sanctions the sections show
        data["verdict"] = verdict.combine(data["eligibility"], score, today, data["sanction"])
        names = _list_names(data)
        for s in data["verdict"]["sanction"]["in_force"]:
            s["name"] = names.get(s["penalty_id"], s["penalty_id"])
    return data


def _view(route: str):
    def profile(key: str):
        data = _data(route, get_graph(), key, dt.date.today())
        tables = entity_tables.build(route, data)
        as_csv = csv_requested(*tables.values(), filename=f"{route}-{key}")
        if as_csv is not None:
            return as_csv
        data["tables"] = {name: t.as_data() for name, t in tables.items()}
        return respond(f"entity/{route}.html", data, tables=tables)

    return profile


def report(key: str):
    """A firm's printable report: the verdict, the facts, sanctions, red flags, the risk computation
    and the sources, dated (the browser prints it; ``static/report.css`` is its print stylesheet)."""
    graph = get_graph()
    data = _data("enterprise", graph, key, dt.date.today())
    data["flag_hits"] = get_flag_runs().for_firm(graph, key, wait=False)
    data["made_at"] = dt.datetime.now().astimezone().replace(microsecond=0)
    return respond("entity/report.html", data)


def blueprints() -> list[Blueprint]:
    out = []
    for spec in get_model().labels.values():
        bp = Blueprint(spec.route, __name__)
        view = _view(spec.route)
        bp.add_url_rule(f"/{spec.route}/<path:key>", "profile", view)
        bp.add_url_rule(f"/api/{spec.route}/<path:key>", "profile_json", view)
        if spec.route == "enterprise":
            bp.add_url_rule("/enterprise/<path:key>/report", "report", report)
            bp.add_url_rule("/api/enterprise/<path:key>/report", "report_json", report)
        out.append(bp)
    return out
