// purpose: Award: recipient, project, authority
// mode: read
// param award_id: string = JL20230000123 -- award id
// returns: award, subjects, projects, authority
MATCH (a:Award {award_id: $award_id})
RETURN a{.*} AS award,
  [(a)<-[:RECEIVED]-(s) | s{.uscc, .person_id, .name, kind: labels(s)[0]}] AS subjects,
  [(a)-[:FOR_PROJECT]->(p:Project) | p{.project_code, .name}] AS projects,
  head([(a)-[:ISSUED_BY]->(au:Authority) | au{.name}]) AS authority
