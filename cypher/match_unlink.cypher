// purpose: 删除两条记录之间的匹配关联（审核撤销）/ Remove the matching links between two records (a reviewer's undo)
// mode: write
// param a: string -- 记录 A / record A
// param b: string -- 记录 B / record B
// returns: n
MATCH (x:Enterprise {uscc: $a})-[r:SAME_AS|BRANCH_OF|POSSIBLY_SAME_AS]-(y:Enterprise {uscc: $b})
DELETE r
RETURN count(*) AS n
