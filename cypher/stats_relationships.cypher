// purpose: Relationship count per type
// mode: read
// returns: type, n
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS n
ORDER BY type
