// purpose: Rotating winners: two firms bid together repeatedly and each wins some of those tenders
// mode: read
// param min_together: integer = 3 -- least tenders bid together
// param lo: string = 9 -- the batch's key range, lower bound (inclusive)
// param hi: string = A -- the batch's key range, upper bound (exclusive)
// returns: a_uscc, a_name, b_uscc, b_name, together, tenders, a_wins, b_wins
// Candidates first: a pair where each firm won a tender both bid on (from the tenders the range's
// firm won); only those pairs' common tenders are counted.
MATCH (a:Enterprise)
WHERE a.uscc >= $lo AND a.uscc < $hi
MATCH (a)-[:WON]->(w1:Tender)<-[:BID_ON]-(b:Enterprise)
WHERE EXISTS { MATCH (a)-[:BID_ON]->(w1) }
WITH DISTINCT a, b
WHERE a.uscc < b.uscc
  AND EXISTS { MATCH (b)-[:WON]->(w2:Tender)<-[:BID_ON]-(a) WHERE EXISTS { MATCH (b)-[:BID_ON]->(w2) } }
MATCH (a)-[:BID_ON]->(t:Tender)<-[:BID_ON]-(b)
WITH a, b, collect(t) AS tenders
WHERE size(tenders) >= $min_together
UNWIND tenders AS t
WITH a, b, size(tenders) AS together, t, [(t)<-[:WON]-(w:Enterprise) | w.uscc] AS winners
WITH a, b, together, collect(t.tender_no) AS tenders,
     sum(CASE WHEN a.uscc IN winners THEN 1 ELSE 0 END) AS a_wins,
     sum(CASE WHEN b.uscc IN winners THEN 1 ELSE 0 END) AS b_wins
WHERE a_wins > 0 AND b_wins > 0
RETURN a.uscc AS a_uscc, a.name AS a_name, b.uscc AS b_uscc, b.name AS b_name, together, tenders, a_wins, b_wins
