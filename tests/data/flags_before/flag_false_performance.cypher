// purpose: A firm on the false-performance list that later wins a tender, or whose marked project is still used as its performance on a record
// mode: read
// param words: list -- words of the false-performance measure
// param performer: list -- the stage roles of the performing firm (code and Chinese name)
// param lo: string = 9 -- the batch's key range, lower bound (inclusive)
// param hi: string = A -- the batch's key range, upper bound (exclusive)
// returns: uscc, name, penalty_id, marked, description, project_code, project_name, won, used
MATCH (e:Enterprise)
WHERE e.uscc >= $lo AND e.uscc < $hi
MATCH (e)-[:PENALIZED]->(pn:Penalty)
WHERE pn.decision_date IS NOT NULL AND any(w IN $words WHERE pn.measure CONTAINS w)
WITH e, pn, head([(pn)-[:CONCERNS]->(x:Project) | x]) AS x
WITH e, pn, x,
     [(e)-[:WON]->(t:Tender) WHERE t.open_date IS NOT NULL AND t.open_date > pn.decision_date |
        {tender_no: t.tender_no, open_date: t.open_date, project_code: head([(t)-[:FOR]->(q:Project) | q.project_code])}] AS won,
     CASE WHEN x IS NULL THEN [] ELSE
       [(e)-[r:PARTY_TO]->(f:Performance)-[:STAGE_OF]->(y:Project) WHERE r.role IN $performer AND y.project_code = x.project_code |
          f.perf_no] END AS used
WHERE size(won) > 0 OR size(used) > 0
RETURN e.uscc AS uscc, e.name AS name, pn.penalty_id AS penalty_id, pn.decision_date AS marked,
       pn.description AS description, x.project_code AS project_code, x.name AS project_name, won, used
