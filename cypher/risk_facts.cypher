// purpose: Penalties and awards of every firm, behind the risk ranking
// mode: read
// returns: uscc, fact, id, what, level, date, until, authority
MATCH (e:Enterprise)-[:PENALIZED]->(pn:Penalty)
RETURN e.uscc AS uscc, 'penalty' AS fact, pn.penalty_id AS id, pn.measure AS what, null AS level,
       pn.decision_date AS date, pn.valid_until AS until, pn.authority AS authority
UNION ALL
MATCH (e:Enterprise)-[:RECEIVED]->(aw:Award)
RETURN e.uscc AS uscc, 'award' AS fact, aw.award_id AS id, aw.name AS what, aw.level AS level,
       aw.date AS date, null AS until, aw.authority AS authority
