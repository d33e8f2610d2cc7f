// purpose: Node count per label
// mode: read
// returns: label, n
MATCH (n)
UNWIND labels(n) AS label
RETURN label, count(*) AS n
ORDER BY label
