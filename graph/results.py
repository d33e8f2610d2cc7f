"""Query results as people read them: cells as text, CSV, and the nodes and relationships to draw.

Rows come from graph.console as plain data, where a node is a dict with ``_labels`` and ``_id``,
a relationship one with ``_type``, ``_start`` and ``_end``, and a path ``{"nodes", "relationships"}``
(graph.db.plain). A node of a label in the model is referred to by its business key, which is
what links and the graph use; element ids are storage positions and never leave this module.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from .model import get_model
from .privacy import PRIVATE_PROPERTIES



def is_node(v) -> bool:
    return isinstance(v, dict) and "_labels" in v and "_id" in v


def is_rel(v) -> bool:
    return isinstance(v, dict) and "_type" in v and "_id" in v


def is_path(v) -> bool:
    return isinstance(v, dict) and set(v) == {"nodes", "relationships"}


def node_ref(v: dict) -> dict:
    """``{"label", "key", "name"}`` for a node; key is None for labels outside the model (pages
    are addressed by the web layer: ``chengxin.web.core.entity_url``)."""
    model = get_model()
    for label in v.get("_labels", []):
        spec = model.labels.get(label)
        if spec is not None:
            key = v.get(spec.key)
            name = v.get(spec.name_prop) or key
            return {"label": label, "key": key, "name": name}
    labels = v.get("_labels") or ["?"]
    return {"label": labels[0], "key": None, "name": v.get("name")}


def public(v):
    """A value with storage ids dropped and private properties removed, for JSON output."""
    if is_node(v):
        ref = node_ref(v)
        props = {k: public(x) for k, x in v.items() if not k.startswith("_") and k not in PRIVATE_PROPERTIES}
        return {"_node": ref["label"], "_key": ref["key"], **props}
    if is_rel(v):
        props = {k: public(x) for k, x in v.items() if not k.startswith("_")}
        return {"_relationship": v["_type"], **props}
    if is_path(v):
        return {"_path": [public(n) for n in v["nodes"]], "_relationships": [public(r) for r in v["relationships"]]}
    if isinstance(v, dict):
        return {k: public(x) for k, x in v.items() if k not in PRIVATE_PROPERTIES}
    if isinstance(v, list):
        return [public(x) for x in v]
    return v


def cell_text(v) -> str:
    """One cell as text: nodes by name and key, relationships by type, lists joined."""
    if v is None:
        return ""
    if is_node(v):
        ref = node_ref(v)
        return f"{ref['name']} ({ref['label']} {ref['key']})" if ref["key"] is not None else str(ref["name"] or ref["label"])
    if is_rel(v):
        return f"[:{v['_type']}]"
    if is_path(v):
        return " → ".join(cell_text(n) for n in v["nodes"])
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, list):
        return "; ".join(cell_text(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(public(v), ensure_ascii=False, default=str)
    return str(v)


#: A spreadsheet reads a cell starting with one of these as a formula (CSV injection): such text gets
#: a leading apostrophe; numbers stay numbers.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(v) -> str:
    text = cell_text(v)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return text
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(columns: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([csv_cell(c) for c in columns])
    for r in rows:
        w.writerow([csv_cell(r.get(c)) for c in columns])
    return buf.getvalue()


def elements(rows: list[dict]) -> tuple[dict, list]:
    """The distinct nodes (by element id) and relationships in a result, for drawing."""
    nodes: dict[str, dict] = {}
    rels: dict[str, dict] = {}

    def walk(v):
        if is_node(v):
            nodes.setdefault(v["_id"], v)
        elif is_rel(v):
            rels.setdefault(v["_id"], v)
        elif is_path(v):
            for x in v["nodes"] + v["relationships"]:
                walk(x)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    for r in rows:
        walk(r)
    return nodes, list(rels.values())
