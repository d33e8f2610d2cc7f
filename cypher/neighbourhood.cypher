// purpose: An entity's neighbours, capped per relationship type, a page of them from $skip on
// mode: read
// label kind: Project|Enterprise|Person|Qualification|Award|Penalty|Tender|Authority|Contract|DrawingReview|Permit|Completion|Performance
// param key: string = 91360100MA35F0XX1X -- the entity's key
// param per_type: integer = 12 -- most neighbours per relationship type
// param skip: integer = 0 -- neighbours of each type passed over (the next page)
// param type: string? -- one relationship type only, or none for every type
// returns: type, total, outgoing, label, other
MATCH (n:{{kind}} {{{kind.key}}: $key})-[r]-(m)
WHERE $type IS NULL OR type(r) = $type
WITH n, type(r) AS type, collect([r, m]) AS pairs
UNWIND pairs[$skip..$skip + $per_type] AS pair
WITH n, type, size(pairs) AS total, pair[0] AS r, pair[1] AS m
RETURN type, total, startNode(r) = n AS outgoing, labels(m)[0] AS label, properties(m) AS other
