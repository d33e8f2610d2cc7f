// purpose: 两条记录之间的匹配关联 / The matching links between two records
// mode: read
// param a: string -- 记录 A / record A
// param b: string -- 记录 B / record B
// returns: type, a, b, status, score, reason, reason_en
MATCH (x:Enterprise {uscc: $a})-[r:SAME_AS|BRANCH_OF|POSSIBLY_SAME_AS]-(y:Enterprise {uscc: $b})
RETURN type(r) AS type, startNode(r).uscc AS a, endNode(r).uscc AS b, r.status AS status, r.score AS score,
       r.reason AS reason, r.reason_en AS reason_en
