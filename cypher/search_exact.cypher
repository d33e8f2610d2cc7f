// purpose: Exact lookup by any identifier
// mode: read
// param text: string = 91360100MA35F0XX1X -- identifier
// param upper: string = 91360100MA35F0XX1X -- the identifier upper-cased (USCCs)
// returns: label, key, name
MATCH (n:Enterprise {uscc: $upper}) RETURN 'Enterprise' AS label, n.uscc AS key, n.name AS name
UNION ALL
MATCH (n:Project {project_code: $text}) RETURN 'Project' AS label, n.project_code AS key, n.name AS name
UNION ALL
MATCH (n:Qualification {cert_no: $text}) RETURN 'Qualification' AS label, n.cert_no AS key, n.label AS name
UNION ALL
MATCH (n:Person {person_id: $text}) RETURN 'Person' AS label, n.person_id AS key, n.name AS name
UNION ALL
MATCH (n:Tender {tender_no: $text}) RETURN 'Tender' AS label, n.tender_no AS key, n.tender_no AS name
UNION ALL
MATCH (n:Penalty {penalty_id: $text}) RETURN 'Penalty' AS label, n.penalty_id AS key, n.description AS name
UNION ALL
MATCH (n:Award {award_id: $text}) RETURN 'Award' AS label, n.award_id AS key, n.name AS name
UNION ALL
MATCH (n:Permit {permit_no: $text}) RETURN 'Permit' AS label, n.permit_no AS key, n.permit_no AS name
UNION ALL
MATCH (n:Contract {contract_id: $text}) RETURN 'Contract' AS label, n.contract_id AS key, coalesce(n.contract_no, n.contract_id) AS name
UNION ALL
MATCH (n:Contract {contract_no: $text}) WHERE n.contract_id <> $text RETURN 'Contract' AS label, n.contract_id AS key, n.contract_no AS name
UNION ALL
MATCH (n:Completion {completion_no: $text}) RETURN 'Completion' AS label, n.completion_no AS key, n.completion_no AS name
UNION ALL
MATCH (n:DrawingReview {review_no: $text}) RETURN 'DrawingReview' AS label, n.review_no AS key, n.review_no AS name
UNION ALL
MATCH (n:Performance {perf_no: $text}) RETURN 'Performance' AS label, n.perf_no AS key, n.perf_no AS name
