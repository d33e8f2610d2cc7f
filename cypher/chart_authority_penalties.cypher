// purpose: One authority's penalties counted by year, measure and the region of their subject
// mode: read
// param name: string = 南昌市住房和城乡建设局 -- the authority's name
// param since: date -- decided on or after this day
// returns: year, measure, region, n
MATCH (a:Authority {name: $name})<-[:ISSUED_BY]-(pn:Penalty)
WHERE pn.decision_date >= $since
OPTIONAL MATCH (s)-[:PENALIZED]->(pn)
RETURN substring(toString(pn.decision_date), 0, 4) AS year, pn.measure AS measure, s.region_code AS region,
       count(*) AS n
