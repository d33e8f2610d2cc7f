// purpose: Penalties and awards of every firm, behind the risk ranking (with the penalties of records matched to it)
// mode: read
// param lo: string = 9 -- the firms' key range, lower bound (inclusive)
// param hi: string = A -- upper bound (exclusive)
// returns: uscc, fact, id, what, level, date, until, authority, origin, via, via_name, link
MATCH (e:Enterprise)-[:PENALIZED]->(pn:Penalty)
WHERE e.uscc >= $lo AND e.uscc < $hi
RETURN e.uscc AS uscc, 'penalty' AS fact, pn.penalty_id AS id, pn.measure AS what, null AS level,
       pn.decision_date AS date, pn.valid_until AS until, pn.authority AS authority,
       pn.originating_institution AS origin, null AS via, null AS via_name, null AS link
UNION ALL
MATCH (e:Enterprise)-[l:SAME_AS|BRANCH_OF]-(o:Enterprise)-[:PENALIZED]->(pn:Penalty)
WHERE e.uscc >= $lo AND e.uscc < $hi
RETURN e.uscc AS uscc, 'penalty' AS fact, pn.penalty_id AS id, pn.measure AS what, null AS level,
       pn.decision_date AS date, pn.valid_until AS until, pn.authority AS authority,
       pn.originating_institution AS origin, o.uscc AS via, o.name AS via_name, type(l) AS link
UNION ALL
MATCH (e:Enterprise)-[:RECEIVED]->(aw:Award)
WHERE e.uscc >= $lo AND e.uscc < $hi
RETURN e.uscc AS uscc, 'award' AS fact, aw.award_id AS id, aw.name AS what, aw.level AS level,
       aw.date AS date, null AS until, aw.authority AS authority, null AS origin, null AS via, null AS via_name,
       null AS link
