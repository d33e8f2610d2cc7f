// purpose: 载入项目（含建设单位）/ Load projects, with their owners
// mode: write
// bulk: the first load into an empty graph (loaders/csv_folder.py): only rows whose key is new to the
// graph come here, so their node and relationships are CREATEd; not a catalog query, never retried
// param rows: list -- [{project_code, props, owner_uscc, source, source_url}]
// param loaded_at: string -- load time
// returns: n
UNWIND $rows AS r
CREATE (p:Project {project_code: r.project_code})
SET p += r.props, p.stub = false, p.source = r.source, p.source_url = r.source_url, p.loaded_at = $loaded_at
// the owner is optional and comes last: rows without one stop here
WITH p, r WHERE r.owner_uscc IS NOT NULL
MERGE (o:Enterprise {uscc: r.owner_uscc})
  ON CREATE SET o.stub = true, o.source = r.source, o.source_url = r.source_url, o.loaded_at = $loaded_at
CREATE (p)<-[x:OWNS]-(o)
SET x.source = r.source, x.source_url = r.source_url, x.loaded_at = $loaded_at
RETURN count(*) AS n
