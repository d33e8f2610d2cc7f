// purpose: A project manager on two or more projects whose periods overlap
// mode: read
// param role: string = 项目经理 -- role
// param lo: string = 9 -- the batch's key range, lower bound (inclusive)
// param hi: string = A -- the batch's key range, upper bound (exclusive)
// returns: person_id, person_name, a_code, a_name, a_uscc, a_start, a_end, b_code, b_name, b_uscc, b_start, b_end
MATCH (p:Person)
WHERE p.person_id >= $lo AND p.person_id < $hi
MATCH (p)-[a:WORKS_ON]->(x:Project)
WHERE a.role = $role
MATCH (p)-[b:WORKS_ON]->(y:Project)
WHERE b.role = $role AND x.project_code < y.project_code
WITH p, x, y, a, b, coalesce(a.start, x.start_date) AS a_start, coalesce(a.end, x.completion_date) AS a_end,
     coalesce(b.start, y.start_date) AS b_start, coalesce(b.end, y.completion_date) AS b_end
WHERE a_start IS NOT NULL AND b_start IS NOT NULL
  AND (a_end IS NULL OR b_start <= a_end) AND (b_end IS NULL OR a_start <= b_end)
RETURN p.person_id AS person_id, p.name AS person_name,
       x.project_code AS a_code, x.name AS a_name, a.uscc AS a_uscc, a_start, a_end,
       y.project_code AS b_code, y.name AS b_name, b.uscc AS b_uscc, b_start, b_end
