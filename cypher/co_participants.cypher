// purpose: 企业的合作单位：共同参建项目的企业及次数 / Co-participants: firms that share projects with an enterprise, with counts
// mode: read
// library: 企业 / Enterprises
// param uscc: string = 91320500MALJK3BJLY -- 统一社会信用代码 / unified social credit code
// param limit: integer = 50 -- 最多返回 / most rows
// returns: enterprise, uscc, name, shared_projects, roles, examples
MATCH (e:Enterprise {uscc: $uscc})-[:PARTICIPATES_IN]->(p:Project)<-[r:PARTICIPATES_IN]-(o:Enterprise)
WHERE o.uscc <> e.uscc
WITH o, count(DISTINCT p) AS shared_projects, collect(DISTINCT r.role) AS roles, collect(DISTINCT p.name) AS names
RETURN o AS enterprise, o.uscc AS uscc, o.name AS name, shared_projects, roles, names[0..3] AS examples
ORDER BY shared_projects DESC, uscc
LIMIT $limit
