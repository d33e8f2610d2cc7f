// purpose: Penalty decision: subject, project, authority
// mode: read
// param penalty_id: string = 赣建罚字〔2023〕12号 -- decision number
// returns: penalty, subjects, projects, authority
MATCH (pn:Penalty {penalty_id: $penalty_id})
RETURN pn{.*} AS penalty,
  [(pn)<-[:PENALIZED]-(s) | s{.uscc, .person_id, .name, kind: labels(s)[0]}] AS subjects,
  [(pn)-[:CONCERNS]->(p:Project) | p{.project_code, .name}] AS projects,
  head([(pn)-[:ISSUED_BY]->(a:Authority) | a{.name}]) AS authority
