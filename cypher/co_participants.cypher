// purpose: Co-participants: firms that share projects with an enterprise, with counts
// mode: read
// library: Enterprises
// param uscc: string = 91320500MALJK3BJLY -- unified social credit code
// param limit: integer = 50 -- most rows
// returns: enterprise, uscc, name, shared_projects, roles, examples
MATCH (e:Enterprise {uscc: $uscc})-[:PARTICIPATES_IN]->(p:Project)<-[r:PARTICIPATES_IN]-(o:Enterprise)
WHERE o.uscc <> e.uscc
WITH o, count(DISTINCT p) AS shared_projects, collect(DISTINCT r.role) AS roles, collect(DISTINCT p.name) AS names
RETURN o AS enterprise, o.uscc AS uscc, o.name AS name, shared_projects, roles, names[0..3] AS examples
ORDER BY shared_projects DESC, uscc
LIMIT $limit
