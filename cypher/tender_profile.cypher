// purpose: Tender: project, agency, bidders and winner
// mode: read
// param tender_no: string = E3601002023000001 -- tender number
// returns: tender, projects, agency, bidders, winner
MATCH (t:Tender {tender_no: $tender_no})
RETURN t{.*} AS tender,
  [(t)-[:FOR]->(p:Project) | p{.project_code, .name}] AS projects,
  head([(t)<-[:AGENT_FOR]-(a:Enterprise) | a{.uscc, .name}]) AS agency,
  [(t)<-[r:BID_ON]-(b:Enterprise) | b{.uscc, .name, price: r.price, rank: r.rank, outcome: r.outcome}] AS bidders,
  head([(t)<-[r:WON]-(w:Enterprise) | w{.uscc, .name, price: r.price}]) AS winner
