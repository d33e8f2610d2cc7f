// purpose: 载入业绩记录 / Load firms' performance records (业绩) with their project and firm
// mode: write
// bulk: the first load into an empty graph (loaders/csv_folder.py): only rows whose key is new to the
// graph come here, so their node and relationships are CREATEd; not a catalog query, never retried
// param rows: list -- [{perf_no, project_code, uscc, enterprise_name, props, source, source_url}]
// param loaded_at: string -- load time
// returns: n
UNWIND $rows AS r
CREATE (pf:Performance {perf_no: r.perf_no})
SET pf += r.props, pf.stub = false, pf.source = r.source, pf.source_url = r.source_url, pf.loaded_at = $loaded_at
MERGE (p:Project {project_code: r.project_code})
  ON CREATE SET p.stub = true, p.source = r.source, p.source_url = r.source_url, p.loaded_at = $loaded_at
CREATE (pf)-[s:STAGE_OF]->(p)
SET s.source = r.source, s.source_url = r.source_url, s.loaded_at = $loaded_at
// the uscc is optional and comes last: rows without one stop here
WITH pf, r WHERE r.uscc IS NOT NULL
MERGE (e:Enterprise {uscc: r.uscc})
  ON CREATE SET e.stub = true, e.source = r.source, e.source_url = r.source_url, e.loaded_at = $loaded_at
SET e.name = coalesce(e.name, r.enterprise_name)
CREATE (pf)<-[x:PARTY_TO {role: 'performer'}]-(e)
SET x.source = r.source, x.source_url = r.source_url, x.loaded_at = $loaded_at
RETURN count(*) AS n
