// purpose: 载入企业及其法定代表人 / Load enterprises, with their legal representatives
// mode: write
// bulk: the first load into an empty graph (loaders/csv_folder.py): only rows whose key is new to the
// graph come here, so their node and relationships are CREATEd; not a catalog query, never retried
// param rows: list -- [{uscc, props, legal_rep_id, legal_rep_name, source, source_url}]
// param loaded_at: string -- load time stamped on every node and relationship
// returns: n
UNWIND $rows AS r
CREATE (e:Enterprise {uscc: r.uscc})
SET e += r.props, e.stub = false, e.source = r.source, e.source_url = r.source_url, e.loaded_at = $loaded_at
WITH e, r WHERE r.legal_rep_id IS NOT NULL
MERGE (p:Person {person_id: r.legal_rep_id})
  ON CREATE SET p.stub = true, p.name = r.legal_rep_name, p.source = r.source, p.source_url = r.source_url, p.loaded_at = $loaded_at
CREATE (p)-[l:LEGAL_REP_OF]->(e)
SET l.source = r.source, l.source_url = r.source_url, l.loaded_at = $loaded_at
RETURN count(*) AS n
