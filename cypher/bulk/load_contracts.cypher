// purpose: 载入合同备案 / Load contract records (合同备案) with their project
// mode: write
// bulk: the first load into an empty graph (loaders/csv_folder.py): only rows whose key is new to the
// graph come here, so their node and relationships are CREATEd; not a catalog query, never retried
// param rows: list -- [{contract_id, project_code, props, source, source_url}]
// param loaded_at: string -- load time
// returns: n
UNWIND $rows AS r
CREATE (c:Contract {contract_id: r.contract_id})
SET c += r.props, c.stub = false, c.source = r.source, c.source_url = r.source_url, c.loaded_at = $loaded_at
MERGE (p:Project {project_code: r.project_code})
  ON CREATE SET p.stub = true, p.source = r.source, p.source_url = r.source_url, p.loaded_at = $loaded_at
CREATE (c)-[s:STAGE_OF]->(p)
SET s.source = r.source, s.source_url = r.source_url, s.loaded_at = $loaded_at
RETURN count(*) AS n
