// purpose: Pairs to review (or rejected), with both records
// mode: read
// param status: string = pending -- pending or rejected
// returns: a, a_name, a_source, a_address, b, b_name, b_source, b_address, score, reason, reason_msgid, reason_params, status
MATCH (x:Enterprise)-[r:POSSIBLY_SAME_AS]->(y:Enterprise)
WHERE r.status = $status
RETURN x.uscc AS a, x.name AS a_name, x.source AS a_source, x.address AS a_address,
       y.uscc AS b, y.name AS b_name, y.source AS b_source, y.address AS b_address,
       r.score AS score, r.reason AS reason, r.reason_msgid AS reason_msgid, r.reason_params AS reason_params, r.status AS status
ORDER BY r.score DESC, a, b
