// purpose: Records from other sources matched to a firm, with their sanctions
// mode: read
// param uscc: string = 91320500MALJK3BJLY -- USCC or other identifier
// returns: uscc, name, source, link, outgoing, score, reason, reason_msgid, reason_params, status, penalties
MATCH (e:Enterprise {uscc: $uscc})-[l:SAME_AS|BRANCH_OF|POSSIBLY_SAME_AS]-(o:Enterprise)
RETURN o.uscc AS uscc, o.name AS name, o.source AS source, type(l) AS link, startNode(l) = e AS outgoing,
       l.score AS score, l.reason AS reason, l.reason_msgid AS reason_msgid, l.reason_params AS reason_params, l.status AS status,
       [(o)-[:PENALIZED]->(pn:Penalty) | pn {.penalty_id, .measure, .decision_date, .valid_until, .authority,
         .description, .list_name, .listed, .delisted_noticed, .source, .originating_institution}] AS penalties
ORDER BY score DESC
