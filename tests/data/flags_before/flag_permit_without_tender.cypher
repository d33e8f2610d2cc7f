// purpose: A construction permit for a project that must be tendered (state funds, works of at least the threshold) with no tender result, or whose contractor won none of the project's tenders
// mode: read
// param state_funding: list -- words of a project's funding that mean state-owned funds
// param threshold: float = 400 -- works amount (10k CNY) from which a state-funded project must be tendered
// param contractor: list -- the stage roles of the contractor (code and Chinese name)
// param lo: string = 2019 -- the batch's key range, lower bound (inclusive)
// param hi: string = 2020 -- the batch's key range, upper bound (exclusive)
// returns: project_code, project_name, funding, permit_no, issued, amount, must_tender, winners, contractors
MATCH (p:Project)
WHERE p.project_code >= $lo AND p.project_code < $hi
MATCH (p)<-[:STAGE_OF]-(s:Permit)
WITH p, s,
     [(s)<-[r:PARTY_TO]-(e:Enterprise) WHERE r.role IN $contractor | {uscc: e.uscc, name: e.name}] AS contractors,
     [(p)<-[:FOR]-(t:Tender)<-[:WON]-(w:Enterprise) | {uscc: w.uscc, name: w.name, tender_no: t.tender_no}] AS winners,
     coalesce(s.amount, head([(p)<-[:STAGE_OF]-(c:Contract) WHERE c.amount IS NOT NULL | c.amount])) AS amount
WITH p, s, contractors, winners, amount,
     CASE WHEN p.funding IS NOT NULL AND amount IS NOT NULL AND amount >= $threshold
            AND any(w IN $state_funding WHERE p.funding CONTAINS w) THEN true ELSE false END AS must_tender
WHERE (must_tender = true AND size(winners) = 0)
   OR (size(winners) > 0 AND size(contractors) > 0
       AND none(c IN contractors WHERE any(w IN winners WHERE w.uscc = c.uscc)))
RETURN p.project_code AS project_code, p.name AS project_name, p.funding AS funding, s.permit_no AS permit_no,
       s.issued AS issued, amount, must_tender, winners, contractors
