// purpose: Before the changed entries of a newer list edition are written again, remove the properties a list gives them, so a value the edition no longer has does not stay behind
// mode: write
// param ids: list -- penalty ids of the changed entries
// returns: n
MATCH (s)-[:PENALIZED]->(p:Penalty)
WHERE p.penalty_id IN $ids
REMOVE s.name_zh, s.aliases, s.other_names, s.alt_name, s.registration_no, s.registered_uscc, s.uscc_as_listed,
       s.honorific, s.address, s.country,
       p.description, p.originating_institution, p.sanctioning, p.listed_info, p.alt_name, p.country, p.valid_until
RETURN count(p) AS n
