// purpose: 投标人之间共享法定代表人、电话、地址或注册人员的招标 / Tenders whose bidders share a legal representative, a phone, an address or a registered person
// mode: read
// library: 招投标 / Bidding
// param all_bidders: boolean = false -- 仅限全部投标人都共享 / only where every bidder shares it
// param limit: integer = 100 -- 最多返回 / most rows
// returns: tender, tender_no, bidders, sharing, what, value, firms
MATCH (t:Tender)
CALL {
  WITH t
  MATCH (t)<-[:BID_ON]-(b:Enterprise)
  WITH collect(b) AS bidders
  WHERE size(bidders) >= 2
  UNWIND bidders AS b
  UNWIND [['法定代表人 legal representative', b.legal_rep_id], ['电话 phone', b.phone], ['地址 address', b.address]] AS kv
  WITH size(bidders) AS total, kv[0] AS what, kv[1] AS value, b.name AS firm
  WHERE value IS NOT NULL AND value <> ''
  WITH total, what, value, collect(firm) AS firms
  WHERE size(firms) >= 2
  RETURN total, what, value, firms
  UNION ALL
  WITH t
  MATCH (t)<-[:BID_ON]-(b:Enterprise)
  WITH t, count(b) AS total
  WHERE total >= 2
  MATCH (t)<-[:BID_ON]-(b:Enterprise)<-[:REGISTERED_AT]-(pe:Person)
  WITH total, pe, collect(DISTINCT b.name) AS firms
  WHERE size(firms) >= 2
  RETURN total, '注册人员 registered person' AS what, pe.name + ' (' + pe.person_id + ')' AS value, firms
}
WITH t, total, what, value, firms
WHERE $all_bidders = false OR size(firms) = total
RETURN t AS tender, t.tender_no AS tender_no, total AS bidders, size(firms) AS sharing, what, value, firms
LIMIT $limit
