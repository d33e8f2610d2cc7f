"""Graphs drawn with pyvis, fed by view models: an entity's neighbourhood, a query result, the
relationship finder's paths and a red flag's ring of firms.

pyvis assembles nodes, edges and options; the page itself is our template (pyvis's own links
to CDNs), loading the vis-network that pyvis bundles, served by chengxin. Node titles are
HTML in vis-network, so every piece of text in them is escaped here; labels are drawn on the
canvas at 12 px or more. The layout is seeded (the same page draws the same way), sanctioned
and flagged firms are marked, and each graph carries its legend from the model and a height that
fits its size. Each capped relationship type gets one "+N more" node: a click adds the next page
of that type in place (``expand``: the JSON twin's URL with ``type`` and ``skip``), as a click on
any other node adds its own neighbours. Physics stabilisation is bounded.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask_babel import gettext, pgettext
from markupsafe import escape
from pyvis.network import Network

from chengxin.graph.model import get_model
from chengxin.graph.results import node_ref

from .core import entity_url
from .i18n import ENUM_GROUPS, enum, label_name, rel_name, say

SEED = 7  # vis-network's layout seed: the same graph draws the same way on every load
OPTIONS = {
    "layout": {"randomSeed": SEED, "improvedLayout": True},
    "physics": {
        "solver": "barnesHut",
        "barnesHut": {"gravitationalConstant": -6000, "springLength": 130, "avoidOverlap": 0.3},
        "stabilization": {"enabled": True, "iterations": 150, "updateInterval": 40, "fit": True},
        "maxVelocity": 40,
        "minVelocity": 1.5,
    },
    "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False},
    "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
              "font": {"size": 12, "align": "middle", "strokeWidth": 3},
              "color": {"color": "#9aa5b1"}, "smooth": False},
    "nodes": {"font": {"size": 14, "strokeWidth": 3, "strokeColor": "#ffffff"}},
}
#: Above this many edges a graph draws its edges without labels (their names stay in the tooltips).
EDGE_LABELS_UP_TO = 40
SANCTIONED, FLAGGED = "#b3262d", "#e08a00"
#: The properties a tooltip shows, with their names (English msgids).
TITLE_PROPS = {"type": "Type", "category": "Category", "role": "Role", "measure": "Measure", "grade": "Grade",
               "decision_date": "Decided", "valid_until": "In force until", "status": "Status"}


def _short(text, n: int = 16) -> str:
    text = str(text or "")
    return text if len(text) <= n else text[: n - 1] + "…"


def _caption(label: str, name, key, props: dict, n: int = 16) -> str:
    """What a node shows on the canvas: its name, or for a tender its section, for a penalty its
    measure and date (numbers say little at a glance)."""
    if label == "Tender":
        text = props.get("section") or key
        return _short(text, n) + (f"\n{props['open_date']}" if props.get("open_date") else "")
    if label == "Penalty" and props.get("measure"):
        return _short(props["measure"], n) + (f"\n{props['decision_date']}" if props.get("decision_date") else "")
    return _short(name or key, n)


def _title(label: str, name, key, props: dict, mark: str | None = None) -> str:
    lines = [f"<b>{escape(name or key)}</b>", f"{escape(label_name(label))} · {escape(key)}"]
    for prop, title in TITLE_PROPS.items():
        if props.get(prop) not in (None, ""):
            value = enum(props[prop], prop) if prop in ENUM_GROUPS else props[prop]
            lines.append(f"{escape(gettext(title))}{escape(pgettext('punctuation', ': '))}{escape(str(value))}")
    if mark:
        lines.append(f"<b>{escape(_mark_name(mark))}</b>")
    return "<br>".join(lines)


def _mark_name(mark: str) -> str:
    return gettext("Penalty in force") if mark == "sanctioned" else gettext("Red flag")


def _style(spec_color: str, mark: str | None) -> dict:
    if mark == "sanctioned":
        return {"color": {"background": spec_color, "border": SANCTIONED,
                          "highlight": {"background": spec_color, "border": SANCTIONED}},
                "borderWidth": 5, "shapeProperties": {"borderDashes": False}}
    if mark == "flagged":
        return {"color": {"background": spec_color, "border": FLAGGED,
                          "highlight": {"background": spec_color, "border": FLAGGED}},
                "borderWidth": 4, "shapeProperties": {"borderDashes": [5, 3]}}
    return {"color": spec_color}


def _add(net: Network, nid: str, label: str, name, key, props: dict, *, size: int = 16, n: int = 16,
         mark: str | None = None, **extra) -> None:
    spec = get_model().labels[label]
    style = _style(spec.color, mark)
    style.setdefault("borderWidth", extra.pop("borderWidth", 1))
    net.add_node(nid, label=_caption(label, name, key, props, n), shape=spec.shape, size=size,
                 title=_title(label, name, key, props, mark), url=entity_url(label, key) or "", kind=label,
                 mark=mark or "", **style, **extra)


def _in_force(props: dict, today: str) -> bool:
    start, end = str(props.get("decision_date") or ""), props.get("valid_until")
    return bool(start) and start <= today and (end in (None, "") or str(end) >= today)


def legend(labels, marks=()) -> list[dict]:
    """The legend of a graph: each label drawn (in the model's order) with its colour and shape,
    then the marks used."""
    model = get_model()
    present = set(labels)
    items = [{"label": name, "text": label_name(name), "color": spec.color, "shape": spec.shape}
             for name, spec in model.labels.items() if name in present]
    for mark in ("sanctioned", "flagged"):
        if mark in set(marks):
            items.append({"label": mark, "text": _mark_name(mark), "color": SANCTIONED if mark == "sanctioned" else FLAGGED,
                          "shape": "mark-" + mark})
    return items


def fit_height(n_nodes: int) -> int:
    """A box that fits the graph: a pair does not get the full 460 px."""
    if n_nodes <= 2:
        return 200
    if n_nodes <= 6:
        return 300
    if n_nodes <= 14:
        return 380
    return 460


def _finish(net: Network, extra: dict | None = None) -> dict:
    nodes, edges, _, _, _, _ = net.get_network_data()
    options = OPTIONS
    if len(edges) > EDGE_LABELS_UP_TO:
        for e in edges:
            e.pop("label", None)
    data = {"nodes": nodes, "edges": edges, "options": options, "height": fit_height(len(nodes)),
            "legend": legend({n.get("kind") for n in nodes}, {n.get("mark") for n in nodes})}
    data.update(extra or {})
    return data


def build(view: dict, marks: dict | None = None, today: str = "") -> dict:
    """pyvis network data for the page: ``{"nodes", "edges", "options", "more", "legend", "height"}``.

    ``marks`` maps an enterprise's key to ``"sanctioned"`` or ``"flagged"``; a penalty in force on
    ``today`` is marked sanctioned. With ``view["skip"]`` (a page of one type) the centre is still
    the first node, so the page's nodes join the drawn graph."""
    marks = marks or {}
    net = Network(directed=True, cdn_resources="local")
    center = view["center"]
    cid = f"{center['label']}:{center['key']}"

    def mark_of(label, key, props):
        if label == "Penalty" and today and _in_force(props, today):
            return "sanctioned"
        return marks.get(key) if label == "Enterprise" else None

    _add(net, cid, center["label"], center["name"], center["key"], center["props"], size=28, n=20,
         mark=mark_of(center["label"], center["key"], center["props"]), borderWidth=3,
         font={"size": 16, "bold": True}, center=True)
    shown: dict[str, int] = {}
    for n in view["neighbours"]:
        if n["key"] is None:
            continue
        nid = f"{n['label']}:{n['key']}"
        if nid not in net.get_nodes():
            _add(net, nid, n["label"], n["name"], n["key"], n["props"], mark=mark_of(n["label"], n["key"], n["props"]))
        src, dst = (cid, nid) if n["outgoing"] else (nid, cid)
        net.add_edge(src, dst, label=rel_name(n["type"]), title=escape(rel_name(n["type"])))
        shown[n["type"]] = shown.get(n["type"], 0) + 1
    more = []
    skip = view.get("skip") or 0
    base = "/api" + (entity_url(center["label"], center["key"]) or "").replace("/", "/graph/", 1)
    for rel_type, total in view["totals"].items():
        done = skip + shown.get(rel_type, 0)
        extra = total - done
        if extra > 0:
            mid = f"more:{center['label']}:{center['key']}:{rel_type}"
            net.add_node(mid, label=gettext("+%(n)s more", n=extra), shape="box", color="#eef1f4", size=12,
                         title=escape(f"{rel_name(rel_type)}: {total}"), kind="more",
                         url=(entity_url(center["label"], center["key"]) or "") + f"#rel-{rel_type}",
                         expand=base + "?" + urlencode({"type": rel_type, "skip": done}))
            net.add_edge(cid, mid, dashes=True, label=rel_name(rel_type))
            more.append({"type": rel_type, "total": total, "shown": done})
    return _finish(net, {"more": more})


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
            _add(net, nid, ref["label"], ref["name"], ref["key"], props)
        else:
            net.add_node(nid, label=_short(ref["name"] or ref["label"]), shape="dot", color="#97a3af", size=16,
                         title=f"<b>{escape(ref['label'])}</b><br>{escape(ref['name'] or '')}", url="", kind="")
    for r in rels:
        a, b = ids.get(r.get("_start")), ids.get(r.get("_end"))
        if a and b:
            net.add_edge(a, b, label=rel_name(r["_type"]), title=escape(rel_name(r["_type"])))
    grouped = _group_leaves(net)
    return _finish(net, {"drawn": len(ids), "total": len(nodes), "grouped": grouped})


#: More than this many end nodes of one label hanging off one node by one relationship type are
#: drawn as one group node (a console result of 60 paths through a hub stays legible).
GROUP_OVER = 6


def _group_leaves(net: Network) -> int:
    """Bundle the end nodes (one edge each) that share their one neighbour, label and relationship
    type into one node naming how many there are (their names in its tooltip); how many went."""
    degree: dict[str, int] = {}
    for e in net.edges:
        degree[e["from"]] = degree.get(e["from"], 0) + 1
        degree[e["to"]] = degree.get(e["to"], 0) + 1
    by_id = {n["id"]: n for n in net.nodes}
    bundles: dict[tuple, list[dict]] = {}
    for e in net.edges:
        for leaf, hub, outgoing in ((e["to"], e["from"], False), (e["from"], e["to"], True)):
            if degree.get(leaf) == 1 and degree.get(hub, 0) > 1 and by_id[leaf].get("kind"):
                bundles.setdefault((hub, by_id[leaf]["kind"], e.get("label"), outgoing), []).append(e)
    gone: set[str] = set()
    for (hub, label, rel, outgoing), edges in bundles.items():
        if len(edges) <= GROUP_OVER:
            continue
        leaves = [e["from"] if outgoing else e["to"] for e in edges]
        gid = f"group:{hub}:{label}:{rel}"
        spec = get_model().labels.get(label)
        names = [str(by_id[x].get("label") or "").replace("\n", " ") for x in leaves]
        title = "<br>".join(escape(n) for n in names[:30]) + ("<br>…" if len(names) > 30 else "")
        net.add_node(gid, label=gettext("%(n)s × %(label)s", n=len(leaves), label=label_name(label)),
                     shape=spec.shape if spec else "dot", color=spec.color if spec else "#97a3af", size=24,
                     title=title, url="", kind="group", borderWidth=2, shapeProperties={"borderDashes": [4, 2]})
        net.add_edge(gid, hub, label=rel, title=escape(rel or "")) if outgoing else \
            net.add_edge(hub, gid, label=rel, title=escape(rel or ""))
        gone.update(leaves)
    if gone:
        net.nodes = [n for n in net.nodes if n["id"] not in gone]
        net.edges = [e for e in net.edges if e["from"] not in gone and e["to"] not in gone]
    return len(gone)


def build_paths(result: dict) -> dict:
    """pyvis network data for the relationship finder's paths, in columns: the start on the left,
    the end on the right, each node in the column of its first step (many paths stay legible: the
    shared nodes are drawn once and the columns keep them apart)."""
    net = Network(directed=True, cdn_resources="local")
    ends = {(result["from"]["label"], result["from"]["key"]), (result["to"]["label"], result["to"]["key"])}
    end_id = f"{result['to']['label']}:{result['to']['key']}"
    level: dict[str, int] = {}
    longest = max((len(p["nodes"]) for p in result["paths"]), default=1)
    for p in result["paths"]:
        ids = []
        for i, n in enumerate(p["nodes"]):
            nid = f"{n['label']}:{n['key']}"
            ids.append(nid)
            level[nid] = min(level.get(nid, i), i)
            if nid not in net.get_nodes():
                big = (n["label"], n["key"]) in ends
                _add(net, nid, n["label"], n["name"], n["key"], {}, size=26 if big else 16, n=18 if big else 14,
                     borderWidth=3 if big else 1)
        for s in p["steps"]:
            a, b = ids[s["start"]], ids[s["end"]]
            if not any(e["from"] == a and e["to"] == b and e.get("rel") == s["type"] for e in net.edges):
                net.add_edge(a, b, label=rel_name(s["type"]), title=escape(rel_name(s["type"])), rel=s["type"])
    for node in net.nodes:
        node["level"] = longest - 1 if node["id"] == end_id else level.get(node["id"], 0)
    data = _finish(net)
    for e in data["edges"]:
        e.pop("rel", None)
    data["options"] = {**OPTIONS, "layout": {"randomSeed": SEED, "hierarchical": {
        "enabled": True, "direction": "LR", "sortMethod": "directed", "levelSeparation": 190, "nodeSpacing": 60,
        "shakeTowards": "roots"}},
        "physics": {"enabled": True, "solver": "hierarchicalRepulsion",
                    "hierarchicalRepulsion": {"nodeDistance": 70, "avoidOverlap": 0.6},
                    "stabilization": {"enabled": True, "iterations": 150, "updateInterval": 40, "fit": True}},
        "edges": {**OPTIONS["edges"], "smooth": {"enabled": True, "type": "cubicBezier", "forceDirection": "horizontal",
                                                "roundness": 0.4}}}
    data["drawn"] = data["total"] = len(data["nodes"])
    data["height"] = max(data["height"], min(720, 120 + 26 * max(
        sum(1 for lv in level.values() if lv == k) for k in set(level.values()))))
    return data


def build_ring(hit: dict, say_fn=say) -> dict | None:
    """A small graph of the firms a red flag links (a bid ring or a rotation): each pair the facts
    name joined by one edge, labelled with what links them. None for a hit that is no ring."""
    firms = [e for e in hit["evidence"] if e["route"] == "enterprise"]
    if len(firms) < 3 or hit["kind"] not in ("bid_ring", "bid_rotation"):
        return None
    by_name = {}
    for e in firms:
        by_name.setdefault(str(e["name"] or e["key"]), e)
    net = Network(directed=False, cdn_resources="local")
    for e in firms:
        _add(net, f"Enterprise:{e['key']}", "Enterprise", e["name"], e["key"], {}, n=12)
    for f in hit["facts"]:
        params = getattr(f, "params", {})
        a, b = by_name.get(str(params.get("a"))), by_name.get(str(params.get("b")))
        if not a or not b:
            continue
        if hit["kind"] == "bid_rotation":
            text = gettext("%(n)s× together", n=params.get("n"))
        else:
            text = say_fn(params.get("what"))
        net.add_edge(f"Enterprise:{a['key']}", f"Enterprise:{b['key']}", label=text, title=escape(say_fn(f)))
    data = _finish(net)
    data["options"] = {**OPTIONS, "edges": {**OPTIONS["edges"], "arrows": {"to": {"enabled": False}}}}
    data["height"] = min(data["height"], 320)
    return data
