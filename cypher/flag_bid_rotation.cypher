// purpose: Rotating winners: two firms bid together repeatedly and each wins some of those tenders
// mode: read
// param min_together: integer = 3 -- least tenders bid together
// param keys: list -- the firms of the range that may rotate with another (graph.flags.CANDIDATES: from every tender's winners and bidders, read once)
// param lo: string = 9 -- the batch's key range, lower bound (inclusive)
// param hi: string = A -- the batch's key range, upper bound (exclusive)
// returns: a_uscc, a_name, b_uscc, b_name, together, tenders, a_wins, b_wins
// Candidates first: only the firms of pairs where each won a tender the other bid on and that bid together often
// enough (found in Python from one read of every tender's winners and bidders); then, from each tender the firm won, the co-bidders above it in key order; a pair
// goes on only if the other firm won a tender the first bid on, and only its common tenders are counted.
MATCH (a:Enterprise)
WHERE a.uscc IN $keys AND a.uscc >= $lo AND a.uscc < $hi AND COUNT { (a)-[:WON]->() } > 0
WITH a, [(a)-[:BID_ON]->(t:Tender) | t] AS mine
UNWIND [(a)-[:WON]->(w:Tender) | w] AS w1
UNWIND [(w1)<-[:BID_ON]-(b:Enterprise) WHERE b.uscc > a.uscc | b] AS b
WITH DISTINCT a, mine, b
WHERE any(x IN [(b)-[:WON]->(x:Tender) | x] WHERE x IN mine)
WITH a, b, [(b)-[:BID_ON]->(t:Tender) WHERE t IN mine | t] AS tenders
WHERE size(tenders) >= $min_together
UNWIND tenders AS t
WITH a, b, size(tenders) AS together, t, [(t)<-[:WON]-(w:Enterprise) | w.uscc] AS winners
WITH a, b, together, collect(t.tender_no) AS tenders,
     sum(CASE WHEN a.uscc IN winners THEN 1 ELSE 0 END) AS a_wins,
     sum(CASE WHEN b.uscc IN winners THEN 1 ELSE 0 END) AS b_wins
WHERE a_wins > 0 AND b_wins > 0
RETURN a.uscc AS a_uscc, a.name AS a_name, b.uscc AS b_uscc, b.name AS b_name, together, tenders, a_wins, b_wins
