"""Read-only query execution for analysts: the console, the query library and ``chengxin query``.

Guards, stacked (no one of them is trusted alone):

1. :func:`graph.readonly.check_read_only`, a check of the query's tokens: write and admin clauses,
   procedures and functions outside short read-only lists (names read as Cypher reads them),
   private properties, several statements;
2. a **read-only database user**: on the embedded server always (``chengxin_console``, made by the
   server program, may read records and nothing else: the server itself refuses writes, schema
   changes, write procedures and LOAD CSV); on Neo4j ``CHENGXIN_READ_USER`` when set;
3. on Neo4j, ``EXPLAIN``'s query type must be ``r`` (ArcadeDB reports every query as a write, so
   the check is skipped there: :meth:`graph.backend.Backend.explain_tells_query_type`);
4. a READ-mode explicit transaction that is **always rolled back**, never committed (Neo4j refuses
   writes in READ mode; ArcadeDB ignores the mode but honours the rollback);
5. the privacy filter (:func:`graph.privacy.redact`) on every row.

Load: at most ``CHENGXIN_CONSOLE_MAX_CONCURRENT`` queries run at once in one console (one per app) and at most
``CHENGXIN_CONSOLE_MAX_PER_CLIENT`` for one client; a query is only handed to a worker once it
holds a slot, so nothing waits in a queue after its caller has gone, and the slot is given back
when the database has really finished (or dropped) the query, not when the caller stopped waiting.

Time: a limit (``CHENGXIN_QUERY_TIMEOUT``, lowered per request, never raised) enforced by chengxin:
the caller stops waiting at the limit and says so. The server is freed by the backend's own
deadline: the transaction timeout on Neo4j, ArcadeDB's server-wide ``arcadedb.command.timeout``
(set from the same setting when chengxin starts the embedded server). Rows: at most
``CHENGXIN_QUERY_ROW_CAP``; the result says when it was cut.
"""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

import neo4j
from neo4j import exceptions as nx

from chengxin.cypher import get_query

from .db import Graph, plain, wrap_driver_error
from .errors import Busy, ChengxinError, InvalidInput, QueryRejected, QueryTimeout
from .messages import N_, Message, msg
from .privacy import redact
from .readonly import check_read_only


@dataclass
class Result:
    columns: list[str]
    rows: list[dict]
    truncated: bool = False
    row_cap: int = 0
    seconds: float = 0.0
    timeout: float = 0.0
    notices: list[Message] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "columns": self.columns, "rows": self.rows, "truncated": self.truncated,
            "row_cap": self.row_cap, "seconds": self.seconds, "timeout": self.timeout,
            "notices": self.notices,
        }


class Admission:
    """Slots for running queries: ``total`` at once, ``per_client`` for one client."""

    def __init__(self, total: int, per_client: int):
        self.total, self.per_client = total, per_client
        self.running: dict[str | None, int] = {}
        self._cond = threading.Condition()

    def acquire(self, client: str | None, wait: float) -> None:
        deadline = time.monotonic() + wait
        with self._cond:
            if client is not None and self.running.get(client, 0) >= self.per_client:
                raise Busy(msg(N_("this client already runs {n} console query or queries; wait for them to finish "
                                  "(CHENGXIN_CONSOLE_MAX_PER_CLIENT)"), n=self.per_client), status=429)
            while sum(self.running.values()) >= self.total:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Busy(msg(N_("the console is busy: {n} queries are running (CHENGXIN_CONSOLE_MAX_CONCURRENT); "
                                      "try again in a few seconds"), n=self.total))
                self._cond.wait(left)
            self.running[client] = self.running.get(client, 0) + 1

    def release(self, client: str | None) -> None:
        with self._cond:
            n = self.running.get(client, 0) - 1
            if n > 0:
                self.running[client] = n
            else:
                self.running.pop(client, None)
            self._cond.notify_all()


