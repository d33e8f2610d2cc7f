// purpose: Bid rings: bidders on one tender share a legal representative, shareholder, registered person, phone or address
// mode: read
// param lo: string = E -- the batch's key range, lower bound (inclusive)
// param hi: string = F -- the batch's key range, upper bound (exclusive)
// returns: tender_no, open_date, a_uscc, a_name, b_uscc, b_name, what, value, via
// Registered people are compared by flag_bid_ring_people (the same detector, on people).
// Each tender's bidders are read once, with what they could share, and compared pair by pair in the
// list: no firm expands every bid of its co-bidders.
MATCH (t:Tender)
WHERE t.tender_no >= $lo AND t.tender_no < $hi
WITH t, [(t)<-[:BID_ON]-(e:Enterprise) | {e: e, uscc: e.uscc, rep: e.legal_rep_id, phone: e.phone, address: e.address,
                                          holders: [(e)<-[:SHAREHOLDER_OF]-(h) | h]}] AS bidders
WHERE size(bidders) > 1
UNWIND bidders AS x
UNWIND bidders AS y
WITH t, x, y
WHERE x.uscc < y.uscc
WITH t, x, y, [w IN [['legal_rep', y.rep = x.rep], ['phone', x.phone <> '' AND y.phone = x.phone],
                     ['address', x.address <> '' AND y.address = x.address]] WHERE w[1] | w[0]] AS same,
     [h IN x.holders WHERE h IN y.holders] AS holders
WHERE size(same) > 0 OR size(holders) > 0
WITH t, x.e AS a, y.e AS b, [w IN same | {what: w, h: null}] + [h IN holders | {what: 'shareholder', h: h}] AS links
UNWIND links AS l
WITH t, a, b, l.what AS what, l.h AS h
RETURN t.tender_no AS tender_no, t.open_date AS open_date, a.uscc AS a_uscc, a.name AS a_name, b.uscc AS b_uscc,
       b.name AS b_name, what,
       CASE what WHEN 'legal_rep' THEN coalesce([(a)<-[:LEGAL_REP_OF]-(p:Person) | p.name][0], a.legal_rep_name, a.legal_rep_id)
                 WHEN 'phone' THEN a.phone WHEN 'address' THEN a.address ELSE h.name END AS value,
       CASE what WHEN 'legal_rep' THEN 'person:' + a.legal_rep_id
                 WHEN 'shareholder' THEN CASE WHEN h.person_id IS NOT NULL THEN 'person:' + h.person_id ELSE 'enterprise:' + h.uscc END
       END AS via
