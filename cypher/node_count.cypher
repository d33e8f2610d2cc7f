// purpose: Total number of nodes
// mode: read
// returns: n
MATCH (n)
RETURN count(n) AS n
