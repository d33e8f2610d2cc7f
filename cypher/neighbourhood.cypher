// purpose: An entity's neighbours, capped per relationship type
// mode: read
// label kind: Project|Enterprise|Person|Qualification|Award|Penalty|Tender|Authority|Contract|DrawingReview|Permit|Completion|Performance
// param key: string = 91360100MA35F0XX1X -- the entity's key
// param per_type: integer = 12 -- most neighbours per relationship type
// returns: type, total, outgoing, label, other
MATCH (n:{{kind}} {{{kind.key}}: $key})-[r]-(m)
WITH n, type(r) AS type, collect([r, m]) AS pairs
UNWIND pairs[0..$per_type] AS pair
WITH n, type, size(pairs) AS total, pair[0] AS r, pair[1] AS m
RETURN type, total, startNode(r) = n AS outgoing, labels(m)[0] AS label, properties(m) AS other
