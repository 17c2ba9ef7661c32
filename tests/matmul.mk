# tests/matmul.mk: the matmul kernels (gen/emit_matmul.c) executed: loops and packed panels,
# every transposed variant, batches, epilogues, gradients, f32 and f64, the workspace they are
# promised, with and without OpenMP, against naive loops in double (tests/matmul/run.sh).
TESTS += tests/matmul/run.sh
EXTRA_DIST += \
	tests/matmul/run.sh \
	tests/matmul/check.c \
	tests/matmul/cases.h \
	tests/matmul/matmul.morch
