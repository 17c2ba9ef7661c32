# tests/unit.mk: (empty so far)
