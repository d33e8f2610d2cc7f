// purpose: 建立匹配关联 BRANCH_OF（可撤销，不合并节点）/ Make BRANCH_OF links (reversible, nodes never merged)
// mode: write
// param rows: list -- [{a, b, score, reason, reason_en, at}]
// param status: string -- auto 或 accepted / auto or accepted
// param who: string? -- 审核人 / reviewer
// returns: n
UNWIND $rows AS r
MATCH (a:Enterprise {uscc: r.a})
MATCH (b:Enterprise {uscc: r.b})
MERGE (a)-[x:BRANCH_OF]->(b)
SET x.score = r.score, x.reason = r.reason, x.reason_en = r.reason_en, x.status = $status,
    x.reviewed_by = $who, x.source = 'chengxin 实体匹配 / entity matching', x.loaded_at = r.at
RETURN count(x) AS n
