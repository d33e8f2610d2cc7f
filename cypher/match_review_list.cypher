// purpose: Matching links and pairs of the given statuses, with both records
// mode: read
// param statuses: list -- pending, rejected, auto, accepted
// returns: type, a, a_name, a_source, a_address, a_country, b, b_name, b_source, b_address, b_country, score, reason, reason_msgid, reason_params, status, kind, features, history
MATCH (x:Enterprise)-[r:SAME_AS|BRANCH_OF|POSSIBLY_SAME_AS]->(y:Enterprise)
WHERE r.status IN $statuses
RETURN type(r) AS type, x.uscc AS a, x.name AS a_name, x.source AS a_source, x.address AS a_address, x.country AS a_country,
       y.uscc AS b, y.name AS b_name, y.source AS b_source, y.address AS b_address, y.country AS b_country,
       r.score AS score, r.reason AS reason, r.reason_msgid AS reason_msgid, r.reason_params AS reason_params,
       r.status AS status, r.kind AS kind, r.features AS features, r.history AS history
ORDER BY score DESC, a, b
