// purpose: 机关：作出的处罚、授予的奖项、核发的资质 / Authority: penalties decided, awards granted, certificates issued
// mode: read
// param name: string = 江西省住房和城乡建设厅 -- 机关名称 / authority name
// param limit: integer = 200 -- 每类最多列出 / most rows listed per kind
// returns: authority, penalties, awards, qualifications, n_penalties, n_awards, n_qualifications
MATCH (a:Authority {name: $name})
RETURN a{.*} AS authority,
  [(pn:Penalty)-[:ISSUED_BY]->(a) | pn{.penalty_id, .measure, .decision_date, .valid_until, .description, subject_name: head([(s)-[:PENALIZED]->(pn) | s.name])}][0..$limit] AS penalties,
  [(aw:Award)-[:ISSUED_BY]->(a) | aw{.award_id, .name, .level, .date}][0..$limit] AS awards,
  [(q:Qualification)-[:ISSUED_BY]->(a) | q{.cert_no, .label, .expires}][0..$limit] AS qualifications,
  COUNT { (:Penalty)-[:ISSUED_BY]->(a) } AS n_penalties,
  COUNT { (:Award)-[:ISSUED_BY]->(a) } AS n_awards,
  COUNT { (:Qualification)-[:ISSUED_BY]->(a) } AS n_qualifications
