// purpose: Participation without a valid qualification for the role when the work started
// mode: read
// param needs: list -- qualification categories per role
// param lo: string = 9 -- the batch's key range, lower bound (inclusive)
// param hi: string = A -- the batch's key range, upper bound (exclusive)
// returns: project_code, project_name, uscc, name, role, start_on, held
MATCH (e:Enterprise)
WHERE e.uscc >= $lo AND e.uscc < $hi AND coalesce(e.stub, false) = false
MATCH (e)-[x:PARTICIPATES_IN]->(p:Project)
WITH e, x, p, [n IN $needs WHERE n.role = x.role | n.categories][0] AS cats, coalesce(x.start, p.start_date) AS start_on
WHERE cats IS NOT NULL AND start_on IS NOT NULL
  AND size([(e)-[:HOLDS]->(q:Qualification) WHERE q.category IN cats
            AND (q.issued IS NULL OR q.issued <= start_on) AND (q.expires IS NULL OR q.expires >= start_on) | 1]) = 0
RETURN p.project_code AS project_code, p.name AS project_name, e.uscc AS uscc, e.name AS name, x.role AS role, start_on,
       [(e)-[:HOLDS]->(q:Qualification) | {cert_no: q.cert_no, category: q.category, issued: q.issued, expires: q.expires}] AS held
