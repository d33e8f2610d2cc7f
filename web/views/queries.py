"""The analysts' pages: the query library (``/queries``, ``/queries/<name>``) and the Cypher
console (``/console``), each with a JSON twin under /api/ and a CSV download (``?format=csv``).

Both run through graph.console (read-only guards, time limit, concurrency limits, row cap). The
query and its parameters live in the URL, so a result can be shared by its link; a link followed
from another site only fills the form in (web.security.may_run): the person presses Run.
The console token is taken from ``Authorization: Bearer`` or from the HttpOnly cookie the token
form sets, never from the URL.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import time

from flask import Blueprint, Response, abort, current_app, jsonify, make_response, redirect, request, url_for

from chengxin.cypher import get_query, library
from chengxin.graph import console, queries
from chengxin.graph.errors import ChengxinError, InvalidInput
from chengxin.graph.model import get_model
from chengxin.graph.results import elements, public, to_csv

from .. import i18n, security
from ..core import get_graph, respond, wants_json
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
    data = {"query": _meta(q), "params": values, "result": None, "error": None, "not_run": False}
    graph_data, status = None, 200
    if run and not security.may_run():
        run, data["not_run"] = False, True
    if run:
        try:
            res = console.run_named(get_graph(), name, values, timeout=_timeout(request.args),
                                    client=request.remote_addr)
        except ChengxinError as e:
            if wants_json() or request.args.get("format") == "csv":
                raise
            data["error"] = {"detail": e.detail, "status": e.status}
            status = e.status
        else:
            if request.args.get("format") == "csv":
                return _download(res, name)
            data["result"], graph_data = _result_payload(res)
    return respond("queries/show.html", data, status=status, graph=graph_data)


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
        return _token_needed()
    return None


def _token_needed(wrong: bool = False):
    form = request.form if request.method == "POST" else request.args
    data = {"error": "access token required / 需要访问令牌", "status": 401, "wrong": wrong,
            "q": form.get("q", ""), "params": form.get("params", "")}
    if wants_json():
        data = {"error": data["error"], "status": 401}
    resp, status = respond("queries/console_token.html", data, status=401)
    resp = make_response(resp, status)
    resp.headers["WWW-Authenticate"] = 'Bearer realm="chengxin console"'
    return resp


def _expected_token() -> str:
    return current_app.extensions["chengxin"]["settings"].console_token.get_secret_value()


def _check_token() -> bool:
    """The token as ``Authorization: Bearer …``, or the cookie the token form set (a keyed hash
    of the token). Never from the URL: a link would carry it into history, logs and Referer."""
    expected = _expected_token()
    bearer = request.headers.get("Authorization", "")
    if bearer.startswith("Bearer "):
        given = bearer.removeprefix("Bearer ").strip()
        return bool(given) and hmac.compare_digest(given.encode(), expected.encode())
    cookie = request.cookies.get(TOKEN_COOKIE, "")
    return bool(cookie) and hmac.compare_digest(cookie.encode(), security.token_cookie_value(expected).encode())


@bp.post("/console/token")
def console_token():
    """The token form (POST, CSRF-checked, same-origin): sets the HttpOnly SameSite=Strict cookie,
    then back to the console with the query the person came with."""
    if console_access() != "token":
        return redirect(url_for("queries.console_page"), code=303)
    given = request.form.get("token", "")
    if not (given and hmac.compare_digest(given.encode(), _expected_token().encode())):
        return _token_needed(wrong=True)
    args = {k: request.form[k] for k in ("q", "params") if request.form.get(k)}
    resp = redirect(url_for("queries.console_page", **args), code=303)
    resp.set_cookie(TOKEN_COOKIE, security.token_cookie_value(given), httponly=True, samesite="Strict",
                    secure=request.is_secure, max_age=30 * 86400)
    return resp


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
    form = request.form if request.method == "POST" else request.args
    text = form.get("q", "")
    params_text = form.get("params", "").strip()
    run = bool(text.strip()) and security.may_run()  # before the database is touched: a refusal runs nothing
    data = {"q": text, "params": params_text, "result": None, "error": None, "timeout": form.get("timeout", ""),
            "not_run": bool(text.strip()) and not run,
            "limits": {"timeout": get_graph().settings.query_timeout, "row_cap": get_graph().settings.query_row_cap}}
    graph_data, status = None, 200
    if run:
        try:
            try:
                params = json.loads(params_text) if params_text else {}
            except json.JSONDecodeError as e:
                raise InvalidInput(f"parameters are not valid JSON: {e.msg} (line {e.lineno}, column {e.colno}) "
                                   f"/ 参数不是有效的 JSON") from e
            res = console.run_read(get_graph(), text, params, timeout=_timeout(form), client=request.remote_addr)
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
