// purpose: 载入股东 / Load shareholdings (Enterprise|Person SHAREHOLDER_OF Enterprise)
// mode: write
// bulk: the first load into an empty graph (loaders/csv_folder.py): only rows whose key is new to the
// graph come here, so their node and relationships are CREATEd; not a catalog query, never retried
// label holder: Enterprise|Person
// param rows: list -- [{holder_key, uscc, props, source, source_url}]
// param loaded_at: string -- load time
// returns: n
UNWIND $rows AS r
MERGE (h:{{holder}} {{{holder.key}}: r.holder_key})
  ON CREATE SET h.stub = true, h.source = r.source, h.source_url = r.source_url, h.loaded_at = $loaded_at
MERGE (e:Enterprise {uscc: r.uscc})
  ON CREATE SET e.stub = true, e.source = r.source, e.source_url = r.source_url, e.loaded_at = $loaded_at
CREATE (e)<-[x:SHAREHOLDER_OF]-(h)
SET x += r.props, x.source = r.source, x.source_url = r.source_url, x.loaded_at = $loaded_at
RETURN count(*) AS n
