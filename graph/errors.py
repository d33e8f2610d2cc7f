"""One exception hierarchy for chengxin (yente's exc.py shape).

Every error carries a human-readable ``detail`` and an HTTP ``status`` so the web
layer renders it once, as HTML or JSON, and the CLI prints it without a traceback.
Driver errors are wrapped with ``raise ... from e``.
"""

from __future__ import annotations


class ChengxinError(Exception):
    status = 500
    position: dict | None = None  # {"line", "column"} of a query error, when the database gives it

    def __init__(self, detail, status: int | None = None):
        super().__init__(str(detail))
        self.message = detail  # what the edges say in their language: a graph.messages.Message, or plain text
        self.detail = str(detail)  # as text (a message in English): logs, tracebacks
        if status is not None:
            self.status = status


class NotFound(ChengxinError):
    """An entity or page that does not exist."""

    status = 404


class InvalidInput(ChengxinError):
    """Input the user can fix: a malformed file, parameter or setting."""

    status = 400


class QueryRejected(ChengxinError):
    """A query refused before or by the database (syntax, forbidden clause)."""

    status = 400


class QueryTimeout(ChengxinError):
    """A query stopped at a time limit. 504, never 408: browsers retry a 408 by themselves, which
    ran one slow query three times."""

    status = 504


class Busy(ChengxinError):
    """The console is at its concurrency limit (per client: 429; in total: 503). Nothing was run."""

    status = 503


class CrossSiteRefused(ChengxinError):
    """A request that runs a query or changes state came from another site, or named a host that
    is not on the allowlist."""

    status = 403


class ConsoleOff(ChengxinError):
    """The console (and what needs its access, such as review decisions) is off on this server."""

    status = 403


class TokenRequired(ChengxinError):
    """The console needs its access token here, and the request did not carry the right one."""

    status = 401

    def __init__(self, detail: str, wrong: bool = False):
        super().__init__(detail)
        self.wrong = wrong  # a token was entered in the form, and it was not the right one


class LoadAborted(ChengxinError):
    """A load stopped for a reason that is not one row's fault: the database refused every write
    (a full disk, a read-only database), or most of a table could not be read."""

    status = 500


class DatabaseUnavailable(ChengxinError):
    """The database cannot be reached or did not start."""

    status = 503
