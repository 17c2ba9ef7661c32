# tests/torch.mk: (empty so far)
