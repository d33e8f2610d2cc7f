// purpose: Penalties and awards behind one firm's risk score
// mode: read
// param uscc: string = 91320500MALJK3BJLY -- USCC
// returns: uscc, fact, id, what, level, date, until, authority
MATCH (e:Enterprise {uscc: $uscc})
UNWIND [(e)-[:PENALIZED]->(pn:Penalty) | {fact: 'penalty', id: pn.penalty_id, what: pn.measure, level: null,
          date: pn.decision_date, until: pn.valid_until, authority: pn.authority}]
     + [(e)-[:RECEIVED]->(aw:Award) | {fact: 'award', id: aw.award_id, what: aw.name, level: aw.level,
          date: aw.date, until: null, authority: aw.authority}] AS f
RETURN e.uscc AS uscc, f.fact AS fact, f.id AS id, f.what AS what, f.level AS level, f.date AS date,
       f.until AS until, f.authority AS authority
