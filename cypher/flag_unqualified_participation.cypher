// purpose: Participation without a valid qualification for the role when the work started
// mode: read
// param roles: list -- the participation roles that need a qualification
// param categories: map -- per such role, the qualification categories that allow it
// param lo: string = 9 -- the batch's key range, lower bound (inclusive)
// param hi: string = A -- the batch's key range, upper bound (exclusive)
// returns: project_code, project_name, uscc, name, role, start_on, held
// A firm's participations in a role that needs a qualification are read first, its qualifications once; the
// role's categories are looked up in a map (a list searched per row cost a third of the query at scale 700).
MATCH (e:Enterprise)
WHERE e.uscc >= $lo AND e.uscc < $hi AND coalesce(e.stub, false) = false
WITH e, [(e)-[x:PARTICIPATES_IN]->(p:Project) WHERE x.role IN $roles | [x, p]] AS parts
WHERE size(parts) > 0
WITH e, parts, [(e)-[:HOLDS]->(q:Qualification) | {cert_no: q.cert_no, category: q.category, issued: q.issued, expires: q.expires}] AS held
UNWIND parts AS xp
WITH e, held, xp[0] AS x, xp[1] AS p
WITH e, held, x, p, $categories[x.role] AS cats, coalesce(x.start, p.start_date) AS start_on
WHERE start_on IS NOT NULL
  AND none(q IN held WHERE q.category IN cats AND (q.issued IS NULL OR q.issued <= start_on) AND (q.expires IS NULL OR q.expires >= start_on))
RETURN p.project_code AS project_code, p.name AS project_name, e.uscc AS uscc, e.name AS name, x.role AS role, start_on,
       held
