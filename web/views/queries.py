"""The analysts' pages: the query library (``/queries``, ``/queries/<name>``) and the Cypher
console (``/console``), each with a JSON twin under /api/ and a CSV download (``?format=csv``).

Both run through graph.console (read-only guards, time limit, row cap). The query and its
parameters live in the URL, so a result can be shared by its link.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import time

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, request, url_for

from cypher import get_query, library
from graph import console, queries
from graph.errors import ChengxinError, InvalidInput
from graph.model import get_model
from graph.results import elements, public, to_csv

from .. import get_graph, i18n, respond, wants_json
from ..graphview import build_result

bp = Blueprint("queries", __name__)
TOKEN_COOKIE = "chengxin_console"


def _meta(q) -> dict:
    return {
        "name": q.name, "purpose_zh": q.purpose_zh, "purpose_en": q.purpose_en, "group": q.library,
        "params": [{"name": p.name, "type": p.type, "example": p.example, "optional": p.optional,
                    "description": p.description} for p in q.params.values()],
        "returns": list(q.returns), "text": q.text,
    }


def _timeout(form) -> float | None:
    """The requested time limit (seconds), if any; graph.console never lets it exceed the setting."""
    raw = (form.get("timeout") or "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError as e:
        raise InvalidInput(f"timeout must be a number of seconds, not {raw!r} / 超时须为秒数") from e


def _result_payload(res: console.Result) -> tuple[dict, dict | None]:
    """The result for JSON and the table (storage ids dropped), and the graph to draw, if any."""
    nodes, rels = elements(res.rows)
    data = res.as_dict()
    data["rows"] = public(res.rows)
    return data, build_result(nodes, rels, i18n.t)


def _download(res: console.Result, name: str):
    body = "\ufeff" + to_csv(res.columns, res.rows)  # BOM: Excel opens UTF-8 Chinese correctly
    resp = Response(body, mimetype="text/csv; charset=utf-8")
    resp.headers["Content-Disposition"] = f"attachment; filename={name}.csv"
    return resp


@bp.get("/queries")
@bp.get("/api/queries", endpoint="index_json")
def index():
    groups: dict[str, list] = {}
    for q in library():
        groups.setdefault(q.library, []).append(_meta(q))
    return respond("queries/index.html", {"groups": [{"group": g, "queries": qs} for g, qs in groups.items()]})


@bp.get("/queries/<name>")
@bp.get("/api/queries/<name>", endpoint="show_json")
def show(name: str):
    q = get_query(name)
    if not q.library or q.mode != "read":
        abort(404)
    given = {k: v for k, v in request.args.items() if k in q.params}
    run = bool(given) or request.args.get("run") == "1" or wants_json()
    values = {p.name: given.get(p.name, p.example or "") for p in q.params.values()}
    data = {"query": _meta(q), "params": values, "result": None, "error": None}
    graph_data = None
    if run:
        try:
            res = console.run_named(get_graph(), name, values, timeout=_timeout(request.args))
        except ChengxinError as e:
            if wants_json() or request.args.get("format") == "csv":
                raise
            data["error"] = {"detail": e.detail, "status": e.status}
        else:
            if request.args.get("format") == "csv":
                return _download(res, name)
            data["result"], graph_data = _result_payload(res)
    return respond("queries/show.html", data, graph=graph_data)


# --- console -----------------------------------------------------------------------------------


def _loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def console_access() -> str:
    """'open', 'token' (a token is required) or 'off'."""
    s = current_app.extensions["chengxin"]["settings"]
    if s.console is False:
        return "off"
    if _loopback(s.host):
        return "open"
    if s.console and s.console_token:
        return "token"
    return "off"


def _gate():
    """None when the console may be used here, else the 403 (off) or 401 (token needed) response."""
    access = console_access()
    if access == "off":
        return respond("queries/console_off.html", {"error": "console is off on this server / 此服务器未开启控制台",
                                                    "status": 403}, status=403)
    if access == "token" and not _check_token():
        return respond("queries/console_token.html", {"error": "access token required / 需要访问令牌",
                                                      "status": 401}, status=401)
    return None


def _check_token() -> bool:
    s = current_app.extensions["chengxin"]["settings"]
    expected = s.console_token.get_secret_value()
    given = (request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
             or request.args.get("token", "") or request.cookies.get(TOKEN_COOKIE, ""))
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


_schema_cache: dict = {}


def schema(graph) -> dict:
    """Labels, relationship types and property keys with counts (cached for a minute)."""
    hit = _schema_cache.get(id(graph))
    if hit and time.monotonic() - hit[0] < 60:
        return hit[1]
    stats = queries.stats(graph)
    props = {}
    for label in stats["labels"]:
        if label in get_model().labels:
            props[label] = graph.query("schema_properties", labels={"kind": label})
    data = {"labels": stats["labels"], "relationships": stats["relationships"], "properties": props}
    _schema_cache[id(graph)] = (time.monotonic(), data)
    return data


@bp.route("/console", methods=["GET", "POST"])
@bp.route("/api/console", methods=["GET", "POST"], endpoint="console_json")
def console_page():
    refused = _gate()
    if refused is not None:
        return refused
    if console_access() == "token" and request.args.get("token"):
        # Keep the token out of URLs (history, shared links): set it as a cookie and drop it.
        args = {k: v for k, v in request.args.items() if k != "token"}
        resp = redirect(url_for(request.endpoint, **args))
        resp.set_cookie(TOKEN_COOKIE, request.args["token"], httponly=True, samesite="Strict")
        return resp
    form = request.form if request.method == "POST" else request.args
    text = form.get("q", "")
    params_text = form.get("params", "").strip()
    data = {"q": text, "params": params_text, "result": None, "error": None, "timeout": form.get("timeout", ""),
            "limits": {"timeout": get_graph().settings.query_timeout, "row_cap": get_graph().settings.query_row_cap}}
    graph_data, status = None, 200
    if text.strip():
        try:
            try:
                params = json.loads(params_text) if params_text else {}
            except json.JSONDecodeError as e:
                raise InvalidInput(f"parameters are not valid JSON: {e.msg} (line {e.lineno}, column {e.colno}) "
                                   f"/ 参数不是有效的 JSON") from e
            res = console.run_read(get_graph(), text, params, timeout=_timeout(form))
        except ChengxinError as e:
            if form.get("format") == "csv":
                raise
            data["error"] = {"detail": e.detail, "status": e.status, "position": e.position}
            status = e.status
        else:
            if form.get("format") == "csv":
                return _download(res, "console")
            data["result"], graph_data = _result_payload(res)
    if not wants_json():
        data["schema"] = schema(get_graph())
    return respond("queries/console.html", data, status=status, graph=graph_data)


@bp.get("/api/schema")
def schema_json():
    return _gate() or jsonify(schema(get_graph()))
