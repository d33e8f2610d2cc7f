// purpose: 载入分包 / Load subcontracts (Enterprise SUBCONTRACTED_TO Enterprise, per project)
// mode: write
// bulk: the first load into an empty graph (loaders/csv_folder.py): only rows whose key is new to the
// graph come here, so their node and relationships are CREATEd; not a catalog query, never retried
// param rows: list -- [{project_code, from_uscc, to_uscc, props, source, source_url}]
// param loaded_at: string -- load time
// returns: n
UNWIND $rows AS r
MERGE (a:Enterprise {uscc: r.from_uscc})
  ON CREATE SET a.stub = true, a.source = r.source, a.source_url = r.source_url, a.loaded_at = $loaded_at
MERGE (b:Enterprise {uscc: r.to_uscc})
  ON CREATE SET b.stub = true, b.source = r.source, b.source_url = r.source_url, b.loaded_at = $loaded_at
MERGE (p:Project {project_code: r.project_code})
  ON CREATE SET p.stub = true, p.source = r.source, p.source_url = r.source_url, p.loaded_at = $loaded_at
CREATE (a)-[x:SUBCONTRACTED_TO {project_code: r.project_code}]->(b)
SET x += r.props, x.source = r.source, x.source_url = r.source_url, x.loaded_at = $loaded_at
RETURN count(*) AS n
