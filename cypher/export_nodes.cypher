// purpose: 导出某类节点的全部属性（全部，或一组主键）/ Export the nodes of one label: every one, or a set of keys
// mode: read
// label kind: Project|Enterprise|Person|Qualification|Award|Penalty|Tender|Authority
// param keys: list? -- 主键，空为全部 / keys, none for all
// returns: p
MATCH (n:{{kind}})
WHERE $keys IS NULL OR n.{{kind.key}} IN $keys
RETURN properties(n) AS p
