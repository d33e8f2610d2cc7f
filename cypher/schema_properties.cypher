// purpose: Property keys of a label, with how many of its first $sample nodes have each
// mode: read
// label kind: Project|Enterprise|Person|Qualification|Award|Penalty|Tender|Authority|Contract|DrawingReview|Permit|Completion|Performance
// param sample: integer = 2000 -- how many nodes are looked at
// returns: key, n
MATCH (n:{{kind}})
WITH n LIMIT $sample
UNWIND keys(n) AS key
RETURN key, count(*) AS n
ORDER BY n DESC, key
