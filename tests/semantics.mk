# tests/semantics.mk: (empty so far)
