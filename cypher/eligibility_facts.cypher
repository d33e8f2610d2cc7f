// purpose: Penalties and qualifications behind a bidding-eligibility check
// mode: read
// param uscc: string = 91320500MALJK3BJLY -- USCC
// returns: uscc, name, type, penalties, qualifications
MATCH (e:Enterprise {uscc: $uscc})
RETURN e.uscc AS uscc, e.name AS name, e.type AS type,
       [(e)-[:PENALIZED]->(pn:Penalty) | pn {.penalty_id, .measure, .decision_date, .valid_until, .authority}] AS penalties,
       [(e)-[:HOLDS]->(q:Qualification) | q {.cert_no, .category, .grade, .issued, .expires}] AS qualifications
