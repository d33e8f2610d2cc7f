"""The data of the pages' charts, as small JSON endpoints the page asks for after it has drawn
(``static/charts.js`` draws them with the vendored Apache ECharts): penalties over time by
measure and by province (``/api/charts/penalties``, of one authority with ``?authority=``; kept
ten minutes in the app's ``chart_cache``) and a firm's or a person's history
(``/api/charts/timeline/<route>/<key>``)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, jsonify, request

from chengxin.graph import charts, queries
from chengxin.graph.errors import NotFound
from chengxin.graph.messages import N_, msg

from .. import i18n
from ..core import get_graph

bp = Blueprint("charts", __name__)


@bp.get("/api/charts/penalties")
def penalties():
    authority = (request.args.get("authority") or "").strip() or None
    cache = current_app.extensions["chengxin"]["chart_cache"]
    today = dt.date.today()
    key = ("penalties", authority, today)
    data = cache.get(key)
    if data is None:
        data = cache[key] = charts.penalties(get_graph(), authority, today)
    measures = [{**m, "name": i18n.gettext(charts.OTHER_MEASURE) if m["code"] == charts.OTHER else i18n.enum(m["code"], "measure")}
                for m in data["measures"]]
    provinces = [{**p, "name": _province_name(p["code"])} for p in data["provinces"]]
    return jsonify({**data, "measures": measures, "provinces": provinces, "since": data["since"].isoformat(),
                    "lang": i18n.current(),
                    "labels": {"measures": i18n.gettext("Penalties by measure"),
                               "provinces": i18n.gettext("Penalties by province of the subject"),
                               "count": i18n.gettext("Penalties")}})


def _province_name(code: str) -> str:
    msgid = charts.PROVINCES.get(code, charts.OTHER_REGION)
    return i18n.gettext(msgid)


@bp.get("/api/charts/timeline/<route>/<path:key>")
def timeline(route: str, key: str):
    if route not in ("enterprise", "person"):
        raise NotFound(msg(N_("no timeline for {route}"), route=route))
    data = queries.profile(get_graph(), route, key)
    kinds = {k: i18n.gettext(v) for k, v in charts.TIMELINE_KINDS.items()}
    return jsonify({"events": charts.timeline(route, data), "kinds": kinds, "lang": i18n.current(),
                    "today": dt.date.today().isoformat()})
