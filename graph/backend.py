"""Where the embedded ArcadeDB server and Neo4j 5 differ: one :class:`Backend` protocol, two
implementations, chosen once from the settings (:func:`backend_for`) and held by the graph as
``graph.backend``. Nothing outside this module, graph.embedded, graph.embedded_server and
graph.settings asks which database it is (tests/test_schema_and_backend.py greps for it).

- **Where the server is** (:meth:`Backend.endpoint`): Neo4j at ``CHENGXIN_URI`` with
  ``CHENGXIN_USER``/``CHENGXIN_PASSWORD``, checked once on connect; the embedded server under
  ``CHENGXIN_HOME``, started on demand, as root with its generated password, on whatever port its
  state file names (:meth:`Backend.state_stamp`, :meth:`Backend.running_uri`: the graph follows it
  when it comes back on another port).
- **Starting and stopping** (:meth:`Backend.start`, :meth:`Backend.stop`, :meth:`Backend.describe`,
  :meth:`Backend.running`): chengxin manages the embedded server's process; for Neo4j there is
  nothing to start (:class:`NotManaged`).
- **A lost connection** (:meth:`Backend.lost`): Neo4j's driver reconnects by itself; the embedded
  server may have moved, been stopped or crashed (then the graph may start it again).
- ``EXPLAIN`` on ArcadeDB reports every query as a write, so it cannot vouch for a read
  (:meth:`Backend.explain_tells_query_type`).
- Transaction timeouts sent over Bolt are ignored by ArcadeDB; its only deadline is the
  server-wide ``arcadedb.command.timeout``, which chengxin sets (as a JVM system property, the one
  form the server honours for Bolt queries) from ``CHENGXIN_QUERY_TIMEOUT`` when it starts the
  server. The two report a timeout differently (:meth:`Backend.is_timeout`).
- READ access mode is not enforced by ArcadeDB; rollback is (graph.console relies on it). What is
  enforced is a user's group: the embedded server makes a read-only user for the console
  (graph.embedded_server.ensure_console_user) and the console connects as it
  (:meth:`Backend.console_auth`, :meth:`Backend.bolt_uri`); on Neo4j that user is optional
  (``CHENGXIN_READ_USER``, e.g. with the ``reader`` role).
- LOAD CSV file and URL access: ArcadeDB's Cypher reads its JVM-wide configuration, so the
  embedded server switches them off with ``-D`` flags (graph.embedded_server.security_jvm_args);
  Neo4j's ``dbms.security.allow_csv_import_from_file_urls`` is the operator's (README).
- Full-text indexes (:meth:`Backend.fulltext_statements`) are created with Cypher on Neo4j and
  with ArcadeDB SQL by the embedded server when it starts (graph.embedded_server.ensure_fulltext),
  named ``Label[prop]`` on both and queried with ``db.index.fulltext.queryNodes`` on both. A label's
  other searched properties (``fulltext_also``: a list entry's ``other_names``) are in the same index
  on Neo4j and in one index each on ArcadeDB (one property an index): :meth:`Backend.fulltext_indexes`.
- ArcadeDB names no columns for an empty result (:meth:`Backend.result_columns`: the query's
  declared columns stand in).
- Headline counts (:meth:`Backend.type_counts`): ArcadeDB keeps a count per type, nodes and edges
  alike, read by its ``meta.stats()`` procedure, while its Cypher counts the relationships of a type
  by scanning them; Neo4j answers ``count`` of one label or one relationship type from its count
  store. Neither scans, so the counts are always those of the graph as it is (no counter to keep
  right across loads and deletes).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from . import embedded
from .embedded_server import CONSOLE_USER, console_password_path
from .errors import ChengxinError, DatabaseUnavailable
from .model import get_model, label
from .settings import Settings


class NotManaged(ChengxinError):
    """Asked to start or stop a server chengxin does not run (an external Neo4j)."""

    status = 400


@dataclass(frozen=True)
class Endpoint:
    """How the graph's own driver connects."""

    uri: str
    auth: tuple[str, str]
    database: str | None
    local: bool  # a server on this machine: short connection timeouts
    checked: bool  # the server was already seen answering on Bolt (else the driver verifies it)


@dataclass(frozen=True)
class Lost:
    """What a lost connection turned out to be. ``uri``: the server answers (there, when it
    moved); ``why``: it does not, and why; ``crashed``: the pid of a server that died without a
    clean stop (the graph may start it again), with its ``log``."""

    uri: str | None = None
    why: str | None = None
    crashed: int | None = None
    log: Path | None = None


