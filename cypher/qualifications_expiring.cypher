// purpose: Qualifications expiring within N days of a date
// mode: read
// library: Qualifications
// param on: date = 2026-10-31 -- from this date
// param days: integer = 90 -- within this many days
// param limit: integer = 200 -- most rows
// returns: qualification, cert_no, label, expires, holder, holder_name
// (day by day in the expiry index: ArcadeDB scans the label for a date range)
UNWIND range(0, $days) AS i
WITH $on + duration({days: i}) AS day
MATCH (q:Qualification {expires: day})
WITH q ORDER BY q.expires, q.cert_no LIMIT $limit
OPTIONAL MATCH (q)<-[:HOLDS]-(e:Enterprise)
RETURN q AS qualification, q.cert_no AS cert_no, q.label AS label, q.expires AS expires,
       e AS holder, e.name AS holder_name
ORDER BY expires, cert_no
LIMIT $limit
