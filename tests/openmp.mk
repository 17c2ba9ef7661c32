# tests/openmp.mk: morchgen --openmp executed. The C of tests/openmp/graphs.morch and of the
# benchmark's MLP, with and without --openmp, built with and without -fopenmp, must print the
# same bits, also when two threads call G_grad at once (tests/openmp/openmp.sh).
TESTS += tests/openmp/openmp.sh
EXTRA_DIST += \
	tests/openmp/openmp.sh \
	tests/openmp/drive.c \
	tests/openmp/graphs.morch
