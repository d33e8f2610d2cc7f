// purpose: Which of some firms have a penalty in force on a day (the graph view marks them)
// mode: read
// param usccs: list = ["91360100MA35F0XX1X"] -- USCCs of the firms drawn
// param today: date -- the day
// returns: uscc
UNWIND $usccs AS u
MATCH (e:Enterprise {uscc: u})-[:PENALIZED]->(p:Penalty)
WHERE p.decision_date <= $today AND (p.valid_until IS NULL OR p.valid_until >= $today)
RETURN DISTINCT e.uscc AS uscc
