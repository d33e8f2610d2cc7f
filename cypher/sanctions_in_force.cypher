// purpose: Sanctions in force on a date (in publication; restrictive ones with no end stay in force)
// mode: read
// library: Sanctions
// param date: date = 2026-10-31 -- the date
// param restrictive_only: boolean = false -- only measures that bar bidding or work
// param limit: integer = 200 -- most rows
// returns: subject, subject_name, penalty, measure, decision_date, valid_until, authority, restrictive, linked
MATCH (pn:Penalty)
WHERE pn.decision_date <= $date
  AND (pn.valid_until >= $date OR (pn.valid_until IS NULL AND pn.restrictive = true))
  AND ($restrictive_only = false OR pn.restrictive = true)
MATCH (pn)<-[:PENALIZED]-(s)
RETURN s AS subject, s.name AS subject_name, pn AS penalty, pn.measure AS measure,
       pn.decision_date AS decision_date, pn.valid_until AS valid_until, pn.authority AS authority,
       pn.restrictive AS restrictive,
       [(s)-[l:SAME_AS|BRANCH_OF]-(o:Enterprise) | o {.uscc, .name, link: type(l), status: l.status}] AS linked
ORDER BY decision_date DESC, subject_name
LIMIT $limit
