// purpose: The firms with the most penalties in a period
// mode: read
// library: Sanctions
// param from: date = 2024-01-01 -- from
// param to: date = 2026-10-31 -- to
// param limit: integer = 20 -- most rows
// returns: enterprise, uscc, name, penalties, restrictive, fines, last
MATCH (pn:Penalty)
WHERE pn.decision_date >= $from AND pn.decision_date <= $to
MATCH (pn)<-[:PENALIZED]-(e:Enterprise)
WITH e, count(pn) AS penalties, sum(CASE WHEN pn.restrictive = true THEN 1 ELSE 0 END) AS restrictive,
     sum(coalesce(pn.amount, 0)) AS fines, max(pn.decision_date) AS last
RETURN e AS enterprise, e.uscc AS uscc, e.name AS name, penalties, restrictive, fines, last
ORDER BY penalties DESC, restrictive DESC, uscc
LIMIT $limit
