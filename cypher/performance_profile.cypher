// purpose: Performance record: project, the performing firm and its staff
// mode: read
// param perf_no: string = YJ00100100001 -- performance record number
// returns: performance, projects, parties, people
MATCH (f:Performance {perf_no: $perf_no})
RETURN f{.*} AS performance,
  [(f)-[:STAGE_OF]->(p:Project) | p{.project_code, .name}] AS projects,
  [(f)<-[r:PARTY_TO]-(e:Enterprise) | e{.uscc, .name, role: r.role}] AS parties,
  [(f)<-[r:NAMED_ON]-(pe:Person) | pe{.person_id, .name, role: r.role, uscc: r.uscc}] AS people
