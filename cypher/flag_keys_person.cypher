// purpose: The person key `skip` places into a key range (in index order), to cut a red-flag detector's work into batches
// mode: read
// param lo: string = RY -- lower bound (inclusive)
// param hi: string = RZ -- upper bound (exclusive)
// param skip: integer = 1000 -- keys skipped
// returns: key
MATCH (p:Person)
WHERE p.person_id >= $lo AND p.person_id < $hi
RETURN p.person_id AS key
SKIP $skip
LIMIT 1
