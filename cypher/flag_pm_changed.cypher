// purpose: The project manager (or chief supervising engineer) named in the tender result is not the one named on the permit or the performance record, with no recorded change
// mode: read
// param roles: list -- [{code, names}]: the staff roles compared (project manager, chief supervising engineer)
// param lo: string = 2019 -- the batch's key range, lower bound (inclusive)
// param hi: string = 2020 -- the batch's key range, upper bound (exclusive)
// returns: project_code, project_name, role, tender_no, open_date, named_id, named_name, named_uscc, stage, stage_key, actual_id, actual_name, actual_uscc
MATCH (p:Project)
WHERE p.project_code >= $lo AND p.project_code < $hi
MATCH (p)<-[:FOR]-(t:Tender)<-[a:NAMED_ON]-(x:Person)
UNWIND $roles AS role
WITH p, t, a, x, role WHERE a.role IN role.names
MATCH (p)<-[:STAGE_OF]-(s)<-[b:NAMED_ON]-(y:Person)
WHERE (s:Permit OR s:Performance) AND b.role IN role.names AND y.person_id <> x.person_id
  // the same person under another record (a masked ID number keys people apart): same name, numbers not different
  AND NOT (x.name = y.name AND (x.id_number_masked IS NULL OR y.id_number_masked IS NULL
                                OR x.id_number_masked = y.id_number_masked))
  AND NOT EXISTS { MATCH (s)<-[c:NAMED_ON]-(x) WHERE c.role IN role.names }
  // a recorded change: the project's staff records show the named person leaving no later than the other starts
  AND NOT EXISTS {
    MATCH (x)-[l:WORKS_ON]->(p)<-[n:WORKS_ON]-(y)
    WHERE l.role IN role.names AND n.role IN role.names AND l.end IS NOT NULL AND n.start IS NOT NULL AND l.end <= n.start
  }
RETURN DISTINCT p.project_code AS project_code, p.name AS project_name, role.code AS role, t.tender_no AS tender_no,
       t.open_date AS open_date, x.person_id AS named_id, x.name AS named_name, a.uscc AS named_uscc,
       CASE WHEN s:Permit THEN 'permit' ELSE 'performance' END AS stage,
       coalesce(s.permit_no, s.perf_no) AS stage_key, y.person_id AS actual_id, y.name AS actual_name, b.uscc AS actual_uscc
