// purpose: Nodes per label and relationships per type, from the database's own type counts (no scan)
// mode: read
// returns: value
CALL meta.stats() YIELD value
RETURN value
