# docs/: (empty so far)
