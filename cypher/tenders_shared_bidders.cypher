// purpose: Tenders whose bidders share a legal representative, a phone, an address or a registered person
// mode: read
// library: Bidding
// param all_bidders: boolean = false -- only where every bidder shares it
// param limit: integer = 100 -- most rows
// returns: tender, tender_no, bidders, sharing, what, value, firms
CALL {
  MATCH (e:Enterprise)
  WHERE e.legal_rep_id IS NOT NULL
  WITH e.legal_rep_id AS key, collect(e) AS group
  WHERE size(group) > 1
  RETURN '法定代表人 legal representative' AS what, coalesce(group[0].legal_rep_name + ' (' + key + ')', key) AS value, group
  UNION ALL
  MATCH (e:Enterprise)
  WHERE e.phone IS NOT NULL AND e.phone <> ''
  WITH e.phone AS value, collect(e) AS group
  WHERE size(group) > 1
  RETURN '电话 phone' AS what, value, group
  UNION ALL
  MATCH (e:Enterprise)
  WHERE e.address IS NOT NULL AND e.address <> ''
  WITH e.address AS value, collect(e) AS group
  WHERE size(group) > 1
  RETURN '地址 address' AS what, value, group
  UNION ALL
  MATCH (pe:Person)-[:REGISTERED_AT]->(e:Enterprise)
  WITH pe, collect(DISTINCT e) AS group
  WHERE size(group) > 1
  RETURN '注册人员 registered person' AS what, pe.name + ' (' + pe.person_id + ')' AS value, group
}
UNWIND group AS b
MATCH (b)-[:BID_ON]->(t:Tender)
WITH t, what, value, collect(DISTINCT b.name) AS firms
WHERE size(firms) >= 2
WITH t, what, value, firms, size([(t)<-[:BID_ON]-(x:Enterprise) | 1]) AS total
WHERE $all_bidders = false OR size(firms) = total
RETURN t AS tender, t.tender_no AS tender_no, total AS bidders, size(firms) AS sharing, what, value, firms
LIMIT $limit
