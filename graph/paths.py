"""The relationship finder: the shortest connections between two entities.

A breadth-first search from both ends at once over element ids (``cypher/path_expand.cypher``:
one query per level and thousand nodes, whatever their labels, one record a node with its steps in a
list; a node found by its element id is read directly, on both backends), carrying ids only: the properties of the nodes and relationships
on the paths found, and of the hubs named, are read at the end (``path_nodes``, ``path_steps``).
Hubs, nodes with more than ``path_hub_degree`` relationships and every Authority, are not
passed through unless asked (``with_hubs``); a hub is found when the search reaches it (it is not
expanded, nor accepted as the meeting point): they connect everything and explain nothing. Every
shortest path is returned up to ``limit``, each step as a message (the relationship's ``say`` in
the model, with the type as message context); :func:`words` and :func:`sentence` say a path in
the language of the translations they are given.
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from itertools import islice

from .db import Graph
from .errors import InvalidInput, NotFound
from .matching import reason as match_reason
from .messages import N_, Message, Translator, msg
from .model import get_model
from .queries import _public

FRONTIER_CAP = 20_000  # nodes on one side's frontier before the search gives up


class _Fmt(dict):
    def __missing__(self, key):
        return ""


def parse_ref(text: str) -> tuple[str, str]:
    """``enterprise:91…`` → (route, key)."""
    route, sep, key = (text or "").partition(":")
    model = get_model()
    if not sep or not key or route not in {s.route for s in model.labels.values()}:
        routes = ", ".join(s.route for s in model.labels.values())
        raise InvalidInput(msg(N_("write an entity as KIND:ID ({routes}); got {text!r}"), routes=routes, text=text))
    return route, key.strip()


BATCH = 1000  # node ids per query
PARALLEL_FROM = 32  # a level of more nodes than twice this is asked in parts at once, on _POOL
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="chengxin-path")


def _batches(items: list, size: int = BATCH):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _expand(graph: Graph, frontier: list[str], types: list[str], with_hubs: bool, hub: int, ends: list[str]):
    """One step out from every node of the frontier (element ids), whatever their labels: one query
    per thousand nodes, a wide level in two parts or more asked at once, returning ids only
    (properties are read at the end for the paths found).
    Each node's degree comes with its rows; a hub (not an end) is not expanded: one row, no edge."""
    hub_labels = get_model().path_hub_labels()

    def one(ids: list[str]) -> list[dict]:
        return graph.query("path_expand", ids=ids, types=types, with_hubs=with_hubs, hub_degree=hub, ends=ends,
                           hub_labels=hub_labels)

    # A wide level is cut in two or more parts asked at once (the database runs a query on one core).
    size = BATCH if len(frontier) > 2 * BATCH else max(PARALLEL_FROM, -(-len(frontier) // 2))
    parts = list(_batches(frontier, size))
    results = _POOL.map(one, parts) if len(parts) > 1 else map(one, parts)
    for rows in results:
        for r in rows:
            if not r["steps"]:  # a hub, or nothing of the types asked for
                yield {"id": r["id"], "degree": r["degree"], "rel": None}
            for rel, kind, outgoing, other, label in r["steps"]:
                yield {"id": r["id"], "degree": r["degree"], "rel": rel, "type": kind, "outgoing": outgoing,
                       "other": other, "label": label}


def _degrees(graph: Graph, ids: list[str], known: dict[str, int]) -> dict[str, int]:
    """How many relationships each node has, read once per node per search."""
    missing = [i for i in dict.fromkeys(ids) if i not in known]
    for batch in _batches(missing):
        for r in graph.query("path_degrees", ids=batch):
            known[r["id"]] = r["degree"]
    return known


def find(graph: Graph, source: str, target: str, max_hops: int | None = None, types: list[str] | None = None,
         with_hubs: bool = False, limit: int | None = None) -> dict:
    settings, model = graph.settings, get_model()
    max_hops = min(max_hops or settings.path_max_hops, settings.path_max_hops)
    limit = min(limit or settings.path_limit, 50)
    all_types = list(model.relationships)
    types = [t for t in (types or all_types) if t]
    unknown = [t for t in types if t not in model.relationships]
    if unknown:
        raise InvalidInput(msg(N_("unknown relationship types: {types}"), types=", ".join(unknown)))
    ends = []
    for text in (source, target):
        route, key = parse_ref(text)
        spec = model.by_route(route)
        found = graph.query("entity_exists", labels={"kind": spec.name}, key=key)
        if not found:
            raise NotFound(msg(N_("{kind} {key} not found"), kind=msg(spec.title), key=key))
        ends.append((found[0]["id"], (spec.name, key), _public(found[0]["node"])))
    (a, a_node, a_props), (b, b_node, b_props) = ends
    result = {"from": _node(a_node, a_props), "to": _node(b_node, b_props), "max_hops": max_hops, "types": types,
              "with_hubs": with_hubs, "limit": limit, "paths": [], "hubs_skipped": [], "notice": None}
    if a == b:
        raise InvalidInput(msg(N_("the two ends are the same entity")))
    hub = settings.path_hub_degree
    # Nodes are element ids while searching. side 0 searches from a, side 1 from b;
    # parents[side][node] = [(prev, step)]
    dist = [{a: 0}, {b: 0}]
    parents: list[dict] = [defaultdict(list), defaultdict(list)]
    frontier = [[a], [b]]
    skipped: dict[str, int] = {}
    degree: dict[str, int] = {}
    meet: list[str] = []
    hops = 0
    while hops < max_hops and frontier[0] and frontier[1] and not meet:
        side = 0 if len(frontier[0]) <= len(frontier[1]) else 1
        nxt: dict[str, None] = {}
        # A node's degree is read when it is expanded (path_expand) or met, not when it is first
        # seen: most nodes of the last level are neither, and reading every degree cost more than
        # the expansion itself at scale 700.
        for r in _expand(graph, frontier[side], types, with_hubs, hub, [a, b]):
            here = r["id"]
            degree[here] = r["degree"]
            if r["rel"] is None:
                if not with_hubs and r["degree"] > hub and here not in (a, b):
                    skipped[here] = r["degree"]
                continue
            node = r["other"]
            if r["label"] not in model.labels or node in skipped:
                continue
            if node in dist[side] and dist[side][node] <= dist[side][here]:
                continue
            dist[side].setdefault(node, dist[side][here] + 1)
            step = {"type": r["type"], "start": here if r["outgoing"] else node, "rel": r["rel"]}
            parents[side][node].append((here, step))
            nxt[node] = None
        hops += 1
        frontier[side] = [n for n in nxt if n not in skipped]
        met = [n for n in frontier[side] if n in dist[1 - side]]
        if met and not with_hubs:
            _degrees(graph, [n for n in met if n not in (a, b)], degree)
            hubs = {n for n in met if n not in (a, b) and degree[n] > hub}
            for n in hubs:
                skipped[n] = degree[n]
            met = [n for n in met if n not in hubs]
            frontier[side] = [n for n in frontier[side] if n not in hubs]
        if met:
            best = min(dist[0][n] + dist[1][n] for n in met)
            meet = [n for n in met if dist[0][n] + dist[1][n] == best]
        if len(frontier[side]) > FRONTIER_CAP:
            result["notice"] = msg(N_("the search grew too wide and stopped after {hops} hops; choose fewer "
                                      "relationship types"), hops=hops)
            break
    found_paths = list(islice(_paths(meet, parents, a, b), limit))
    hubs = sorted(skipped.items(), key=lambda x: -x[1])[:10]
    # Only now the properties: of the nodes and relationships on the paths, and of the hubs shown.
    ids = list(dict.fromkeys([n for p in found_paths for n in p[0::2]] + [n for n, _ in hubs]))
    info = {a: (a_node, a_props), b: (b_node, b_props)}
    for batch in _batches([i for i in ids if i not in info]):
        for r in graph.query("path_nodes", ids=batch):
            spec = model.labels[r["label"]]
            props = _public(r["props"])
            info[r["id"]] = ((r["label"], props.get(spec.key)), props)
    steps = list({s["rel"]: s for p in found_paths for s in p[1::2]}.values())
    rel_props: dict[str, dict] = {}
    for batch in _batches([{"start": s["start"], "rel": s["rel"]} for s in steps]):
        for r in graph.query("path_steps", steps=batch):
            rel_props[r["rel"]] = _public(r["props"])
    keyed = []
    for p in found_paths:
        out = []
        for i, item in enumerate(p):
            if i % 2 == 0:
                out.append(info[item][0])
            else:
                out.append({"type": item["type"], "start": info[item["start"]][0], "props": rel_props.get(item["rel"], {})})
        keyed.append(out)
    props_by_node = {node: props for node, props in info.values()}
    result["paths"] = [_describe(p, props_by_node, model) for p in keyed]
    result["hubs_skipped"] = [dict(_node(*info[n]), degree=d) for n, d in hubs]
    result["searched_hops"] = hops
    return result


def _chains(node, parents, end):
    """Every chain of (node, step) from ``end`` to ``node`` along recorded parents."""
    if node == end:
        yield [node]
        return
    for prev, step in parents[node]:
        for chain in _chains(prev, parents, end):
            yield chain + [step, node]


def _paths(meet, parents, a, b):
    seen = set()
    for m in meet:
        for left in _chains(m, parents[0], a):
            for right in _chains(m, parents[1], b):
                # right runs b … m; turn it round to m … b
                tail = list(reversed(right))
                path = left + tail[1:]
                nodes = tuple(path[0::2])
                if len(set(nodes)) != len(nodes) or nodes in seen:
                    continue
                seen.add(nodes)
                yield path


def _node(node, props) -> dict:
    spec = get_model().labels[node[0]]
    return {"label": node[0], "route": spec.route, "key": node[1], "name": props.get(spec.name_prop) or node[1]}


def _describe(path, info, model) -> dict:
    keys = path[0::2]
    nodes = [_node(n, info[n]) for n in keys]
    steps = []
    for i, step in enumerate(path[1::2]):
        rel = model.relationships[step["type"]]
        forward = step["start"] == keys[i]
        start, end = (i, i + 1) if forward else (i + 1, i)
        values = {k: v for k, v in step["props"].items() if isinstance(v, (str, int, float))}
        if step["type"] in MATCH_TYPES:
            values["reason"] = match_reason(step["props"])  # a msgid and parameters, see graph.matching
        item = {"type": step["type"], "forward": forward, "from": nodes[start]["key"], "to": nodes[end]["key"],
                "start": start, "end": end, "props": step["props"],
                "say": Message(rel.say, {**values, "a": nodes[start]["name"], "b": nodes[end]["name"]}, context=rel.name)}
        steps.append(item)
    return {"length": len(steps), "nodes": nodes, "steps": steps}


MATCH_TYPES = {"SAME_AS", "POSSIBLY_SAME_AS", "BRANCH_OF"}


def words(path: dict, tr: Translator, chain: bool = False) -> list[list[dict]]:
    """Each step of a path as parts: ``{"text": …}``, or ``{"node": i}`` for the node the words
    refer to (a page renders it as a link). With ``chain`` a subject repeated from the step
    before becomes the catalogue's ``and`` (Chinese: 并)."""
    out, last = [], None
    for s in path["steps"]:
        say: Message = s["say"]
        values = _Fmt({k: (v.render(tr) if isinstance(v, Message) else v) for k, v in say.params.items()})  # a, b: below
        values.update(a="\x00a\x00", b="\x00b\x00")
        filled = say.template(tr).format_map(values).replace("（）", "").replace(" ()", "")
        parts = [{"node": s["start"] if x == "a" else s["end"]} if i % 2 else {"text": x}
                 for i, x in enumerate(filled.split("\x00")) if x]
        subject = parts[0].get("node") if parts else None
        if chain and out and subject is not None and subject == last:
            rest = parts[1:]
            if rest and "text" in rest[0]:
                rest = [{"text": rest[0]["text"].lstrip()}] + rest[1:]
            parts = [{"text": tr.pgettext("path", "and")}] + rest
        out.append(parts)
        last = subject
    return out


def sentence(path: dict, tr: Translator, chain: bool = False) -> str:
    """A path as one line of text in the language of ``tr``."""
    nodes = path["nodes"]
    return tr.pgettext("path", "; ").join(
        "".join(nodes[p["node"]]["name"] if "node" in p else p["text"] for p in parts)
        for parts in words(path, tr, chain))
