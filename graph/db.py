"""The one path to the database: the official neo4j driver, to Neo4j 5 or the embedded server.

``connect(settings)`` starts the embedded server on demand when no Bolt URI is set. A
:class:`Graph` runs catalog queries (``cypher/*.cypher``) or text with parameters and returns
plain Python data (dicts, lists, ``datetime.date``), never a live ``Result``.

A :class:`Graph` outlives the database going away and coming back: see :meth:`Graph.run`.
"""

from __future__ import annotations

import logging
import threading
import time
import math
from typing import Any

import neo4j
from neo4j import GraphDatabase, RoutingControl
from neo4j import exceptions as nx
from neo4j.graph import Node, Path, Relationship

from chengxin.cypher import get_query

from .backend import Backend, backend_for
from .privacy import redact
from .errors import ChengxinError, DatabaseUnavailable, InvalidInput, QueryRejected, QueryTimeout
from .settings import Settings


def plain(value: Any) -> Any:
    """Driver values to plain data: temporal types to ``datetime``, graph objects to dicts."""
    if isinstance(value, (neo4j.time.Date, neo4j.time.DateTime, neo4j.time.Time)):
        return value.to_native()
    if isinstance(value, neo4j.time.Duration):
        return str(value)
    if isinstance(value, Node):
        return {"_labels": sorted(value.labels), "_id": value.element_id, **plain(dict(value))}
    if isinstance(value, Relationship):
        return {
            "_type": value.type, "_id": value.element_id,
            "_start": value.start_node.element_id if value.start_node else None,
            "_end": value.end_node.element_id if value.end_node else None,
            **plain(dict(value)),
        }
    if isinstance(value, Path):
        return {"nodes": [plain(n) for n in value.nodes], "relationships": [plain(r) for r in value.relationships]}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None  # stored by an older load; JSON has no Infinity or NaN
    return value


def wrap_driver_error(e: Exception, backend: Backend, what: str = "query") -> ChengxinError:
    if backend.is_timeout(e):
        return QueryTimeout(f"{what}: stopped at the database's time limit: {getattr(e, 'message', None) or e}")
    if isinstance(e, (nx.ServiceUnavailable, nx.SessionExpired)):
        return DatabaseUnavailable(f"the database is not reachable: {e}")
    if isinstance(e, nx.AuthError):
        return DatabaseUnavailable("the database refused the credentials (check CHENGXIN_USER / CHENGXIN_PASSWORD)")
    if isinstance(e, nx.CypherSyntaxError):
        return QueryRejected(f"{what}: {getattr(e, 'message', None) or e}")
    if isinstance(e, nx.ConstraintError):
        return InvalidInput(f"{what}: {getattr(e, 'message', None) or e}")
    if isinstance(e, nx.Neo4jError):
        return QueryRejected(f"{what}: {getattr(e, 'message', None) or e}")
    return ChengxinError(f"{what}: {e}")


log = logging.getLogger("chengxin.db")

#: Seconds a transient error (two writers' conflict on ArcadeDB, a database still starting) is
#: retried: the driver's own default for a command; a page gives up sooner.
TRANSIENT_RETRY = 30.0
PAGE_TRANSIENT_RETRY = 3.0
#: A crashed embedded server is started again automatically at most once in this many seconds:
#: a server that keeps crashing is left to a person, not restarted on every page.
AUTOSTART_INTERVAL = 60.0

_LOST = (nx.ServiceUnavailable, nx.SessionExpired)  # the connection, not the query (IncompleteCommit included)


def _refused(e: Exception) -> bool:
    """A connection that could not be opened at all (the driver's wording), not one that broke."""
    return isinstance(e, nx.ServiceUnavailable) and str(e).startswith("Couldn't connect")


def _driver(uri: str, auth, *, local: bool) -> neo4j.Driver:
    """A driver that gives up quickly: the defaults wait 30 s to connect and 60 s for a
    connection and retry a failed transaction for 30 s, far too long for a page (the loop in
    :meth:`Graph.run` retries instead, and waits only where waiting is wanted). A pooled
    connection idle for 2 s is checked before use, so one left over from before a restart of the
    database is dropped, not used."""
    return GraphDatabase.driver(
        uri, auth=auth,
        connection_timeout=2.0 if local else 5.0,
        connection_acquisition_timeout=5.0 if local else 15.0,
        liveness_check_timeout=2.0,
        max_transaction_retry_time=0.0,
    )


