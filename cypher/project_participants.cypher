// purpose: A project's participating firms and its people on site
// mode: read
// library: Projects
// param project_code: string = 2018-110000-82-01-058001 -- project code
// returns: kind, role, participant, key, firm, start, end, contract_amount, project
MATCH (p:Project {project_code: $project_code})
CALL {
  WITH p
  MATCH (p)<-[r:PARTICIPATES_IN]-(e:Enterprise)
  RETURN '单位 firm' AS kind, r.role AS role, e AS participant, e.uscc AS key, e.name AS firm,
         r.start AS start, r.end AS end, r.contract_amount AS contract_amount
  UNION ALL
  WITH p
  MATCH (p)<-[r:WORKS_ON]-(pe:Person)
  RETURN '人员 person' AS kind, r.role AS role, pe AS participant, pe.person_id AS key, r.uscc AS firm,
         r.start AS start, r.end AS end, null AS contract_amount
}
RETURN kind, role, participant, key, firm, start, end, contract_amount, p AS project
ORDER BY kind, role, key
