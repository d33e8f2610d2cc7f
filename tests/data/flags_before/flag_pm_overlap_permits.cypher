// purpose: One person as project manager on construction permits (of different projects) whose construction periods overlap
// mode: read
// param roles: list -- the project manager's staff role (code and Chinese name)
// param lo: string = 9 -- the batch's key range, lower bound (inclusive)
// param hi: string = A -- the batch's key range, upper bound (exclusive)
// returns: person_id, person_name, a_no, a_code, a_uscc, a_start, a_end, b_no, b_code, b_uscc, b_start, b_end
MATCH (pe:Person)
WHERE pe.person_id >= $lo AND pe.person_id < $hi
MATCH (pe)-[x:NAMED_ON]->(a:Permit)
WHERE x.role IN $roles
MATCH (pe)-[y:NAMED_ON]->(b:Permit)
WHERE y.role IN $roles AND a.permit_no < b.permit_no
WITH pe, x, y, a, b, head([(a)-[:STAGE_OF]->(p:Project) | p.project_code]) AS a_code,
     head([(b)-[:STAGE_OF]->(p:Project) | p.project_code]) AS b_code
WHERE a_code IS NULL OR b_code IS NULL OR a_code <> b_code
// a period: the planned start (else the issue date) to the planned end (else the completion record's actual end)
WITH pe, x, y, a, b, a_code, b_code,
     coalesce(a.planned_start, a.issued) AS a_start,
     coalesce(a.planned_end, head([(a)<-[:UNDER_PERMIT]-(c:Completion) | c.end_date])) AS a_end,
     coalesce(b.planned_start, b.issued) AS b_start,
     coalesce(b.planned_end, head([(b)<-[:UNDER_PERMIT]-(c:Completion) | c.end_date])) AS b_end
WHERE a_start IS NOT NULL AND a_end IS NOT NULL AND b_start IS NOT NULL AND b_end IS NOT NULL
  AND a_start < b_end AND b_start < a_end
RETURN pe.person_id AS person_id, pe.name AS person_name, a.permit_no AS a_no, a_code, x.uscc AS a_uscc, a_start, a_end,
       b.permit_no AS b_no, b_code, y.uscc AS b_uscc, b_start, b_end