_TIMEOUT_CODES = ("TransactionTimedOut", "Transaction.Terminated")


def _timeout_code(e: BaseException) -> bool:
    code = getattr(e, "code", "") or ""
    return any(c in code for c in _TIMEOUT_CODES)


@runtime_checkable
class Backend(Protocol):
    """Everything that differs between the two databases (the module docstring lists it)."""

    name: str  # "embedded" (ArcadeDB) or "neo4j": for messages and tests, never to branch on
    settings: Settings

    def endpoint(self, start: bool) -> Endpoint: ...
    def state_stamp(self) -> int | None: ...
    def running_uri(self) -> str | None: ...
    def lost(self, error: Exception, broke: bool) -> Lost: ...
    def start(self) -> embedded.ServerState: ...
    def stop(self) -> bool: ...
    def running(self) -> bool | None: ...
    def describe(self) -> tuple[bool, str]: ...
    def explain_tells_query_type(self) -> bool: ...
    def is_timeout(self, e: BaseException) -> bool: ...
    def console_auth(self) -> tuple[str, str] | None: ...
    def bolt_uri(self) -> str: ...
    def fulltext_statements(self) -> list[str]: ...
    def fulltext_indexes(self, spec) -> list[str]: ...
    def result_columns(self, columns: list[str], declared: list[str]) -> list[str]: ...
    def type_counts(self, graph) -> tuple[dict[str, int], dict[str, int]]: ...


class Neo4jBackend:
    """A Neo4j 5 (or Aura) server at ``CHENGXIN_URI``, run by its operator."""

    name = "neo4j"

    def __init__(self, settings: Settings):
        self.settings = settings

    def endpoint(self, start: bool) -> Endpoint:
        s = self.settings
        password = s.password.get_secret_value() if s.password else ""
        return Endpoint(s.uri, (s.user, password), s.database_name, local=False, checked=False)

    def state_stamp(self) -> int | None:
        return None  # the server does not move

    def running_uri(self) -> str | None:
        return self.settings.uri

    def lost(self, error: Exception, broke: bool) -> Lost:
        # The driver reconnects by itself. A connection that broke mid-way is worth one more try at
        # once (the pool has dropped its idle connections); a refused one is not.
        return Lost(uri=None, why=None if broke else str(error))

    def _not_managed(self) -> NotManaged:
        return NotManaged("CHENGXIN_URI is set: the database is an external Neo4j, not the embedded one")

    def start(self) -> embedded.ServerState:
        raise self._not_managed()

    def stop(self) -> bool:
        raise self._not_managed()

    def running(self) -> bool | None:
        return None  # not chengxin's to run

    def describe(self) -> tuple[bool, str]:
        return True, f"external Neo4j at {self.settings.uri} (embedded server not used)"

    def explain_tells_query_type(self) -> bool:
        return True

    def is_timeout(self, e: BaseException) -> bool:
        return _timeout_code(e)

    def console_auth(self) -> tuple[str, str] | None:
        """``CHENGXIN_READ_USER`` when set, else None: the console uses the graph's own connection
        (READ mode and EXPLAIN guard it there)."""
        s = self.settings
        if s.read_user:
            return s.read_user, s.read_password.get_secret_value() if s.read_password else ""
        return None

    def bolt_uri(self) -> str:
        return self.settings.uri

    def fulltext_statements(self) -> list[str]:
        return [
            f"CREATE FULLTEXT INDEX `{spec.fulltext_index}` IF NOT EXISTS "
            f"FOR (n:{label(spec.name)}) ON EACH [{', '.join(f'n.`{p}`' for _, p in spec.fulltext_props)}] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}"
            for spec in get_model().search_labels()
        ]

    def fulltext_indexes(self, spec) -> list[str]:
        return [spec.fulltext_index]  # one index over the name and the other names

    def result_columns(self, columns: list[str], declared: list[str]) -> list[str]:
        return list(columns)

    def type_counts(self, graph) -> tuple[dict[str, int], dict[str, int]]:
        """Nodes per label and relationships per type from the count store (one count a name)."""
        names = graph.run("CALL db.labels() YIELD label RETURN collect(label) AS labels")[0]["labels"]
        kinds = graph.run("CALL db.relationshipTypes() YIELD relationshipType AS t RETURN collect(t) AS types")[0]["types"]
        labels = {n: graph.run(f"MATCH (n:{_name(n)}) RETURN count(n) AS n")[0]["n"] for n in names}
        types = {t: graph.run(f"MATCH ()-[r:{_name(t)}]->() RETURN count(r) AS n")[0]["n"] for t in kinds}
        return _nonzero(labels), _nonzero(types)


