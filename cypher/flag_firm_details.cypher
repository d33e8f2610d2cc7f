// purpose: Every firm's legal representative, phone and address, one line a firm: read once per run to find the candidate tenders of bid_ring
// mode: read
// param sep: string = | -- what separates a line's fields (a control character, which no key holds)
// param lo: string = 9 -- the batch's key range, lower bound (inclusive)
// param hi: string = A -- the batch's key range, upper bound (exclusive)
// returns: firms
// One row a batch: a list of lines, one a firm: its key (marked k), its legal representative's key (marked v;
// nothing when it has none), its phone (v) and its address (v).
MATCH (e:Enterprise)
WHERE e.uscc >= $lo AND e.uscc < $hi
RETURN collect('k' + e.uscc + $sep + CASE WHEN e.legal_rep_id IS NULL THEN '' ELSE 'v' + e.legal_rep_id END
               + $sep + 'v' + coalesce(e.phone, '') + $sep + 'v' + coalesce(e.address, '')) AS firms
