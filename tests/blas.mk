# tests/blas.mk: morchgen --blas executed, when configure found a CBLAS (HAVE_CBLAS): the C of
# tests/blas/graphs.morch with CBLAS calls against the same graphs in plain C, within rounding,
# and its gradients against finite differences (tests/blas/blas.sh). Skipped without a CBLAS.
TESTS += tests/blas/blas.sh
EXTRA_DIST += \
	tests/blas/blas.sh \
	tests/blas/count.c \
	tests/blas/graphs.morch
if HAVE_CBLAS
BLAS_FOUND = yes
else
BLAS_FOUND = no
endif
AM_TESTS_ENVIRONMENT += \
	HAVE_CBLAS=$(BLAS_FOUND); export HAVE_CBLAS; \
	CBLAS_CFLAGS='$(CBLAS_CFLAGS)'; export CBLAS_CFLAGS; \
	CBLAS_LIBS='$(CBLAS_LIBS)'; export CBLAS_LIBS;
