// purpose: Export the relationships leaving the nodes of one label
// mode: read
// label kind: Project|Enterprise|Person|Qualification|Award|Penalty|Tender|Authority|Contract|DrawingReview|Permit|Completion|Performance
// param keys: list? -- start keys, none for all
// returns: type, a_label, a, b_label, b, p
MATCH (a:{{kind}})-[r]->(b)
WHERE $keys IS NULL OR a.{{kind.key}} IN $keys
RETURN type(r) AS type, labels(a)[0] AS a_label, a.{{kind.key}} AS a, labels(b)[0] AS b_label,
       CASE labels(b)[0] WHEN 'Enterprise' THEN b.uscc WHEN 'Project' THEN b.project_code WHEN 'Person' THEN b.person_id
         WHEN 'Qualification' THEN b.cert_no WHEN 'Award' THEN b.award_id WHEN 'Penalty' THEN b.penalty_id
         WHEN 'Tender' THEN b.tender_no WHEN 'Authority' THEN b.name WHEN 'Contract' THEN b.contract_id
         WHEN 'DrawingReview' THEN b.review_no WHEN 'Permit' THEN b.permit_no WHEN 'Completion' THEN b.completion_no
         WHEN 'Performance' THEN b.perf_no END AS b,
       properties(r) AS p
