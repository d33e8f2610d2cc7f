// purpose: Mark the entries of this edition as listed (only those new or delisted: nothing else is written); ones listed again get their end date back
// mode: write
// param list_id: string -- list id
// param seen: list -- entry ids in this edition
// returns: n
MATCH (p:Penalty {list_id: $list_id})
WHERE p.penalty_id IN $seen AND (p.listed IS NULL OR p.listed = false)
WITH p, coalesce(p.listed, true) = false AS again
SET p.listed = true, p.delisted_noticed = null,
    p.valid_until = CASE WHEN again THEN p.valid_until_listed ELSE p.valid_until END,
    p.valid_until_listed = CASE WHEN again THEN null ELSE p.valid_until_listed END
RETURN sum(CASE WHEN again THEN 1 ELSE 0 END) AS n
