// purpose: Relationship finder: how many relationships each node has (to tell hubs)
// mode: read
// param ids: list -- element ids of the nodes
// returns: id, degree
UNWIND $ids AS id
MATCH (m) WHERE elementId(m) = id
RETURN id, COUNT { (m)--() } AS degree
