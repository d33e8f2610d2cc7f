"""``chengxin export --format jsonl|csv|graphml|ftm [--around KIND:ID --depth N] OUT``.

- ``csv`` and ``jsonl`` write the CSV-folder tables (``docs/input-format.md``) that
  ``chengxin load`` reads back: node tables from the nodes (stubs are left to be made again from
  the references), relationship tables from the relationships; ``jsonl`` keeps numbers and
  booleans as they are. The links entity matching made are written beside them (``links``), not
  loaded back: matching makes them again.
- ``graphml``: every node and relationship with its properties, for Gephi, yEd, NetworkX.
- ``ftm``: FollowTheMoney entities, one JSON object a line (Company, Person, PublicBody,
  Sanction, Project, ProjectParticipant, Contract, ContractAward, Directorship, Ownership,
  Employment, UnknownLink), made with the ``followthemoney`` model's ``make_entity`` (so every
  property is checked against the schema and every value cleaned by its type), for Aleph and
  OpenSanctions tooling.

``--around KIND:ID --depth N`` exports the entity's neighbourhood instead of the whole graph.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections import defaultdict
from pathlib import Path
from typing import Iterator

import networkx as nx
from followthemoney import model as ftm_model
from followthemoney.proxy import EntityProxy

from .db import Graph
from .errors import InvalidInput
from .model import get_model
from .paths import _batches, _degrees, _expand, parse_ref
from .vocabulary import term, zh
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
        found = graph.query("entity_exists", labels={"kind": spec.name}, key=key)
        if not found:
            raise InvalidInput(f"没有找到 {around} / {around} not found")
        keys = {spec.name: {key}}
        # The relationship finder's walk over element ids (graph.paths); a hub is listed, not expanded.
        frontier, seen = [found[0]["id"]], {found[0]["id"]}
        for _ in range(max(depth, 0)):
            new = list(dict.fromkeys(r["other"] for r in _expand(graph, frontier, list(model.relationships), True, 0, [])
                                     if r["rel"] is not None and r["label"] in model.labels and r["other"] not in seen))
            seen.update(new)
            degree = _degrees(graph, new, {})
            frontier = []
            for batch in _batches(new):
                for r in graph.query("path_nodes", ids=batch):
                    other = model.labels[r["label"]]
                    k = r["props"].get(other.key)
                    if k is not None and k not in keys.setdefault(other.name, set()):
                        keys[other.name].add(k)
                        if degree.get(r["id"], 0) <= graph.settings.path_hub_degree:
                            frontier.append(r["id"])
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


#: A project's life (issue 16): each stage's table, its key, and the references its rows hold as columns
#: (a relationship type out of the stage: the column that names the far end).
STAGE_TABLES = {"Contract": "contracts", "DrawingReview": "drawing_reviews", "Permit": "permits",
                "Completion": "completions", "Performance": "performances"}
STAGE_REFS = {"STAGE_OF": "project_code", "RESTS_ON": "review_no", "UNDER_PERMIT": "permit_no"}
STAGE_NAMES = {"Contract": "contract", "DrawingReview": "drawing_review", "Permit": "permit",
               "Completion": "completion", "Performance": "performance", "Tender": "tender"}


def _stage_tables(nodes: dict, rels: list, out: dict, clean) -> None:
    """The stage tables and the firms and people each stage names, from the stage nodes and their
    relationships (a performance's own firm is its row's ``uscc``, not a stage_parties row)."""
    model = get_model()
    refs: dict[tuple[str, str], dict] = defaultdict(dict)
    names = {p.get("person_id"): p.get("name") for p in nodes.get("Person", [])}
    firms = {p.get("uscc"): p.get("name") for p in nodes.get("Enterprise", [])}
    for t, al, a, bl, b, p in rels:
        if al in STAGE_TABLES and t in STAGE_REFS:
            refs[al, a][STAGE_REFS[t]] = b
        elif t == "PARTY_TO" and bl == "Performance" and p.get("role") == "performer":
            refs[bl, b].update({"uscc": a, "enterprise_name": firms.get(a)})
        elif t == "PARTY_TO":
            out["stage_parties"].append({**clean(p), "stage": STAGE_NAMES[bl], "stage_key": b, "uscc": a})
        elif t == "NAMED_ON":
            row = {**clean(p), "stage": STAGE_NAMES[bl], "stage_key": b, "person_id": a}
            if names.get(a):
                row["name"] = names[a]
            out["stage_people"].append(row)
    for label, table in STAGE_TABLES.items():
        key = model.labels[label].key
        for p in nodes.get(label, []):
            if not p.get("stub"):
                out[table].append({**clean(p), **refs.get((label, p.get(key)), {})})


def tables(nodes: dict, rels: list) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    clean = lambda p: {k: _value(v) for k, v in p.items() if k not in DROP and v is not None}  # noqa: E731
    for label, table in NODE_TABLES.items():
        for p in nodes.get(label, []):
            if not p.get("stub"):
                out[table].append(clean(p))
    _stage_tables(nodes, rels, out, clean)
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


def _entity(schema: str, eid: str, /, **values) -> EntityProxy:
    """One entity made by the FollowTheMoney model: an unknown property raises, and each value is
    cleaned by its property's type (dates, countries, amounts, entity references)."""
    entity = ftm_model.make_entity(schema)
    entity.id = eid
    _add(entity, **values)
    return entity


