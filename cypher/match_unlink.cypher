// purpose: Remove the matching links between two records (a reviewer's undo)
// mode: write
// param a: string -- record A
// param b: string -- record B
// returns: n
MATCH (x:Enterprise {uscc: $a})-[r:SAME_AS|BRANCH_OF|POSSIBLY_SAME_AS]-(y:Enterprise {uscc: $b})
DELETE r
RETURN count(*) AS n
