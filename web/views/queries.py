"""The analysts' pages: the query library (``/queries``, ``/queries/<name>``) and the Cypher
console (``/console``), each with a JSON twin under /api/ and a CSV download (``?format=csv``).

Both run through graph.console (read-only guards, time limit, concurrency limits, row cap). The
query and its parameters live in the URL, so a result can be shared by its link; a link followed
from another site only fills the form in (web.security.may_run): the person presses Run.
The console token is taken from ``Authorization: Bearer`` or from the HttpOnly cookie the token
form sets, never from the URL.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, jsonify, redirect, request, url_for
from flask_babel import gettext

from chengxin.cypher import get_query, library
from chengxin.graph import console, queries
from chengxin.graph.errors import ChengxinError, InvalidInput, NotFound, TokenRequired
from chengxin.graph.messages import N_, msg
from chengxin.graph.model import get_model
from chengxin.graph.results import elements, public, to_csv

from .. import i18n, security
from ..core import app_settings, get_console, get_graph, respond, wants_json
from ..security import requires
from ..graphview import build_result

bp = Blueprint("queries", __name__)
#: The console's query parameter: its own name, so the header's search box (``q``) stays empty.
CYPHER = "cypher"


#: The ready-made queries' column names as people read them (English msgids; graph/…cypher `returns`).
COLUMNS = {
    "at": N_("At"), "at_key": N_("At (key)"), "authority": N_("Authority"), "awards": N_("Awards"),
    "bidders": N_("Bidders"), "bids": N_("Bids"), "category": N_("Category"), "cert_no": N_("Certificate no."),
    "contract_amount": N_("Contract amount"), "date": N_("Date"), "decision_date": N_("Decided"),
    "detail": N_("Detail"), "end": N_("End"), "enterprise": N_("Enterprise"), "event": N_("Event"),
    "examples": N_("Examples"), "expires": N_("Expires"), "fines": N_("Fines"), "firm": N_("Firm"),
    "firms": N_("Firms"), "first": N_("First"), "holder": N_("Holder"), "holder_name": N_("Holder's name"),
    "holdings": N_("Holdings"), "key": N_("Key"), "kind": N_("Kind"), "label": N_("Label"), "last": N_("Last"),
    "legal_reps": N_("Legal representatives"), "measure": N_("Measure"), "measures": N_("Measures"),
    "name": N_("Name"), "owned": N_("Owned projects"), "participant": N_("Participant"),
    "penalties": N_("Penalties"), "penalty": N_("Penalty"), "project": N_("Project"),
    "project_code": N_("Project code"), "projects": N_("Projects"), "qualification": N_("Qualification"),
    "qualifications": N_("Qualifications"), "region_code": N_("Region code"),
    "registered": N_("Registered people"), "relation": N_("Relation"), "restrictive": N_("Restrictive"),
    "role": N_("Role"), "roles": N_("Roles"), "shared_projects": N_("Shared projects"),
    "shareholders": N_("Shareholders"), "sharing": N_("Shared"), "start": N_("Start"),
    "start_date": N_("Start date"), "status": N_("Status"), "subcontracted_by": N_("Subcontracted by"),
    "subcontractors": N_("Subcontractors"), "subject": N_("Subject"), "subject_name": N_("Subject's name"),
    "subjects": N_("Subjects"), "tender": N_("Tender"), "tender_no": N_("Tender no."),
    "total_investment": N_("Total investment"), "until": N_("Until"), "uscc": N_("USCC"),
    "valid_until": N_("In force until"), "value": N_("Value"), "what": N_("What"),
}


def _meta(q) -> dict:
    return {
        "name": q.name, "purpose": msg(q.purpose), "group": msg(q.library) if q.library else "",
        "params": [{"name": p.name, "type": p.type, "example": p.example, "optional": p.optional,
                    "description": msg(p.description) if p.description else ""} for p in q.params.values()],
        "returns": list(q.returns), "text": q.text,
        "titles": {c: gettext(COLUMNS[c]) for c in q.returns if c in COLUMNS},
    }


def _timeout(form) -> float | None:
    """The requested time limit (seconds), if any; graph.console never lets it exceed the setting."""
    raw = (form.get("timeout") or "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError as e:
        raise InvalidInput(msg(N_("timeout must be a number of seconds, not {raw!r}"), raw=raw)) from e


def _result_payload(res: console.Result) -> tuple[dict, dict | None]:
    """The result for JSON and the table (storage ids dropped), and the graph to draw, if any."""
    nodes, rels = elements(res.rows)
    data = res.as_dict()
    data["rows"] = public(res.rows)
    return data, build_result(nodes, rels)


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
    return respond("queries/index.html", {"groups": [{"group": msg(g), "queries": qs} for g, qs in groups.items()]})


@bp.get("/queries/<name>")
@bp.get("/api/queries/<name>", endpoint="show_json")
@requires("run")
def show(name: str):
    q = get_query(name)
    if not q.library or q.mode != "read":
        raise NotFound(msg(N_("no library query called {name!r}"), name=name))
    given = {k: v for k, v in request.args.items() if k in q.params}
    run = bool(given) or request.args.get("run") == "1" or wants_json()
    values = {p.name: given.get(p.name, p.example or "") for p in q.params.values()}
    data = {"query": _meta(q), "params": values, "result": None, "error": None, "not_run": False}
    graph_data, status = None, 200
    if run and not security.may_run():
        run, data["not_run"] = False, True
    if run:
        try:
            res = get_console().run_named(get_graph(), name, values, timeout=_timeout(request.args),
                                          client=request.remote_addr)
        except ChengxinError as e:
            if wants_json() or request.args.get("format") == "csv":
                raise
            data["error"] = {"detail": i18n.say(e.message), "status": e.status}
            status = e.status
        else:
            if request.args.get("format") == "csv":
                return _download(res, name)
            data["result"], graph_data = _result_payload(res)
    return respond("queries/show.html", data, status=status, graph=graph_data)


# --- console -----------------------------------------------------------------------------------


@bp.post("/console/token")
def console_token():
    """The token form (POST, CSRF-checked, same-origin): sets the HttpOnly SameSite=Strict cookie,
    then back to the console with the query the person came with."""
    if security.console_access() != "token":
        return redirect(url_for("queries.console_page"), code=303)
    given = request.form.get("token", "")
    if not security.token_matches(given):
        raise TokenRequired(msg(N_("access token required")), wrong=True)
    args = {k: v for k, v in ((CYPHER, request.form.get(CYPHER) or request.form.get("q")),
                              ("params", request.form.get("params"))) if v}
    resp = redirect(url_for("queries.console_page", **args), code=303)
    resp.set_cookie(security.TOKEN_COOKIE, security.token_cookie_value(given), httponly=True, samesite="Strict",
                    secure=request.is_secure, max_age=30 * 86400)
    return resp


#: Nodes of each label whose property keys the schema panel counts.
SCHEMA_SAMPLE = 2000


def schema(graph) -> dict:
    """Labels, relationship types and property keys with counts (kept a minute in the app's
    ``schema_cache``, a cachetools TTLCache). The label and type counts are the database's own (no
    scan); property keys are counted over the first ``SCHEMA_SAMPLE`` nodes of each label, so the
    panel answers at any size."""
    cache = current_app.extensions["chengxin"]["schema_cache"]
    hit = cache.get("schema")
    if hit is not None:
        return hit
    stats = queries.stats(graph)
    props = {}
    for label in stats["labels"]:
        if label in get_model().labels:
            props[label] = graph.query("schema_properties", labels={"kind": label}, sample=SCHEMA_SAMPLE)
    data = {"labels": stats["labels"], "relationships": stats["relationships"], "properties": props,
            "property_sample": SCHEMA_SAMPLE}
    cache["schema"] = data
    return data


@bp.route("/console", methods=["GET", "POST"])
@bp.route("/api/console", methods=["GET", "POST"], endpoint="console_json")
@requires("console", "run")
def console_page():
    form = request.form if request.method == "POST" else request.args
    text = form.get(CYPHER) or form.get("q", "")  # ?q= in links shared before the console had its own name
    params_text = form.get("params", "").strip()
    run = bool(text.strip()) and security.may_run()  # before the database is touched: a refusal runs nothing
    data = {"q": text, "params": params_text, "result": None, "error": None, "timeout": form.get("timeout", ""),
            "not_run": bool(text.strip()) and not run,
            "limits": {"timeout": app_settings().query_timeout, "row_cap": app_settings().query_row_cap}}
    graph_data, status = None, 200
    if run:
        try:
            try:
                params = json.loads(params_text) if params_text else {}
            except json.JSONDecodeError as e:
                raise InvalidInput(msg(N_("parameters are not valid JSON: {error} (line {line}, column {column})"),
                                       error=e.msg, line=e.lineno, column=e.colno)) from e
            res = get_console().run_read(get_graph(), text, params, timeout=_timeout(form), client=request.remote_addr)
        except ChengxinError as e:
            if form.get("format") == "csv":
                raise
            data["error"] = {"detail": i18n.say(e.message), "status": e.status, "position": e.position}
            status = e.status
        else:
            if form.get("format") == "csv":
                return _download(res, "console")
            data["result"], graph_data = _result_payload(res)
    if not wants_json():
        data["schema"] = schema(get_graph())
    return respond("queries/console.html", data, status=status, graph=graph_data)


@bp.get("/api/schema")
@requires("console")
def schema_json():
    return jsonify(schema(get_graph()))
