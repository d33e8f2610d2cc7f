// purpose: The review decisions written on matching links (the decision log)
// mode: read
// returns: a, b, history
MATCH (x:Enterprise)-[r:SAME_AS|BRANCH_OF|POSSIBLY_SAME_AS]->(y:Enterprise)
WHERE r.history IS NOT NULL AND r.history <> '[]'
RETURN x.uscc AS a, y.uscc AS b, r.history AS history
