// purpose: Penalties by authority, for a region and a period
// mode: read
// library: Sanctions
// param from: date = 2024-01-01 -- from
// param to: date = 2026-10-31 -- to
// param region: string? = 36 -- region code prefix of the penalised firm
// returns: authority, penalties, subjects, fines, measures, first, last
MATCH (pn:Penalty)
WHERE pn.decision_date >= $from AND pn.decision_date <= $to
MATCH (pn)-[:ISSUED_BY]->(a:Authority)
OPTIONAL MATCH (pn)<-[:PENALIZED]-(s)
WITH a, pn, s
WHERE $region IS NULL OR coalesce(s.region_code, '') STARTS WITH $region
RETURN a AS authority, count(DISTINCT pn) AS penalties, count(DISTINCT s) AS subjects,
       sum(coalesce(pn.amount, 0)) AS fines, collect(DISTINCT pn.measure)[0..6] AS measures,
       min(pn.decision_date) AS first, max(pn.decision_date) AS last
ORDER BY penalties DESC, first
