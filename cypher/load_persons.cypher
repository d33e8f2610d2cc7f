// purpose: Load persons (ID numbers arrive masked and hashed, never in full)
// mode: write
// param rows: list -- [{person_id, props, source, source_url}]
// param loaded_at: string -- load time
// returns: n
UNWIND $rows AS r
MERGE (p:Person {person_id: r.person_id})
SET p += r.props, p.stub = false, p.source = r.source, p.source_url = r.source_url, p.loaded_at = $loaded_at
RETURN count(*) AS n
