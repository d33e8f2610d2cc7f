"""诚信 chengxin: the command line and the bundled sample dataset."""
