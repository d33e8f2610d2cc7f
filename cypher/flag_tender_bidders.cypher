// purpose: Every tender's winners and bidders, one line a tender: read once per run and compared in Python to find the candidates of bid_ring and bid_rotation
// mode: read
// param sep: string = | -- what separates a line's keys (a control character, which no key holds)
// param part: string = / -- what separates a line's parts (another control character)
// param lo: string = E -- the batch's key range, lower bound (inclusive)
// param hi: string = F -- the batch's key range, upper bound (exclusive)
// returns: tenders
// One row a batch: a list of lines, one a tender with a bidder, in three parts: its number (marked t), the keys
// of the firms that won it and of those that bid on it (each marked k). The driver decodes one string a tender,
// where a row of lists a tender cost more to decode than the database spent reading it.
MATCH (t:Tender)
WHERE t.tender_no >= $lo AND t.tender_no < $hi
WITH t, [(t)<-[:WON]-(w:Enterprise) | w.uscc] AS winners, [(t)<-[:BID_ON]-(e:Enterprise) | e.uscc] AS bidders
WHERE size(bidders) > 0
RETURN collect('t' + t.tender_no + $part + substring(reduce(s = '', u IN winners | s + $sep + 'k' + u), 1) + $part
               + substring(reduce(s = '', u IN bidders | s + $sep + 'k' + u), 1)) AS tenders
