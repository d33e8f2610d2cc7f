// purpose: 记录一次数据载入（来源、数量、拒收、时间）/ Record one load of a dataset: provenance, counts, rejects, time
// mode: write
// param name: string -- 数据集名称 / dataset name
// param props: map -- 其余属性 / the other properties
// returns: n
MERGE (d:Dataset {name: $name})
SET d += $props, d.source = $name, d.loads = coalesce(d.loads, 0) + 1
RETURN count(d) AS n
