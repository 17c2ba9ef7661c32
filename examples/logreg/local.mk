# examples/logreg/local.mk: (empty so far)
