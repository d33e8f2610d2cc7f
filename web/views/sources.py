"""Where the data came from and how records were linked: ``/sources`` (every dataset loaded) and
``/review`` (entity-matching pairs waiting for a person), each with its JSON twin. Review
decisions are writes: they need the console's access (loopback, or the token) and a same-origin
POST."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, jsonify, redirect, request, url_for

from graph import datasets, matching

from .. import get_graph, respond
from .queries import _gate

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
                                           "can_decide": _gate() is None})


def _same_origin() -> bool:
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin:
        return request.path.startswith("/api/")  # scripts and the CLI send no Origin
    return urlparse(origin).netloc == request.host


@bp.post("/review/decide")
@bp.post("/api/review/decide", endpoint="decide_json")
def decide():
    blocked = _gate()
    if blocked is not None:
        return blocked
    if not _same_origin():
        return respond("error.html", {"error": "cross-site request refused / 拒绝跨站请求", "status": 403}, status=403)
    form = request.get_json(silent=True) if request.is_json else request.form
    a, b, decision = (form.get("a") or "").strip(), (form.get("b") or "").strip(), form.get("decision")
    if decision not in ("accept", "reject") or not a or not b:
        return respond("error.html", {"error": "decision must be accept or reject, with a and b / 需要 a、b 与 decision",
                                      "status": 400}, status=400)
    result = matching.decide(get_graph(), a, b, decision == "accept", who=request.remote_addr)
    if request.path.startswith("/api/"):
        return jsonify(result)
    return redirect(url_for("sources.review", status=request.args.get("status", "pending")), code=303)