def _add(proxy: EntityProxy, /, **values) -> None:
    for prop, v in values.items():
        if v in (None, "", []):
            continue
        # FtM's phone type keeps only numbers it can read as international ones, and a Chinese
        # number is usually written the local way (0791-86888888): phones are kept as given.
        proxy.add(prop, str(_value(v)), cleaned=prop == "phone")


def _country(name: str | None, uscc: str) -> str | None:
    if name and len(name) == 2:
        return name.lower()
    if (name and "china" in name.lower()) or (not name and ":" not in uscc):
        return "cn"
    return None


UNSTATED = "未注明发证机关 / issuing authority not stated"


def ftm_entities(nodes: dict, rels: list) -> Iterator[EntityProxy]:
    """The graph as FollowTheMoney entities; a Sanction names the entities it was decided against."""
    # A License needs its authority: one not stated gets a body that says so.
    yield _entity("PublicBody", ftm_id("Authority", UNSTATED), name=UNSTATED, country="cn")
    sanctions: dict[str, EntityProxy] = {}
    model = get_model()
    for label, ps in nodes.items():
        key = model.labels[label].key
        for p in ps:
            eid = ftm_id(label, p.get(key))
            common = {"sourceUrl": p.get("source_url"), "publisher": p.get("source")}
            if label == "Enterprise":
                uscc = str(p.get("uscc"))
                e = _entity("Company", eid, **common, name=p.get("name") or uscc, address=p.get("address"),
                            phone=p.get("phone"), incorporationDate=p.get("established"),
                            country=_country(p.get("country"), uscc),
                            registrationNumber=uscc if ":" not in uscc else None,
                            idNumber=uscc if ":" in uscc and not uscc.startswith(("XX-NAME:", "XX-LIST:")) else None,
                            sector=p.get("type"), alias=p.get("alt_name"))
            elif label == "Person":
                e = _entity("Person", eid, **common, name=p.get("name") or p.get("person_id"),
                            gender={"男": "male", "女": "female"}.get(p.get("gender")))
            elif label == "Authority":
                e = _entity("PublicBody", eid, **common, name=p.get("name"), country="cn")
            elif label == "Project":
                investment = p.get("total_investment")
                e = _entity("Project", eid, **common, name=p.get("name") or p.get("project_code"),
                            projectId=p.get("project_code"), startDate=p.get("start_date"),
                            endDate=p.get("completion_date"), status=p.get("status"), address=p.get("address"),
                            amount=investment * 10000 if isinstance(investment, (int, float)) else None,
                            currency="CNY" if investment is not None else None)
            elif label == "Tender":
                e = _entity("Contract", eid, **common, title=p.get("title") or p.get("section") or p.get("tender_no"),
                            name=p.get("tender_no"), procedureNumber=p.get("tender_no"), method=p.get("method"),
                            contractDate=p.get("open_date"))
            elif label == "Penalty":
                e = _entity("Sanction", eid, **common, recordId=p.get("penalty_id"), program=p.get("measure"),
                            reason=p.get("description"), authority=p.get("authority"),
                            startDate=p.get("decision_date"), endDate=p.get("valid_until"),
                            status="listed" if p.get("listed", True) else "delisted", provisions=p.get("legal_basis"))
                sanctions[eid] = e
                continue  # written once the entities it was decided against are added
            elif label == "Qualification":
                e = _entity("License", eid, **common, name=p.get("label") or p.get("cert_no"),
                            procedureNumber=p.get("cert_no"),
                            authority=ftm_id("Authority", p.get("authority") or UNSTATED), type=p.get("category"))
            else:
                continue
            yield e
    owner = f"{zh('participation_roles', 'owner')} / {term('participation_roles', 'owner').en}"
    for t, al, a, bl, b, p in rels:
        s, o = ftm_id(al, a), ftm_id(bl, b)
        if t == "PENALIZED":
            if o in sanctions:
                _add(sanctions[o], entity=s)
            continue
        rid = "chengxin-link-" + hashlib.sha1(f"{t}:{al}:{a}:{bl}:{b}:{p.get('role', '')}".encode()).hexdigest()[:16]
        common = {"sourceUrl": p.get("source_url"), "publisher": p.get("source")}
        mapping = {
            "PARTICIPATES_IN": ("ProjectParticipant", dict(participant=s, project=o, role=p.get("role"),
                                                           startDate=p.get("start"), endDate=p.get("end"))),
            "OWNS": ("ProjectParticipant", dict(participant=s, project=o, role=owner)),
            "WON": ("ContractAward", dict(supplier=s, contract=o, amount=p.get("price"), role="中标 / winner")),
            "LEGAL_REP_OF": ("Directorship", dict(director=s, organization=o, role="法定代表人 / legal representative")),
            "SHAREHOLDER_OF": ("Ownership", dict(owner=s, asset=o, percentage=p.get("share_pct"))),
            "REGISTERED_AT": ("Employment", dict(employee=s, employer=o, role=p.get("reg_type"),
                                                 startDate=p.get("valid_from"), endDate=p.get("valid_until"))),
        }
        schema, props = mapping.get(t, ("UnknownLink", dict(subject=s, object=o, role=t)))
        yield _entity(schema, rid, **common, **props)
    yield from sanctions.values()


def write_ftm(nodes: dict, rels: list, out: Path) -> dict[str, int]:
    entities: dict[str, EntityProxy] = {}
    for e in ftm_entities(nodes, rels):
        entities[e.id] = e
    out.parent.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = defaultdict(int)
    with open(out, "w", encoding="utf-8") as f:
        for e in entities.values():
            counts[e.schema.name] += 1
            f.write(json.dumps(e.to_dict(), ensure_ascii=False) + "\n")
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
