// purpose: A person's career: registrations and projects over time
// mode: read
// library: People
// param person_id: string = RY000001405 -- person id
// returns: date, until, event, detail, at, at_key
MATCH (pe:Person {person_id: $person_id})
CALL {
  WITH pe
  MATCH (pe)-[r:REGISTERED_AT]->(e:Enterprise)
  RETURN r.valid_from AS date, r.valid_until AS until, '注册 registered' AS event,
         trim(coalesce(r.reg_type, '') + ' ' + coalesce(r.specialty, '')) AS detail, e AS at, e.uscc AS at_key
  UNION ALL
  WITH pe
  MATCH (pe)-[r:WORKS_ON]->(p:Project)
  RETURN r.start AS date, r.end AS until, r.role AS event, p.name AS detail, p AS at, p.project_code AS at_key
  UNION ALL
  WITH pe
  MATCH (pe)-[:PENALIZED]->(pn:Penalty)
  RETURN pn.decision_date AS date, pn.valid_until AS until, '处罚 penalty' AS event,
         coalesce(pn.measure, '') + ' ' + coalesce(pn.authority, '') AS detail, pn AS at, pn.penalty_id AS at_key
  UNION ALL
  WITH pe
  MATCH (pe)-[:RECEIVED]->(a:Award)
  RETURN a.date AS date, null AS until, '奖项 award' AS event, a.name AS detail, a AS at, a.award_id AS at_key
}
RETURN date, until, event, detail, at, at_key
ORDER BY date, event
