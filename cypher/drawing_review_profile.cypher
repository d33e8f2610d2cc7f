// purpose: Drawing review: project, firms and the permits resting on it
// mode: read
// param review_no: string = 320500202300001SC -- drawing review number
// returns: drawing_review, projects, parties, permits
MATCH (d:DrawingReview {review_no: $review_no})
RETURN d{.*} AS drawing_review,
  [(d)-[:STAGE_OF]->(p:Project) | p{.project_code, .name}] AS projects,
  [(d)<-[r:PARTY_TO]-(e:Enterprise) | e{.uscc, .name, role: r.role}] AS parties,
  [(d)<-[:RESTS_ON]-(s:Permit) | s{.permit_no, .issued}] AS permits
