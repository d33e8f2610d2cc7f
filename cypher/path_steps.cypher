// purpose: Relationship finder: properties of the relationships on the paths found
// mode: read
// param steps: list -- start node's and relationship's element ids, one map a step
// returns: rel, props
UNWIND $steps AS s
MATCH (a) WHERE elementId(a) = s.start
MATCH (a)-[r]->()
WHERE elementId(r) = s.rel
RETURN s.rel AS rel, properties(r) AS props
