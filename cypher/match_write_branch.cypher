// purpose: Make BRANCH_OF links (reversible, nodes never merged)
// mode: write
// param rows: list -- [{a, b, score, reason, reason_msgid, reason_params, at, features, pair_id, kind, history, status}]
// param status: string? -- auto or accepted (a row's own status first)
// param who: string? -- reviewer
// returns: n
UNWIND $rows AS r
MATCH (a:Enterprise {uscc: r.a})
MATCH (b:Enterprise {uscc: r.b})
MERGE (a)-[x:BRANCH_OF]->(b)
SET x.score = r.score, x.reason = r.reason, x.reason_msgid = r.reason_msgid, x.reason_params = r.reason_params, x.status = coalesce(r.status, $status),
    x.features = r.features, x.pair_id = r.pair_id, x.kind = r.kind, x.history = r.history,
    x.reviewed_by = $who, x.source = 'chengxin 实体匹配 / entity matching', x.loaded_at = r.at
RETURN count(x) AS n
