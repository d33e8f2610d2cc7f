// purpose: Bid rings through shareholders: two bidders of one tender with a shareholder (person or firm) in common
// mode: read
// param lo: string = 9 -- the batch's key range, lower bound (inclusive)
// param hi: string = A -- the batch's key range, upper bound (exclusive)
// returns: tender_no, open_date, a_uscc, a_name, b_uscc, b_name, what, value, via
// Candidates first: only a shareholder of two firms or more makes a pair, and only that pair's common
// tenders are read.
MATCH (a:Enterprise)
WHERE a.uscc >= $lo AND a.uscc < $hi
UNWIND [(a)<-[:SHAREHOLDER_OF]-(h) WHERE COUNT { (h)-[:SHAREHOLDER_OF]->() } > 1 | h] AS h
UNWIND [(h)-[:SHAREHOLDER_OF]->(b:Enterprise) WHERE a.uscc < b.uscc | b] AS b
WITH a, b, h, [(a)-[:BID_ON]->(t:Tender) | t] AS mine
UNWIND [(b)-[:BID_ON]->(t:Tender) WHERE t IN mine | t] AS t
RETURN t.tender_no AS tender_no, t.open_date AS open_date, a.uscc AS a_uscc, a.name AS a_name, b.uscc AS b_uscc,
       b.name AS b_name, 'shareholder' AS what, h.name AS value,
       CASE WHEN h.person_id IS NOT NULL THEN 'person:' + h.person_id ELSE 'enterprise:' + h.uscc END AS via
