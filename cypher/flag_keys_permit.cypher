// purpose: The construction permit key `skip` places into a key range (in index order), to cut a red-flag detector's work into batches
// mode: read
// param lo: string = 2019 -- lower bound (inclusive)
// param hi: string = 2020 -- upper bound (exclusive)
// param skip: integer = 1000 -- keys skipped
// returns: key
MATCH (s:Permit)
WHERE s.permit_no >= $lo AND s.permit_no < $hi
RETURN s.permit_no AS key
SKIP $skip
LIMIT 1
