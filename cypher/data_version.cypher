// purpose: What the data's state is, cheaply: the datasets' latest load and load count (a stored red-flag run made before a later load is out of date)
// mode: read
// returns: loaded_at, loads, datasets
MATCH (d:Dataset)
RETURN max(d.loaded_at) AS loaded_at, sum(d.loads) AS loads, count(d) AS datasets
