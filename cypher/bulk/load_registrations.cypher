// purpose: 载入人员注册（执业注册）/ Load practitioner registrations (Person REGISTERED_AT Enterprise)
// mode: write
// bulk: the first load into an empty graph (loaders/csv_folder.py): only rows whose key is new to the
// graph come here, so their node and relationships are CREATEd; not a catalog query, never retried
// param rows: list -- [{person_id, uscc, reg_type, props, source, source_url}]
// param loaded_at: string -- load time
// returns: n
UNWIND $rows AS r
MERGE (p:Person {person_id: r.person_id})
  ON CREATE SET p.stub = true, p.source = r.source, p.source_url = r.source_url, p.loaded_at = $loaded_at
MERGE (e:Enterprise {uscc: r.uscc})
  ON CREATE SET e.stub = true, e.source = r.source, e.source_url = r.source_url, e.loaded_at = $loaded_at
CREATE (p)-[x:REGISTERED_AT {reg_type: r.reg_type}]->(e)
SET x += r.props, x.source = r.source, x.source_url = r.source_url, x.loaded_at = $loaded_at
RETURN count(*) AS n
