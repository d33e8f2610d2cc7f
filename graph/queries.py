"""Repository functions: one per catalog query (``cypher/NAME.cypher`` ↔ ``queries.NAME()``),
returning plain data shaped for the pages and their JSON twins."""

from __future__ import annotations

from .db import Graph


def stats(graph: Graph) -> dict:
    return {
        "labels": {r["label"]: r["n"] for r in graph.query("stats_labels")},
        "relationships": {r["type"]: r["n"] for r in graph.query("stats_relationships")},
    }


def node_count(graph: Graph) -> int:
    return graph.query("node_count")[0]["n"]
