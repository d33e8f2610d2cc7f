"""The chengxin web app: ``create_app(settings=None)`` (Flask's app-factory pattern).

One neo4j driver per app, kept on ``app.extensions["chengxin"]`` and reached by views through
:func:`get_graph`. Every page has a JSON twin at the same path under ``/api/``; errors render
once, as HTML or as JSON for API paths.
"""

from __future__ import annotations

import atexit
import datetime as dt

from flask import Flask, g, make_response, request
from flask.json.provider import DefaultJSONProvider
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from chengxin.graph.db import Graph
from chengxin.graph.errors import ChengxinError, NotFound
from chengxin.graph.model import get_model
from chengxin.graph.settings import Settings, get_settings

from . import accesslog, i18n, security
from .core import entity_url, error_response, get_graph, respond, wants_json
from .views import entity, graphview, home, investigate, queries, sources


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
    app.extensions["chengxin"] = {"graph": graph, "settings": settings}
    if graph is None:
        atexit.register(_close, app)

    security.init_app(app, settings)  # first: a refused request runs nothing else
    i18n.init_app(app)
    accesslog.install_filters()
    app.wsgi_app = accesslog.AccessLog(app.wsgi_app)

    app.register_blueprint(home.bp)
    app.register_blueprint(graphview.bp)
    app.register_blueprint(queries.bp)
    app.register_blueprint(investigate.bp)
    app.register_blueprint(sources.bp)
    for bp in entity.blueprints():
        app.register_blueprint(bp)

    app.jinja_env.globals.update(model=get_model(), settings=settings, entity_url=entity_url)

    @app.errorhandler(ChengxinError)
    def _chengxin_error(e: ChengxinError):
        return error_response(e.status, e.detail)

    @app.errorhandler(CSRFError)
    def _csrf_error(e: CSRFError):
        return error_response(400, f"表单令牌缺失或已失效，请刷新页面后重试 / the form's CSRF token is missing or "
                                   f"invalid: reload the page and try again ({e.description})")

    @app.errorhandler(404)
    def _not_found(e):
        return error_response(404, f"没有这个页面 / no such page: {request.path}")

    @app.errorhandler(405)
    def _not_allowed(e):
        resp, status = error_response(405, f"不支持此请求方法 / method {request.method} not allowed here")
        return _with_headers(resp, e), status

    @app.errorhandler(HTTPException)
    def _http_error(e: HTTPException):
        resp, status = error_response(e.code or 500, e.description or e.name)
        return _with_headers(resp, e), status

    @app.errorhandler(500)
    def _server_error(e):
        return error_response(500, "服务器内部错误 / internal error")

    return app


def _with_headers(resp, e: HTTPException):
    """An error response keeps the exception's own headers (``Allow`` of a 405, ``WWW-Authenticate``)."""
    resp = make_response(resp)
    for key, value in e.get_headers():
        if key.lower() != "content-type":
            resp.headers[key] = value
    return resp


def _close(app: Flask) -> None:
    graph = app.extensions["chengxin"].get("graph")
    if graph is not None:
        graph.close()


__all__ = ["create_app", "get_graph", "respond", "wants_json", "error_response", "NotFound", "g"]
