"""The access log: one line per request on the ``chengxin.access`` logger, whatever server runs the app.

Every line passes :func:`graph.privacy.mask_text` (an ID number in ``/search?q=`` or a path is
masked), after :func:`clean_target`: the query string is decoded first (so ``%33%36…`` cannot
slip past the mask), a ``token`` value is replaced by ``[redacted]``, the console's ``q`` and
``params`` are left out, and control characters are escaped (no forged lines). Headers are never
logged, so the console token (a header or a cookie) never is. :class:`MaskFilter` does the same
to the lines Werkzeug and waitress write themselves.
"""

from __future__ import annotations

import logging
import re
import time
from urllib.parse import parse_qsl, unquote

from chengxin.graph.privacy import mask_text

log = logging.getLogger("chengxin.access")

CONSOLE_PATHS = ("/console", "/api/console")
SECRET_PARAMS = ("token", "csrf_token")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SECRET_IN_TEXT = re.compile(r"((?:^|[?&\s])(?:token|csrf_token)=)[^&\s]*", re.IGNORECASE)
_CONSOLE_IN_TEXT = re.compile(r"(/(?:api/)?console\?)\S*")  # a request target holds no whitespace


def _printable(text: str, keep: str = "") -> str:
    return _CONTROL.sub(lambda m: m.group() if m.group() in keep else f"\\x{ord(m.group()):02x}", text)


def clean_target(path: str, query: str) -> str:
    """The request target as logged: decoded, secrets and console queries left out, masked."""
    parts = []
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key.lower() in SECRET_PARAMS:
            value = "[redacted]"
        elif path.rstrip("/") in CONSOLE_PATHS and key in ("cypher", "q", "params"):
            value = f"[{len(value)} chars]"
        parts.append(f"{key}={value}")
    target = path + ("?" + "&".join(parts) if parts else "")
    return mask_text(_printable(target))


def clean_line(text: str, keep: str = "") -> str:
    """Any log line (Werkzeug's, waitress's): console queries cut, tokens redacted, ID numbers masked,
    control characters escaped except those in ``keep``."""
    text = _CONSOLE_IN_TEXT.sub(r"\1[query left out]", text)
    text = _SECRET_IN_TEXT.sub(r"\1[redacted]", text)
    decoded = unquote(text, errors="replace")
    if decoded != text:  # a request line: decoded, so %33%36… is masked too; its layout is not kept
        return mask_text(_printable(decoded))
    return mask_text(_printable(text, keep))


class MaskFilter(logging.Filter):
    """Rewrites each record's message through :func:`clean_line` (installed on Werkzeug's and waitress's
    loggers). Werkzeug parses a request line by line and colours its own messages: its newlines and
    colour codes stay; waitress logs decoded paths, so nothing of its layout does."""

    def __init__(self, keep: str = ""):
        super().__init__()
        self.keep = keep

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: let logging report it as usual
            return True
        record.msg, record.args = clean_line(message, self.keep), ()
        return True


def install_filters() -> None:
    for name, keep in (("werkzeug", "\n\x1b"), ("waitress", "")):
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskFilter) for f in logger.filters):
            logger.addFilter(MaskFilter(keep))


class AccessLog:
    """WSGI middleware writing one line per request: address, method, target, status, bytes, time."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        t0 = time.perf_counter()
        seen: dict = {}

        def _start(status, headers, exc_info=None):
            seen["status"] = status.split(" ", 1)[0]
            seen["length"] = next((v for k, v in headers if k.lower() == "content-length"), "-")
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, _start)
        finally:
            if log.isEnabledFor(logging.INFO):
                path = environ.get("PATH_INFO", "").encode("latin-1", "replace").decode("utf-8", "replace")
                target = clean_target(environ.get("SCRIPT_NAME", "") + path, environ.get("QUERY_STRING", ""))
                log.info('%s "%s %s" %s %s %.0fms', environ.get("REMOTE_ADDR", "-"),
                         _printable(environ.get("REQUEST_METHOD", "-")), target, seen.get("status", "500"),
                         seen.get("length", "-"), (time.perf_counter() - t0) * 1000)


def configure(level: int = logging.INFO) -> None:
    """For ``chengxin serve``: access lines and waitress's own lines on stderr, filtered."""
    install_filters()
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    for name in ("chengxin.access", "waitress"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False
