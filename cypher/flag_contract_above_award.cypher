// purpose: A contract record whose amount is above the winning price of the contractor's tender by more than the allowed share
// mode: read
// param pct: float = 10 -- allowed excess over the winning price, in per cent
// param contractor: list -- the stage roles of the contractor (code and Chinese name)
// param owner: list -- the stage roles of the owner (code and Chinese name)
// param lo: string = 2019 -- the batch's key range, lower bound (inclusive)
// param hi: string = 2020 -- the batch's key range, upper bound (exclusive)
// returns: project_code, project_name, contract_id, contract_no, amount, signed_date, tender_no, open_date, price, uscc, name, owners
MATCH (p:Project)
WHERE p.project_code >= $lo AND p.project_code < $hi
MATCH (p)<-[:STAGE_OF]-(c:Contract)
WHERE c.amount IS NOT NULL
MATCH (c)<-[r:PARTY_TO]-(e:Enterprise)
WHERE r.role IN $contractor
MATCH (p)<-[:FOR]-(t:Tender)<-[w:WON]-(e)
WITH p, c, e, t, coalesce(t.winning_price, w.price) AS price
WHERE price IS NOT NULL AND price > 0 AND c.amount > price * (1.0 + $pct / 100.0)
RETURN p.project_code AS project_code, p.name AS project_name, c.contract_id AS contract_id,
       c.contract_no AS contract_no, c.amount AS amount, c.signed_date AS signed_date,
       t.tender_no AS tender_no, t.open_date AS open_date, price, e.uscc AS uscc, e.name AS name,
       [(c)<-[o:PARTY_TO]-(x:Enterprise) WHERE o.role IN $owner | x.uscc] AS owners
