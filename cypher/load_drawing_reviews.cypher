// purpose: Load drawing reviews with their project
// mode: write
// param rows: list -- [{review_no, project_code, props, source, source_url}]
// param loaded_at: string -- load time
// returns: n
UNWIND $rows AS r
MERGE (d:DrawingReview {review_no: r.review_no})
SET d += r.props, d.stub = false, d.source = r.source, d.source_url = r.source_url, d.loaded_at = $loaded_at
MERGE (p:Project {project_code: r.project_code})
  ON CREATE SET p.stub = true, p.source = r.source, p.source_url = r.source_url, p.loaded_at = $loaded_at
MERGE (d)-[s:STAGE_OF]->(p)
SET s.source = r.source, s.source_url = r.source_url, s.loaded_at = $loaded_at
RETURN count(*) AS n
