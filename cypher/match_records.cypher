// purpose: Every enterprise record, for entity matching
// mode: read
// returns: uscc, name, alt_name, source
MATCH (e:Enterprise)
RETURN e.uscc AS uscc, e.name AS name, e.alt_name AS alt_name, e.source AS source
