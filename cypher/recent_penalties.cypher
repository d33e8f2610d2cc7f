// purpose: Most recent penalties
// mode: read
// param days: list -- decision dates to look up, newest first
// param limit: integer = 10 -- how many
// returns: penalty_id, measure, decision_date, valid_until, authority, description, subject_name, subject_kind, subject_key
UNWIND $days AS day
MATCH (pn:Penalty {decision_date: day})
WITH pn ORDER BY pn.decision_date DESC LIMIT $limit
OPTIONAL MATCH (s)-[:PENALIZED]->(pn)
RETURN pn.penalty_id AS penalty_id, pn.measure AS measure, pn.decision_date AS decision_date,
       pn.valid_until AS valid_until, pn.authority AS authority, pn.description AS description,
       s.name AS subject_name, labels(s)[0] AS subject_kind, coalesce(s.uscc, s.person_id) AS subject_key
ORDER BY decision_date DESC
