// purpose: Export the nodes of one label: every one, or a set of keys
// mode: read
// label kind: Project|Enterprise|Person|Qualification|Award|Penalty|Tender|Authority|Contract|DrawingReview|Permit|Completion|Performance
// param keys: list? -- keys, none for all
// returns: p
MATCH (n:{{kind}})
WHERE $keys IS NULL OR n.{{kind.key}} IN $keys
RETURN properties(n) AS p
