// purpose: Projects in a region, by category and investment
// mode: read
// library: Projects
// param region: string = 44 -- region code prefix
// param category: string? = 房屋建筑 -- category (empty for all)
// param min_investment: float? = 10000 -- least total investment (10,000 CNY)
// param limit: integer = 200 -- most rows
// returns: project, project_code, name, category, total_investment, start_date, status, region_code
MATCH (p:Project)
WHERE p.region_code STARTS WITH $region
  AND ($category IS NULL OR p.category = $category)
  AND ($min_investment IS NULL OR p.total_investment >= $min_investment)
RETURN p AS project, p.project_code AS project_code, p.name AS name, p.category AS category,
       p.total_investment AS total_investment, p.start_date AS start_date, p.status AS status,
       p.region_code AS region_code
ORDER BY total_investment DESC, project_code
LIMIT $limit
