// purpose: 载入项目人员（项目经理、总监等）/ Load project staff (Person WORKS_ON Project, by role)
// mode: write
// bulk: the first load into an empty graph (loaders/csv_folder.py): only rows whose key is new to the
// graph come here, so their node and relationships are CREATEd; not a catalog query, never retried
// param rows: list -- [{project_code, person_id, role, uscc, props, source, source_url}]
// param loaded_at: string -- load time
// returns: n
UNWIND $rows AS r
MERGE (pe:Person {person_id: r.person_id})
  ON CREATE SET pe.stub = true, pe.source = r.source, pe.source_url = r.source_url, pe.loaded_at = $loaded_at
MERGE (p:Project {project_code: r.project_code})
  ON CREATE SET p.stub = true, p.source = r.source, p.source_url = r.source_url, p.loaded_at = $loaded_at
CREATE (p)<-[x:WORKS_ON {role: r.role}]-(pe)
SET x += r.props, x.source = r.source, x.source_url = r.source_url, x.loaded_at = $loaded_at
// the firm is optional and comes last: rows without one stop here
WITH r WHERE r.uscc IS NOT NULL
MERGE (e:Enterprise {uscc: r.uscc})
  ON CREATE SET e.stub = true, e.source = r.source, e.source_url = r.source_url, e.loaded_at = $loaded_at
RETURN count(*) AS n
