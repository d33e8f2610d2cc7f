// purpose: Person profile: registrations, projects and roles, awards, penalties
// mode: read
// param person_id: string = RY000000001 -- person id
// returns: person, registrations, projects, awards, penalties, legal_rep_of, holdings
MATCH (pe:Person {person_id: $person_id})
RETURN pe{.*} AS person,
  [(pe)-[r:REGISTERED_AT]->(e:Enterprise) | r{.*, uscc: e.uscc, enterprise_name: e.name}] AS registrations,
  [(pe)-[r:WORKS_ON]->(p:Project) | p{.project_code, .name, .category, .status, role: r.role, uscc: r.uscc, start: r.start, end: r.end}] AS projects,
  [(pe)-[:RECEIVED]->(a:Award) | a{.*}] AS awards,
  [(pe)-[:PENALIZED]->(pn:Penalty) | pn{.*}] AS penalties,
  [(pe)-[:LEGAL_REP_OF]->(e:Enterprise) | e{.uscc, .name}] AS legal_rep_of,
  [(pe)-[r:SHAREHOLDER_OF]->(e:Enterprise) | e{.uscc, .name, share_pct: r.share_pct}] AS holdings
