// purpose: 载入投标 / Load bids (Enterprise BID_ON Tender)
// mode: write
// bulk: the first load into an empty graph (loaders/csv_folder.py): only rows whose key is new to the
// graph come here, so their node and relationships are CREATEd; not a catalog query, never retried
// param rows: list -- [{tender_no, uscc, props, source, source_url}]
// param loaded_at: string -- load time
// returns: n
UNWIND $rows AS r
MERGE (e:Enterprise {uscc: r.uscc})
  ON CREATE SET e.stub = true, e.source = r.source, e.source_url = r.source_url, e.loaded_at = $loaded_at
MERGE (t:Tender {tender_no: r.tender_no})
  ON CREATE SET t.stub = true, t.source = r.source, t.source_url = r.source_url, t.loaded_at = $loaded_at
CREATE (t)<-[x:BID_ON]-(e)
SET x += r.props, x.source = r.source, x.source_url = r.source_url, x.loaded_at = $loaded_at
RETURN count(*) AS n
