// purpose: Pairs already linked, pending or rejected
// mode: read
// returns: a, b
MATCH (a:Enterprise)-[r:SAME_AS|BRANCH_OF|POSSIBLY_SAME_AS]->(b:Enterprise)
RETURN a.uscc AS a, b.uscc AS b
