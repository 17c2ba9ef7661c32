# tests/vmath.mk: the inline float exp, log and tanh (gen/emit_vmath.c, docs/vmath.md) against
# libm over a dense grid of floats, their special values, and that their loops vectorize.
TESTS += tests/vmath/vmath.sh
EXTRA_DIST += tests/vmath/vmath.sh tests/vmath/vmath.morch tests/vmath/accuracy.c
