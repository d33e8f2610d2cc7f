"""Investigators' pages, each with its JSON twin under /api/: red flags (``/flags``,
``/flags/<kind>``), the relationship finder (``/path``), bidding eligibility
(``/eligibility/<uscc>``) and the risk score (``/risk``, ``/risk/<uscc>``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading

from cachetools import LRUCache
from flask import Blueprint, Response, request
from flask_babel import get_translations, gettext

from chengxin.cypher import get_query
from chengxin.graph import eligibility, flags, paths, regions, risk, search
from chengxin.graph.errors import InvalidInput
from chengxin.graph.messages import N_, msg
from chengxin.graph.model import get_model

from .. import i18n, security
from ..core import app_settings, get_flag_runs, get_graph, respond
from ..security import requires
from ..graphview import build_paths, build_ring
from ..tables import Column, Table, csv_requested

bp = Blueprint("investigate", __name__)


def _date(name: str = "date") -> dt.date | None:
    text = (request.args.get(name) or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(msg(N_("{name} must be YYYY-MM-DD, got {text!r}"), name=name, text=text)) from None


def _detector_info(d: flags.Detector) -> dict:
    return {"kind": d.kind, "number": d.number, "name": msg(d.name), "purpose": msg(get_query(d.query).purpose)}


def _run_shown(runs: flags.FlagRuns) -> str:
    """When the stored run shown was made, or that none has finished yet (one is then under way)."""
    at = runs.computed_at
    if at is not None:
        return at.isoformat(sep=" ")
    return gettext("being computed; reload shortly")


def _fresh() -> bool:
    """``?fresh=1`` runs every detector again: not for a link followed from another site."""
    return request.args.get("fresh") == "1" and security.may_run()


@bp.get("/flags")
@bp.get("/api/flags", endpoint="flags_index_json")
@requires("run")
def flags_index():
    uscc = (request.args.get("uscc") or "").strip() or None
    graph = get_graph()
    runs = get_flag_runs()
    found = runs.detect_all(graph, fresh=_fresh())  # the stored run: never waits for one
    kinds = []
    for d in flags.DETECTORS.values():
        hits = found[d.kind] if found is not None else []
        if uscc:
            hits = [h for h in hits if uscc in h["firms"]]
        kinds.append({**_detector_info(d), "count": len(hits), "hits": hits if uscc else None})
    return respond("investigate/flags.html", {"uscc": uscc, "kinds": kinds, "total": sum(k["count"] for k in kinds),
                                              "computed_at": _run_shown(runs), "pending": found is None})


@bp.get("/flags/<kind>")
@bp.get("/api/flags/<kind>", endpoint="flags_show_json")
@requires("run")
def flags_show(kind: str):
    d = flags.detector(kind)
    graph = get_graph()
    runs = get_flag_runs()
    found = runs.detect_all(graph, fresh=_fresh())  # the stored run: never waits for one
    hits = found[kind] if found is not None else []
    uscc = (request.args.get("uscc") or "").strip() or None
    if uscc:
        hits = [h for h in hits if uscc in h["firms"]]
    page, per_page = _positive("page", 1), FLAG_PAGE
    pages = max(1, -(-len(hits) // per_page))
    if page > pages:
        raise InvalidInput(msg(N_("page {page} is past the last page ({pages})"), page=page, pages=pages))
    shown = hits[(page - 1) * per_page: page * per_page]
    data = {**_detector_info(d), "uscc": uscc, "count": len(hits), "hits": shown, "page": page, "pages": pages,
            "per_page": per_page, "computed_at": _run_shown(runs), "pending": found is None}
    if request.path.startswith("/api/"):
        return respond("investigate/flag.html", data)
    rings = {h["key"]: build_ring(h, i18n.say) for h in shown}
    return respond("investigate/flag.html", data, rings={k: v for k, v in rings.items() if v})


@bp.get("/flags/<kind>/hits.csv")
@requires("run")
def flags_csv(kind: str):
    """Every hit of one kind as CSV, in the request's language: key, date, title, facts, firms."""
    flags.detector(kind)
    found = get_flag_runs().detect_all(get_graph())
    hits = found[kind] if found is not None else []
    uscc = (request.args.get("uscc") or "").strip() or None
    if uscc:
        hits = [h for h in hits if uscc in h["firms"]]
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([gettext("Key"), gettext("Date"), gettext("Flag"), gettext("Facts"), gettext("Enterprises")])
    for h in hits:
        names = [e["name"] or e["key"] for e in h["evidence"] if e["route"] == "enterprise"]
        w.writerow([_cell(x) for x in (h["key"], h["date"] or "", i18n.say(h["title"]),
                                       "\n".join(i18n.say(f) for f in h["facts"]), "; ".join(names))])
    resp = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
    resp.headers["Content-Disposition"] = f'attachment; filename="flags-{kind}.csv"'
    return resp


