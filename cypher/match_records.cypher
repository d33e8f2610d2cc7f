// purpose: Every enterprise record, for entity matching
// mode: read
// returns: uscc, name, alt_name, name_zh, aliases, registration_no, registered_uscc, country, address, source, list_id, entity_kind
MATCH (e:Enterprise)
RETURN e.uscc AS uscc, e.name AS name, e.alt_name AS alt_name, e.name_zh AS name_zh, e.aliases AS aliases,
       e.registration_no AS registration_no, e.registered_uscc AS registered_uscc, e.country AS country,
       e.address AS address, e.source AS source, e.list_id AS list_id, e.entity_kind AS entity_kind
