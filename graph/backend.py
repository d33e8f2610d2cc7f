"""Where the embedded ArcadeDB server and Neo4j 5 differ, each difference in one small function.

- ``EXPLAIN`` on ArcadeDB reports every query as a write, so it cannot vouch for a read.
- Transaction timeouts sent over Bolt are ignored by ArcadeDB; its only deadline is the
  server-wide ``arcadedb.command.timeout``, which chengxin sets (as a JVM system property, the one
  form the server honours for Bolt queries) from ``CHENGXIN_QUERY_TIMEOUT`` when it starts the server.
- READ access mode is not enforced by ArcadeDB; rollback is (graph.console relies on it). What is
  enforced is a user's group: the embedded server makes a read-only user for the console
  (graph.embedded_server.ensure_console_user) and the console connects as it (:func:`console_auth`);
  on Neo4j that user is optional (``CHENGXIN_READ_USER``, e.g. with the ``reader`` role).
- LOAD CSV file and URL access: ArcadeDB's Cypher reads its JVM-wide configuration, so the
  embedded server switches them off with ``-D`` flags (graph.embedded_server.security_jvm_args);
  Neo4j's ``dbms.security.allow_csv_import_from_file_urls`` is the operator's (README).
- Full-text indexes are created with ArcadeDB SQL (graph.embedded_server.ensure_fulltext) but queried
  with ``db.index.fulltext.queryNodes`` on both.
"""

from __future__ import annotations

from pathlib import Path

from . import embedded
from .embedded_server import CONSOLE_USER, console_password_path
from .errors import DatabaseUnavailable


def explain_tells_query_type(graph) -> bool:
    return not graph.embedded


def is_timeout(e: BaseException) -> bool:
    code = getattr(e, "code", "") or ""
    msg = getattr(e, "message", None) or str(e)
    return (
        "TransactionTimedOut" in code
        or "Transaction.Terminated" in code
        or "arcadedb.command.timeout" in msg
        or "TimeoutException" in msg
    )


def console_auth(graph) -> tuple[str, str] | None:
    """The credentials of the console's read-only database user, or None to use the graph's own
    connection (Neo4j without ``CHENGXIN_READ_USER``: READ mode and EXPLAIN guard it there)."""
    s = graph.settings
    if graph.embedded:
        path = console_password_path(Path(s.home_path))
        return CONSOLE_USER, path.read_text("utf-8").strip()
    if s.read_user:
        return s.read_user, s.read_password.get_secret_value() if s.read_password else ""
    return None


def bolt_uri(graph) -> str:
    """The Bolt URI the graph's own driver was made for (the embedded server's current port)."""
    if graph.embedded:
        state = embedded.read_state(graph.settings)
        if state is None:
            raise DatabaseUnavailable("the embedded database is not running (chengxin db start)")
        return state.uri
    return graph.settings.uri
