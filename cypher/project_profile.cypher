// purpose: 项目档案：参建单位、现场人员、招标与投标人、奖项、处罚 / Project profile: firms by role, people on site, tenders and bidders, awards, penalties
// mode: read
// param project_code: string = 2019-360100-48-01-012345 -- 项目代码 / project code
// returns: project, owners, participants, staff, tenders, awards, penalties, subcontracts
MATCH (p:Project {project_code: $project_code})
RETURN p{.*} AS project,
  [(o:Enterprise)-[:OWNS]->(p) | o{.uscc, .name}] AS owners,
  [(e:Enterprise)-[r:PARTICIPATES_IN]->(p) | e{.uscc, .name, .type, role: r.role, contract_no: r.contract_no, contract_amount: r.contract_amount, start: r.start, end: r.end}] AS participants,
  [(pe:Person)-[r:WORKS_ON]->(p) | pe{.person_id, .name, role: r.role, uscc: r.uscc, start: r.start, end: r.end}] AS staff,
  [(t:Tender)-[:FOR]->(p) | t{.*, bidders: [(b:Enterprise)-[r:BID_ON]->(t) | b{.uscc, .name, price: r.price, rank: r.rank, outcome: r.outcome}], winner: head([(w:Enterprise)-[:WON]->(t) | w{.uscc, .name}]), agency: head([(a:Enterprise)-[:AGENT_FOR]->(t) | a{.uscc, .name}])}] AS tenders,
  [(a:Award)-[:FOR_PROJECT]->(p) | a{.*, subject_name: head([(s)-[:RECEIVED]->(a) | s.name])}] AS awards,
  [(pn:Penalty)-[:CONCERNS]->(p) | pn{.*, subject_name: head([(s)-[:PENALIZED]->(pn) | s.name])}] AS penalties,
  [(p)<-[:PARTICIPATES_IN]-(a:Enterprise)-[r:SUBCONTRACTED_TO]->(b:Enterprise) WHERE r.project_code = p.project_code | {from_uscc: a.uscc, from_name: a.name, to_uscc: b.uscc, to_name: b.name, scope: r.scope, amount: r.amount}] AS subcontracts
