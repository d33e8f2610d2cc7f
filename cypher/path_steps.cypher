// purpose: Relationship finder: properties of the relationships on the paths found
// mode: read
// param steps: list -- [{start: start node's element id, rel: the relationship's element id}]
// returns: rel, props
UNWIND $steps AS s
MATCH (a) WHERE elementId(a) = s.start
MATCH (a)-[r]->()
WHERE elementId(r) = s.rel
RETURN s.rel AS rel, properties(r) AS props
