// purpose: Enterprise profile: qualifications, registered people, projects, bids, awards, penalties
// mode: read
// library: Enterprises
// param uscc: string = 91320500MALJK3BJLY -- unified social credit code
// returns: enterprise, legal_reps, shareholders, holdings, qualifications, registered, projects, owned, bids, awards, penalties, subcontractors, subcontracted_by
MATCH (e:Enterprise {uscc: $uscc})
RETURN e{.*} AS enterprise,
  [(e)<-[:LEGAL_REP_OF]-(p:Person) | p{.person_id, .name}] AS legal_reps,
  [(e)<-[r:SHAREHOLDER_OF]-(h) | h{.uscc, .person_id, .name, share_pct: r.share_pct}] AS shareholders,
  [(e)-[r:SHAREHOLDER_OF]->(s:Enterprise) | s{.uscc, .name, share_pct: r.share_pct}] AS holdings,
  [(e)-[:HOLDS]->(q:Qualification) | q{.*}] AS qualifications,
  [(e)<-[r:REGISTERED_AT]-(p:Person) | p{.person_id, .name, reg_type: r.reg_type, specialty: r.specialty, reg_no: r.reg_no, valid_from: r.valid_from, valid_until: r.valid_until, status: r.status}] AS registered,
  [(e)-[r:PARTICIPATES_IN]->(p:Project) | p{.project_code, .name, .category, .status, .start_date, .total_investment, role: r.role, contract_amount: r.contract_amount}] AS projects,
  [(e)-[:OWNS]->(p:Project) | p{.project_code, .name, .category, .status, .start_date, .total_investment}] AS owned,
  [(e)-[r:BID_ON]->(t:Tender) | t{.tender_no, .section, .open_date, price: r.price, rank: r.rank, outcome: r.outcome, project_code: head([(t)-[:FOR]->(p:Project) | p.project_code]), project_name: head([(t)-[:FOR]->(p:Project) | p.name])}] AS bids,
  [(e)-[:RECEIVED]->(a:Award) | a{.*}] AS awards,
  [(e)-[:PENALIZED]->(pn:Penalty) | pn{.*}] AS penalties,
  [(e)-[r:SUBCONTRACTED_TO]->(s:Enterprise) | s{.uscc, .name, project_code: r.project_code, scope: r.scope, amount: r.amount}] AS subcontractors,
  [(e)<-[r:SUBCONTRACTED_TO]-(s:Enterprise) | s{.uscc, .name, project_code: r.project_code, scope: r.scope, amount: r.amount}] AS subcontracted_by
