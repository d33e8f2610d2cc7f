"""What one row of a table writes, as data: the table's own node, the nodes it points at, and the
relationships between them. The same graph as the table's bulk statement (``cypher/bulk/``), said
so that a backend's native writer (graph.embedded_load) can write it without Cypher.

Database-neutral: the loader (loaders/shapes.py) says what each table writes; only the writer
knows how.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ref:
    """A node a row points at, MERGEd on its key (a stub when new), named ``var`` for the links.

    ``label``: a label, or ``{slot}`` for the label a row's slot names (a penalty's subject);
    the key property is the label's key in the model. ``field``: the row's field holding the key.
    ``optional``: a row without that field writes neither the node nor its links (Cypher's
    ``WITH … WHERE r.field IS NOT NULL``); a row without a key that is not optional cannot be
    written natively. ``stub``: a new node is marked ``stub = true`` (authorities are not).
    ``name_on_create``: a new node takes its ``name`` from that field (``ON CREATE SET p.name``);
    ``coalesce_name``: the node takes its ``name`` from that field when it has none
    (``SET p.name = coalesce(p.name, r.field)``)."""

    var: str
    label: str
    field: str
    optional: bool = False
    stub: bool = True
    name_on_create: str | None = None
    coalesce_name: str | None = None


@dataclass(frozen=True)
class Link:
    """A relationship ``start -[type]-> end`` between two vars (``own`` is the table's own node).
    Its properties, in the order Cypher sets them: ``fixed`` (property, row field), ``const``
    (property, value), the row's ``props`` when ``props``, then the provenance."""

    type: str
    start: str
    end: str
    props: bool = False
    fixed: tuple[tuple[str, str], ...] = ()
    const: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class Shape:
    """``own``: (label, row field of its key) of the node the table CREATEs, or None (a table of
    relationships). Its properties: the key, the row's ``props``, ``stub = false``, provenance."""

    own: tuple[str, str] | None
    refs: tuple[Ref, ...] = ()
    links: tuple[Link, ...] = ()
