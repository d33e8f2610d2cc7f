// purpose: 载入企业 / Load enterprises (their legal representatives follow in load_legal_reps)
// mode: write
// param rows: list -- [{uscc, props, legal_rep_id, legal_rep_name, source, source_url}]
// param loaded_at: string -- load time stamped on every node and relationship
// returns: n
UNWIND $rows AS r
MERGE (e:Enterprise {uscc: r.uscc})
SET e += r.props, e.stub = false, e.source = r.source, e.source_url = r.source_url, e.loaded_at = $loaded_at
RETURN count(*) AS n
