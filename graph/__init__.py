"""chengxin's database layer: settings, model, driver, schema, queries, errors."""
