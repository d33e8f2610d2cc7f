// purpose: Contract record: project, parties and the tender it follows
// mode: read
// param contract_id: string = 3201002023060001 -- contract record key
// returns: contract, projects, parties, tenders
MATCH (c:Contract {contract_id: $contract_id})
RETURN c{.*} AS contract,
  [(c)-[:STAGE_OF]->(p:Project) | p{.project_code, .name}] AS projects,
  [(c)<-[r:PARTY_TO]-(e:Enterprise) | e{.uscc, .name, role: r.role}] AS parties,
  [(c)-[:STAGE_OF]->(p:Project)<-[:FOR]-(t:Tender) | t{.tender_no, .section, .open_date, .winning_price,
     winner: head([(t)<-[:WON]-(w:Enterprise) | w{.uscc, .name}])}] AS tenders
