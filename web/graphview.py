"""Neighbourhood graphs drawn with pyvis, fed by the view model of graph.queries.neighbourhood.

pyvis assembles nodes, edges and options; the page itself is our template (pyvis's own links
to CDNs), loading the vis-network that pyvis bundles, served by chengxin. Node titles are
HTML in vis-network, so every piece of text in them is escaped here; labels are drawn on the
canvas. Each capped relationship type gets one "+N more" node that opens the entity's
page at that list instead of drawing a hairball. Physics stabilisation is bounded.
"""

from __future__ import annotations


from flask_babel import gettext
from markupsafe import escape
from pyvis.network import Network

from chengxin.graph.model import get_model
from chengxin.graph.results import node_ref

from .core import entity_url
from .i18n import label_name, rel_name

OPTIONS = {
    "physics": {
        "solver": "barnesHut",
        "barnesHut": {"gravitationalConstant": -6000, "springLength": 120, "avoidOverlap": 0.2},
        "stabilization": {"enabled": True, "iterations": 120, "updateInterval": 40, "fit": True},
        "maxVelocity": 40,
        "minVelocity": 1.5,
    },
    "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False},
    "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}, "font": {"size": 10, "align": "middle"},
              "color": {"color": "#9aa5b1"}, "smooth": False},
    "nodes": {"font": {"size": 13}},
}


def _short(text, n: int = 14) -> str:
    text = str(text or "")
    return text if len(text) <= n else text[: n - 1] + "…"


def _title(label: str, name, key, props: dict) -> str:
    lines = [f"<b>{escape(name or key)}</b>", f"{escape(label_name(label))} · {escape(key)}"]
    for prop in ("type", "category", "role", "measure", "grade", "decision_date", "valid_until", "status"):
        if props.get(prop) not in (None, ""):
            lines.append(f"{escape(prop)}: {escape(str(props[prop]))}")
    return "<br>".join(lines)


def build(view: dict) -> dict:
    """pyvis network data for the page: ``{"nodes", "edges", "options", "more"}``."""
    model = get_model()
    net = Network(directed=True, cdn_resources="local")
    center = view["center"]
    cid = f"{center['label']}:{center['key']}"
    spec = model.labels[center["label"]]
    net.add_node(cid, label=_short(center["name"] or center["key"], 18), shape=spec.shape, color=spec.color,
                 size=28, borderWidth=3, title=_title(center["label"], center["name"], center["key"], center["props"]),
                 url=entity_url(center["label"], center["key"]), font={"size": 15, "bold": True})
    shown: dict[str, int] = {}
    for n in view["neighbours"]:
        if n["key"] is None:
            continue
        nid = f"{n['label']}:{n['key']}"
        if nid not in net.get_nodes():
            nspec = model.labels[n["label"]]
            net.add_node(nid, label=_short(n["name"] or n["key"]), shape=nspec.shape, color=nspec.color, size=16,
                         title=_title(n["label"], n["name"], n["key"], n["props"]),
                         url=entity_url(n["label"], n["key"]))
        src, dst = (cid, nid) if n["outgoing"] else (nid, cid)
        net.add_edge(src, dst, label=rel_name(n["type"]), title=escape(n["type"]))
        shown[n["type"]] = shown.get(n["type"], 0) + 1
    more = []
    for rel_type, total in view["totals"].items():
        extra = total - shown.get(rel_type, 0)
        if extra > 0:
            mid = f"more:{rel_type}"
            text = gettext("+%(n)s more", n=extra)
            net.add_node(mid, label=text, shape="box", color="#eef1f4", size=12,
                         title=escape(f"{rel_name(rel_type)}: {total}"),
                         url=entity_url(center["label"], center["key"]) + f"#rel-{rel_type}")
            net.add_edge(cid, mid, dashes=True, label=rel_name(rel_type))
            more.append({"type": rel_type, "total": total, "shown": shown.get(rel_type, 0)})
    nodes, edges, _, _, _, _ = net.get_network_data()
    return {"nodes": nodes, "edges": edges, "options": OPTIONS, "more": more}


def build_result(nodes: dict, rels: list, cap: int = 300) -> dict | None:
    """pyvis network data for the nodes and relationships of a query result (None if it has none).

    Nodes get local ids (``n0``, ``n1`` …), links to their pages and escaped titles; a relationship
    is drawn when both its ends are in the result. At most ``cap`` nodes are drawn.
    """
    if not nodes:
        return None
    model = get_model()
    net = Network(directed=True, cdn_resources="local")
    ids: dict[str, str] = {}
    for element_id, v in list(nodes.items())[:cap]:
        ref = node_ref(v)
        nid = ids[element_id] = f"n{len(ids)}"
        spec = model.labels.get(ref["label"])
        props = {k: x for k, x in v.items() if not k.startswith("_")}
        if spec is not None and ref["key"] is not None:
            title = _title(ref["label"], ref["name"], ref["key"], props)
        else:
            title = f"<b>{escape(ref['label'])}</b><br>{escape(ref['name'] or '')}"
        net.add_node(nid, label=_short(ref["name"] or ref["label"]), title=title,
                     shape=spec.shape if spec else "dot", color=spec.color if spec else "#97a3af",
                     size=16, url=entity_url(ref["label"], ref["key"]) or "")
    for r in rels:
        a, b = ids.get(r.get("_start")), ids.get(r.get("_end"))
        if a and b:
            net.add_edge(a, b, label=rel_name(r["_type"]), title=escape(r["_type"]))
    data_nodes, edges, _, _, _, _ = net.get_network_data()
    return {"nodes": data_nodes, "edges": edges, "options": OPTIONS, "drawn": len(ids), "total": len(nodes)}


def build_paths(result: dict) -> dict:
    """pyvis network data for the relationship finder's paths: both ends drawn large."""
    model = get_model()
    net = Network(directed=True, cdn_resources="local")
    ends = {(result["from"]["label"], result["from"]["key"]), (result["to"]["label"], result["to"]["key"])}
    for p in result["paths"]:
        ids = []
        for n in p["nodes"]:
            nid = f"{n['label']}:{n['key']}"
            ids.append(nid)
            if nid not in net.get_nodes():
                spec = model.labels[n["label"]]
                big = (n["label"], n["key"]) in ends
                net.add_node(nid, label=_short(n["name"], 18 if big else 14), shape=spec.shape, color=spec.color,
                             size=26 if big else 16, borderWidth=3 if big else 1,
                             title=_title(n["label"], n["name"], n["key"], {}), url=entity_url(n["label"], n["key"]))
        for s in p["steps"]:
            a, b = ids[s["start"]], ids[s["end"]]
            if not any(e["from"] == a and e["to"] == b and e.get("rel") == s["type"] for e in net.edges):
                net.add_edge(a, b, label=rel_name(s["type"]), title=escape(s["type"]), rel=s["type"])
    nodes, edges, _, _, _, _ = net.get_network_data()
    for e in edges:
        e.pop("rel", None)
    return {"nodes": nodes, "edges": edges, "options": OPTIONS, "drawn": len(nodes), "total": len(nodes)}
