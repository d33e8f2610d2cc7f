"""What every view uses: the app's graph, settings, console and red-flag runs, the page-or-JSON
response, the error response.

Views import from here, not from the package, so the app factory (``chengxin.web``) can import
the views at the top of its module without a cycle.
"""

from __future__ import annotations

import threading

from flask import current_app, jsonify, make_response, render_template, request, url_for

from chengxin.graph.console import Console
from chengxin.graph.db import Graph, connect
from chengxin.graph.flags import FlagRuns
from chengxin.graph.messages import N_, Message, msg
from chengxin.graph.model import get_model
from chengxin.graph.settings import Settings

from . import i18n


def get_graph() -> Graph:
    """The app's graph as pages use it (:meth:`Graph.pages`): while the database is down a page
    answers 503 at once, and the first request after it is back is served."""
    ext = current_app.extensions["chengxin"]
    if ext["graph"] is None:
        with ext.setdefault("connect_lock", threading.Lock()):
            if ext["graph"] is None:
                ext["graph"] = connect(ext["settings"])
    return ext["graph"].pages()


def app_settings() -> Settings:
    return current_app.extensions["chengxin"]["settings"]


def get_console() -> Console:
    """The app's console: its read-only driver, worker threads and admission slots."""
    return current_app.extensions["chengxin"]["console"]


def get_flag_runs() -> FlagRuns:
    """The app's red-flag detector runs (kept ``flag_cache_seconds``, refreshed in the background)."""
    return current_app.extensions["chengxin"]["flag_runs"]


def entity_url(label: str, key) -> str | None:
    """The one way to an entity's page, ``/<route>/<key>`` (endpoint ``<route>.profile``), for every
    template, graph and link; None for a label outside the model or a node without a key."""
    spec = get_model().labels.get(label)
    if spec is None or key is None:
        return None
    return url_for(f"{spec.route}.profile", key=str(key))


def wants_json() -> bool:
    """The JSON twin of a page: every path under /api/."""
    return request.path.startswith("/api/")


def wants_json_error() -> bool:
    """An error answered as JSON: an /api/ path, a JSON request body, or a client that asks for
    JSON rather than HTML."""
    if wants_json() or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def respond(template: str, data: dict, status: int = 200, **extra):
    """The page, or its JSON twin under /api/: messages as msgid, parameters and text, and the
    language the text is in (``lang``)."""
    if wants_json():
        body = i18n.to_json(data)
        if isinstance(body, dict):
            body["lang"] = i18n.current()
        return jsonify(body), status
    return render_template(template, data=data, **extra), status


#: The heading of an error page and the ``title`` of an error in JSON, by status (English msgids).
TITLES = {
    400: N_("Bad request"),
    401: N_("Access token required"),
    403: N_("Forbidden"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    429: N_("Too many requests"),
    500: N_("Internal error"),
    503: N_("Service unavailable"),
    504: N_("Query timed out"),
}


def error_title(status: int) -> Message:
    return msg(TITLES.get(status) or TITLES[500 if status >= 500 else 400])


def error_response(status: int, detail, *, template: str = "error.html", data: dict | None = None,
                   headers: dict | None = None):
    """The one error response: JSON (``error``, ``detail``, ``status``, ``title``, ``lang``) for API and
    JSON requests, else ``template`` (error.html: the status, its title and the detail), in the
    request's language (``detail`` may be a service's message)."""
    detail, title = i18n.say(detail), error_title(status)
    if wants_json_error():
        resp = jsonify({"error": detail, "detail": detail, "status": status, "title": i18n.jsonable(title),
                        "lang": i18n.current()})
    else:
        resp = make_response(render_template(template, status=status, title=i18n.say(title), detail=detail,
                                             data=data or {}))
    resp.status_code = status
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp
