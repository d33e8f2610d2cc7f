// purpose: The enterprise key `skip` places into a key range (in index order), to cut a red-flag detector's work into batches
// mode: read
// param lo: string = 9 -- lower bound (inclusive)
// param hi: string = A -- upper bound (exclusive)
// param skip: integer = 1000 -- keys skipped
// returns: key
MATCH (e:Enterprise)
WHERE e.uscc >= $lo AND e.uscc < $hi
RETURN e.uscc AS key
SKIP $skip
LIMIT 1
