"""Repository functions: one per catalog query (``cypher/NAME.cypher`` ↔ ``queries.NAME()``),
returning plain data shaped for the pages and their JSON twins."""

from __future__ import annotations

import datetime as dt

from .db import Graph
from .errors import NotFound
from .privacy import PRIVATE_PROPERTIES
from .integrity import in_force, is_restrictive, sanction_status
from .messages import N_, msg
from .vocabulary import role_rank, term
from .model import get_model


def _false_performance_words() -> tuple[str, ...]:
    try:
        t = term("measures", "false_performance")
    except KeyError:
        t = None
    return tuple(dict.fromkeys(((t.get("words") or [t.zh]) if t else []) + ["虚假业绩"]))


FALSE_PERFORMANCE_WORDS = _false_performance_words()


def is_false_performance(measure: str | None) -> bool:
    """A penalty of the platform's false-performance list (虚假业绩)."""
    return bool(measure) and any(w in measure for w in FALSE_PERFORMANCE_WORDS)


def stats(graph: Graph) -> dict:
    """Nodes per label and relationships per type, from the database's own counts: a few
    milliseconds at any size (:meth:`graph.backend.Backend.type_counts`)."""
    labels, types = graph.backend.type_counts(graph)
    return {"labels": labels, "relationships": types}


def stats_scan(graph: Graph) -> dict:
    """The same counts by scanning the whole graph: what :func:`stats` did before; the bench
    times the two side by side and the tests check they agree. Times out on a large graph."""
    return {
        "labels": {r["label"]: r["n"] for r in graph.query("stats_labels")},
        "relationships": {r["type"]: r["n"] for r in graph.query("stats_relationships")},
    }


def node_count(graph: Graph) -> int:
    return graph.query("node_count")[0]["n"]


# --- entity pages ---------------------------------------------------------------------------

def _public(d):
    if isinstance(d, dict):
        return {k: _public(v) for k, v in d.items() if k not in PRIVATE_PROPERTIES}
    if isinstance(d, list):
        return [_public(v) for v in d]
    return d


def _by_date(items: list[dict], *fields: str) -> list[dict]:
    def key(item):
        for f in fields:
            if item.get(f) is not None:
                return item[f]
        return dt.date.min
    return sorted(items, key=key, reverse=True)


def _firm_names(graph: Graph, rows: list[dict]) -> None:
    codes = sorted({r["uscc"] for r in rows if r.get("uscc")})
    if codes:
        names = {r["uscc"]: r["name"] for r in graph.query("enterprise_names", usccs=codes)}
        for r in rows:
            if r.get("uscc"):
                r["enterprise_name"] = names.get(r["uscc"])


def _sources(*groups) -> list[dict]:
    seen: dict[tuple, None] = {}
    for g in groups:
        for item in g if isinstance(g, list) else [g]:
            if isinstance(item, dict) and item.get("source"):
                seen.setdefault((item["source"], item.get("source_url")), None)
    return [{"source": s, "source_url": u} for s, u in seen]


#: Lists a page shows whole, paged by its table (web/tables.py), not cut at ``page_row_cap``; an
#: authority's penalties up to ``AUTHORITY_PENALTY_LIMIT`` (the page's total says when there are more).
UNCAPPED = {("authority", "penalties")}
AUTHORITY_PENALTY_LIMIT = 20000


def profile(graph: Graph, route: str, key: str, today: dt.date | None = None, *,
            penalty_limit: int = AUTHORITY_PENALTY_LIMIT, list_limit: int | None = None) -> dict:
    """The view model of an entity page (and its JSON twin); raises NotFound. An authority's
    penalties are the latest ``penalty_limit``, its awards and certificates ``list_limit`` at most
    (``page_row_cap``): a first view reads only the table's first page and shorter lists."""
    spec = get_model().by_route(route)
    params = {spec.key: key}
    if route == "authority":
        params["limit"] = min(list_limit or graph.settings.page_row_cap, graph.settings.page_row_cap)
        params["penalty_limit"] = min(penalty_limit, AUTHORITY_PENALTY_LIMIT)
    rows = graph.query(f"{route}_profile", **params)
    if not rows:
        raise NotFound(msg(N_("{kind} {key} not found"), kind=msg(spec.title), key=key))
    data = rows[0]
    today = today or dt.date.today()
    shape = _SHAPERS.get(route)
    if shape:
        shape(graph, data, today)
    main = data.get(route) or {}
    cap = graph.settings.page_row_cap
    truncated = {}
    for name, value in list(data.items()):
        if (route, name) in UNCAPPED:
            continue
        if isinstance(value, list) and len(value) > cap:
            truncated[name] = len(value)
            data[name] = value[:cap]
    data = _public(data)
    data["kind"] = spec.name
    data["key"] = key
    data["truncated"] = truncated
    data["sources"] = _sources(main, *[v for v in data.values() if isinstance(v, list)])
    data["today"] = today
    return data


