// purpose: Penalties counted by year, measure and the region of their subject (the home page's chart)
// mode: read
// param since: date -- decided on or after this day
// returns: year, measure, region, n
MATCH (pn:Penalty)
WHERE pn.decision_date >= $since
OPTIONAL MATCH (s)-[:PENALIZED]->(pn)
RETURN substring(toString(pn.decision_date), 0, 4) AS year, pn.measure AS measure, s.region_code AS region,
       count(*) AS n
