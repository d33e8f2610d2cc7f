// purpose: The tender key `skip` places into a key range (in index order), to cut a red-flag detector's work into batches
// mode: read
// param lo: string = E -- lower bound (inclusive)
// param hi: string = F -- upper bound (exclusive)
// param skip: integer = 1000 -- keys skipped
// returns: key
MATCH (t:Tender)
WHERE t.tender_no >= $lo AND t.tender_no < $hi
RETURN t.tender_no AS key
SKIP $skip
LIMIT 1