class ArcadeDBBackend:
    """The embedded ArcadeDB server under ``CHENGXIN_HOME`` (graph.embedded starts and stops it)."""

    name = "embedded"

    def __init__(self, settings: Settings):
        self.settings = settings

    def endpoint(self, start: bool) -> Endpoint:
        s = self.settings
        state = embedded.start(s) if start else embedded.status(s)
        if state is None:
            raise DatabaseUnavailable("the embedded database is not running (chengxin db start)")
        return Endpoint(state.uri, ("root", embedded.root_password(s)), state.database, local=True, checked=True)

    def state_stamp(self) -> int | None:
        try:
            return embedded.paths(self.settings).state.stat().st_mtime_ns
        except OSError:
            return None

    def running_uri(self) -> str | None:
        state = embedded.read_state(self.settings)
        return state.uri if state is not None else None

    def lost(self, error: Exception, broke: bool) -> Lost:
        s = self.settings
        state = embedded.status(s)
        if state is not None:
            return Lost(uri=state.uri)
        dead = embedded.crashed(s)
        if dead is None:
            left = embedded.read_state(s)
            if left is None:
                return Lost(why="the embedded database is not running (it was stopped; `chengxin db start` starts it)")
            return Lost(why=f"the embedded database (pid {left.pid}) does not answer on Bolt port {left.bolt_port}")
        where = embedded.paths(s).log
        return Lost(why=f"the embedded database stopped unexpectedly (pid {dead.pid} is gone; log {where}); "
                        "`chengxin db start`", crashed=dead.pid, log=where)

    def start(self) -> embedded.ServerState:
        return embedded.start(self.settings)  # locked across processes, idempotent

    def stop(self) -> bool:
        return embedded.stop(self.settings)

    def running(self) -> bool | None:
        return embedded.status(self.settings) is not None

    def describe(self) -> tuple[bool, str]:
        s = self.settings
        state = embedded.status(s)
        if state is None:
            dead = embedded.crashed(s)
            why = (f"it stopped unexpectedly (pid {dead.pid} is gone; log {embedded.paths(s).log}); "
                   if dead else "")
            port = s.embedded_bolt_port or embedded.kept_ports(s).get("bolt_port")
            back = f", comes back on bolt://127.0.0.1:{port}" if port else ""
            return False, f"not running: {why}`chengxin db start` starts it (home {s.home_path}{back})"
        return True, f"running: pid {state.pid}, {state.uri}, database {state.database}, home {s.home_path}"

    def explain_tells_query_type(self) -> bool:
        return False  # every query is reported as a write

    def is_timeout(self, e: BaseException) -> bool:
        msg = getattr(e, "message", None) or str(e)
        return _timeout_code(e) or "arcadedb.command.timeout" in msg or "TimeoutException" in msg

    def console_auth(self) -> tuple[str, str] | None:
        """The read-only user the server program made (always: the server enforces its group)."""
        path = console_password_path(Path(self.settings.home_path))
        return CONSOLE_USER, path.read_text("utf-8").strip()

    def bolt_uri(self) -> str:
        """The server's current port (it may have come back on another one)."""
        state = embedded.read_state(self.settings)
        if state is None:
            raise DatabaseUnavailable("the embedded database is not running (chengxin db start)")
        return state.uri

    def fulltext_statements(self) -> list[str]:
        return []  # made in ArcadeDB SQL by the server process at start

    def fulltext_indexes(self, spec) -> list[str]:
        return [index for index, _ in spec.fulltext_props]  # one property an index: the name's first

    def result_columns(self, columns: list[str], declared: list[str]) -> list[str]:
        return list(columns) or list(declared)  # no columns named for an empty result

    def type_counts(self, graph) -> tuple[dict[str, int], dict[str, int]]:
        """Nodes per label and relationships per type from the type counts (``meta.stats()``)."""
        value = graph.query("stats_counts")[0]["value"] or {}
        return _nonzero(value.get("labels") or {}), _nonzero(value.get("relTypes") or {})


def _name(text: str) -> str:
    return "`" + text.replace("`", "``") + "`"


def _nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {k: counts[k] for k in sorted(counts) if counts[k]}


def backend_for(settings: Settings) -> Backend:
    """The backend the settings name: Neo4j when ``CHENGXIN_URI`` is set, else the embedded server."""
    return ArcadeDBBackend(settings) if settings.embedded else Neo4jBackend(settings)

