// purpose: Subcontracting chains: two or more SUBCONTRACTED_TO links in a row on one project
// mode: read
// param lo: string = 9 -- the batch's key range, lower bound (inclusive)
// param hi: string = A -- the batch's key range, upper bound (exclusive)
// returns: project_code, project_name, a_uscc, a_name, b_uscc, b_name, c_uscc, c_name, first_scope, second_scope
MATCH (a:Enterprise)
WHERE a.uscc >= $lo AND a.uscc < $hi
MATCH (a)-[r1:SUBCONTRACTED_TO]->(b:Enterprise)-[r2:SUBCONTRACTED_TO]->(c:Enterprise)
WHERE r1.project_code = r2.project_code AND a.uscc <> c.uscc
RETURN r1.project_code AS project_code,
       [(b)-[:PARTICIPATES_IN]->(p:Project) WHERE p.project_code = r1.project_code | p.name][0] AS project_name,
       a.uscc AS a_uscc, a.name AS a_name, b.uscc AS b_uscc, b.name AS b_name, c.uscc AS c_uscc, c.name AS c_name,
       r1.scope AS first_scope, r2.scope AS second_scope
