/* count.c: linked with -Wl,--wrap=cblas_sgemm,--wrap=cblas_dgemm, counts the calls the generated
 * code makes to CBLAS and prints their number at exit, so tests/blas/blas.sh can tell the CBLAS
 * branch from the plain C one. The prototypes are the CBLAS ones with their enums and sizes as
 * int (cblas.h's types differ between OpenBLAS and the reference CBLAS; both pass ints). */
#include <stdio.h>
#include <stdlib.h>

static long calls;

static void report(void)
{
	fprintf(stderr, "cblas calls: %ld\n", calls);
}

static void count(void)
{
	if (calls++ == 0)
		atexit(report);
}

#define GEMM_PARAMS(T) int o, int ta, int tb, int m, int n, int k, T alpha, const T *a, int lda, \
	const T *b, int ldb, T beta, T *c, int ldc
void __real_cblas_sgemm(GEMM_PARAMS(float));
void __real_cblas_dgemm(GEMM_PARAMS(double));
void __wrap_cblas_sgemm(GEMM_PARAMS(float));
void __wrap_cblas_dgemm(GEMM_PARAMS(double));

void __wrap_cblas_sgemm(GEMM_PARAMS(float))
{
	count();
	__real_cblas_sgemm(o, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void __wrap_cblas_dgemm(GEMM_PARAMS(double))
{
	count();
	__real_cblas_dgemm(o, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
