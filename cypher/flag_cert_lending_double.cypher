// purpose: Certificate lending: a person registered at two firms at once
// mode: read
// param keys: list -- the people registered at two firms or more in the range (flag_people_candidates)
// param lo: string = RY -- the batch's key range, lower bound (inclusive)
// param hi: string = RZ -- the batch's key range, upper bound (exclusive)
// returns: pattern, person_id, person_name, project_code, project_name, role, acting_uscc, acting_name, start, end, registrations
// Candidates first: only the people registered twice (found once per run for this and bid_ring) are read.
MATCH (p:Person)
WHERE p.person_id IN $keys AND p.person_id >= $lo AND p.person_id < $hi
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
