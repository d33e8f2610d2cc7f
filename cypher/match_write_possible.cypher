// purpose: 记录待审核（或已拒绝）的疑似匹配 / Record pairs waiting for review (or rejected)
// mode: write
// param rows: list -- [{a, b, score, reason, reason_en, at}]
// param status: string = pending -- pending 或 rejected / pending or rejected
// param who: string? -- 审核人 / reviewer
// returns: n
UNWIND $rows AS r
MATCH (a:Enterprise {uscc: r.a})
MATCH (b:Enterprise {uscc: r.b})
MERGE (a)-[x:POSSIBLY_SAME_AS]->(b)
SET x.score = r.score, x.reason = r.reason, x.reason_en = r.reason_en, x.status = $status,
    x.reviewed_by = $who, x.source = 'chengxin 实体匹配 / entity matching', x.loaded_at = r.at
RETURN count(x) AS n
