// purpose: 节点总数 / Total number of nodes
// mode: read
// returns: n
MATCH (n)
RETURN count(n) AS n
