// purpose: 载入招标（项目、代理机构、中标人）/ Load tenders with project, agency and winner
// mode: write
// bulk: the first load into an empty graph (loaders/csv_folder.py): only rows whose key is new to the
// graph come here, so their node and relationships are CREATEd; not a catalog query, never retried
// param rows: list -- [{tender_no, project_code, agency_uscc, winner_uscc, winning_price, props, source, source_url}]
// param loaded_at: string -- load time
// returns: n
UNWIND $rows AS r
CREATE (t:Tender {tender_no: r.tender_no})
SET t += r.props, t.stub = false, t.source = r.source, t.source_url = r.source_url, t.loaded_at = $loaded_at
MERGE (p:Project {project_code: r.project_code})
  ON CREATE SET p.stub = true, p.source = r.source, p.source_url = r.source_url, p.loaded_at = $loaded_at
CREATE (t)-[f:FOR]->(p)
SET f.source = r.source, f.source_url = r.source_url, f.loaded_at = $loaded_at
WITH t, r
CALL {
  WITH t, r
  WITH t, r WHERE r.agency_uscc IS NOT NULL
  MERGE (a:Enterprise {uscc: r.agency_uscc})
    ON CREATE SET a.stub = true, a.source = r.source, a.source_url = r.source_url, a.loaded_at = $loaded_at
  CREATE (t)<-[x:AGENT_FOR]-(a)
  SET x.source = r.source, x.source_url = r.source_url, x.loaded_at = $loaded_at
}
// the winner is optional and comes last: rows without one stop here
WITH t, r WHERE r.winner_uscc IS NOT NULL
MERGE (w:Enterprise {uscc: r.winner_uscc})
  ON CREATE SET w.stub = true, w.source = r.source, w.source_url = r.source_url, w.loaded_at = $loaded_at
CREATE (t)<-[x:WON]-(w)
SET x.price = r.winning_price, x.source = r.source, x.source_url = r.source_url, x.loaded_at = $loaded_at
RETURN count(*) AS n
