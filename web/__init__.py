"""The chengxin web app: ``create_app(settings=None)`` (Flask's app-factory pattern).

What the app owns is kept on ``app.extensions["chengxin"]`` and closed at shutdown: the graph (one
neo4j driver, reached by views through :func:`get_graph`), the settings, the console (its own
read-only driver, workers and admission slots), the red-flag detector runs and the schema panel's
cache. Every page has a JSON twin at the same path under ``/api/``; every error, a
:class:`ChengxinError` or an HTTP one, is rendered by one handler: ``error.html``, or JSON for API
paths and JSON requests.
"""

from __future__ import annotations

import atexit
import datetime as dt

from cachetools import TTLCache
from flask import Flask, g, request
from flask.json.provider import DefaultJSONProvider
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from chengxin.graph.console import Console
from chengxin.graph.db import Graph
from chengxin.graph.errors import ChengxinError, ConsoleOff, NotFound, TokenRequired
from chengxin.graph.flags import FlagRuns
from chengxin.graph.messages import N_, msg
from chengxin.graph.model import get_model
from chengxin.graph.regions import label as region_label
from chengxin.graph.settings import Settings, get_settings

from . import accesslog, i18n, security
from .core import entity_url, error_response, get_graph, respond, wants_json
from .views import charts, entity, graphview, home, investigate, queries, sources


class JSONProvider(DefaultJSONProvider):
    ensure_ascii = False
    sort_keys = False

    @staticmethod
    def default(o):
        if isinstance(o, (dt.date, dt.datetime)):
            return o.isoformat()
        return DefaultJSONProvider.default(o)


def create_app(settings: Settings | None = None, graph: Graph | None = None) -> Flask:
    app = Flask(__name__)
    app.json_provider_class = JSONProvider
    app.json = JSONProvider(app)
    settings = settings or get_settings()
    app.extensions["chengxin"] = {
        "graph": graph, "settings": settings,
        "console": Console(settings),
        "flag_runs": FlagRuns(settings),
        "schema_cache": TTLCache(maxsize=1, ttl=60),  # the console's schema panel: counts kept a minute
        "chart_cache": TTLCache(maxsize=256, ttl=600),  # the penalty charts: counts kept ten minutes
        # authorities' profiles (every penalty they decided, up to 20,000: some MB each), by day and data
        # version: web/views/entity.py; few, so memory stays bounded whatever names are asked for
        "profile_cache": TTLCache(maxsize=16, ttl=600),
        "owns_graph": graph is None,  # a graph handed in is its caller's to close
    }
    atexit.register(close_app, app)

    security.init_app(app, settings)  # first: a refused request runs nothing else
    i18n.init_app(app)
    accesslog.install_filters()
    app.wsgi_app = accesslog.AccessLog(app.wsgi_app)

    app.register_blueprint(home.bp)
    app.register_blueprint(graphview.bp)
    app.register_blueprint(queries.bp)
    app.register_blueprint(investigate.bp)
    app.register_blueprint(sources.bp)
    app.register_blueprint(charts.bp)
    for bp in entity.blueprints():
        app.register_blueprint(bp)

    app.jinja_env.globals.update(model=get_model(), settings=settings, entity_url=entity_url, region_label=region_label)

    @app.errorhandler(ChengxinError)
    def _chengxin_error(e: ChengxinError):
        return render_error(e.status, e.message, e)

    @app.errorhandler(HTTPException)
    def _http_error(e: HTTPException):
        return render_error(e.code or 500, _http_detail(e), e)

    return app


#: Pages of their own for two refusals (the console's), instead of error.html.
PAGES = {ConsoleOff: "queries/console_off.html", TokenRequired: "queries/console_token.html"}


def _http_detail(e: HTTPException):
    if isinstance(e, CSRFError):
        return msg(N_("the form's CSRF token is missing or invalid: reload the page and try again ({reason})"),
                   reason=e.description)
    if e.code == 404:
        return msg(N_("no such page: {path}"), path=request.path)
    if e.code == 405:
        return msg(N_("method {method} not allowed here"), method=request.method)
    if e.code == 500 or e.code is None:
        return msg(N_("internal error"))
    return e.description or e.name


def render_error(status: int, detail, e: Exception | None = None):
    """The one error handler's response: a :class:`ChengxinError` or an HTTP error (its own
    headers kept: ``Allow`` of a 405) as error.html or JSON; the console's refusals on their pages."""
    headers = {}
    if isinstance(e, HTTPException):
        headers = {k: v for k, v in e.get_headers() if k.lower() != "content-type"}
    data = None
    if isinstance(e, TokenRequired):
        headers["WWW-Authenticate"] = 'Bearer realm="chengxin console"'
        form = request.form if request.method == "POST" else request.args
        data = {"wrong": e.wrong, "q": form.get("cypher") or form.get("q", ""), "params": form.get("params", "")}
    template = PAGES.get(type(e), "error.html")
    return error_response(status, detail, template=template, data=data, headers=headers)


def close_app(app: Flask) -> None:
    """What the app made, closed: the console's driver and workers, and the graph if it made it."""
    ext = app.extensions["chengxin"]
    ext["console"].close()
    graph = ext.get("graph")
    if graph is not None and ext.get("owns_graph"):
        ext["graph"] = None
        graph.close()


__all__ = ["create_app", "close_app", "get_graph", "respond", "wants_json", "error_response", "NotFound", "g"]
