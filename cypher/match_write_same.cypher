// purpose: Make SAME_AS links (reversible, nodes never merged)
// mode: write
// param rows: list -- [{a, b, score, reason, reason_msgid, reason_params, at}]
// param status: string -- auto or accepted
// param who: string? -- reviewer
// returns: n
UNWIND $rows AS r
MATCH (a:Enterprise {uscc: r.a})
MATCH (b:Enterprise {uscc: r.b})
MERGE (a)-[x:SAME_AS]->(b)
SET x.score = r.score, x.reason = r.reason, x.reason_msgid = r.reason_msgid, x.reason_params = r.reason_params, x.status = $status,
    x.reviewed_by = $who, x.source = 'chengxin 实体匹配 / entity matching', x.loaded_at = r.at
RETURN count(x) AS n
