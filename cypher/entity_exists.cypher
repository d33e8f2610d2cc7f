// purpose: Whether an entity exists, and its properties
// mode: read
// label kind: Project|Enterprise|Person|Qualification|Award|Penalty|Tender|Authority|Contract|DrawingReview|Permit|Completion|Performance
// param key: string = 91360100MA35F0XX1X -- the entity's key
// returns: node, id
MATCH (n:{{kind}} {{{kind.key}}: $key})
RETURN properties(n) AS node, elementId(n) AS id
