"""The relationship finder: the shortest connections between two entities.

A breadth-first search from both ends at once, one catalog query per label and level
(``cypher/path_expand.cypher``), so it runs the same on both backends and uses the key indexes.
Hubs, nodes with more than ``path_hub_degree`` relationships and every Authority, are not
passed through unless asked (``with_hubs``): they connect everything and explain nothing. Every
shortest path is returned up to ``limit``, each step as a sentence in Chinese and English.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import islice

from .db import Graph
from .errors import InvalidInput, NotFound
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
        raise InvalidInput(f"实体写作 类型:编号，如 enterprise:91… / write an entity as KIND:ID ({routes}); got {text!r}")
    return route, key.strip()


def _expand(graph: Graph, frontier: list[tuple[str, str]], types: list[str], with_hubs: bool):
    by_label: dict[str, list[str]] = defaultdict(list)
    for label, key in frontier:
        by_label[label].append(key)
    for label, keys in by_label.items():
        for i in range(0, len(keys), 1000):
            rows = graph.query("path_expand", labels={"kind": label}, keys=keys[i:i + 1000], types=types,
                               with_hubs=with_hubs, hub_labels=get_model().path_hub_labels())
            for r in rows:
                yield label, r


def find(graph: Graph, source: str, target: str, max_hops: int | None = None, types: list[str] | None = None,
         with_hubs: bool = False, limit: int | None = None) -> dict:
    settings, model = graph.settings, get_model()
    max_hops = min(max_hops or settings.path_max_hops, settings.path_max_hops)
    limit = min(limit or settings.path_limit, 50)
    all_types = list(model.relationships)
    types = [t for t in (types or all_types) if t]
    unknown = [t for t in types if t not in model.relationships]
    if unknown:
        raise InvalidInput(f"未知的关系类型 / unknown relationship types: {', '.join(unknown)}")
    ends = []
    for text in (source, target):
        route, key = parse_ref(text)
        spec = model.by_route(route)
        found = graph.query("entity_exists", labels={"kind": spec.name}, key=key)
        if not found:
            raise NotFound(f"没有找到{spec.zh} {key} / {spec.en} {key} not found")
        ends.append(((spec.name, key), _public(found[0]["node"])))
    (a, a_props), (b, b_props) = ends
    info = {a: a_props, b: b_props}
    result = {"from": _node(a, a_props), "to": _node(b, b_props), "max_hops": max_hops, "types": types,
              "with_hubs": with_hubs, "limit": limit, "paths": [], "hubs_skipped": [], "notice": None}
    if a == b:
        raise InvalidInput("起点与终点相同 / the two ends are the same entity")
    hub = settings.path_hub_degree
    # side 0 searches from a, side 1 from b; parents[side][node] = [(prev, step)]
    dist = [{a: 0}, {b: 0}]
    parents: list[dict] = [defaultdict(list), defaultdict(list)]
    frontier = [[a], [b]]
    skipped: dict[tuple, int] = {}
    meet: list[tuple] = []
    hops = 0
    while hops < max_hops and frontier[0] and frontier[1] and not meet:
        side = 0 if len(frontier[0]) <= len(frontier[1]) else 1
        other_end = b if side == 0 else a
        nxt: dict[tuple, None] = {}
        for label, r in _expand(graph, frontier[side], types, with_hubs):
            spec = model.labels.get(r["label"])
            if spec is None:
                continue
            node = (r["label"], r["other"].get(spec.key))
            if node[1] is None:
                continue
            here = (label, r["key"])
            if not with_hubs and r["degree"] > hub and node != other_end:
                skipped[node] = r["degree"]
                info.setdefault(node, _public(r["other"]))
                continue
            if node in dist[side] and dist[side][node] <= dist[side][here]:
                continue
            dist[side].setdefault(node, dist[side][here] + 1)
            info.setdefault(node, _public(r["other"]))
            step = {"type": r["type"], "start": here if r["outgoing"] else node, "props": _public(r["props"])}
            parents[side][node].append((here, step))
            nxt[node] = None
        hops += 1
        frontier[side] = list(nxt)
        met = [n for n in frontier[side] if n in dist[1 - side]]
        if met:
            best = min(dist[0][n] + dist[1][n] for n in met)
            meet = [n for n in met if dist[0][n] + dist[1][n] == best]
        if len(frontier[side]) > FRONTIER_CAP:
            result["notice"] = (f"搜索范围过大，已在第 {hops} 层停止 / the search grew too wide and stopped after "
                                f"{hops} hops; choose fewer relationship types")
            break
    paths = list(islice(_paths(meet, parents, a, b), limit))
    result["paths"] = [_describe(p, info, model) for p in paths]
    result["hubs_skipped"] = [dict(_node(n, info[n]), degree=d) for n, d in sorted(skipped.items(), key=lambda x: -x[1])[:10]]
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
    return {"label": node[0], "route": spec.route, "key": node[1], "name": props.get(spec.name_prop) or node[1],
            "zh": spec.zh, "en": spec.en}


def _describe(path, info, model) -> dict:
    keys = path[0::2]
    nodes = [_node(n, info[n]) for n in keys]
    steps = []
    for i, step in enumerate(path[1::2]):
        rel = model.relationships[step["type"]]
        forward = step["start"] == keys[i]
        start, end = (i, i + 1) if forward else (i + 1, i)
        values = _Fmt({k: v for k, v in step["props"].items() if isinstance(v, (str, int, float))})
        values.update(a="\x00a\x00", b="\x00b\x00")
        item = {"type": step["type"], "forward": forward, "from": nodes[start]["key"], "to": nodes[end]["key"],
                "start": start, "end": end, "props": step["props"]}
        for lang, template in (("zh", rel.say_zh), ("en", rel.say_en)):
            filled = template.format_map(values).replace("（）", "").replace(" ()", "")
            # parts: text, or the index of the node the words refer to (rendered as a link)
            parts = [{"node": start if x == "a" else end} if i % 2 else {"text": x}
                     for i, x in enumerate(filled.split("\x00")) if x]
            item[f"{lang}_parts"] = parts
            item[lang] = "".join(nodes[p["node"]]["name"] if "node" in p else p["text"] for p in parts)
        steps.append(item)
    return {"length": len(steps), "nodes": nodes, "steps": steps,
            "zh": _join_zh(steps, nodes), "en": "; ".join(s["en"] for s in steps)}


def _join_zh(steps: list[dict], nodes: list[dict]) -> str:
    """张三 注册于 甲公司，并担任 X项目 的项目经理: a subject repeated from the step before becomes 并."""
    out, last = [], None
    for s in steps:
        parts = s["zh_parts"]
        subject = parts[0].get("node") if parts else None
        if out and subject is not None and subject == last:
            rest = parts[1:]
            if rest and "text" in rest[0]:
                rest = [{"text": rest[0]["text"].lstrip()}] + rest[1:]
            s["zh_chain"] = [{"text": "并"}] + rest
            text = "".join(nodes[p["node"]]["name"] if "node" in p else p["text"] for p in s["zh_chain"])
        else:
            s["zh_chain"] = parts
            text = s["zh"]
        out.append(text)
        last = subject
    return "，".join(out)
