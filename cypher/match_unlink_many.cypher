// purpose: Remove the matching links between pairs of records (before a decision links them again)
// mode: write
// param rows: list -- [{a, b}]
// returns: n
UNWIND $rows AS p
MATCH (x:Enterprise {uscc: p.a})-[r:SAME_AS|BRANCH_OF|POSSIBLY_SAME_AS]-(y:Enterprise {uscc: p.b})
DELETE r
RETURN count(*) AS n
