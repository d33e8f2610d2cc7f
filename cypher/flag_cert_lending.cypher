// purpose: Certificate lending: a registered person acts on a project for a firm other than the one they are registered at
// mode: read
// param keys: list -- the people of the range who act on a project for one firm while registered at another (flag_people_candidates)
// param lo: string = 9 -- the batch's key range, lower bound (inclusive)
// param hi: string = A -- the batch's key range, upper bound (exclusive)
// returns: pattern, person_id, person_name, project_code, project_name, role, acting_uscc, acting_name, start, end, registrations
// Registered at two firms at once: flag_cert_lending_double (the same detector, on the people registered twice).
// Candidates first: only the people found acting for a firm while registered at another (once per run, with
// the people registered twice: reading every person's projects and registrations here had cost 10 s at scale 700).
MATCH (p:Person)
WHERE p.person_id IN $keys AND p.person_id >= $lo AND p.person_id < $hi
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
