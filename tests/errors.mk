# tests/errors.mk: (empty so far)
