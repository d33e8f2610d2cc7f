// purpose: The entries of a list the graph holds, with the fingerprint of what was stored, to load only what an edition changed
// mode: read
// param list_id: string = ebrd-ineligible -- list id
// returns: id, hash, listed
MATCH (p:Penalty {list_id: $list_id})
RETURN p.penalty_id AS id, p.entry_hash AS hash, coalesce(p.listed, true) AS listed
