// purpose: Bid rings through people: a person registered at two bidders of one tender, both registrations valid on its opening day
// mode: read
// param keys: list -- the people registered at two firms or more in the range (flag_people_candidates)
// param lo: string = RY -- the batch's key range, lower bound (inclusive)
// param hi: string = RZ -- the batch's key range, upper bound (exclusive)
// returns: tender_no, open_date, a_uscc, a_name, b_uscc, b_name, what, value, via
// Candidates first: only a person registered at two firms or more makes a pair (found once per run for
// this and cert_lending), and only that pair's common tenders are read.
MATCH (p:Person)
WHERE p.person_id IN $keys AND p.person_id >= $lo AND p.person_id < $hi
MATCH (p)-[r1:REGISTERED_AT]->(a:Enterprise)
MATCH (p)-[r2:REGISTERED_AT]->(b:Enterprise)
WHERE a.uscc < b.uscc
WITH p, a, b, r1, r2, [(a)-[:BID_ON]->(t:Tender) | t] AS tenders
UNWIND [(b)-[:BID_ON]->(t:Tender) WHERE t IN tenders | t] AS t
WITH p, a, b, r1, r2, t
WHERE (t.open_date IS NULL
       OR ((r1.valid_from IS NULL OR r1.valid_from <= t.open_date) AND (r1.valid_until IS NULL OR r1.valid_until >= t.open_date)
           AND (r2.valid_from IS NULL OR r2.valid_from <= t.open_date) AND (r2.valid_until IS NULL OR r2.valid_until >= t.open_date)))
RETURN t.tender_no AS tender_no, t.open_date AS open_date, a.uscc AS a_uscc, a.name AS a_name, b.uscc AS b_uscc,
       b.name AS b_name, 'registered_person' AS what, p.name AS value, 'person:' + p.person_id AS via
