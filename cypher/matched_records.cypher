// purpose: Records from other sources matched to a firm, with their sanctions
// mode: read
// param uscc: string = 91320500MALJK3BJLY -- USCC or other identifier
// returns: uscc, name, name_zh, source, country, link, outgoing, score, reason, reason_msgid, reason_params, status, features, pair_id, penalties
MATCH (e:Enterprise {uscc: $uscc})-[l:SAME_AS|BRANCH_OF|POSSIBLY_SAME_AS]-(o:Enterprise)
RETURN o.uscc AS uscc, o.name AS name, o.name_zh AS name_zh, o.source AS source, o.country AS country, type(l) AS link,
       startNode(l) = e AS outgoing,
       l.score AS score, l.reason AS reason, l.reason_msgid AS reason_msgid, l.reason_params AS reason_params, l.status AS status,
       l.features AS features, l.pair_id AS pair_id,
       [(o)-[:PENALIZED]->(pn:Penalty) | pn {.penalty_id, .measure, .decision_date, .valid_until, .authority,
         .description, .list_name, .listed, .delisted_noticed, .source, .originating_institution}] AS penalties
ORDER BY score DESC
