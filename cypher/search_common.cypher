// purpose: A common word: names holding it among the first $window nodes of a label
// mode: read
// label kind: Project|Enterprise|Person
// param word: string = 建设 -- one word (one or two Chinese characters)
// param window: integer = 3000 -- how many nodes are looked at
// param limit: integer = 60 -- most results
// returns: label, key, name, score, type, region_code, category
MATCH (n:{{kind}})
WITH n LIMIT $window
WITH n WHERE n.name CONTAINS $word
RETURN labels(n)[0] AS label, coalesce(n.uscc, n.project_code, n.person_id) AS key, n.name AS name,
       null AS score, n.type AS type, n.region_code AS region_code, n.category AS category
LIMIT $limit
