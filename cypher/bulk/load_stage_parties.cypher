// purpose: 载入阶段记录所列单位 / Load the firms named on a stage record (Enterprise PARTY_TO the record, by role)
// mode: write
// bulk: the first load into an empty graph (loaders/csv_folder.py): only rows whose key is new to the
// graph come here, so their node and relationships are CREATEd; not a catalog query, never retried
// label stage: Contract|DrawingReview|Permit|Completion|Performance
// param rows: list -- [{stage, stage_key, uscc, role, props, source, source_url}]
// param loaded_at: string -- load time
// returns: n
UNWIND $rows AS r
MERGE (st:{{stage}} {{{stage.key}}: r.stage_key})
  ON CREATE SET st.stub = true, st.source = r.source, st.source_url = r.source_url, st.loaded_at = $loaded_at
MERGE (e:Enterprise {uscc: r.uscc})
  ON CREATE SET e.stub = true, e.source = r.source, e.source_url = r.source_url, e.loaded_at = $loaded_at
CREATE (st)<-[x:PARTY_TO {role: r.role}]-(e)
SET x += r.props, x.source = r.source, x.source_url = r.source_url, x.loaded_at = $loaded_at
RETURN count(*) AS n
