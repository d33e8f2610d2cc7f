// purpose: Completion record: project, firms, people and the permit it was built under
// mode: read
// param completion_no: string = 3205002024060001JX -- completion record number
// returns: completion, projects, parties, people, permits
MATCH (c:Completion {completion_no: $completion_no})
RETURN c{.*} AS completion,
  [(c)-[:STAGE_OF]->(p:Project) | p{.project_code, .name}] AS projects,
  [(c)<-[r:PARTY_TO]-(e:Enterprise) | e{.uscc, .name, role: r.role}] AS parties,
  [(c)<-[r:NAMED_ON]-(pe:Person) | pe{.person_id, .name, role: r.role, uscc: r.uscc}] AS people,
  [(c)-[:UNDER_PERMIT]->(s:Permit) | s{.permit_no, .issued}] AS permits
