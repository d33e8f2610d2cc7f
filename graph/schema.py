"""Schema set-up from the model, idempotent, for both backends.

Uniqueness on each label's key, the indexes the pages use, and a CJK-aware full-text index
over the names of searchable labels. The one backend difference, how the full-text index is
made, is :meth:`graph.backend.Backend.fulltext_statements`: Neo4j creates it with Cypher, while the
embedded ArcadeDB server makes it with its own SQL when it starts
(graph.embedded_server.ensure_fulltext), named ``Label[prop]`` on both so one query serves both.
"""

from __future__ import annotations

from .backend import Backend
from .db import Graph
from .model import get_model, label


def constraint_statements() -> list[str]:
    out = []
    for spec in get_model().labels.values():
        out.append(
            f"CREATE CONSTRAINT {spec.name.lower()}_{spec.key}_unique IF NOT EXISTS "
            f"FOR (n:{label(spec.name)}) REQUIRE n.`{spec.key}` IS UNIQUE"
        )
    return out


def index_statements() -> list[str]:
    out = []
    for spec in get_model().labels.values():
        for prop in spec.indexes:
            out.append(
                f"CREATE INDEX {spec.name.lower()}_{prop} IF NOT EXISTS "
                f"FOR (n:{label(spec.name)}) ON (n.`{prop}`)"
            )
    return out


def fulltext_statements(backend: Backend) -> list[str]:
    return backend.fulltext_statements()


def ensure_schema(graph: Graph) -> int:
    """Create what is missing; returns the number of statements run (all IF NOT EXISTS)."""
    statements = [*constraint_statements(), *index_statements(), *fulltext_statements(graph.backend)]
    for s in statements:
        graph.run(s, write=True, what="schema")
    return len(statements)


def show_indexes(graph: Graph) -> list[dict]:
    return graph.run("SHOW INDEXES")
