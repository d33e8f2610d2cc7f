// purpose: 载入企业的法定代表人 / Load enterprises' legal representatives (after load_enterprises, same rows)
// mode: write
// param rows: list -- [{uscc, legal_rep_id, legal_rep_name, source, source_url}]
// param loaded_at: string -- load time stamped on every node and relationship
// returns: n
UNWIND $rows AS r
WITH r WHERE r.legal_rep_id IS NOT NULL
MATCH (e:Enterprise {uscc: r.uscc})
MERGE (p:Person {person_id: r.legal_rep_id})
  ON CREATE SET p.stub = true, p.name = r.legal_rep_name, p.source = r.source, p.source_url = r.source_url, p.loaded_at = $loaded_at
MERGE (p)-[l:LEGAL_REP_OF]->(e)
SET l.source = r.source, l.source_url = r.source_url, l.loaded_at = $loaded_at
RETURN count(*) AS n
