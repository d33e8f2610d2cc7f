// purpose: People registered at two firms or more: the candidates of the red flags that compare a person's registrations
// mode: read
// param lo: string = RY -- the batch's key range, lower bound (inclusive)
// param hi: string = RZ -- the batch's key range, upper bound (exclusive)
// returns: key
// Found once per run of the detectors and handed to each query that takes them (graph.flags.CANDIDATES).
MATCH (p:Person)
WHERE p.person_id >= $lo AND p.person_id < $hi AND COUNT { (p)-[:REGISTERED_AT]->() } > 1
RETURN p.person_id AS key