FLAG_PAGE = 50


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _positive(name: str, default: int) -> int:
    """A whole number >= 1 from the query string, or the default; anything else is a specific 400."""
    text = (request.args.get(name) or "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise InvalidInput(msg(N_("{name} must be a whole number of at least 1, got {text!r}"), name=name, text=text))
    return int(text)


@bp.get("/path")
@bp.get("/api/path", endpoint="path_json")
@requires("run")
def path():
    source = (request.args.get("from") or "").strip()
    target = (request.args.get("to") or "").strip()
    data = {"from": source, "to": target, "result": None, "candidates": None, "types": list(get_model().relationships),
            "not_run": False}
    if source and target and not security.may_run():
        data["not_run"] = True  # a link from another site: the form, filled in
    elif source and target:
        graph = get_graph()
        for end, text in (("from", source), ("to", target)):
            try:
                paths.parse_ref(text)
            except InvalidInput:
                # A name: offer the entities it names, each a link to the finished search.
                data["candidates"] = {"end": end, "text": text, "items": _candidates(graph, text)}
                return respond("investigate/path.html", data)
        hops = request.args.get("max_hops", type=int)
        types = [t for t in request.args.getlist("type") if t]
        result = paths.find(graph, source, target, max_hops=hops, types=types or None,
                            with_hubs=request.args.get("with_hubs") in ("1", "true", "on"),
                            limit=request.args.get("limit", type=int))
        tr, chain = get_translations(), i18n.current() == "zh_Hans"
        for p in result["paths"]:
            # The path said in the request's language: its parts (node links on the page) and its text.
            p["words"], p["text"] = paths.words(p, tr, chain), paths.sentence(p, tr, chain)
        data["result"] = result
    if request.path.startswith("/api/"):
        return respond("investigate/path.html", data)
    graph_data = build_paths(data["result"]) if data["result"] and data["result"]["paths"] else None
    return respond("investigate/path.html", data, graph=graph_data)


def _candidates(graph, text: str) -> list[dict]:
    """The entities a name may mean, ranked as the search page ranks them (exact names first)."""
    found = search.search(graph, text, limit=8)
    routes = {s.name: s.route for s in get_model().labels.values()}
    return [{"route": routes[r["label"]], "key": r["key"], "name": r.get("name"), "label": r["label"]}
            for r in search.rank_hits(text, found["exact"], found["groups"]) if r.get("key")]


@bp.get("/eligibility/<path:uscc>")
@bp.get("/api/eligibility/<path:uscc>", endpoint="eligibility_json")
def eligibility_page(uscc: str):
    return respond("investigate/eligibility.html", eligibility.check(get_graph(), uscc, _date(), settings=app_settings()))


RISK_COLUMNS = [
    Column("rank", msg(N_("Rank")), numeric=True), Column("score", msg(N_("Score")), numeric=True),
    Column("name", msg(N_("Enterprise"))), Column("type", msg(N_("Type")), sortable=True),
    Column("region", msg(N_("Region"))), Column("penalties", msg(N_("Penalties")), numeric=True),
    Column("flags", msg(N_("Flags")), numeric=True), Column("awards", msg(N_("Awards")), numeric=True),
    Column("uscc", msg(N_("USCC"))),
]


#: The ranking as a region, type and market choice shows it (ranked, the region named), per ranking held.
_risk_views: LRUCache = LRUCache(maxsize=8)  # a whole-market view is ~18 MB at scale 700 (35,739 firms)
_risk_lock = threading.Lock()


@bp.get("/risk")
@bp.get("/api/risk", endpoint="risk_json")
def risk_ranking():
    """Every firm that scores, highest first, paged (the table helper: sort, filter, CSV); a region by
    name or code prefix; the Chinese market by default (``market=all`` adds records of other
    markets' lists, which otherwise count only through the firm they are matched to)."""
    region = (request.args.get("region") or "").strip()[:40] or None
    type_ = (request.args.get("type") or "").strip() or None
    market = "all" if request.args.get("market") == "all" else "cn"
    size = max(1, min(request.args.get("limit", 50, type=int) or 50, 1000))
    result = risk.ranking(get_graph(), None, type_, 10 ** 9, settings=app_settings(), runs=get_flag_runs())
    ranked_key = result.pop("ranked_key")  # the ranking these rows are of (a background job may have made a newer one)
    wanted = regions.prefixes(region) if region else []
    view = (ranked_key, tuple(wanted), region is None, type_, market)
    with _risk_lock:
        held = _risk_views.get(view)
    if held is None:  # ranked once per ranking and choice: tens of thousands of firms at scale 700
        rows = result["rows"]
        if region:
            rows = [r for r in rows if regions.matches(r.get("region_code"), wanted)]
        others = sum(1 for r in rows if ":" in (r.get("uscc") or ""))
        if market == "cn":
            rows = [r for r in rows if ":" not in (r.get("uscc") or "")]
        held = ([{**r, "rank": i} for i, r in enumerate(rows, 1)], others)
        with _risk_lock:
            _risk_views[view] = held
    rows, others = held
    table = Table.build("risk", RISK_COLUMNS, rows, size=size)
    as_csv = csv_requested(table, filename="risk")
    if as_csv is not None:
        return as_csv
    data = {**result, "region": region, "region_prefixes": wanted, "market": market, "rows": table.rows,
            "total": len(rows), "limit": size, "other_markets": others, "tables": {"risk": table.as_data()}}
    return respond("investigate/risk.html", data, tables={"risk": table})


@bp.get("/risk/<path:uscc>")
@bp.get("/api/risk/<path:uscc>", endpoint="risk_firm_json")
def risk_firm(uscc: str):
    data = risk.firm_score(get_graph(), uscc, wait=False, settings=app_settings(), runs=get_flag_runs())
    return respond("investigate/risk_firm.html", data)
