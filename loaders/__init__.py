"""chengxin's loaders: one module per source format, all writing the same graph."""
