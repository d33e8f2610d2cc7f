// purpose: Penalties and qualifications behind a bidding-eligibility check
// mode: read
// param uscc: string = 91320500MALJK3BJLY -- USCC
// returns: uscc, name, type, penalties, linked_penalties, qualifications
MATCH (e:Enterprise {uscc: $uscc})
RETURN e.uscc AS uscc, e.name AS name, e.type AS type,
       [(e)-[:PENALIZED]->(pn:Penalty) | pn {.penalty_id, .measure, .decision_date, .valid_until, .authority,
         .originating_institution, .list_name, .source}] AS penalties,
       [(e)-[l:SAME_AS|BRANCH_OF]-(o:Enterprise)-[:PENALIZED]->(pn:Penalty) | pn {.penalty_id, .measure, .decision_date,
         .valid_until, .authority, .originating_institution, .list_name, .source, via: o.uscc, via_name: o.name,
         via_source: o.source, link: type(l)}] AS linked_penalties,
       [(e)-[:HOLDS]->(q:Qualification) | q {.cert_no, .category, .grade, .issued, .expires}] AS qualifications
