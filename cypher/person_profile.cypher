// purpose: Person profile: registrations, projects and roles, the stage records naming the person, awards, penalties
// mode: read
// param person_id: string = RY000000001 -- person id
// returns: person, registrations, projects, awards, penalties, legal_rep_of, holdings, named_on
MATCH (pe:Person {person_id: $person_id})
RETURN pe{.*} AS person,
  [(pe)-[r:REGISTERED_AT]->(e:Enterprise) | r{.*, uscc: e.uscc, enterprise_name: e.name}] AS registrations,
  [(pe)-[r:WORKS_ON]->(p:Project) | p{.project_code, .name, .category, .status, role: r.role, uscc: r.uscc, start: r.start, end: r.end}] AS projects,
  [(pe)-[:RECEIVED]->(a:Award) | a{.*}] AS awards,
  [(pe)-[:PENALIZED]->(pn:Penalty) | pn{.*}] AS penalties,
  [(pe)-[:LEGAL_REP_OF]->(e:Enterprise) | e{.uscc, .name}] AS legal_rep_of,
  [(pe)-[r:SHAREHOLDER_OF]->(e:Enterprise) | e{.uscc, .name, share_pct: r.share_pct}] AS holdings,
  [(pe)-[r:NAMED_ON]->(s) | {label: head(labels(s)), key: coalesce(s.permit_no, s.completion_no, s.perf_no, s.tender_no),
     role: r.role, uscc: r.uscc, start: coalesce(s.planned_start, s.start_date, s.open_date, s.issued),
     end: coalesce(s.planned_end, s.end_date), project_code: head([(s)-[:STAGE_OF|FOR]->(p:Project) | p.project_code])}] AS named_on
