// purpose: Penalties and awards behind one firm's risk score (with the penalties of records matched to it)
// mode: read
// param uscc: string = 91320500MALJK3BJLY -- USCC
// returns: uscc, fact, id, what, level, date, until, authority, origin, via, via_name, link
MATCH (e:Enterprise {uscc: $uscc})
UNWIND [(e)-[:PENALIZED]->(pn:Penalty) | {fact: 'penalty', id: pn.penalty_id, what: pn.measure, level: null,
          date: pn.decision_date, until: pn.valid_until, authority: pn.authority, origin: pn.originating_institution,
          via: null, via_name: null, link: null}]
     + [(e)-[l:SAME_AS|BRANCH_OF]-(o:Enterprise)-[:PENALIZED]->(pn:Penalty) | {fact: 'penalty', id: pn.penalty_id,
          what: pn.measure, level: null, date: pn.decision_date, until: pn.valid_until, authority: pn.authority,
          origin: pn.originating_institution, via: o.uscc, via_name: o.name, link: type(l)}]
     + [(e)-[:RECEIVED]->(aw:Award) | {fact: 'award', id: aw.award_id, what: aw.name, level: aw.level,
          date: aw.date, until: null, authority: aw.authority, origin: null, via: null, via_name: null, link: null}] AS f
RETURN e.uscc AS uscc, f.fact AS fact, f.id AS id, f.what AS what, f.level AS level, f.date AS date,
       f.until AS until, f.authority AS authority, f.origin AS origin, f.via AS via, f.via_name AS via_name, f.link AS link
