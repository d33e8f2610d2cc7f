// purpose: Relationship finder: one step out from a set of nodes; hubs are not expanded, hub labels not entered
// mode: read
// param ids: list -- element ids of the nodes to expand
// param types: list -- relationship types to follow
// param with_hubs: boolean = false -- pass through hubs
// param hub_degree: integer = 150 -- more relationships than this make a hub
// param ends: list -- element ids of the two ends (always expanded)
// param hub_labels: list -- labels always treated as hubs (the model's path_hub)
// returns: id, degree, rel, type, outgoing, other, label
UNWIND $ids AS id
MATCH (n) WHERE elementId(n) = id
WITH n, id, COUNT { (n)--() } AS degree
OPTIONAL MATCH (n)-[r]-(m)
WHERE ($with_hubs OR degree <= $hub_degree OR id IN $ends) AND type(r) IN $types
  AND ($with_hubs OR NONE(l IN labels(m) WHERE l IN $hub_labels))
RETURN id, degree, elementId(r) AS rel, type(r) AS type, startNode(r) = n AS outgoing, elementId(m) AS other,
       labels(m)[0] AS label
