// purpose: 载入良好行为（奖项）/ Load awards with their recipient, project and authority
// mode: write
// bulk: the first load into an empty graph (loaders/csv_folder.py): only rows whose key is new to the
// graph come here, so their node and relationships are CREATEd; not a catalog query, never retried
// label subject: Enterprise|Person
// param rows: list -- [{award_id, subject_key, project_code, authority, props, source, source_url}]
// param loaded_at: string -- load time
// returns: n
UNWIND $rows AS r
CREATE (a:Award {award_id: r.award_id})
SET a += r.props, a.stub = false, a.source = r.source, a.source_url = r.source_url, a.loaded_at = $loaded_at
MERGE (s:{{subject}} {{{subject.key}}: r.subject_key})
  ON CREATE SET s.stub = true, s.source = r.source, s.source_url = r.source_url, s.loaded_at = $loaded_at
CREATE (a)<-[y:RECEIVED]-(s)
SET y.source = r.source, y.source_url = r.source_url, y.loaded_at = $loaded_at
WITH a, r
CALL {
  WITH a, r
  WITH a, r WHERE r.project_code IS NOT NULL
  MERGE (p:Project {project_code: r.project_code})
    ON CREATE SET p.stub = true, p.source = r.source, p.source_url = r.source_url, p.loaded_at = $loaded_at
  CREATE (a)-[x:FOR_PROJECT]->(p)
  SET x.source = r.source, x.source_url = r.source_url, x.loaded_at = $loaded_at
}
// the authority is optional and comes last: rows without one stop here
WITH a, r WHERE r.authority IS NOT NULL
MERGE (au:Authority {name: r.authority})
  ON CREATE SET au.source = r.source, au.source_url = r.source_url, au.loaded_at = $loaded_at
CREATE (a)-[x:ISSUED_BY]->(au)
SET x.source = r.source, x.source_url = r.source_url, x.loaded_at = $loaded_at
RETURN count(*) AS n
