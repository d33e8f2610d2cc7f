// purpose: The project key `skip` places into a key range (in index order), to cut a red-flag detector's work into batches
// mode: read
// param lo: string = 2019 -- lower bound (inclusive)
// param hi: string = 2020 -- upper bound (exclusive)
// param skip: integer = 1000 -- keys skipped
// returns: key
MATCH (p:Project)
WHERE p.project_code >= $lo AND p.project_code < $hi
RETURN p.project_code AS key
SKIP $skip
LIMIT 1
