"""Serving the app: waitress (a production WSGI server, threads in one process, so one driver pool)
for ``chengxin serve`` and ``demo``; Werkzeug's development server with its reloader for
``chengxin serve --dev``. Either way the access log is chengxin's own (:mod:`web.accesslog`)."""

from __future__ import annotations

import logging

import click
from flask import Flask
from werkzeug.serving import WSGIRequestHandler

from chengxin.graph.messages import N_, msg

from . import accesslog, security


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug without its own request lines: chengxin's access log writes them, cleaned."""

    def log_request(self, code="-", size="-") -> None:
        return None


def url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}/"


def run(app: Flask, host: str, port: int, *, threads: int, dev: bool = False, say=str, banner=None) -> None:
    """Serve until stopped; ``say`` renders the start-up notes in the command line's language;
    ``banner`` (the demo's "ready" line with the URL) is said last before serving."""
    accesslog.configure(logging.INFO)
    allowed = app.extensions["chengxin"]["settings"].allowed_hosts
    how = say(msg(N_("Werkzeug development server, reloading"))) if dev else f"waitress, {threads} threads"
    click.echo(f"chengxin: {url(host, port)}  ({how})")
    if "*" not in allowed and not security.host_allowed(host, allowed) and host not in ("0.0.0.0", "::"):
        click.echo(say(msg(N_("note: {host} is not in CHENGXIN_ALLOWED_HOSTS {allowed}: requests naming it get 400"),
                           host=host, allowed=allowed)))
    elif host in ("0.0.0.0", "::") and "*" not in allowed:
        click.echo(say(msg(N_("note: only Host names {allowed} are answered; add the server's name to "
                              "CHENGXIN_ALLOWED_HOSTS"), allowed=allowed)))
    if banner is not None:
        banner()
    if dev:
        app.run(host=host, port=port, threaded=True, use_reloader=True, debug=False, request_handler=_QuietHandler)
        return
    from waitress import serve

    serve(app, host=host, port=port, threads=threads, ident="waitress", clear_untrusted_proxy_headers=True)
