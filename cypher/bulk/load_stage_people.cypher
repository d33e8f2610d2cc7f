// purpose: 载入阶段记录所列人员 / Load the people named on a stage record (Person NAMED_ON the record, by role)
// mode: write
// bulk: the first load into an empty graph (loaders/csv_folder.py): only rows whose key is new to the
// graph come here, so their node and relationships are CREATEd; not a catalog query, never retried
// label stage: Tender|Permit|Completion|Performance
// param rows: list -- [{stage, stage_key, person_id, name, role, uscc, props, source, source_url}]
// param loaded_at: string -- load time
// returns: n
UNWIND $rows AS r
MERGE (st:{{stage}} {{{stage.key}}: r.stage_key})
  ON CREATE SET st.stub = true, st.source = r.source, st.source_url = r.source_url, st.loaded_at = $loaded_at
MERGE (pe:Person {person_id: r.person_id})
  ON CREATE SET pe.stub = true, pe.source = r.source, pe.source_url = r.source_url, pe.loaded_at = $loaded_at
SET pe.name = coalesce(pe.name, r.name)
CREATE (st)<-[x:NAMED_ON {role: r.role}]-(pe)
SET x += r.props, x.source = r.source, x.source_url = r.source_url, x.loaded_at = $loaded_at
// the firm is optional and comes last: rows without one stop here
WITH r WHERE r.uscc IS NOT NULL
MERGE (e:Enterprise {uscc: r.uscc})
  ON CREATE SET e.stub = true, e.source = r.source, e.source_url = r.source_url, e.loaded_at = $loaded_at
RETURN count(*) AS n
