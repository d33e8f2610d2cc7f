// purpose: 载入人员 / Load persons (ID numbers arrive masked and hashed, never in full)
// mode: write
// bulk: the first load into an empty graph (loaders/csv_folder.py): only rows whose key is new to the
// graph come here, so their node and relationships are CREATEd; not a catalog query, never retried
// param rows: list -- [{person_id, props, source, source_url}]
// param loaded_at: string -- load time
// returns: n
UNWIND $rows AS r
CREATE (p:Person {person_id: r.person_id})
SET p += r.props, p.stub = false, p.source = r.source, p.source_url = r.source_url, p.loaded_at = $loaded_at
RETURN count(*) AS n
