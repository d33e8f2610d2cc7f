// purpose: Full-text search over names (CJK-aware)
// mode: read
// param index: string = Enterprise[name] -- full-text index name
// param text: string = 南昌 建设 -- sanitised Lucene query
// param limit: integer = 20 -- most results
// returns: label, key, name, score, type, region_code, category, other_names
CALL db.index.fulltext.queryNodes($index, $text, {limit: $limit}) YIELD node, score
RETURN labels(node)[0] AS label, coalesce(node.uscc, node.project_code, node.person_id) AS key,
       node.name AS name, score, node.type AS type, node.region_code AS region_code, node.category AS category,
       node.other_names AS other_names
ORDER BY score DESC
LIMIT $limit
