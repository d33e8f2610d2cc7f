"""Where the data came from and how records were linked: ``/sources`` (every dataset loaded) and
``/review`` (entity-matching pairs waiting for a person), each with its JSON twin. Review
decisions are writes: they need the console's access (loopback, or the token) and a same-origin
POST carrying the form's CSRF token (web.security checks both before the view runs; a script's
JSON POST to ``/api/review/decide`` sends neither Origin nor a token)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, jsonify, redirect, request, url_for
from flask_babel import gettext

from chengxin.graph import datasets, matching
from chengxin.graph.errors import InvalidInput
from chengxin.graph.messages import N_, msg

from .. import security
from ..core import get_graph, respond
from ..security import requires

bp = Blueprint("sources", __name__)


#: What each table, summary count and kind of dataset is called on the page (English msgids).
TABLES = {"enterprises": N_("Enterprises"), "persons": N_("Persons"), "projects": N_("Projects"),
          "qualifications": N_("Qualifications"), "registrations": N_("Registrations"),
          "participations": N_("Participations"), "project_staff": N_("Project staff"), "tenders": N_("Tenders"),
          "bids": N_("Bids"), "awards": N_("Awards"), "penalties": N_("Penalties"),
          "shareholdings": N_("Shareholdings"), "subcontracts": N_("Subcontracts")}
SUMMARY = {"releases": N_("releases"), "records": N_("records"), "contracting_processes": N_("contracting processes"),
           "awards": N_("awards"), "contracts": N_("contracts"), "suppliers": N_("suppliers"), "buyers": N_("buyers"),
           "tenders": N_("tenders"), "entries": N_("entries"), "ended": N_("entries no longer listed"),
           "matched": N_("matched"), "parties": N_("parties"), "projects": N_("projects")}
KINDS = {"folder": N_("folder of tables"), "ocds": N_("OCDS releases"), "oc4ids": N_("OC4IDS projects"),
         "list": N_("sanctions list")}


def _local(stamp) -> str:
    """A stored UTC time as the server's local time, to the minute, with its zone."""
    try:
        when = dt.datetime.fromisoformat(str(stamp))
    except ValueError:
        return str(stamp or "")
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    local = when.astimezone()
    return local.strftime("%Y-%m-%d %H:%M ") + (local.tzname() or "")


def _human(key: str, names: dict) -> str:
    return gettext(names[key]) if key in names else key.replace("_", " ")


def _shown(d: dict) -> dict:
    """A dataset as people read it: labels for its keys, a local time, no server path."""
    out = {k: v for k, v in d.items() if k not in ("path", "rejects_file")}
    out["has_rejects"] = bool(d.get("rejects_file"))
    out["kind_name"] = _human(d.get("kind") or "", KINDS)
    out["loaded_local"] = _local(d.get("loaded_at"))
    out["table_rows"] = [{"key": k, "name": _human(k, TABLES), **v} for k, v in (d.get("tables") or {}).items()]
    out["summary_rows"] = [{"key": k, "name": _human(k, SUMMARY), "value": v} for k, v in (d.get("summary") or {}).items()]
    return out


@bp.get("/sources")
@bp.get("/api/sources", endpoint="sources_json")
def sources():
    return respond("sources/index.html", {"datasets": [_shown(d) for d in datasets.all_datasets(get_graph())]})


def _filters(args) -> dict:
    """The review filters of a request: status, score band, source, feature code."""
    status = args.get("status") or "pending"
    if status not in matching.STATUSES:
        status = "pending"
    return {"status": status, "band": (args.get("band") or "").strip(), "source": (args.get("source") or "").strip(),
            "reason": (args.get("reason") or "").strip()}


def _select(graph, f: dict) -> list[dict]:
    return matching.review_list(graph, f["status"], band=matching.parse_band(f["band"]), source=f["source"] or None,
                                reason_code=f["reason"] or None)


@bp.get("/review")
@bp.get("/api/review", endpoint="review_json")
def review():
    graph = get_graph()
    f = _filters(request.args)
    pairs = _select(graph, f)
    return respond("sources/review.html", {"status": f["status"], "filters": f, "pairs": pairs, "count": len(pairs),
                                           "statuses": list(matching.STATUSES), "reasons": list(matching.FEATURES),
                                           "log": matching.decision_log(graph)[:20],
                                           "can_decide": security.console_allowed()})


@bp.post("/review/decide")
@bp.post("/api/review/decide", endpoint="decide_json")
@requires("console", "same_site")  # same_site: every POST is also refused before the view; said again where it matters
def decide():
    """One pair by its keys (``a``, ``b``), pairs by their ids (``pair``, repeated or a list), or
    (``scope=filter``) every pair the filters (status, band, source, reason) select."""
    is_json = request.is_json
    form = (request.get_json(silent=True) or {}) if is_json else request.form
    decision, _, one = str(form.get("decision") or "").partition(":")  # a row's button: accept:<pair id>
    if decision not in ("accept", "reject"):
        raise InvalidInput(msg(N_("decision must be accept or reject, with a and b")))
    graph, who = get_graph(), request.remote_addr
    ids = (form.get("pair") or []) if is_json else form.getlist("pair")
    ids = [one] if one else [ids] if isinstance(ids, str) else [str(i) for i in ids]
    a, b = (str(form.get("a") or "")).strip(), (str(form.get("b") or "")).strip()
    if form.get("scope") == "filter":
        f = _filters(form)
        result = matching.decide_many(graph, decision == "accept", None, who=who, band=matching.parse_band(f["band"]),
                                      source=f["source"] or None, reason_code=f["reason"] or None, status=f["status"])
    elif ids:
        result = matching.decide_many(graph, decision == "accept", ids, who=who)
    elif a and b:
        result = matching.decide(graph, a, b, decision == "accept", who=who)
    else:
        raise InvalidInput(msg(N_("decision must be accept or reject, with a and b")))
    if request.path.startswith("/api/"):
        return jsonify(result)
    return redirect(url_for("sources.review", **{k: v for k, v in _filters(request.args).items() if v}), code=303)


@bp.post("/review/undo")
@bp.post("/api/review/undo", endpoint="undo_json")
@requires("console", "same_site")
def undo():
    """Undo a decision (``decision``: its id; the latest one by default)."""
    form = (request.get_json(silent=True) or {}) if request.is_json else request.form
    result = matching.undo(get_graph(), (str(form.get("decision") or "")).strip() or None, who=request.remote_addr)
    if request.path.startswith("/api/"):
        return jsonify(result)
    return redirect(url_for("sources.review", **{k: v for k, v in _filters(request.args).items() if v}), code=303)
