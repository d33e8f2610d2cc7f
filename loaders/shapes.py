"""What each table's row writes on the bulk path, as data (graph.shapes): the same graph as its
statement in ``cypher/bulk/``, for a backend that writes natively (the embedded database's first
load). ``tests/test_bulk.py`` compares the graph written from these with the MERGE path's.
"""

from __future__ import annotations

from chengxin.graph.shapes import Link, Ref, Shape

PROJECT = Ref("p", "Project", "project_code")
PROJECT_IF_ANY = Ref("p", "Project", "project_code", optional=True)

SHAPES: dict[str, Shape] = {
    "enterprises": Shape(
        ("Enterprise", "uscc"),
        (Ref("rep", "Person", "legal_rep_id", optional=True, name_on_create="legal_rep_name"),),
        (Link("LEGAL_REP_OF", "rep", "own"),)),
    "persons": Shape(("Person", "person_id")),
    "projects": Shape(
        ("Project", "project_code"),
        (Ref("o", "Enterprise", "owner_uscc", optional=True),),
        (Link("OWNS", "o", "own"),)),
    "qualifications": Shape(
        ("Qualification", "cert_no"),
        (Ref("e", "Enterprise", "uscc"), Ref("au", "Authority", "authority", optional=True, stub=False)),
        (Link("HOLDS", "e", "own"), Link("ISSUED_BY", "own", "au"))),
    "tenders": Shape(
        ("Tender", "tender_no"),
        (PROJECT, Ref("a", "Enterprise", "agency_uscc", optional=True),
         Ref("w", "Enterprise", "winner_uscc", optional=True)),
        (Link("FOR", "own", "p"), Link("AGENT_FOR", "a", "own"),
         Link("WON", "w", "own", fixed=(("price", "winning_price"),)))),
    "awards": Shape(
        ("Award", "award_id"),
        (Ref("s", "{subject}", "subject_key"), PROJECT_IF_ANY,
         Ref("au", "Authority", "authority", optional=True, stub=False)),
        (Link("RECEIVED", "s", "own"), Link("FOR_PROJECT", "own", "p"), Link("ISSUED_BY", "own", "au"))),
    "penalties": Shape(
        ("Penalty", "penalty_id"),
        (Ref("s", "{subject}", "subject_key"), Ref("au", "Authority", "authority", stub=False), PROJECT_IF_ANY),
        (Link("PENALIZED", "s", "own"), Link("ISSUED_BY", "own", "au"), Link("CONCERNS", "own", "p"))),
    "contracts": Shape(("Contract", "contract_id"), (PROJECT,), (Link("STAGE_OF", "own", "p"),)),
    "drawing_reviews": Shape(("DrawingReview", "review_no"), (PROJECT,), (Link("STAGE_OF", "own", "p"),)),
    "permits": Shape(
        ("Permit", "permit_no"),
        (PROJECT, Ref("d", "DrawingReview", "review_no", optional=True)),
        (Link("STAGE_OF", "own", "p"), Link("RESTS_ON", "own", "d"))),
    "completions": Shape(
        ("Completion", "completion_no"),
        (PROJECT, Ref("pm", "Permit", "permit_no", optional=True)),
        (Link("STAGE_OF", "own", "p"), Link("UNDER_PERMIT", "own", "pm"))),
    "performances": Shape(
        ("Performance", "perf_no"),
        (PROJECT, Ref("e", "Enterprise", "uscc", optional=True, coalesce_name="enterprise_name")),
        (Link("STAGE_OF", "own", "p"), Link("PARTY_TO", "e", "own", const=(("role", "performer"),)))),
    "registrations": Shape(
        None, (Ref("pe", "Person", "person_id"), Ref("e", "Enterprise", "uscc")),
        (Link("REGISTERED_AT", "pe", "e", props=True, fixed=(("reg_type", "reg_type"),)),)),
    "participations": Shape(
        None, (Ref("e", "Enterprise", "uscc"), PROJECT),
        (Link("PARTICIPATES_IN", "e", "p", props=True, fixed=(("role", "role"),)),)),
    "project_staff": Shape(
        None, (Ref("pe", "Person", "person_id"), PROJECT, Ref("e", "Enterprise", "uscc", optional=True)),
        (Link("WORKS_ON", "pe", "p", props=True, fixed=(("role", "role"),)),)),
    "bids": Shape(
        None, (Ref("e", "Enterprise", "uscc"), Ref("t", "Tender", "tender_no")),
        (Link("BID_ON", "e", "t", props=True),)),
    "subcontracts": Shape(
        None, (Ref("a", "Enterprise", "from_uscc"), Ref("b", "Enterprise", "to_uscc"), PROJECT),
        (Link("SUBCONTRACTED_TO", "a", "b", props=True, fixed=(("project_code", "project_code"),)),)),
    "shareholdings": Shape(
        None, (Ref("h", "{holder}", "holder_key"), Ref("e", "Enterprise", "uscc")),
        (Link("SHAREHOLDER_OF", "h", "e", props=True),)),
    "stage_parties": Shape(
        None, (Ref("st", "{stage}", "stage_key"), Ref("e", "Enterprise", "uscc")),
        (Link("PARTY_TO", "e", "st", props=True, fixed=(("role", "role"),)),)),
    "stage_people": Shape(
        None, (Ref("st", "{stage}", "stage_key"), Ref("pe", "Person", "person_id", coalesce_name="name"),
               Ref("e", "Enterprise", "uscc", optional=True)),
        (Link("NAMED_ON", "pe", "st", props=True, fixed=(("role", "role"),)),)),
}
