// purpose: Project profile: firms by role, people on site, tenders and bidders, awards, penalties, and the later stages (contracts, drawing reviews, permits, completions, performance records)
// mode: read
// param project_code: string = 2019-360100-48-01-012345 -- project code
// returns: project, owners, participants, staff, tenders, awards, penalties, subcontracts, contracts, reviews, permits, completions, performances
MATCH (p:Project {project_code: $project_code})
RETURN p{.*} AS project,
  [(p)<-[:OWNS]-(o:Enterprise) | o{.uscc, .name}] AS owners,
  [(p)<-[r:PARTICIPATES_IN]-(e:Enterprise) | e{.uscc, .name, .type, role: r.role, contract_no: r.contract_no, contract_amount: r.contract_amount, start: r.start, end: r.end}] AS participants,
  [(p)<-[r:WORKS_ON]-(pe:Person) | pe{.person_id, .name, role: r.role, uscc: r.uscc, start: r.start, end: r.end}] AS staff,
  [(p)<-[:FOR]-(t:Tender) | t{.*, bidders: [(t)<-[r:BID_ON]-(b:Enterprise) | b{.uscc, .name, price: r.price, rank: r.rank, outcome: r.outcome}], winner: head([(t)<-[:WON]-(w:Enterprise) | w{.uscc, .name}]), agency: head([(t)<-[:AGENT_FOR]-(a:Enterprise) | a{.uscc, .name}]), people: [(t)<-[r:NAMED_ON]-(pe:Person) | pe{.person_id, .name, role: r.role, uscc: r.uscc}]}] AS tenders,
  [(p)<-[:FOR_PROJECT]-(a:Award) | a{.*, subject_name: head([(a)<-[:RECEIVED]-(s) | s.name])}] AS awards,
  [(p)<-[:CONCERNS]-(pn:Penalty) | pn{.*, subject_name: head([(pn)<-[:PENALIZED]-(s) | s.name])}] AS penalties,
  [(p)<-[:PARTICIPATES_IN]-(a:Enterprise)-[r:SUBCONTRACTED_TO]->(b:Enterprise) WHERE r.project_code = p.project_code | {from_uscc: a.uscc, from_name: a.name, to_uscc: b.uscc, to_name: b.name, scope: r.scope, amount: r.amount}] AS subcontracts,
  [(p)<-[:STAGE_OF]-(c:Contract) | c{.*, parties: [(c)<-[r:PARTY_TO]-(e:Enterprise) | e{.uscc, .name, role: r.role}]}] AS contracts,
  [(p)<-[:STAGE_OF]-(d:DrawingReview) | d{.*, parties: [(d)<-[r:PARTY_TO]-(e:Enterprise) | e{.uscc, .name, role: r.role}]}] AS reviews,
  [(p)<-[:STAGE_OF]-(s:Permit) | s{.*, parties: [(s)<-[r:PARTY_TO]-(e:Enterprise) | e{.uscc, .name, role: r.role}], people: [(s)<-[r:NAMED_ON]-(pe:Person) | pe{.person_id, .name, role: r.role, uscc: r.uscc}]}] AS permits,
  [(p)<-[:STAGE_OF]-(c:Completion) | c{.*, parties: [(c)<-[r:PARTY_TO]-(e:Enterprise) | e{.uscc, .name, role: r.role}], people: [(c)<-[r:NAMED_ON]-(pe:Person) | pe{.person_id, .name, role: r.role, uscc: r.uscc}], permit: head([(c)-[:UNDER_PERMIT]->(s:Permit) | s.permit_no])}] AS completions,
  [(p)<-[:STAGE_OF]-(f:Performance) | f{.*, parties: [(f)<-[r:PARTY_TO]-(e:Enterprise) | e{.uscc, .name, role: r.role}], people: [(f)<-[r:NAMED_ON]-(pe:Person) | pe{.person_id, .name, role: r.role, uscc: r.uscc}]}] AS performances
