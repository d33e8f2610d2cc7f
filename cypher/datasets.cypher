// purpose: The datasets loaded
// mode: read
// returns: dataset
MATCH (d:Dataset)
RETURN d {.*} AS dataset
ORDER BY d.loaded_at DESC
