// purpose: 某日有效的处罚（公示期内；限制性措施无截止日期视为有效）/ Sanctions in force on a date (in publication; restrictive ones with no end stay in force)
// mode: read
// library: 处罚 / Sanctions
// param date: date = 2026-10-31 -- 日期 / the date
// param restrictive_only: boolean = false -- 仅限制投标/执业的措施 / only measures that bar bidding or work
// param limit: integer = 200 -- 最多返回 / most rows
// returns: subject, subject_name, penalty, measure, decision_date, valid_until, authority, restrictive
MATCH (pn:Penalty)
WHERE pn.decision_date <= $date
  AND (pn.valid_until >= $date OR (pn.valid_until IS NULL AND pn.restrictive = true))
  AND ($restrictive_only = false OR pn.restrictive = true)
MATCH (pn)<-[:PENALIZED]-(s)
RETURN s AS subject, s.name AS subject_name, pn AS penalty, pn.measure AS measure,
       pn.decision_date AS decision_date, pn.valid_until AS valid_until, pn.authority AS authority,
       pn.restrictive AS restrictive
ORDER BY decision_date DESC, subject_name
LIMIT $limit
