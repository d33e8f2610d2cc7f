// purpose: 载入施工许可 / Load construction permits (施工许可) with their project and drawing review
// mode: write
// bulk: the first load into an empty graph (loaders/csv_folder.py): only rows whose key is new to the
// graph come here, so their node and relationships are CREATEd; not a catalog query, never retried
// param rows: list -- [{permit_no, project_code, review_no, props, source, source_url}]
// param loaded_at: string -- load time
// returns: n
UNWIND $rows AS r
CREATE (pm:Permit {permit_no: r.permit_no})
SET pm += r.props, pm.stub = false, pm.source = r.source, pm.source_url = r.source_url, pm.loaded_at = $loaded_at
MERGE (p:Project {project_code: r.project_code})
  ON CREATE SET p.stub = true, p.source = r.source, p.source_url = r.source_url, p.loaded_at = $loaded_at
CREATE (pm)-[s:STAGE_OF]->(p)
SET s.source = r.source, s.source_url = r.source_url, s.loaded_at = $loaded_at
// the review no is optional and comes last: rows without one stop here
WITH pm, r WHERE r.review_no IS NOT NULL
MERGE (d:DrawingReview {review_no: r.review_no})
  ON CREATE SET d.stub = true, d.source = r.source, d.source_url = r.source_url, d.loaded_at = $loaded_at
CREATE (pm)-[x:RESTS_ON]->(d)
SET x.source = r.source, x.source_url = r.source_url, x.loaded_at = $loaded_at
RETURN count(*) AS n
