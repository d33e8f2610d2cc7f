// purpose: Tenders opened in a period whose bidders share a legal representative, a phone, an address or a registered person
// mode: read
// library: Bidding
// param until: date = 2024-08-31 -- tenders opened on or before this date
// param days: integer = 184 -- … and within this many days before it (the whole graph: the bid_ring red flag, /flags/bid_ring)
// param all_bidders: boolean = false -- only where every bidder shares it
// param limit: integer = 100 -- most rows
// returns: tender, tender_no, bidders, sharing, what, value, firms
// Starts from the tenders of the period, day by day in the opening-date index (ArcadeDB scans all
// tenders for a date range), and compares each tender's own bidders: its cost follows the period,
// not the size of the graph (grouping every firm of the country by phone or address first did not
// finish at scale 700).
UNWIND range(0, $days - 1) AS i
WITH $until - duration({days: i}) AS day
MATCH (t:Tender {open_date: day})<-[:BID_ON]-(b:Enterprise)
WITH t, collect(DISTINCT b) AS bidders
WHERE size(bidders) >= 2
CALL {
  WITH bidders
  UNWIND bidders AS b
  WITH b, [k IN [['法定代表人 legal representative', b.legal_rep_id], ['电话 phone', b.phone], ['地址 address', b.address]]
           WHERE k[1] IS NOT NULL AND k[1] <> ''] AS keys
  UNWIND keys AS k
  WITH k[0] AS what, k[1] AS key, collect(b) AS grp
  WHERE size(grp) > 1
  RETURN what, CASE WHEN what STARTS WITH '法定代表人' THEN coalesce(grp[0].legal_rep_name + ' (' + key + ')', key)
                    ELSE key END AS value, grp
  UNION ALL
  WITH bidders
  UNWIND bidders AS b
  MATCH (pe:Person)-[:REGISTERED_AT]->(b)
  WITH pe, collect(DISTINCT b) AS grp
  WHERE size(grp) > 1
  RETURN '注册人员 registered person' AS what, pe.name + ' (' + pe.person_id + ')' AS value, grp
}
WITH t, size(bidders) AS total, what, value, [x IN grp | x.name] AS firms
WHERE $all_bidders = false OR size(firms) = total
RETURN t AS tender, t.tender_no AS tender_no, total AS bidders, size(firms) AS sharing, what, value, firms
ORDER BY t.open_date DESC, tender_no, what, value
LIMIT $limit
