// purpose: Bid rings: bidders on one tender share a legal representative, shareholder, registered person, phone or address
// mode: read
// returns: tender_no, open_date, a_uscc, a_name, b_uscc, b_name, what, value, via
MATCH (e:Enterprise)
WHERE e.legal_rep_id IS NOT NULL
WITH e.legal_rep_id AS rep, collect(e) AS firms
WHERE size(firms) > 1
UNWIND firms AS a
UNWIND firms AS b
WITH a, b, rep
WHERE a.uscc < b.uscc
MATCH (a)-[:BID_ON]->(t:Tender)<-[:BID_ON]-(b)
RETURN t.tender_no AS tender_no, t.open_date AS open_date, a.uscc AS a_uscc, a.name AS a_name, b.uscc AS b_uscc,
       b.name AS b_name, 'legal_rep' AS what, coalesce([(a)<-[:LEGAL_REP_OF]-(p:Person) | p.name][0], a.legal_rep_name, rep) AS value,
       'person:' + rep AS via
UNION ALL
MATCH (a:Enterprise)<-[:SHAREHOLDER_OF]-(h)-[:SHAREHOLDER_OF]->(b:Enterprise)
WHERE a.uscc < b.uscc
MATCH (a)-[:BID_ON]->(t:Tender)<-[:BID_ON]-(b)
RETURN t.tender_no AS tender_no, t.open_date AS open_date, a.uscc AS a_uscc, a.name AS a_name, b.uscc AS b_uscc,
       b.name AS b_name, 'shareholder' AS what, h.name AS value,
       CASE WHEN h.person_id IS NOT NULL THEN 'person:' + h.person_id ELSE 'enterprise:' + h.uscc END AS via
UNION ALL
MATCH (p:Person)-[r:REGISTERED_AT]->(e:Enterprise)
WITH p, collect({e: e, r: r}) AS regs
WHERE size(regs) > 1
UNWIND regs AS x
UNWIND regs AS y
WITH p, x.e AS a, x.r AS r1, y.e AS b, y.r AS r2
WHERE a.uscc < b.uscc
MATCH (a)-[:BID_ON]->(t:Tender)<-[:BID_ON]-(b)
WHERE t.open_date IS NULL
   OR ((r1.valid_from IS NULL OR r1.valid_from <= t.open_date) AND (r1.valid_until IS NULL OR r1.valid_until >= t.open_date)
       AND (r2.valid_from IS NULL OR r2.valid_from <= t.open_date) AND (r2.valid_until IS NULL OR r2.valid_until >= t.open_date))
RETURN t.tender_no AS tender_no, t.open_date AS open_date, a.uscc AS a_uscc, a.name AS a_name, b.uscc AS b_uscc,
       b.name AS b_name, 'registered_person' AS what, p.name AS value, 'person:' + p.person_id AS via
UNION ALL
MATCH (e:Enterprise)
WHERE e.phone IS NOT NULL AND e.phone <> ''
WITH e.phone AS value, collect(e) AS firms
WHERE size(firms) > 1
UNWIND firms AS a
UNWIND firms AS b
WITH a, b, value
WHERE a.uscc < b.uscc
MATCH (a)-[:BID_ON]->(t:Tender)<-[:BID_ON]-(b)
RETURN t.tender_no AS tender_no, t.open_date AS open_date, a.uscc AS a_uscc, a.name AS a_name, b.uscc AS b_uscc,
       b.name AS b_name, 'phone' AS what, value, null AS via
UNION ALL
MATCH (e:Enterprise)
WHERE e.address IS NOT NULL AND e.address <> ''
WITH e.address AS value, collect(e) AS firms
WHERE size(firms) > 1
UNWIND firms AS a
UNWIND firms AS b
WITH a, b, value
WHERE a.uscc < b.uscc
MATCH (a)-[:BID_ON]->(t:Tender)<-[:BID_ON]-(b)
RETURN t.tender_no AS tender_no, t.open_date AS open_date, a.uscc AS a_uscc, a.name AS a_name, b.uscc AS b_uscc,
       b.name AS b_name, 'address' AS what, value, null AS via
