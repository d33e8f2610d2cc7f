// purpose: Certificate lending: a registered person acts on a project for a firm other than the one they are registered at, or is registered at two firms at once
// mode: read
// param lo: string = 9 -- the batch's key range, lower bound (inclusive)
// param hi: string = A -- the batch's key range, upper bound (exclusive)
// returns: pattern, person_id, person_name, project_code, project_name, role, acting_uscc, acting_name, start, end, registrations
MATCH (p:Person)
WHERE p.person_id >= $lo AND p.person_id < $hi
MATCH (p)-[w:WORKS_ON]->(pr:Project)
WHERE w.uscc IS NOT NULL
WITH p, w, pr, coalesce(w.start, pr.start_date) AS s, coalesce(w.end, pr.completion_date) AS e
WITH p, w, pr, s, e,
     [(p)-[r:REGISTERED_AT]->(f:Enterprise)
      WHERE (r.valid_from IS NULL OR e IS NULL OR r.valid_from <= e) AND (r.valid_until IS NULL OR s IS NULL OR r.valid_until >= s)
      | {uscc: f.uscc, name: f.name, reg_type: r.reg_type, valid_from: r.valid_from, valid_until: r.valid_until}] AS regs
WHERE size(regs) > 0 AND none(x IN regs WHERE x.uscc = w.uscc)
RETURN 'acting' AS pattern, p.person_id AS person_id, p.name AS person_name, pr.project_code AS project_code,
       pr.name AS project_name, w.role AS role, w.uscc AS acting_uscc,
       [(pr)<-[:PARTICIPATES_IN]-(a:Enterprise) WHERE a.uscc = w.uscc | a.name][0] AS acting_name,
       s AS start, e AS end, regs AS registrations
UNION ALL
// registered at two firms: only a person with two registrations or more is looked at further
MATCH (p:Person)
WHERE p.person_id >= $lo AND p.person_id < $hi AND COUNT { (p)-[:REGISTERED_AT]->() } > 1
MATCH (p)-[r1:REGISTERED_AT]->(f1:Enterprise)
MATCH (p)-[r2:REGISTERED_AT]->(f2:Enterprise)
WHERE f1.uscc < f2.uscc
  AND (r1.valid_from IS NULL OR r2.valid_until IS NULL OR r1.valid_from <= r2.valid_until)
  AND (r2.valid_from IS NULL OR r1.valid_until IS NULL OR r2.valid_from <= r1.valid_until)
RETURN 'double' AS pattern, p.person_id AS person_id, p.name AS person_name, null AS project_code,
       null AS project_name, null AS role, null AS acting_uscc, null AS acting_name,
       CASE WHEN r1.valid_from > r2.valid_from THEN r1.valid_from ELSE r2.valid_from END AS start,
       CASE WHEN r1.valid_until < r2.valid_until THEN r1.valid_until ELSE r2.valid_until END AS end,
       [{uscc: f1.uscc, name: f1.name, reg_type: r1.reg_type, valid_from: r1.valid_from, valid_until: r1.valid_until},
        {uscc: f2.uscc, name: f2.name, reg_type: r2.reg_type, valid_from: r2.valid_from, valid_until: r2.valid_until}] AS registrations
