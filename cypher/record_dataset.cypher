// purpose: Record one load of a dataset: provenance, counts, rejects, time
// mode: write
// param name: string -- dataset name
// param props: map -- the other properties
// returns: n
MERGE (d:Dataset {name: $name})
SET d += $props, d.source = $name, d.loads = coalesce(d.loads, 0) + 1
RETURN count(d) AS n
