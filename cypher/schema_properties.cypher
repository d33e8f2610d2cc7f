// purpose: Property keys of a label, with how many nodes have each
// mode: read
// label kind: Project|Enterprise|Person|Qualification|Award|Penalty|Tender|Authority
// returns: key, n
MATCH (n:{{kind}})
UNWIND keys(n) AS key
RETURN key, count(*) AS n
ORDER BY n DESC, key
