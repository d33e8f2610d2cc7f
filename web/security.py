"""What keeps another web page from driving chengxin through the user's browser.

- **Host allowlist** (``CHENGXIN_ALLOWED_HOSTS``, loopback names by default): every request naming
  another host gets 400 before anything runs; a page on a rebound DNS name (``attacker.example``
  pointed at 127.0.0.1) cannot reach the app. The port is ignored.
- **Cross-site requests** (:func:`cross_site`): ``Sec-Fetch-Site`` ``cross-site`` or ``same-site``
  (another port of the same host is the same site), an ``Origin`` or, when a browser sends neither
  header, a ``Referer`` that is not this origin. Every POST (and other unsafe method) that is
  cross-site is refused with 403. Views that run a query on GET call :func:`may_run`: a link
  followed from another site shows its form filled in, not run; anything else cross-site
  (an ``<img>``, a frame, a script, any ``/api/`` request) is refused. Requests with neither
  ``Origin`` nor ``Sec-Fetch-Site`` are not from a browser page (curl, scripts) and run.
- **CSRF token** (Flask-WTF) on every unsafe request, except an ``/api/`` request without
  ``Origin`` and ``Sec-Fetch-Site`` (a script: browsers send Origin with every POST).
- **Headers** (flask-talisman) on every response: a Content-Security-Policy with scripts and
  styles from chengxin only, ``frame-ancestors 'self'`` and ``X-Frame-Options: SAMEORIGIN``,
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy``. No HSTS and no redirect to https:
  chengxin serves plain http on loopback; put a TLS proxy in front of it beyond.
- **Secret key** for the session (the CSRF token) from ``HOME/secret-key`` (generated, mode 0600).
- **One access decorator** (:func:`requires`) for what a view needs beyond that: ``"console"``
  (the console is on here and the caller holds its token where one is needed: 403 or 401),
  ``"same_site"`` (not from another site: 403) and ``"run"`` (a view that runs a query on GET:
  a link followed from another site shows the form filled in, :func:`may_run` is False; any other
  cross-site request is 403). Refusals are raised as chengxin errors and rendered by the one handler.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import math
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

from chengxin.graph.errors import ConsoleOff, CrossSiteRefused, InvalidInput, TokenRequired
from chengxin.graph.messages import N_, msg
from chengxin.graph.settings import Settings, secret_file

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",  # vis-network's stylesheet draws its buttons from data: images
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-src": "'self'",  # the neighbourhood graphs are same-origin frames
    "frame-ancestors": "'self'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "object-src": "'none'",
}

csrf = CSRFProtect()


def init_app(app: Flask, settings: Settings) -> None:
    app.config["SECRET_KEY"] = secret_key(settings)
    app.config.update(
        SESSION_COOKIE_NAME="chengxin_session",  # cookies are shared by every port of a host
        WTF_CSRF_CHECK_DEFAULT=False,  # checked in _protect below, with the script exemption
        WTF_CSRF_TIME_LIMIT=8 * 3600,  # a working day: a review page left open still submits
    )
    csrf.init_app(app)
    Talisman(app, force_https=False, strict_transport_security=False, session_cookie_secure=False,
             session_cookie_samesite="Lax", content_security_policy=CSP, frame_options="SAMEORIGIN",
             referrer_policy="same-origin", x_content_type_options=True)

    # Registered before every other hook (create_app calls this first): a refused request runs nothing.
    app.before_request_funcs.setdefault(None, []).insert(0, _check_request)

    @app.after_request
    def _retry_after(resp):
        # 429 (this client is at its limit), 503 (the server is busy or the database is down):
        # one query holds its slot at most the query time limit.
        if resp.status_code in (429, 503) and "Retry-After" not in resp.headers:
            resp.headers["Retry-After"] = str(max(1, math.ceil(settings.query_timeout)))
        return resp


def secret_key(settings: Settings) -> str:
    """The session key: ``CHENGXIN_SECRET_KEY`` when the settings have it, else ``HOME/secret-key``
    (created once, mode 0600). Never logged."""
    given = getattr(settings, "secret_key", None)
    if given is not None:
        return given.get_secret_value() if hasattr(given, "get_secret_value") else str(given)
    return secret_file(Path(settings.home_path) / "secret-key")


# --- host ----------------------------------------------------------------------------------------


def host_name(host: str) -> str:
    """The Host header without its port, lower case, no trailing dot: ``[::1]:5000`` -> ``[::1]``."""
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        return host[: end + 1] if end > 0 else host
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def host_allowed(host: str, allowed: list[str]) -> bool:
    """``allowed`` entries: exact names, ``.example.org`` for it and every subdomain, ``*`` for any."""
    name = host_name(host)
    if not name:
        return False
    for entry in allowed:
        entry = entry.strip().lower()
        if entry == "*" or entry == name:
            return True
        if entry.startswith(".") and (name == entry[1:] or name.endswith(entry)):
            return True
    return False


# --- cross-site ----------------------------------------------------------------------------------


def _same_origin(url: str) -> bool:
    try:
        netloc = urlsplit(url).netloc
    except ValueError:
        return False
    return bool(netloc) and netloc.lower() == request.host.lower()


def cross_site() -> bool:
    """True when a browser made this request for a page of another origin (see the module doc)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site in ("cross-site", "same-site"):
        return True
    origin = request.headers.get("Origin")
    if origin is not None and not _same_origin(origin):  # "null" too: sandboxed frames, file://
        return True
    if site is None and origin is None:
        referer = request.headers.get("Referer")
        if referer and not _same_origin(referer):
            return True
    return False


