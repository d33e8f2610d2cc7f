// purpose: Relationship finder: labels and properties of the nodes on the paths found
// mode: read
// param ids: list -- element ids of the nodes
// returns: id, label, props
UNWIND $ids AS id
MATCH (n) WHERE elementId(n) = id
RETURN id, labels(n)[0] AS label, properties(n) AS props