class Graph:
    """A driver plus the database name and which backend it is.

    It survives the database going away and coming back (:meth:`run`): a query that loses its
    connection is tried again once the database answers, and commands wait for it up to
    ``reconnect_wait`` seconds (``CHENGXIN_RECONNECT_WAIT``); :meth:`pages` is the same graph for
    web requests, which never wait. On the embedded backend the server's state file is followed
    (a server that came back on another port is found there) and, with ``autostart``, a server
    that crashed is started again.
    """

    def __init__(self, driver: neo4j.Driver, database: str | None, backend: Backend, settings: Settings, *,
                 uri: str | None = None, auth=None, local: bool = False, autostart: bool = False):
        self._driver = driver
        self._uri, self._auth, self._local = uri, auth, local  # to build a new driver when the server moves
        self._retired: list[neo4j.Driver] = []  # replaced drivers, closed with the graph (others may hold them)
        self._lock = threading.Lock()
        self._state_seen: int | None = None  # mtime of the server state file last read
        self._restarting: threading.Thread | None = None
        self._autostarted_at = float("-inf")
        self.database = database
        self.backend = backend  # every difference between ArcadeDB and Neo4j (graph.backend)
        self.settings = settings
        self.reconnect_wait = settings.reconnect_wait
        self.autostart = autostart  # start a crashed embedded server again (graphs made by connect(start=True))

    @property
    def driver(self) -> neo4j.Driver:
        """The current driver. On the embedded backend it follows the server to a new port as soon
        as the server's state file says so (a stat per call)."""
        if self._uri is not None:
            self._follow()
        return self._driver

    def pages(self) -> "Graph":
        """This graph as web requests use it: the same driver, state and caches (one shared
        ``__dict__``), but a lost database answers 503 at once instead of being waited for, and a
        crashed embedded server is restarted in the background. One view per graph."""
        view = self.__dict__.get("_pages")
        if view is None:
            view = self.__dict__["_pages"] = _PageGraph(self)
        return view

    def run(self, text: str, params: dict | None = None, *, write: bool = False, what: str = "query",
            idempotent: bool | None = None) -> list[dict]:
        """Run ``text`` in one transaction and return its rows as plain data.

        When the connection is lost (the database stopped, crashed or restarted) the transaction
        is tried again if that is safe: reads, and writes marked ``idempotent`` (catalog writes
        are MERGE batches, so a load's batch is retried); another write only if nothing of it
        reached the database. It is tried again at once when the database answers (a stale pooled
        connection), else every second or two for up to ``reconnect_wait`` seconds (0 for pages:
        they answer 503 straight away), then :class:`DatabaseUnavailable` says why. Transient errors
        (write conflicts) are retried with back-off as the driver would.
        """
        params = params or {}
        idempotent = not write if idempotent is None else idempotent
        wait = self.reconnect_wait
        t0 = time.monotonic()
        transient_until = t0 + min(TRANSIENT_RETRY, max(PAGE_TRANSIENT_RETRY, wait))
        delay, retried_at_once = 0.25, False
        while True:
            reached = True  # whether any of this transaction may have reached the database
            try:
                if idempotent:
                    # The driver's pipelined path: BEGIN, RUN and PULL in one round trip. Its own
                    # retries are off (``_driver``): this loop does them.
                    records, _, _ = self.driver.execute_query(
                        text, params, database_=self.database,
                        routing_=RoutingControl.WRITE if write else RoutingControl.READ,
                    )
                else:
                    # An explicit transaction, to know whether a lost connection lost it before
                    # anything was sent (then it is safe to try again).
                    reached = False
                    mode = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS
                    with self.driver.session(database=self.database, default_access_mode=mode) as session:
                        with session.begin_transaction() as tx:
                            reached = True
                            records = list(tx.run(text, params))
                            tx.commit()
            except _LOST as e:
                if reached and not idempotent:
                    raise DatabaseUnavailable(
                        f"{what}: the connection to the database was lost during a write that is not safe to "
                        f"repeat, so it was not retried; check whether it was applied ({e})"
                    ) from e
                why = self._recover(e, broke=reached and not _refused(e))
                if why is None and not retried_at_once:
                    retried_at_once = True
                    continue
                waited = time.monotonic() - t0
                if waited >= wait:
                    raise self._unavailable(why or str(e), what, params, write) from e
                time.sleep(min(delay, wait - waited))
                delay = min(delay * 2, 2.0)
                continue
            except (nx.Neo4jError, nx.DriverError) as e:
                if e.is_retryable() and not self.backend.is_timeout(e) and time.monotonic() + delay < transient_until:
                    time.sleep(delay)
                    delay = min(delay * 2, 4.0)
                    continue
                raise wrap_driver_error(e, self.backend, what) from e
            break
        return [redact(plain(dict(r))) for r in records]

    def query(self, name: str, /, labels: dict[str, str] | None = None, **params) -> list[dict]:
        """Run the named catalog query (``cypher/NAME.cypher``) with its parameters;
        ``labels`` fills the file's label slots from the model's allowlist. Catalog writes are
        MERGE/SET statements (``tests/test_restart.py`` holds them to it), so they are retried
        after a lost connection like reads."""
        q = get_query(name, **(labels or {}))
        return self.run(q.text, q.bind(params), write=q.mode == "write", what=name, idempotent=True)

    def query_together(self, *steps: tuple[str, dict]) -> None:
        """Several catalog write statements in one transaction: all of them happen, or none (a
        review decision unlinks a pair and links it again; a crash between two transactions left
        the pair with no link at all)."""
        statements = [(get_query(name), params) for name, params in steps]
        what = " + ".join(name for name, _ in steps)

        def work(tx):
            for q, params in statements:
                tx.run(q.text, q.bind(params)).consume()

        try:
            with self.driver.session(database=self.database, default_access_mode=neo4j.WRITE_ACCESS) as session:
                session.execute_write(work)
        except (nx.Neo4jError, nx.DriverError) as e:
            raise wrap_driver_error(e, self.backend, what) from e

    # -- after a lost connection ----------------------------------------------------------------

    def _follow(self) -> None:
        """Switch to the server's current port if it names another (the embedded server's state file)."""
        seen = self.backend.state_stamp()
        if seen is not None and seen != self._state_seen:
            self._state_seen = seen
            uri = self.backend.running_uri()
            if uri is not None:
                self._use(uri)

    def _use(self, uri: str) -> None:
        with self._lock:
            if uri == self._uri:
                return
            log.warning("the database now answers on %s; reconnecting", uri)
            self._retired.append(self._driver)
            self._driver = _driver(uri, self._auth, local=self._local)
            self._uri = uri

    def _recover(self, error: Exception, broke: bool) -> str | None:
        """None if the database answers again (switching to its new port if it moved), else why
        not. A crashed embedded server is started again when ``autostart``."""
        lost = self.backend.lost(error, broke)
        if lost.uri is not None:
            self._use(lost.uri)
        if lost.crashed is None or not self.autostart:
            return lost.why
        return self._restart_crashed(lost.crashed, lost.log)

    def _restart_crashed(self, pid: int, where) -> str | None:
        background = self.reconnect_wait <= 0
        with self._lock:
            if self._restarting is not None and self._restarting.is_alive():
                return ("the embedded database stopped unexpectedly and is being started again; "
                        "try again in a few seconds")
            if time.monotonic() - self._autostarted_at < AUTOSTART_INTERVAL:
                return (f"the embedded database stopped unexpectedly again (pid {pid}) within "
                        f"{AUTOSTART_INTERVAL:.0f} s of an automatic restart, so it is not restarted again: "
                        f"see {where}; `chengxin db start`")
            self._autostarted_at = time.monotonic()
            log.warning("the embedded database stopped unexpectedly (pid %s is gone); starting it again", pid)
            if background:
                self._restarting = threading.Thread(
                    target=self._start_embedded, name="chengxin-db-restart", daemon=True)
                self._restarting.start()
                return ("the embedded database stopped unexpectedly; chengxin is starting it again: "
                        "try again in a few seconds")
            self._restarting = threading.current_thread()
        try:
            return self._start_embedded()
        finally:
            self._restarting = None

    def _start_embedded(self) -> str | None:
        try:
            state = self.backend.start()  # locked across processes, idempotent
        except DatabaseUnavailable as e:
            log.error("could not start the embedded database again: %s", e.detail)
            return f"the embedded database stopped unexpectedly and could not be started again: {e.detail}"
        self._use(state.uri)
        return None

    def _unavailable(self, why: str, what: str, params: dict, write: bool) -> DatabaseUnavailable:
        if self.reconnect_wait <= 0:
            return DatabaseUnavailable(f"the database is not reachable: {why}")
        rows = params.get("rows")
        batch = f" (a batch of {len(rows):,} rows)" if isinstance(rows, list) else ""
        msg = (f"the database did not come back within {self.reconnect_wait:g} s (CHENGXIN_RECONNECT_WAIT) "
               f"while running {what}{batch}: {why}.")
        if write and what.startswith("load_"):
            msg += (f" That batch of {what[5:]} was not confirmed; a transaction is all or nothing and every load "
                    "statement is a MERGE, so re-running the load is safe (rows already written are matched, "
                    "not duplicated).")
        elif write:
            msg += " The write was not confirmed."
        return DatabaseUnavailable(msg)

    def close(self) -> None:
        for d in self._retired:
            d.close()
        self._driver.close()

    def __enter__(self) -> "Graph":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _PageGraph(Graph):
    """:meth:`Graph.pages`: the base graph's own ``__dict__`` (driver, caches, read driver), with
    no wait for a lost database. The class attribute below, a data descriptor, wins over the
    shared dict's ``reconnect_wait``."""

    __slots__ = ()
    reconnect_wait = property(lambda self: 0.0)

    def __init__(self, base: Graph):  # noqa: super().__init__ would build a second driver
        self.__dict__ = base.__dict__


def connect(settings: Settings, *, start: bool = True) -> Graph:
    """A :class:`Graph` for the settings: the Bolt URI if set, else the embedded server
    (started on demand unless ``start`` is False)."""
    backend = backend_for(settings)
    end = backend.endpoint(start)
    driver = _driver(end.uri, end.auth, local=end.local)
    if not end.checked:
        try:
            driver.verify_connectivity()
        except (nx.Neo4jError, nx.DriverError, OSError) as e:
            driver.close()
            raise wrap_driver_error(e, backend, "connect") from e
    return Graph(driver, end.database, backend, settings, uri=end.uri, auth=end.auth, local=end.local,
                 autostart=start)
