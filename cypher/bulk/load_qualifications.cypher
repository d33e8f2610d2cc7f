// purpose: 载入资质证书（持有企业、发证机关）/ Load qualification certificates, holders and issuing authorities
// mode: write
// bulk: the first load into an empty graph (loaders/csv_folder.py): only rows whose key is new to the
// graph come here, so their node and relationships are CREATEd; not a catalog query, never retried
// param rows: list -- [{cert_no, uscc, authority, props, source, source_url}]
// param loaded_at: string -- load time
// returns: n
UNWIND $rows AS r
CREATE (q:Qualification {cert_no: r.cert_no})
SET q += r.props, q.stub = false, q.source = r.source, q.source_url = r.source_url, q.loaded_at = $loaded_at
MERGE (e:Enterprise {uscc: r.uscc})
  ON CREATE SET e.stub = true, e.source = r.source, e.source_url = r.source_url, e.loaded_at = $loaded_at
CREATE (q)<-[h:HOLDS]-(e)
SET h.source = r.source, h.source_url = r.source_url, h.loaded_at = $loaded_at
// the authority is optional and comes last: rows without one stop here
WITH q, r WHERE r.authority IS NOT NULL
MERGE (a:Authority {name: r.authority})
  ON CREATE SET a.source = r.source, a.source_url = r.source_url, a.loaded_at = $loaded_at
CREATE (q)-[i:ISSUED_BY]->(a)
SET i.source = r.source, i.source_url = r.source_url, i.loaded_at = $loaded_at
RETURN count(*) AS n
