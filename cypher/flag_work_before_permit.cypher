// purpose: Work started (the completion record's actual start) before the construction permit was issued, or a completion record with no permit
// mode: read
// param contractor: list -- the stage roles of the contractor (code and Chinese name)
// param lo: string = 2019 -- the batch's key range, lower bound (inclusive)
// param hi: string = 2020 -- the batch's key range, upper bound (exclusive)
// returns: project_code, project_name, completion_no, start_date, end_date, permit_no, issued, firms
MATCH (p:Project)
WHERE p.project_code >= $lo AND p.project_code < $hi
MATCH (p)<-[:STAGE_OF]-(c:Completion)
// the permits the completion record names; if none, every permit of the project
WITH p, c, [(c)-[:UNDER_PERMIT]->(s:Permit) | s] AS own
WITH p, c, CASE WHEN size(own) > 0 THEN own ELSE [(p)<-[:STAGE_OF]-(s:Permit) | s] END AS permits
// the earliest issued of them
WITH p, c, permits, reduce(first = NULL, s IN permits |
       CASE WHEN s.issued IS NOT NULL AND (first IS NULL OR s.issued < first.issued) THEN s ELSE first END) AS s
WHERE size(permits) = 0 OR (c.start_date IS NOT NULL AND s IS NOT NULL AND c.start_date < s.issued)
RETURN p.project_code AS project_code, p.name AS project_name, c.completion_no AS completion_no,
       c.start_date AS start_date, c.end_date AS end_date, s.permit_no AS permit_no, s.issued AS issued,
       [(c)<-[r:PARTY_TO]-(e:Enterprise) WHERE r.role IN $contractor | {uscc: e.uscc, name: e.name}] AS firms
