// purpose: Sanction history of an enterprise and of everyone registered there
// mode: read
// library: Sanctions
// param uscc: string = 91320500MALJK3BJLY -- unified social credit code
// returns: subject, relation, penalty, decision_date, valid_until, measure, authority, restrictive
MATCH (e:Enterprise {uscc: $uscc})
CALL {
  WITH e
  MATCH (e)-[:PENALIZED]->(pn:Penalty)
  RETURN e AS subject, '企业本身 the firm' AS relation, pn
  UNION ALL
  WITH e
  MATCH (e)<-[:REGISTERED_AT]-(pe:Person)-[:PENALIZED]->(pn:Penalty)
  RETURN pe AS subject, '注册人员 registered person' AS relation, pn
  UNION ALL
  WITH e
  MATCH (e)<-[:LEGAL_REP_OF]-(pe:Person)-[:PENALIZED]->(pn:Penalty)
  RETURN pe AS subject, '法定代表人 legal representative' AS relation, pn
}
RETURN subject, relation, pn AS penalty, pn.decision_date AS decision_date, pn.valid_until AS valid_until,
       pn.measure AS measure, pn.authority AS authority, pn.restrictive AS restrictive
ORDER BY decision_date DESC