def _enterprise(graph: Graph, d: dict, today: dt.date) -> None:
    d["penalties"] = _by_date(d["penalties"], "decision_date")
    d["sanction"] = sanction_status(d["penalties"], today)
    for q in d["qualifications"]:
        q["valid"] = q.get("expires") is None or q["expires"] >= today
    d["qualifications"].sort(key=lambda q: (not q["valid"], q.get("category") or ""))
    d["projects"] = _by_date(d["projects"], "start_date")
    d["owned"] = _by_date(d["owned"], "start_date")
    d["bids"] = _by_date(d["bids"], "open_date")
    d["awards"] = _by_date(d["awards"], "date")
    for r in d["registered"]:
        r["valid"] = r.get("valid_until") is None or r["valid_until"] >= today
    d["registered"].sort(key=lambda r: (not r["valid"], r.get("reg_type") or "", r.get("name") or ""))
    d["false_performance"] = [p for p in d["penalties"] if is_false_performance(p.get("measure"))]


def _project(graph: Graph, d: dict, today: dt.date) -> None:
    d["participants"].sort(key=lambda r: role_rank(r.get("role")))
    _firm_names(graph, d["staff"])
    for t in d["tenders"]:
        t["bidders"].sort(key=lambda b: b.get("rank") or 999)
    d["penalties"] = _by_date(d["penalties"], "decision_date")
    unique = {tuple(sorted(s.items())): s for s in d["subcontracts"]}
    d["subcontracts"] = list(unique.values())
    d["timeline"] = timeline(d)
    d["false_performance"] = [p for p in d["penalties"] if is_false_performance(p.get("measure"))]


# --- a project's life: the timeline of its stages ------------------------------------------------

#: The stages of a project's life in their order, with the label of each record and its title.
STAGES = (("tender", "Tender", N_("Tender result")), ("contract", "Contract", N_("Contract record")),
          ("drawing_review", "DrawingReview", N_("Drawing review")), ("permit", "Permit", N_("Construction permit")),
          ("completion", "Completion", N_("Completion record")), ("performance", "Performance", N_("Performance record")))
#: The roles a stage record gives firms (PARTY_TO) and people (NAMED_ON), by vocabulary code.
STAGE_ROLE_NAMES = {
    "owner": N_("owner"), "contractor": N_("contractor"), "union_member": N_("joint-venture member"),
    "supervisor": N_("supervisor"), "surveyor": N_("surveyor"), "designer": N_("designer"),
    "reviewer": N_("drawing review body"), "performer": N_("performing firm"), "winner": N_("winner"),
    "project_manager": N_("project manager"), "chief_supervisor": N_("chief supervising engineer"),
    "project_lead": N_("project lead"), "technical_lead": N_("technical lead"), "discipline_lead": N_("discipline lead"),
    "principal_designer": N_("principal designer"),
}


def role_name(code):
    """A stage role's name as a message (a role the vocabulary does not know, as it is)."""
    return msg(STAGE_ROLE_NAMES[code]) if code in STAGE_ROLE_NAMES else code


def _named(items: list[dict] | None) -> list[dict]:
    return [{**i, "role_name": role_name(i.get("role"))} for i in items or []]


def _route(label: str) -> str | None:
    spec = get_model().labels.get(label)
    return spec.route if spec else None


def timeline(d: dict) -> list[dict]:
    """The project's chain tender result → contract → drawing review → permit → completion (and the
    performance records), one entry per record in the stages' order, each with its date, amount, firms
    and people; ``flags`` is filled by :func:`mark_timeline`."""
    entries = []

    def add(stage, label, key, date, amount=None, period=None, firms=(), people=(), detail=None):
        rank = [s[0] for s in STAGES].index(stage)
        entries.append({"stage": stage, "stage_name": msg(STAGES[rank][2]), "label": label, "route": _route(label),
                        "key": key, "date": date, "amount": amount, "period": period, "firms": _named(list(firms)),
                        "people": _named(list(people)), "detail": detail, "flags": [], "_rank": rank})

    for t in d.get("tenders", []):
        winner = [{**t["winner"], "role": "winner"}] if t.get("winner") else []
        add("tender", "Tender", t["tender_no"], t.get("open_date"), t.get("winning_price"), None, winner,
            t.get("people"), t.get("section"))
    for c in d.get("contracts", []):
        add("contract", "Contract", c["contract_id"], c.get("signed_date"), c.get("amount"), None, c.get("parties"),
            (), c.get("contract_no"))
    for r in d.get("reviews", []):
        add("drawing_review", "DrawingReview", r["review_no"], r.get("review_date"), None, None, r.get("parties"), (),
            r.get("reviewer_name"))
    for s in d.get("permits", []):
        add("permit", "Permit", s["permit_no"], s.get("issued"), s.get("amount"),
            (s.get("planned_start"), s.get("planned_end")), s.get("parties"), s.get("people"))
    for c in d.get("completions", []):
        add("completion", "Completion", c["completion_no"], c.get("end_date"), c.get("fact_cost"),
            (c.get("start_date"), c.get("end_date")), c.get("parties"), c.get("people"), c.get("permit"))
    for f in d.get("performances", []):
        add("performance", "Performance", f["perf_no"], f.get("end_date"), None, (f.get("start_date"), f.get("end_date")),
            f.get("parties"), f.get("people"), f.get("qualification_standard"))
    entries.sort(key=lambda e: (e["_rank"], e["date"] or dt.date.min, e["key"]))
    for e in entries:
        del e["_rank"]
    return entries


