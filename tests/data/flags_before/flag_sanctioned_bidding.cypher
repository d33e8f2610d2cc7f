// purpose: Bidding or winning while a bidding ban or blacklisting was in force
// mode: read
// param bans: list -- measures that ban bidding
// param lo: string = 9 -- the batch's key range, lower bound (inclusive)
// param hi: string = A -- the batch's key range, upper bound (exclusive)
// returns: uscc, name, tender_no, open_date, project_code, won, penalty_id, measure, decision_date, valid_until
MATCH (e:Enterprise)
WHERE e.uscc >= $lo AND e.uscc < $hi
MATCH (e)-[:PENALIZED]->(pn:Penalty)
WHERE pn.decision_date IS NOT NULL AND any(w IN $bans WHERE pn.measure CONTAINS w)
MATCH (e)-[:BID_ON|WON]->(t:Tender)
WHERE t.open_date IS NOT NULL AND t.open_date >= pn.decision_date
  AND (pn.valid_until IS NULL OR t.open_date <= pn.valid_until)
WITH DISTINCT e, t, pn
RETURN e.uscc AS uscc, e.name AS name, t.tender_no AS tender_no, t.open_date AS open_date,
       [(t)-[:FOR]->(pr:Project) | pr.project_code][0] AS project_code,
       size([(t)<-[:WON]-(w:Enterprise) WHERE w.uscc = e.uscc | 1]) > 0 AS won,
       pn.penalty_id AS penalty_id, pn.measure AS measure, pn.decision_date AS decision_date, pn.valid_until AS valid_until
