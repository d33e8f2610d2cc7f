// purpose: Subcontractors without a valid qualification of the needed category when the project started
// mode: read
// param needs: list -- qualification categories per role
// param default_role: string -- the role of a subcontractor whose participation names none
// param lo: string = 9 -- the batch's key range, lower bound (inclusive)
// param hi: string = A -- the batch's key range, upper bound (exclusive)
// returns: project_code, project_name, from_uscc, from_name, uscc, name, role, start_on, scope, held
MATCH (b:Enterprise)
WHERE b.uscc >= $lo AND b.uscc < $hi AND coalesce(b.stub, false) = false
MATCH (a:Enterprise)-[s:SUBCONTRACTED_TO]->(b)
WITH a, s, b, [(b)-[x:PARTICIPATES_IN]->(p:Project) WHERE p.project_code = s.project_code
               | {role: x.role, start_on: coalesce(x.start, p.start_date), name: p.name}][0] AS part
WITH a, s, b, part, coalesce(part.role, $default_role) AS role
WITH a, s, b, part, role, [n IN $needs WHERE n.role = role | n.categories][0] AS cats
WHERE part.start_on IS NOT NULL AND cats IS NOT NULL
  AND size([(b)-[:HOLDS]->(q:Qualification) WHERE q.category IN cats
            AND (q.issued IS NULL OR q.issued <= part.start_on) AND (q.expires IS NULL OR q.expires >= part.start_on) | 1]) = 0
RETURN s.project_code AS project_code, part.name AS project_name, a.uscc AS from_uscc, a.name AS from_name,
       b.uscc AS uscc, b.name AS name, role, part.start_on AS start_on, s.scope AS scope,
       [(b)-[:HOLDS]->(q:Qualification) | {cert_no: q.cert_no, category: q.category, issued: q.issued, expires: q.expires}] AS held
