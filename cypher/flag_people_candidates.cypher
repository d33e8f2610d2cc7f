// purpose: People who may lend a certificate: registered at two firms or more, or acting on a project for one firm while registered at another; the candidates of the red flags that compare a person's registrations
// mode: read
// param lo: string = RY -- the batch's key range, lower bound (inclusive)
// param hi: string = RZ -- the batch's key range, upper bound (exclusive)
// returns: key, twice, acting
// Found once per run of the detectors and handed to each query that takes them (graph.flags.CANDIDATES): twice
// to flag_cert_lending_double and flag_bid_ring_people, acting to flag_cert_lending. A person's registrations are read
// as a list (cheaper here than COUNT {}), their firms' keys only for someone who acts for a firm on a project.
MATCH (p:Person)
WHERE p.person_id >= $lo AND p.person_id < $hi
WITH p, [(p)-[:REGISTERED_AT]->(f) | f] AS at
WHERE size(at) > 0
WITH p, at, [(p)-[w:WORKS_ON]->() WHERE w.uscc IS NOT NULL | w.uscc] AS acts
WITH p, size(at) > 1 AS twice,
     CASE WHEN size(acts) = 0 THEN false
          ELSE any(f IN at WHERE f:Enterprise AND any(a IN acts WHERE a <> f.uscc)) END AS acting
WHERE twice OR acting
RETURN p.person_id AS key, twice, acting
