"""``chengxin export --format jsonl|csv|graphml|ftm [--around KIND:ID --depth N] OUT``.

- ``csv`` and ``jsonl`` write the CSV-folder tables (``docs/input-format.md``) that
  ``chengxin load`` reads back: node tables from the nodes (stubs are left to be made again from
  the references), relationship tables from the relationships; ``jsonl`` keeps numbers and
  booleans as they are. The links entity matching made are written beside them (``links``), not
  loaded back: matching makes them again.
- ``graphml``: every node and relationship with its properties, for Gephi, yEd, NetworkX.
- ``ftm``: FollowTheMoney entities, one JSON object a line (Company, Person, PublicBody,
  Sanction, Project, ProjectParticipant, Contract, ContractAward, Directorship, Ownership,
  Employment, UnknownLink), for Aleph and OpenSanctions tooling.

``--around KIND:ID --depth N`` exports the entity's neighbourhood instead of the whole graph.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections import defaultdict
from pathlib import Path

import networkx as nx

from .db import Graph
from .errors import InvalidInput
from .model import get_model
from .paths import _expand, parse_ref
from chengxin.loaders.rows import COLUMNS  # the folder format's columns, from its row models

DROP = {"stub", "loaded_at"}
MATCH_LINKS = {"SAME_AS", "BRANCH_OF", "POSSIBLY_SAME_AS"}


def _value(v):
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v


def collect(graph: Graph, around: str | None = None, depth: int = 1) -> tuple[dict, list]:
    """``({label: [props]}, [(type, a_label, a_key, b_label, b_key, props)])`` of the graph or a neighbourhood."""
    model = get_model()
    keys: dict[str, set] | None = None
    if around:
        route, key = parse_ref(around)
        spec = model.by_route(route)
        if not graph.query("entity_exists", labels={"kind": spec.name}, key=key):
            raise InvalidInput(f"没有找到 {around} / {around} not found")
        keys = {spec.name: {key}}
        frontier = [(spec.name, key)]
        for _ in range(max(depth, 0)):
            nxt = []
            for label, r in _expand(graph, frontier, list(model.relationships), with_hubs=True):
                other = model.labels.get(r["label"])
                if other is None:
                    continue
                k = r["other"].get(other.key)
                if k is not None and k not in keys.setdefault(other.name, set()):
                    keys[other.name].add(k)
                    if r["degree"] <= graph.settings.path_hub_degree:
                        nxt.append((other.name, k))
            frontier = nxt
    nodes: dict[str, list[dict]] = {}
    rels = []
    for spec in model.labels.values():
        wanted = None if keys is None else sorted(keys.get(spec.name, ()))
        if wanted == []:
            continue
        nodes[spec.name] = [r["p"] for r in graph.query("export_nodes", labels={"kind": spec.name}, keys=wanted)]
        for r in graph.query("export_rels", labels={"kind": spec.name}, keys=wanted):
            if keys is not None and r["b"] not in keys.get(r["b_label"], ()):
                continue
            rels.append((r["type"], spec.name, r["a"], r["b_label"], r["b"], r["p"]))
    return nodes, rels


# --- the CSV-folder tables ------------------------------------------------------------------

NODE_TABLES = {"Enterprise": "enterprises", "Person": "persons", "Project": "projects",
               "Qualification": "qualifications", "Award": "awards", "Penalty": "penalties"}
REL_TABLES = {
    "REGISTERED_AT": ("registrations", lambda a, b: {"person_id": a, "uscc": b}),
    "PARTICIPATES_IN": ("participations", lambda a, b: {"uscc": a, "project_code": b}),
    "WORKS_ON": ("project_staff", lambda a, b: {"person_id": a, "project_code": b}),
    "BID_ON": ("bids", lambda a, b: {"uscc": a, "tender_no": b}),
    "SUBCONTRACTED_TO": ("subcontracts", lambda a, b: {"from_uscc": a, "to_uscc": b}),
}


def tables(nodes: dict, rels: list) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    clean = lambda p: {k: _value(v) for k, v in p.items() if k not in DROP and v is not None}  # noqa: E731
    for label, table in NODE_TABLES.items():
        for p in nodes.get(label, []):
            if not p.get("stub"):
                out[table].append(clean(p))
    winners = defaultdict(list)
    for t, al, a, bl, b, p in rels:
        if t == "WON":
            winners[b].append((a, p.get("price")))
    for p in nodes.get("Tender", []):
        if p.get("stub"):
            continue
        row = clean(p)
        for w, price in winners.get(p["tender_no"]) or [(row.get("winner_uscc"), row.get("winning_price"))]:
            out["tenders"].append({**row, "winner_uscc": w, "winning_price": price if price is not None else row.get("winning_price")})
    for t, al, a, bl, b, p in rels:
        if t in REL_TABLES:
            table, keys = REL_TABLES[t]
            out[table].append({**clean(p), **keys(a, b)})
        elif t == "SHAREHOLDER_OF":
            out["shareholdings"].append({**clean(p), "holder_type": "person" if al == "Person" else "enterprise",
                                         "holder_id": a, "uscc": b})
        elif t in MATCH_LINKS:
            out["links"].append({**clean(p), "type": t, "from_uscc": a, "to_uscc": b})
    return out


def write_tables(data: dict[str, list[dict]], out: Path, fmt: str) -> dict[str, int]:

    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table, rows in data.items():
        if not rows:
            continue
        counts[table] = len(rows)
        if fmt == "jsonl":
            with open(out / f"{table}.jsonl", "w", encoding="utf-8") as f:
                for r in rows:
                    f.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
            continue
        first = COLUMNS.get(table, [])
        extra = sorted({k for r in rows for k in r} - set(first))
        with open(out / f"{table}.csv", "w", encoding="utf-8-sig", newline="") as f:
            w = csv.DictWriter(f, fieldnames=[c for c in first if any(c in r for r in rows)] + extra,
                               extrasaction="ignore", lineterminator="\n")
            w.writeheader()
            for r in rows:
                w.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                            for k, v in r.items()})
    return counts


# --- GraphML -------------------------------------------------------------------------------

def write_graphml(nodes: dict, rels: list, out: Path) -> dict[str, int]:
    """Every node (id ``Label:key``, attribute ``label``) and relationship (attribute ``type``) with
    its properties as text, written by networkx (installed with pyvis)."""
    model = get_model()
    g = nx.MultiDiGraph(id="chengxin")

    def attrs(p: dict, reserved: str, value: str) -> dict:
        """Properties as text; a property named like the reserved attribute keeps a suffix."""
        out = {(f"{k}_property" if k == reserved else k): str(_value(v)) if not isinstance(v, (list, dict))
               else json.dumps(v, ensure_ascii=False, default=str)
               for k, v in p.items() if k not in DROP and v is not None}
        out[reserved] = value
        return out

    for label, ps in nodes.items():
        key = model.labels[label].key
        for p in ps:
            g.add_node(f"{label}:{p.get(key)}", **attrs(p, "label", label))
    for i, (t, al, a, bl, b, p) in enumerate(rels):
        g.add_edge(f"{al}:{a}", f"{bl}:{b}", key=f"e{i}", **attrs(p, "type", t))
    out.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(g, out, encoding="utf-8", prettyprint=False)
    return {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}


# --- FollowTheMoney --------------------------------------------------------------------------

def ftm_id(label: str, key) -> str:
    return f"chengxin-{label.lower()}-" + hashlib.sha1(f"{label}:{key}".encode("utf-8")).hexdigest()[:16]


def _props(**values) -> dict:
    return {k: [str(_value(v))] for k, v in values.items() if v not in (None, "", [])}


def _country(name: str | None, uscc: str) -> str | None:
    if name and len(name) == 2:
        return name.lower()
    if (name and "china" in name.lower()) or (not name and ":" not in uscc):
        return "cn"
    return None


UNSTATED = "未注明发证机关 / issuing authority not stated"


def ftm_entities(nodes: dict, rels: list):
    # A License needs its authority: one not stated gets a body that says so.
    yield {"id": ftm_id("Authority", UNSTATED), "schema": "PublicBody", "properties": {"name": [UNSTATED], "country": ["cn"]}}
    model = get_model()
    for label, ps in nodes.items():
        key = model.labels[label].key
        for p in ps:
            eid = ftm_id(label, p.get(key))
            common = _props(sourceUrl=p.get("source_url"), publisher=p.get("source"))
            if label == "Enterprise":
                schema = "Company"
                uscc = str(p.get("uscc"))
                extra = _props(name=p.get("name") or uscc, address=p.get("address"), phone=p.get("phone"),
                               incorporationDate=p.get("established"), country=_country(p.get("country"), uscc),
                               registrationNumber=uscc if ":" not in uscc else None,
                               idNumber=uscc if ":" in uscc and not uscc.startswith("XX-NAME:") else None,
                               sector=p.get("type"), alias=p.get("alt_name"))
            elif label == "Person":
                schema, extra = "Person", _props(name=p.get("name") or p.get("person_id"), gender={"男": "male", "女": "female"}.get(p.get("gender")))
            elif label == "Authority":
                schema, extra = "PublicBody", _props(name=p.get("name"), country="cn")
            elif label == "Project":
                schema = "Project"
                extra = _props(name=p.get("name") or p.get("project_code"), projectId=p.get("project_code"), startDate=p.get("start_date"),
                               endDate=p.get("completion_date"), status=p.get("status"), address=p.get("address"),
                               amount=p.get("total_investment") * 10000 if isinstance(p.get("total_investment"), (int, float)) else None,
                               currency="CNY" if p.get("total_investment") is not None else None)
            elif label == "Tender":
                schema = "Contract"
                extra = _props(title=p.get("title") or p.get("section") or p.get("tender_no"), name=p.get("tender_no"),
                               procedureNumber=p.get("tender_no"), method=p.get("method"), contractDate=p.get("open_date"))
            elif label == "Penalty":
                schema = "Sanction"
                extra = _props(recordId=p.get("penalty_id"), program=p.get("measure"), reason=p.get("description"),
                               authority=p.get("authority"), startDate=p.get("decision_date"),
                               endDate=p.get("valid_until"), status="listed" if p.get("listed", True) else "delisted",
                               provisions=p.get("legal_basis"))
            elif label == "Qualification":
                schema = "License"
                extra = _props(name=p.get("label") or p.get("cert_no"), procedureNumber=p.get("cert_no"),
                               authority=ftm_id("Authority", p.get("authority") or UNSTATED),
                               type=p.get("category"))
            else:
                continue
            yield {"id": eid, "schema": schema, "properties": {**common, **extra}}
    for t, al, a, bl, b, p in rels:
        s, o = ftm_id(al, a), ftm_id(bl, b)
        rid = "chengxin-link-" + hashlib.sha1(f"{t}:{al}:{a}:{bl}:{b}:{p.get('role', '')}".encode()).hexdigest()[:16]
        common = _props(sourceUrl=p.get("source_url"), publisher=p.get("source"))
        if t == "PENALIZED":
            yield {"id": o + "-subject", "schema": "Sanction", "properties": {"entity": [s]}, "_merge": o}
            continue
        mapping = {
            "PARTICIPATES_IN": ("ProjectParticipant", _props(participant=s, project=o, role=p.get("role"),
                                                             startDate=p.get("start"), endDate=p.get("end"))),
            "OWNS": ("ProjectParticipant", _props(participant=s, project=o, role="建设单位 / owner")),
            "WON": ("ContractAward", _props(supplier=s, contract=o, amount=p.get("price"), role="中标 / winner")),
            "LEGAL_REP_OF": ("Directorship", _props(director=s, organization=o, role="法定代表人 / legal representative")),
            "SHAREHOLDER_OF": ("Ownership", _props(owner=s, asset=o, percentage=p.get("share_pct"))),
            "REGISTERED_AT": ("Employment", _props(employee=s, employer=o, role=p.get("reg_type"),
                                                   startDate=p.get("valid_from"), endDate=p.get("valid_until"))),
        }
        if t in mapping:
            schema, props = mapping[t]
        else:
            schema, props = "UnknownLink", _props(subject=s, object=o, role=t)
        yield {"id": rid, "schema": schema, "properties": {**common, **props}}


def write_ftm(nodes: dict, rels: list, out: Path) -> dict[str, int]:
    entities: dict[str, dict] = {}
    for e in ftm_entities(nodes, rels):
        target = e.pop("_merge", None)
        if target:
            if target in entities:
                for k, v in e["properties"].items():
                    entities[target]["properties"].setdefault(k, []).extend(x for x in v if x not in entities[target]["properties"].get(k, []))
            continue
        entities[e["id"]] = e
    out.parent.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = defaultdict(int)
    with open(out, "w", encoding="utf-8") as f:
        for e in entities.values():
            counts[e["schema"]] += 1
            f.write(json.dumps(e, ensure_ascii=False) + "\n")
    return dict(counts)


def export(graph: Graph, fmt: str, out: Path, around: str | None = None, depth: int = 1) -> dict:
    nodes, rels = collect(graph, around, depth)
    out = Path(out)
    if fmt in ("csv", "jsonl"):
        counts = write_tables(tables(nodes, rels), out, fmt)
    elif fmt == "graphml":
        counts = write_graphml(nodes, rels, out if out.suffix else out / "chengxin.graphml")
    elif fmt == "ftm":
        counts = write_ftm(nodes, rels, out if out.suffix else out / "chengxin.ftm.json")
    else:
        raise InvalidInput(f"unknown export format {fmt!r} (jsonl, csv, graphml, ftm)")
    return {"format": fmt, "out": str(out), "nodes": sum(len(v) for v in nodes.values()), "relationships": len(rels),
            "written": counts}
