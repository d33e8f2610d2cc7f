// purpose: 载入不良行为与行政处罚 / Load penalties (bad-behaviour records) with subject, project and authority
// mode: write
// bulk: the first load into an empty graph (loaders/csv_folder.py): only rows whose key is new to the
// graph come here, so their node and relationships are CREATEd; not a catalog query, never retried
// label subject: Enterprise|Person
// param rows: list -- [{penalty_id, subject_key, project_code, authority, props, source, source_url}]
// param loaded_at: string -- load time
// returns: n
UNWIND $rows AS r
CREATE (pn:Penalty {penalty_id: r.penalty_id})
SET pn += r.props, pn.stub = false, pn.source = r.source, pn.source_url = r.source_url, pn.loaded_at = $loaded_at
MERGE (s:{{subject}} {{{subject.key}}: r.subject_key})
  ON CREATE SET s.stub = true, s.source = r.source, s.source_url = r.source_url, s.loaded_at = $loaded_at
CREATE (pn)<-[y:PENALIZED]-(s)
SET y.source = r.source, y.source_url = r.source_url, y.loaded_at = $loaded_at
MERGE (au:Authority {name: r.authority})
  ON CREATE SET au.source = r.source, au.source_url = r.source_url, au.loaded_at = $loaded_at
CREATE (pn)-[z:ISSUED_BY]->(au)
SET z.source = r.source, z.source_url = r.source_url, z.loaded_at = $loaded_at
// the project is optional and comes last: rows without one stop here
WITH pn, r WHERE r.project_code IS NOT NULL
MERGE (p:Project {project_code: r.project_code})
  ON CREATE SET p.stub = true, p.source = r.source, p.source_url = r.source_url, p.loaded_at = $loaded_at
CREATE (pn)-[x:CONCERNS]->(p)
SET x.source = r.source, x.source_url = r.source_url, x.loaded_at = $loaded_at
RETURN count(*) AS n
