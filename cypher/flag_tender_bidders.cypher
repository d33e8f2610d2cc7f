// purpose: Every tender's winners and bidders, one line of firm keys a tender: read once per run, compared in Python to find the candidates of bid_rotation
// mode: read
// param sep: string = | -- what separates the firm keys in a line (a control character, which no key holds)
// param lo: string = E -- the batch's key range, lower bound (inclusive)
// param hi: string = F -- the batch's key range, upper bound (exclusive)
// returns: tenders
// One row a batch: a list of lines, one a tender with a bidder, each key marked w (won) or b (bid on), so that
// the driver decodes one string a tender instead of a row of lists (the rows cost more to decode than to read).
MATCH (t:Tender)
WHERE t.tender_no >= $lo AND t.tender_no < $hi
WITH [(t)<-[:WON]-(w:Enterprise) | w.uscc] AS winners, [(t)<-[:BID_ON]-(e:Enterprise) | e.uscc] AS bidders
WHERE size(bidders) > 0
RETURN collect(reduce(s = '', u IN winners | s + $sep + 'w' + u) + reduce(s = '', u IN bidders | s + $sep + 'b' + u)) AS tenders
