# examples/mlp/local.mk: (empty so far)