class Console:
    """The analysts' console as one object, made by the app factory (kept on
    ``app.extensions["chengxin"]["console"]``) or by a command, and closed with it: its own
    read-only driver and connection pool (busy console queries never hold the connections pages
    need), its worker threads and its :class:`Admission` slots. The graph it is handed gives the
    database and the backend (where the read-only user connects)."""

    def __init__(self, settings):
        self.settings = settings
        self.admission = Admission(settings.console_max_concurrent, settings.console_max_per_client)
        self._pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="chengxin-query")
        self._lock = threading.Lock()
        self._read_driver: neo4j.Driver | None = None
        self._read_uri: str | None = None

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            if self._read_driver is not None:
                self._read_driver.close()
                self._read_driver = None

    def __enter__(self) -> "Console":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def effective_timeout(self, requested: float | None) -> float:
        """The setting, or a lower requested limit; never higher."""
        limit = self.settings.query_timeout
        if requested is None:
            return limit
        if requested <= 0:
            raise InvalidInput(msg(N_("the time limit must be a positive number of seconds")))
        return min(limit, float(requested))

    def driver(self, graph: Graph) -> neo4j.Driver:
        """The console's connection: the read-only database user's (always on the embedded server,
        when configured on Neo4j), else the graph's own."""
        auth = graph.backend.console_auth()
        if auth is None:
            return graph.driver
        uri = graph.backend.bolt_uri()
        with self._lock:
            if self._read_driver is not None and self._read_uri == uri:
                return self._read_driver
            if self._read_driver is not None:  # the database came back on another address
                self._read_driver.close()
            self._read_driver = neo4j.GraphDatabase.driver(
                uri, auth=auth, connection_timeout=5.0, connection_acquisition_timeout=5.0, liveness_check_timeout=2.0)
            self._read_uri = uri
            return self._read_driver

    def _explain_check(self, graph: Graph, text: str, params: dict) -> None:
        if not graph.backend.explain_tells_query_type():
            return
        try:
            with self.driver(graph).session(database=graph.database, default_access_mode=neo4j.READ_ACCESS) as s:
                summary = s.run("EXPLAIN " + text, params).consume()
        except (nx.Neo4jError, nx.DriverError) as e:
            raise _error(graph, e) from e
        if summary.query_type not in ("r", None):
            raise QueryRejected(msg(N_("refused: the database reports that this query writes (query type {kind}); "
                                       "the console is read-only"), kind=summary.query_type))

    def _execute(self, graph: Graph, text: str, params: dict, timeout: float,
                 cap: int) -> tuple[list[str], list[dict], bool]:
        with self.driver(graph).session(database=graph.database, default_access_mode=neo4j.READ_ACCESS) as s:
            tx = s.begin_transaction(timeout=timeout)
            try:
                result = tx.run(text, params)
                columns = list(result.keys())
                rows, truncated = [], False
                for record in result:
                    if len(rows) >= cap:
                        truncated = True
                        break
                    rows.append(redact({k: plain(v) for k, v in record.items()}))
                return columns, rows, truncated
            finally:
                # Never commit: whatever the text did, it is undone.
                if tx.closed() is False:
                    tx.rollback()

    def run_read(self, graph: Graph, text: str, params: dict | None = None, *, timeout: float | None = None,
                 row_cap: int | None = None, checked: bool = False, client: str | None = None) -> Result:
        """Run analyst Cypher read-only, within the time limit and the row cap.

        ``checked`` skips the clause check for catalog queries (already proven read by their tests);
        the other guards still apply. ``client`` (the caller's address) is held to
        ``CHENGXIN_CONSOLE_MAX_PER_CLIENT``; None (the CLI) only to the total.
        """
        params = params or {}
        if not isinstance(params, dict):
            raise InvalidInput(msg(N_("parameters must be a JSON object")))
        if not checked:
            check_read_only(text)
        limit = self.effective_timeout(timeout)
        row_limit = self.settings.query_row_cap
        cap = min(row_cap or row_limit, row_limit)
        self._explain_check(graph, text, params)
        t0 = time.perf_counter()
        gate = self.admission
        gate.acquire(client, wait=min(limit, 2.0))
        try:
            future = self._pool.submit(self._execute, graph, text, params, limit, cap)
        except BaseException:
            gate.release(client)
            raise
        # The slot is given back when the database is done with the query, not when the caller gives up.
        future.add_done_callback(lambda f: (gate.release(client), f.cancelled() or f.exception()))
        left = max(0.1, limit - (time.perf_counter() - t0))
        try:
            columns, rows, truncated = future.result(timeout=left)
        except FutureTimeout:
            raise QueryTimeout(msg(
                N_("stopped after {limit} s: the time limit (CHENGXIN_QUERY_TIMEOUT, {setting} s; a request may "
                   "lower it). The server drops the query at its own deadline."),
                limit=f"{limit:g}", setting=f"{self.settings.query_timeout:g}")) from None
        except (nx.Neo4jError, nx.DriverError) as e:
            raise _error(graph, e) from e
        res = Result(columns, rows, truncated, cap, round(time.perf_counter() - t0, 3), limit)
        if truncated:
            res.notices.append(msg(N_("result cut at {cap} rows (CHENGXIN_QUERY_ROW_CAP)"), cap=cap))
        return res

    def run_named(self, graph: Graph, name: str, values: dict, *, timeout: float | None = None,
                  row_cap: int | None = None, client: str | None = None) -> Result:
        """A library query by name, parameters from text or typed values."""
        q = get_query(name)
        if q.mode != "read" or q.labels:
            raise QueryRejected(msg(N_("query {name} is not a read query of the library"), name=name))
        res = self.run_read(graph, q.text, q.bind(values), timeout=timeout, row_cap=row_cap, checked=True,
                            client=client)
        res.columns = graph.backend.result_columns(res.columns, list(q.returns))
        return res


def _error(graph: Graph, e: Exception) -> ChengxinError:
    """The database's own message, with its position when it gives one."""
    msg = getattr(e, "message", None) or str(e)
    if graph.backend.is_timeout(e):
        return QueryTimeout(f"the database stopped the query at its time limit: {msg}")
    err = wrap_driver_error(e, graph.backend, "query")
    pos = re.search(r"\(line (\d+), column (\d+)", msg)
    if pos:
        err.position = {"line": int(pos.group(1)), "column": int(pos.group(2))}
    return err
