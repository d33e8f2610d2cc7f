// purpose: Bid rings: bidders on one tender share a legal representative, shareholder, registered person, phone or address
// mode: read
// param lo: string = 9 -- the batch's key range, lower bound (inclusive)
// param hi: string = A -- the batch's key range, upper bound (exclusive)
// returns: tender_no, open_date, a_uscc, a_name, b_uscc, b_name, what, value, via
MATCH (a:Enterprise)
WHERE a.uscc >= $lo AND a.uscc < $hi
  AND (a.legal_rep_id IS NOT NULL OR a.phone <> '' OR a.address <> '')
MATCH (a)-[:BID_ON]->(t:Tender)<-[:BID_ON]-(b:Enterprise)
WHERE a.uscc < b.uscc AND (b.legal_rep_id = a.legal_rep_id OR (a.phone <> '' AND b.phone = a.phone)
                           OR (a.address <> '' AND b.address = a.address))
UNWIND [x IN [['legal_rep', b.legal_rep_id = a.legal_rep_id], ['phone', a.phone <> '' AND b.phone = a.phone],
              ['address', a.address <> '' AND b.address = a.address]] WHERE x[1] | x[0]] AS what
RETURN t.tender_no AS tender_no, t.open_date AS open_date, a.uscc AS a_uscc, a.name AS a_name, b.uscc AS b_uscc,
       b.name AS b_name, what,
       CASE what WHEN 'legal_rep' THEN coalesce([(a)<-[:LEGAL_REP_OF]-(p:Person) | p.name][0], a.legal_rep_name, a.legal_rep_id)
                 WHEN 'phone' THEN a.phone ELSE a.address END AS value,
       CASE what WHEN 'legal_rep' THEN 'person:' + a.legal_rep_id END AS via
UNION ALL
MATCH (a:Enterprise)
WHERE a.uscc >= $lo AND a.uscc < $hi
MATCH (a)<-[:SHAREHOLDER_OF]-(h)-[:SHAREHOLDER_OF]->(b:Enterprise)
WHERE a.uscc < b.uscc
MATCH (a)-[:BID_ON]->(t:Tender)<-[:BID_ON]-(b)
RETURN t.tender_no AS tender_no, t.open_date AS open_date, a.uscc AS a_uscc, a.name AS a_name, b.uscc AS b_uscc,
       b.name AS b_name, 'shareholder' AS what, h.name AS value,
       CASE WHEN h.person_id IS NOT NULL THEN 'person:' + h.person_id ELSE 'enterprise:' + h.uscc END AS via
UNION ALL
MATCH (a:Enterprise)
WHERE a.uscc >= $lo AND a.uscc < $hi
MATCH (a)<-[r1:REGISTERED_AT]-(p:Person)-[r2:REGISTERED_AT]->(b:Enterprise)
WHERE a.uscc < b.uscc
MATCH (a)-[:BID_ON]->(t:Tender)<-[:BID_ON]-(b)
WHERE t.open_date IS NULL
   OR ((r1.valid_from IS NULL OR r1.valid_from <= t.open_date) AND (r1.valid_until IS NULL OR r1.valid_until >= t.open_date)
       AND (r2.valid_from IS NULL OR r2.valid_from <= t.open_date) AND (r2.valid_until IS NULL OR r2.valid_until >= t.open_date))
RETURN t.tender_no AS tender_no, t.open_date AS open_date, a.uscc AS a_uscc, a.name AS a_name, b.uscc AS b_uscc,
       b.name AS b_name, 'registered_person' AS what, p.name AS value, 'person:' + p.person_id AS via
