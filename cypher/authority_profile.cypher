// purpose: Authority: penalties decided, awards granted, certificates issued
// mode: read
// param name: string = 江西省住房和城乡建设厅 -- authority name
// param limit: integer = 200 -- most rows listed per kind
// returns: authority, penalties, awards, qualifications, n_penalties, n_awards, n_qualifications
MATCH (a:Authority {name: $name})
RETURN a{.*} AS authority,
  [(a)<-[:ISSUED_BY]-(pn:Penalty) | pn{.penalty_id, .measure, .decision_date, .valid_until, .description, subject_name: head([(pn)<-[:PENALIZED]-(s) | s.name])}][0..$limit] AS penalties,
  [(a)<-[:ISSUED_BY]-(aw:Award) | aw{.award_id, .name, .level, .date}][0..$limit] AS awards,
  [(a)<-[:ISSUED_BY]-(q:Qualification) | q{.cert_no, .label, .expires}][0..$limit] AS qualifications,
  COUNT { (:Penalty)-[:ISSUED_BY]->(a) } AS n_penalties,
  COUNT { (:Award)-[:ISSUED_BY]->(a) } AS n_awards,
  COUNT { (:Qualification)-[:ISSUED_BY]->(a) } AS n_qualifications
