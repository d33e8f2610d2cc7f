// purpose: Mark the entries a newer edition of a list no longer has as ended (never deleted)
// mode: write
// param list_id: string -- list id
// param seen: list -- entry ids in this edition
// param today: date -- the day it was noticed
// returns: n
MATCH (p:Penalty {list_id: $list_id})
WHERE NOT p.penalty_id IN $seen AND coalesce(p.listed, true) = true
SET p.listed = false, p.delisted_noticed = $today, p.valid_until_listed = p.valid_until,
    p.valid_until = CASE WHEN p.valid_until IS NULL OR p.valid_until > $today THEN $today ELSE p.valid_until END
RETURN count(p) AS n
