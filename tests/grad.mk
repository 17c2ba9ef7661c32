# tests/grad.mk: (empty so far)
