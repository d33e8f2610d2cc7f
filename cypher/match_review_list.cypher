// purpose: 待审核（或已拒绝）的疑似匹配，附两侧记录 / Pairs to review (or rejected), with both records
// mode: read
// param status: string = pending -- pending 或 rejected / pending or rejected
// returns: a, a_name, a_source, a_address, b, b_name, b_source, b_address, score, reason, reason_en, status
MATCH (x:Enterprise)-[r:POSSIBLY_SAME_AS]->(y:Enterprise)
WHERE r.status = $status
RETURN x.uscc AS a, x.name AS a_name, x.source AS a_source, x.address AS a_address,
       y.uscc AS b, y.name AS b_name, y.source AS b_source, y.address AS b_address,
       r.score AS score, r.reason AS reason, r.reason_en AS reason_en, r.status AS status
ORDER BY r.score DESC, a, b
