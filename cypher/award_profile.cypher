// purpose: 奖项（良好行为）：获奖者、项目、授予机关 / Award: recipient, project, authority
// mode: read
// param award_id: string = JL20230000123 -- 奖项编号 / award id
// returns: award, subjects, projects, authority
MATCH (a:Award {award_id: $award_id})
RETURN a{.*} AS award,
  [(a)<-[:RECEIVED]-(s) | s{.uscc, .person_id, .name, kind: labels(s)[0]}] AS subjects,
  [(a)-[:FOR_PROJECT]->(p:Project) | p{.project_code, .name}] AS projects,
  head([(a)-[:ISSUED_BY]->(au:Authority) | au{.name}]) AS authority
