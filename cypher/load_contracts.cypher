// purpose: Load contract records with their project
// mode: write
// param rows: list -- [{contract_id, project_code, props, source, source_url}]
// param loaded_at: string -- load time
// returns: n
UNWIND $rows AS r
MERGE (c:Contract {contract_id: r.contract_id})
SET c += r.props, c.stub = false, c.source = r.source, c.source_url = r.source_url, c.loaded_at = $loaded_at
MERGE (p:Project {project_code: r.project_code})
  ON CREATE SET p.stub = true, p.source = r.source, p.source_url = r.source_url, p.loaded_at = $loaded_at
MERGE (c)-[s:STAGE_OF]->(p)
SET s.source = r.source, s.source_url = r.source_url, s.loaded_at = $loaded_at
RETURN count(*) AS n
