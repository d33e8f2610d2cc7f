// purpose: 名单新版本中重新出现的条目恢复为在列 / Entries listed again in a newer edition
// mode: write
// param list_id: string -- 名单编号 / list id
// param seen: list -- 本版出现的条目 / entry ids in this edition
// returns: n
MATCH (p:Penalty {list_id: $list_id})
WHERE p.penalty_id IN $seen AND p.listed = false
SET p.listed = true, p.delisted_noticed = null
RETURN count(p) AS n
