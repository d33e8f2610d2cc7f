"""The lists of the entity pages as tables (``web/tables.py``): their columns, and which list of a
page's data each one shows. A page's template draws them with ``_tables.html``'s macro and
``?csv=<name>`` answers one as CSV."""

from __future__ import annotations

from chengxin.graph.messages import N_, Message, msg
from chengxin.graph.queries import AUTHORITY_PENALTY_LIMIT

from ..tables import PAGE_SIZE, Column, Table


def _m(msgid: str, context: str | None = None) -> Message:
    return Message(msgid, {}, context) if context else msg(msgid)


def _period(a: str, b: str):
    return lambda r: f"{r.get(a) or ''} – {r.get(b) or ''}".strip(" –")


PENALTY = [
    Column("penalty_id", _m(N_("Decision no."))),
    Column("measure", _m(N_("Measure"))),
    Column("description", _m(N_("Grounds"))),
    Column("decision_date", _m(N_("Decided"))),
    Column("valid_until", _m(N_("In force until"))),
    Column("authority", _m(N_("Authority"))),
]
PENALTY_SUBJECT = PENALTY[:1] + [Column("subject_name", _m(N_("Subject")))] + PENALTY[1:]
AWARD = [
    Column("name", _m(N_("Award"))), Column("level", _m(N_("Level"))), Column("date", _m(N_("Date"))),
    Column("project_code", _m(N_("Project"))), Column("authority", _m("Authority", "_macros")),
]

#: route → [(table name, list in the page's data, columns, default sort)]
TABLES: dict[str, list[tuple[str, str, list[Column], str | None]]] = {
    "enterprise": [
        ("qualifications", "qualifications", [
            Column("cert_no", _m(N_("Certificate"))), Column("category", _m(N_("Category"))),
            Column("specialty", _m(N_("Specialty"))), Column("grade", _m(N_("Grade"))),
            Column("expires", _m(N_("Expires"))),
            Column("valid", _m(N_("Status")), csv=lambda r: "valid" if r.get("valid") else "expired"),
        ], None),
        ("registered", "registered", [
            Column("name", _m(N_("Name"))), Column("reg_type", _m(N_("Registration"))),
            Column("specialty", _m(N_("Specialty"))), Column("reg_no", _m(N_("Reg. no."))),
            Column("valid_until", _m(N_("Valid")), csv=_period("valid_from", "valid_until")),
            Column("valid", _m(N_("Status")), csv=lambda r: "valid" if r.get("valid") else "expired"),
        ], None),
        ("projects", "projects", [
            Column("name", _m(N_("Project"))), Column("role", _m(N_("Role"))),
            Column("category", _m("Category", "enterprise")),
            Column("contract_amount", _m(N_("Contract")), numeric=True), Column("start_date", _m(N_("Start"))),
            Column("status", _m(N_("Status"))),
        ], None),
        ("bids", "bids", [
            Column("tender_no", _m("Tender", "enterprise")), Column("project_name", _m(N_("Project"))),
            Column("open_date", _m(N_("Opened"))), Column("price", _m(N_("Price")), numeric=True),
            Column("rank", _m(N_("Rank")), numeric=True), Column("outcome", _m(N_("Outcome"))),
        ], None),
        ("awards", "awards", AWARD, None),
        ("penalties", "penalties", PENALTY, None),
    ],
    "person": [
        ("registrations", "registrations", [
            Column("reg_type", _m(N_("Registration"))), Column("specialty", _m(N_("Specialty"))),
            Column("enterprise_name", _m(N_("Registered at"))), Column("reg_no", _m(N_("Reg. no."))),
            Column("valid_until", _m(N_("Valid")), csv=_period("valid_from", "valid_until")),
        ], None),
        ("projects", "projects", [
            Column("name", _m(N_("Project"))), Column("role", _m("Role", "person")),
            Column("enterprise_name", _m(N_("For firm"))), Column("start", _m(N_("Period")), csv=_period("start", "end")),
        ], None),
        ("awards", "awards", AWARD, None),
        ("penalties", "penalties", PENALTY, None),
    ],
    "authority": [
        ("penalties", "penalties", PENALTY_SUBJECT, "-decision_date"),
    ],
    "project": [
        ("participants", "participants", [
            Column("role", _m(N_("Role"))), Column("name", _m(N_("Firm"))),
            Column("contract_amount", _m(N_("Contract")), numeric=True), Column("start", _m(N_("Period")), csv=_period("start", "end")),
        ], None),
        ("staff", "staff", [
            Column("role", _m("Role", "project")), Column("name", _m(N_("Name"))),
            Column("enterprise_name", _m("For firm", "project")), Column("start", _m(N_("Period")), csv=_period("start", "end")),
        ], None),
        ("awards", "awards", AWARD, None),
        ("penalties", "penalties", PENALTY_SUBJECT, None),
    ],
    "tender": [
        ("bidders", "bidders", [
            Column("rank", _m(N_("Rank")), numeric=True), Column("name", _m(N_("Bidder"))),
            Column("price", _m(N_("Price")), numeric=True), Column("outcome", _m(N_("Outcome"))),
        ], None),
    ],
}


def build(route: str, data: dict) -> dict[str, Table]:
    """The page's tables, each over its list in ``data`` as the request sorts, filters and pages it."""
    out = {}
    for name, field, columns, default_sort in TABLES.get(route, []):
        rows = data.get(field)
        if not isinstance(rows, list):
            continue
        total = (data.get("truncated") or {}).get(field)
        if route == "authority" and field == "penalties":
            total = data.get("n_penalties")
            if data.get("penalties_paged"):  # a first view: the database gave the first page only
                listed = min(total or 0, AUTHORITY_PENALTY_LIMIT)
                table = out[name] = Table.paged(name, columns, rows[:PAGE_SIZE], total=listed, page=1, size=PAGE_SIZE,
                                                sort=default_sort)
                table.cap = total if total and total > listed else None
                continue
        out[name] = Table.build(name, columns, rows, default_sort=default_sort, total=total)
    return out
