// purpose: Relationship finder: one step out from a set of nodes; hubs are not expanded, hub labels not entered
// mode: read
// param ids: list -- element ids of the nodes to expand
// param types: list -- relationship types to follow
// param with_hubs: boolean = false -- pass through hubs
// param hub_degree: integer = 150 -- more relationships than this make a hub
// param ends: list -- element ids of the two ends (always expanded)
// param hub_labels: list -- labels always treated as hubs (the model's path_hub)
// returns: id, degree, steps
// One record a node, its steps in a list ([relationship, type, outgoing, other node, its label]): one
// record per step cost the Bolt round of records about twice the query's own time at scale 700.
UNWIND $ids AS id
MATCH (n) WHERE elementId(n) = id
WITH n, id, COUNT { (n)--() } AS degree
RETURN id, degree,
       CASE WHEN $with_hubs OR degree <= $hub_degree OR id IN $ends
            THEN [(n)-[r]-(m) WHERE type(r) IN $types AND ($with_hubs OR NONE(l IN labels(m) WHERE l IN $hub_labels))
                  | [elementId(r), type(r), startNode(r) = n, elementId(m), labels(m)[0]]]
            ELSE [] END AS steps
