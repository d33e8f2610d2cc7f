// purpose: The matching links between two records
// mode: read
// param a: string -- record A
// param b: string -- record B
// returns: type, a, b, status, score, reason, reason_msgid, reason_params
MATCH (x:Enterprise {uscc: $a})-[r:SAME_AS|BRANCH_OF|POSSIBLY_SAME_AS]-(y:Enterprise {uscc: $b})
RETURN type(r) AS type, startNode(r).uscc AS a, endNode(r).uscc AS b, r.status AS status, r.score AS score,
       r.reason AS reason, r.reason_msgid AS reason_msgid, r.reason_params AS reason_params
