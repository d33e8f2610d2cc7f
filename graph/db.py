"""The one path to the database: the official neo4j driver, to Neo4j 5 or the embedded server.

``connect(settings)`` starts the embedded server on demand when no Bolt URI is set. A
:class:`Graph` runs catalog queries (``cypher/*.cypher``) or text with parameters and returns
plain Python data (dicts, lists, ``datetime.date``), never a live ``Result``.
"""

from __future__ import annotations

from typing import Any

import neo4j
from neo4j import GraphDatabase, RoutingControl
from neo4j import exceptions as nx
from neo4j.graph import Node, Path, Relationship

from . import embedded
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
    return value


def wrap_driver_error(e: Exception, what: str = "query") -> ChengxinError:
    from .backend import is_timeout

    if is_timeout(e):
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


class Graph:
    """A driver plus the database name and which backend it is."""

    def __init__(self, driver: neo4j.Driver, database: str | None, backend: str, settings: Settings):
        self.driver = driver
        self.database = database
        self.backend = backend  # "embedded" (ArcadeDB) or "neo4j"
        self.settings = settings
        self.read_driver: neo4j.Driver | None = None  # the console's read-only user (graph.console), made on demand

    @property
    def embedded(self) -> bool:
        return self.backend == "embedded"

    def run(self, text: str, params: dict | None = None, *, write: bool = False, what: str = "query") -> list[dict]:
        try:
            records, _, _ = self.driver.execute_query(
                text, params or {}, database_=self.database,
                routing_=RoutingControl.WRITE if write else RoutingControl.READ,
            )
        except (nx.Neo4jError, nx.DriverError) as e:
            raise wrap_driver_error(e, what) from e
        return [redact(plain(dict(r))) for r in records]

    def query(self, name: str, /, labels: dict[str, str] | None = None, **params) -> list[dict]:
        """Run the named catalog query (``cypher/NAME.cypher``) with its parameters;
        ``labels`` fills the file's label slots from the model's allowlist."""
        from cypher import get_query

        q = get_query(name, **(labels or {}))
        return self.run(q.text, q.bind(params), write=q.mode == "write", what=name)

    def close(self) -> None:
        if self.read_driver is not None:
            self.read_driver.close()
        self.driver.close()

    def __enter__(self) -> "Graph":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def connect(settings: Settings, *, start: bool = True) -> Graph:
    """A :class:`Graph` for the settings: the Bolt URI if set, else the embedded server
    (started on demand unless ``start`` is False)."""
    if settings.embedded:
        state = embedded.start(settings) if start else embedded.status(settings)
        if state is None:
            raise DatabaseUnavailable("the embedded database is not running (chengxin db start)")
        auth = ("root", embedded.root_password(settings))
        driver = GraphDatabase.driver(state.uri, auth=auth)
        return Graph(driver, state.database, "embedded", settings)
    password = settings.password.get_secret_value() if settings.password else ""
    driver = GraphDatabase.driver(settings.uri, auth=(settings.user, password))
    try:
        driver.verify_connectivity()
    except (nx.Neo4jError, nx.DriverError, OSError) as e:
        driver.close()
        raise wrap_driver_error(e, "connect") from e
    return Graph(driver, settings.database_name, "neo4j", settings)

