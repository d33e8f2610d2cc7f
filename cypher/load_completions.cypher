// purpose: Load completion records with their project and permit
// mode: write
// param rows: list -- [{completion_no, project_code, permit_no, props, source, source_url}]
// param loaded_at: string -- load time
// returns: n
UNWIND $rows AS r
MERGE (c:Completion {completion_no: r.completion_no})
SET c += r.props, c.stub = false, c.source = r.source, c.source_url = r.source_url, c.loaded_at = $loaded_at
MERGE (p:Project {project_code: r.project_code})
  ON CREATE SET p.stub = true, p.source = r.source, p.source_url = r.source_url, p.loaded_at = $loaded_at
MERGE (c)-[s:STAGE_OF]->(p)
SET s.source = r.source, s.source_url = r.source_url, s.loaded_at = $loaded_at
// the permit no is optional and comes last: rows without one stop here
WITH c, r WHERE r.permit_no IS NOT NULL
MERGE (pm:Permit {permit_no: r.permit_no})
  ON CREATE SET pm.stub = true, pm.source = r.source, pm.source_url = r.source_url, pm.loaded_at = $loaded_at
MERGE (c)-[x:UNDER_PERMIT]->(pm)
SET x.source = r.source, x.source_url = r.source_url, x.loaded_at = $loaded_at
RETURN count(*) AS n