def from_script() -> bool:
    """No Origin and no Sec-Fetch-Site: curl, a script, the CLI; not a page in a browser."""
    return "Origin" not in request.headers and "Sec-Fetch-Site" not in request.headers


def _top_level_navigation() -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    mode = request.headers.get("Sec-Fetch-Mode")
    if mode is None:  # a browser without fetch metadata: a GET with a foreign Referer
        return "Origin" not in request.headers
    return mode == "navigate" and request.headers.get("Sec-Fetch-Dest") == "document"


def refused(what: str = "") -> CrossSiteRefused:
    # Both languages on purpose: the refusal is the one text a cross-site victim sees, whatever the
    # language cookie, and the tests hold it to both.
    extra = f" ({what})" if what else ""
    return CrossSiteRefused(f"拒绝来自其他网站的请求{extra} / request from another site refused{extra}: "
                            f"open chengxin yourself and use its own forms")


def _check_run() -> None:
    """``requires("run")``: a link followed from another site may show the page, not run it
    (:func:`may_run` is then False); any other cross-site request is refused (403)."""
    g.chengxin_may_run = True
    if not cross_site():
        return
    if request.path.startswith("/api/") or not _top_level_navigation():
        raise refused()
    g.chengxin_may_run = False


def may_run() -> bool:
    """For a view under ``@requires("run")``: True when it may run its query. A view without the
    decorator fails here (AttributeError) rather than run a query for another site."""
    return g.chengxin_may_run


def _check_request():
    """Before anything else: the Host allowlist, then cross-site and CSRF checks on unsafe methods."""
    settings = current_app.extensions["chengxin"]["settings"]
    if not host_allowed(request.host, settings.allowed_hosts):
        raise InvalidInput(msg(N_("host name not allowed (CHENGXIN_ALLOWED_HOSTS)")))
    if request.method in UNSAFE_METHODS:
        if cross_site():
            raise refused(request.method)
        if not (request.path.startswith("/api/") and from_script()):
            csrf.protect()
    return None


# --- the console token's cookie ------------------------------------------------------------------


def token_cookie_value(token: str) -> str:
    """What the console's cookie holds: a keyed hash of the token, never the token itself."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"console-token:" + token.encode(), hashlib.sha256).hexdigest()


# --- console access ------------------------------------------------------------------------------

TOKEN_COOKIE = "chengxin_console"


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


def expected_token() -> str:
    return current_app.extensions["chengxin"]["settings"].console_token.get_secret_value()


def token_matches(given: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), expected_token().encode())


def _has_token() -> bool:
    """The token as ``Authorization: Bearer …``, or the cookie the token form set (a keyed hash
    of the token). Never from the URL: a link would carry it into history, logs and Referer."""
    bearer = request.headers.get("Authorization", "")
    if bearer.startswith("Bearer "):
        return token_matches(bearer.removeprefix("Bearer ").strip())
    cookie = request.cookies.get(TOKEN_COOKIE, "")
    return bool(cookie) and hmac.compare_digest(cookie.encode(), token_cookie_value(expected_token()).encode())


def _check_console() -> None:
    access = console_access()
    if access == "off":
        raise ConsoleOff(msg(N_("console is off on this server")))
    if access == "token" and not _has_token():
        raise TokenRequired(msg(N_("access token required")))


def console_allowed() -> bool:
    """Whether this request has the console's access (for a page that only shows or hides a form)."""
    try:
        _check_console()
    except (ConsoleOff, TokenRequired):
        return False
    return True


def _check_same_site() -> None:
    if cross_site():
        raise refused()


CHECKS = {"console": _check_console, "same_site": _check_same_site, "run": _check_run}


def requires(*needs: str):
    """The one access decorator: ``@requires("console")``, ``@requires("console", "same_site")``,
    ``@requires("run")`` (see the module doc). The checks run in the order given, before the view."""
    unknown = set(needs) - set(CHECKS)
    if unknown:
        raise ValueError(f"unknown access requirement(s): {sorted(unknown)}")

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            for need in needs:
                CHECKS[need]()
            return view(*args, **kwargs)

        guarded.chengxin_requires = needs
        return guarded

    return decorate
