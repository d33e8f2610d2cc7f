"""Where the embedded ArcadeDB server and Neo4j 5 differ, each difference in one small function.

- ``EXPLAIN`` on ArcadeDB reports every query as a write, so it cannot vouch for a read.
- Transaction timeouts sent over Bolt are ignored by ArcadeDB; its only deadline is the
  server-wide ``arcadedb.command.timeout``, which chengxin sets (as a JVM system property, the one
  form the server honours for Bolt queries) from ``CHENGXIN_QUERY_TIMEOUT`` when it starts the server.
- READ access mode is not enforced by ArcadeDB; rollback is (graph.console relies on it).
- Full-text indexes are created with ArcadeDB SQL (graph.embedded_server.ensure_fulltext) but queried
  with ``db.index.fulltext.queryNodes`` on both.
"""

from __future__ import annotations

from .settings import Settings


def explain_tells_query_type(graph) -> bool:
    return not graph.embedded


def command_timeout_ms(settings: Settings) -> int:
    """The embedded server's deadline for any one command: the analysts' query time limit."""
    return max(1000, int(settings.query_timeout * 1000))


def is_timeout(e: BaseException) -> bool:
    code = getattr(e, "code", "") or ""
    msg = getattr(e, "message", None) or str(e)
    return (
        "TransactionTimedOut" in code
        or "Transaction.Terminated" in code
        or "arcadedb.command.timeout" in msg
        or "TimeoutException" in msg
    )
