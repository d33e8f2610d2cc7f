"""Where the data came from and how records were linked: ``/sources`` (every dataset loaded) and
``/review`` (entity-matching pairs waiting for a person), each with its JSON twin. Review
decisions are writes: they need the console's access (loopback, or the token) and a same-origin
POST carrying the form's CSRF token (web.security checks both before the view runs; a script's
JSON POST to ``/api/review/decide`` sends neither Origin nor a token)."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, request, url_for

from chengxin.graph import datasets, matching
from chengxin.graph.errors import InvalidInput
from chengxin.graph.messages import N_, msg

from .. import security
from ..core import get_graph, respond
from ..security import requires

bp = Blueprint("sources", __name__)


@bp.get("/sources")
@bp.get("/api/sources", endpoint="sources_json")
def sources():
    return respond("sources/index.html", {"datasets": datasets.all_datasets(get_graph())})


@bp.get("/review")
@bp.get("/api/review", endpoint="review_json")
def review():
    status = request.args.get("status", "pending")
    if status not in ("pending", "rejected"):
        status = "pending"
    pairs = matching.review_list(get_graph(), status)
    return respond("sources/review.html", {"status": status, "pairs": pairs, "count": len(pairs),
                                           "can_decide": security.console_allowed()})


@bp.post("/review/decide")
@bp.post("/api/review/decide", endpoint="decide_json")
@requires("console", "same_site")  # same_site: every POST is also refused before the view; said again where it matters
def decide():
    form = (request.get_json(silent=True) or {}) if request.is_json else request.form
    a, b, decision = (str(form.get("a") or "")).strip(), (str(form.get("b") or "")).strip(), form.get("decision")
    if decision not in ("accept", "reject") or not a or not b:
        raise InvalidInput(msg(N_("decision must be accept or reject, with a and b")))
    result = matching.decide(get_graph(), a, b, decision == "accept", who=request.remote_addr)
    if request.path.startswith("/api/"):
        return jsonify(result)
    return redirect(url_for("sources.review", status=request.args.get("status", "pending")), code=303)
