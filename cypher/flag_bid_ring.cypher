// purpose: Bid rings: bidders on one tender share a legal representative, shareholder, registered person, phone or address
// mode: read
// param keys: list -- the tenders of the range where two bidders share one of these (graph.flags.CANDIDATES: from one read of every tender's bidders and every firm's details)
// param lo: string = E -- the batch's key range, lower bound (inclusive)
// param hi: string = F -- the batch's key range, upper bound (exclusive)
// returns: tender_no, open_date, a_uscc, a_name, b_uscc, b_name, what, value, via
// Shareholders and registered people are compared by flag_bid_ring_holders and flag_bid_ring_people (the same
// detector, on firms and on people).
// Candidates first: only the tenders where two bidders share something (found in Python from every tender's
// bidders and every firm's details, each read once a run), each expanded into pairs.
MATCH (t:Tender)
WHERE t.tender_no IN $keys AND t.tender_no >= $lo AND t.tender_no < $hi
WITH t, [(t)<-[:BID_ON]-(e:Enterprise) | [e.uscc, e.legal_rep_id, e.phone, e.address]] AS bs
WHERE size(bs) > 1
  AND any(i IN range(0, size(bs) - 2) WHERE any(j IN range(i + 1, size(bs) - 1) WHERE bs[i][0] <> bs[j][0]
        AND (bs[i][1] = bs[j][1] OR (bs[i][2] <> '' AND bs[i][2] = bs[j][2]) OR (bs[i][3] <> '' AND bs[i][3] = bs[j][3]))))
UNWIND [(t)<-[:BID_ON]-(a:Enterprise) | a] AS a
UNWIND [(t)<-[:BID_ON]-(b:Enterprise) WHERE a.uscc < b.uscc | b] AS b
UNWIND [w IN [['legal_rep', b.legal_rep_id = a.legal_rep_id], ['phone', a.phone <> '' AND b.phone = a.phone],
              ['address', a.address <> '' AND b.address = a.address]] WHERE w[1] | w[0]] AS what
RETURN t.tender_no AS tender_no, t.open_date AS open_date, a.uscc AS a_uscc, a.name AS a_name, b.uscc AS b_uscc,
       b.name AS b_name, what,
       CASE what WHEN 'legal_rep' THEN coalesce([(a)<-[:LEGAL_REP_OF]-(p:Person) | p.name][0], a.legal_rep_name, a.legal_rep_id)
                 WHEN 'phone' THEN a.phone ELSE a.address END AS value,
       CASE what WHEN 'legal_rep' THEN 'person:' + a.legal_rep_id END AS via
