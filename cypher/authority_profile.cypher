// purpose: Authority: penalties decided, awards granted, certificates issued
// mode: read
// param name: string = 江西省住房和城乡建设厅 -- authority name
// param limit: integer = 200 -- most awards and certificates listed
// param penalty_limit: integer = 20000 -- most penalties listed, the latest first (the page's table pages through them)
// returns: authority, penalties, awards, qualifications, n_penalties, n_awards, n_qualifications
MATCH (a:Authority {name: $name})
WITH a, COUNT { (a)<-[:ISSUED_BY]-(:Penalty) } AS n_penalties, COUNT { (a)<-[:ISSUED_BY]-(:Award) } AS n_awards,
     COUNT { (a)<-[:ISSUED_BY]-(:Qualification) } AS n_qualifications
CALL {
  WITH a, n_penalties
  WITH a WHERE n_penalties > 0
  MATCH (a)<-[:ISSUED_BY]-(pn:Penalty)
  WITH pn ORDER BY pn.decision_date IS NULL, pn.decision_date DESC, pn.penalty_id LIMIT $penalty_limit
  RETURN collect(pn{.penalty_id, .measure, .decision_date, .valid_until, .description, subject_name: head([(pn)<-[:PENALIZED]-(s) | s.name])}) AS penalties
}
CALL {
  WITH a, n_awards
  WITH a WHERE n_awards > 0
  MATCH (a)<-[:ISSUED_BY]-(aw:Award)
  WITH aw LIMIT $limit
  RETURN collect(aw{.award_id, .name, .level, .date}) AS awards
}
CALL {
  WITH a, n_qualifications
  WITH a WHERE n_qualifications > 0
  MATCH (a)<-[:ISSUED_BY]-(q:Qualification)
  WITH q LIMIT $limit
  RETURN collect(q{.cert_no, .label, .expires}) AS qualifications
}
RETURN a{.*} AS authority, penalties, awards, qualifications, n_penalties, n_awards, n_qualifications
