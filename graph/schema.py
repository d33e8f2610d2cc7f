"""Schema set-up from the model, idempotent, for both backends.

Uniqueness on each label's key, the indexes the pages use, and a CJK-aware full-text index
over the names of searchable labels. The one backend difference lives in
:func:`fulltext_statements`: Neo4j creates the full-text index with Cypher, while the embedded
ArcadeDB server makes it with its own SQL when it starts (graph.embedded_server.ensure_fulltext),
named ``Label[prop]`` on both so one query serves both.
"""

from __future__ import annotations

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


def fulltext_statements(backend: str) -> list[str]:
    if backend == "embedded":
        return []  # made in ArcadeDB SQL by the server process at start
    return [
        f"CREATE FULLTEXT INDEX `{spec.fulltext_index}` IF NOT EXISTS "
        f"FOR (n:{label(spec.name)}) ON EACH [n.`{spec.name_prop}`] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}"
        for spec in get_model().search_labels()
    ]


def ensure_schema(graph: Graph) -> int:
    """Create what is missing; returns the number of statements run (all IF NOT EXISTS)."""
    statements = [*constraint_statements(), *index_statements(), *fulltext_statements(graph.backend)]
    for s in statements:
        graph.run(s, write=True, what="schema")
    return len(statements)


def show_indexes(graph: Graph) -> list[dict]:
    return graph.run("SHOW INDEXES")
