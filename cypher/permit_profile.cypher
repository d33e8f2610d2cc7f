// purpose: Construction permit: project, firms, people, the drawing review it rests on and the completion records under it
// mode: read
// param permit_no: string = 320500202406200101 -- construction permit number
// returns: permit, projects, parties, people, reviews, completions
MATCH (s:Permit {permit_no: $permit_no})
RETURN s{.*} AS permit,
  [(s)-[:STAGE_OF]->(p:Project) | p{.project_code, .name}] AS projects,
  [(s)<-[r:PARTY_TO]-(e:Enterprise) | e{.uscc, .name, role: r.role}] AS parties,
  [(s)<-[r:NAMED_ON]-(pe:Person) | pe{.person_id, .name, role: r.role, uscc: r.uscc}] AS people,
  [(s)-[:RESTS_ON]->(d:DrawingReview) | d{.review_no, .review_date, .reviewer_name}] AS reviews,
  [(s)<-[:UNDER_PERMIT]-(c:Completion) | c{.completion_no, .start_date, .end_date}] AS completions
