// purpose: Marks on search hits: sanctions in force on the firms and people found, a page of hits in one query
// mode: read
// param usccs: list = ["91320500MALJK3BJLY"] -- firms among the hits
// param persons: list = ["RY000000494"] -- people among the hits
// param date: date = 2026-10-31 -- the day the sanctions are in force
// returns: label, key, in_force, restrictive
UNWIND $usccs AS u
MATCH (e:Enterprise {uscc: u})
OPTIONAL MATCH (e)-[:PENALIZED]->(pn:Penalty)
WHERE pn.decision_date <= $date AND (pn.valid_until >= $date OR (pn.valid_until IS NULL AND pn.restrictive = true))
OPTIONAL MATCH (e)-[:SAME_AS|BRANCH_OF]-(:Enterprise)-[:PENALIZED]->(mp:Penalty)
WHERE mp.decision_date <= $date AND (mp.valid_until >= $date OR (mp.valid_until IS NULL AND mp.restrictive = true))
WITH e, collect(DISTINCT pn) + collect(DISTINCT mp) AS found
RETURN 'Enterprise' AS label, e.uscc AS key, size(found) AS in_force,
       size([p IN found WHERE p.restrictive = true]) AS restrictive
UNION ALL
UNWIND $persons AS k
MATCH (n:Person {person_id: k})
OPTIONAL MATCH (n)-[:PENALIZED]->(pn:Penalty)
WHERE pn.decision_date <= $date AND (pn.valid_until >= $date OR (pn.valid_until IS NULL AND pn.restrictive = true))
WITH n, collect(DISTINCT pn) AS found
RETURN 'Person' AS label, n.person_id AS key, size(found) AS in_force,
       size([p IN found WHERE p.restrictive = true]) AS restrictive
