// purpose: Phoenix firms: the legal representative or a registered person of a blacklisted or disqualified firm reappears at another firm that then wins tenders
// mode: read
// param losses: list -- measures by which a firm loses its standing
// param lo: string = 9 -- the batch's key range, lower bound (inclusive)
// param hi: string = A -- the batch's key range, upper bound (exclusive)
// returns: old_uscc, old_name, penalty_id, measure, decision_date, person_id, person_name, old_link, new_link, new_uscc, new_name, tenders
MATCH (a:Enterprise)
WHERE a.uscc >= $lo AND a.uscc < $hi
MATCH (a)-[:PENALIZED]->(pn:Penalty)
WHERE pn.decision_date IS NOT NULL AND any(w IN $losses WHERE pn.measure CONTAINS w)
MATCH (a)<-[l1:LEGAL_REP_OF|REGISTERED_AT]-(p:Person)-[l2:LEGAL_REP_OF|REGISTERED_AT]->(b:Enterprise)
WHERE b.uscc <> a.uscc
MATCH (b)-[:WON]->(t:Tender)
WHERE t.open_date >= pn.decision_date
WITH a, pn, p, type(l1) AS old_link, type(l2) AS new_link, b, collect(DISTINCT {tender_no: t.tender_no, open_date: t.open_date}) AS tenders
RETURN a.uscc AS old_uscc, a.name AS old_name, pn.penalty_id AS penalty_id, pn.measure AS measure,
       pn.decision_date AS decision_date, p.person_id AS person_id, p.name AS person_name, old_link, new_link,
       b.uscc AS new_uscc, b.name AS new_name, tenders
