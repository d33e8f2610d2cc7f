// purpose: The penalty key `skip` places into a key range (in index order), to cut a red-flag detector's work into batches
// mode: read
// param lo: string = 苏 -- lower bound (inclusive)
// param hi: string = 苏住建罚字〔2022〕 -- upper bound (exclusive)
// param skip: integer = 1000 -- keys skipped
// returns: key
MATCH (pn:Penalty)
WHERE pn.penalty_id >= $lo AND pn.penalty_id < $hi
RETURN pn.penalty_id AS key
SKIP $skip
LIMIT 1