def mark_timeline(entries: list[dict], hits: list[dict] | None) -> None:
    """Each timeline entry gets the red-flag hits that name its record (``kind``, ``key``, ``title``)."""
    for e in entries:
        e["flags"] = [{"kind": h["kind"], "key": h["key"], "title": h["title"]} for h in hits or []
                      if any(r["route"] == e["route"] and r["key"] == e["key"] for r in h["evidence"])]


def _stage(name: str):
    def shape(graph: Graph, d: dict, today: dt.date) -> None:
        for field in ("parties", "people"):
            if field in d:
                d[field] = _named(d[field])
    return shape


def _person(graph: Graph, d: dict, today: dt.date) -> None:
    d["named_on"] = _by_date(_named(d.get("named_on")), "start")
    _firm_names(graph, d["projects"])
    d["projects"] = _by_date(d["projects"], "start")
    d["registrations"] = _by_date(d["registrations"], "valid_from")
    for r in d["registrations"]:
        r["valid"] = r.get("valid_until") is None or r["valid_until"] >= today
    d["penalties"] = _by_date(d["penalties"], "decision_date")
    d["sanction"] = sanction_status(d["penalties"], today)


def _authority(graph: Graph, d: dict, today: dt.date) -> None:
    # The query's order (latest first, then by id), whatever order the list came back in: the first
    # view's one page and the whole list's first page are the same rows.
    d["penalties"] = _by_date(sorted(d["penalties"], key=lambda p: p.get("penalty_id") or ""), "decision_date")


def _penalty(graph: Graph, d: dict, today: dt.date) -> None:
    d["in_force"] = in_force(d["penalty"], today)
    d["restrictive"] = is_restrictive(d["penalty"].get("measure"))


def _tender(graph: Graph, d: dict, today: dt.date) -> None:
    d["bidders"].sort(key=lambda b: b.get("rank") or 999)


_SHAPERS = {"tender": _tender, "enterprise": _enterprise, "project": _project, "person": _person,
            "authority": _authority, "penalty": _penalty}
_SHAPERS.update({route: _stage(route) for route in filter(None, map(_route, [s[1] for s in STAGES[1:]]))})


def neighbourhood(graph: Graph, route: str, key: str, per_type: int = 12, skip: int = 0,
                  rel_type: str | None = None) -> dict:
    """The entity and up to ``per_type`` neighbours per relationship type (from the ``skip``-th on,
    of ``rel_type`` only if given: the next page of one type), with the totals."""
    spec = get_model().by_route(route)
    found = graph.query("entity_exists", labels={"kind": spec.name}, key=key)
    if not found:
        raise NotFound(msg(N_("{kind} {key} not found"), kind=msg(spec.title), key=key))
    rows = graph.query("neighbourhood", labels={"kind": spec.name}, key=key, per_type=per_type, skip=skip,
                       type=rel_type)
    model = get_model()
    totals: dict[str, int] = {}
    neighbours = []
    for r in rows:
        totals[r["type"]] = r["total"]
        other_spec = model.labels.get(r["label"])
        if other_spec is None:
            continue
        other = _public(r["other"])
        neighbours.append({
            "type": r["type"], "outgoing": r["outgoing"], "label": r["label"],
            "key": other.get(other_spec.key), "name": other.get(other_spec.name_prop), "props": other,
        })
    center = _public(found[0]["node"])
    return {"center": {"label": spec.name, "key": key, "name": center.get(spec.name_prop), "props": center},
            "neighbours": neighbours, "totals": totals, "per_type": per_type, "skip": skip}


def graph_marks(graph: Graph, usccs: list[str], today: dt.date) -> set[str]:
    """The firms among ``usccs`` with a penalty in force on ``today`` (marked in the graph view)."""
    return {r["uscc"] for r in graph.query("graph_marks", usccs=list(usccs), today=today)} if usccs else set()


#: Days looked back in turn for the newest penalties, each an index lookup per day; beyond them
#: every penalty is sorted (``recent_penalties_scan``). ArcadeDB's Cypher reads an index in order
#: for neither ORDER BY nor a range (both scan the label: 0.5 s for 33,600 penalties at scale 700),
#: but answers an equality in under a millisecond.
RECENT_WINDOWS = (31, 92, 365, 1461)


def recent_penalties(graph: Graph, limit: int = 10, today: dt.date | None = None) -> list[dict]:
    """The newest ``limit`` penalties decided up to ``today``, newest first."""
    today = today or dt.date.today()
    found: list[dict] = []
    back = 0
    for span in RECENT_WINDOWS:
        days = [today - dt.timedelta(days=i) for i in range(back, back + span)]
        found += graph.query("recent_penalties", days=days, limit=limit - len(found))
        back += span
        if len(found) >= limit:
            return found
    return graph.query("recent_penalties_scan", limit=limit)
