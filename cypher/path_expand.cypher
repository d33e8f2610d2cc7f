// purpose: Relationship finder: one step out from a set of entities, hubs left out
// mode: read
// label kind: Project|Enterprise|Person|Qualification|Award|Penalty|Tender|Authority
// param keys: list -- keys of the entities to expand
// param types: list -- relationship types to follow
// param with_hubs: boolean = false -- pass through hubs
// param hub_labels: list -- labels always treated as hubs (the model's path_hub)
// returns: key, type, outgoing, other, degree, props
UNWIND $keys AS key
MATCH (n:{{kind}} {{{kind.key}}: key})-[r]-(m)
WHERE type(r) IN $types AND ($with_hubs OR NONE(l IN labels(m) WHERE l IN $hub_labels))
RETURN key, type(r) AS type, startNode(r) = n AS outgoing, labels(m)[0] AS label, properties(m) AS other,
       size([(m)--(x) | 1]) AS degree, properties(r) AS props
