/* matmul.c: GFLOP/s of the matrix products of bench/products.morch as morchgen compiles them,
 * against cblas_sgemm / cblas_dgemm on the same operands in the same run, when built with
 * -DBENCH_CBLAS (bench/local.mk does that when CBLAS_LIBS is set). bench/run.py runs it with
 * OPENBLAS_NUM_THREADS=1, so BLAS uses one core like the generated code.
 *
 * Before timing, each product is checked: against the CBLAS result in full, and (with or
 * without CBLAS) at a sample of entries against dot products accumulated in double, so a wrong
 * kernel cannot post a number. The checks print the largest difference relative to the largest
 * entry of the reference: CHECK <key> <value>.
 *
 * RESULT keys: mm.gen.<form> and mm.blas.<form>, microseconds per product; <form> is the graph
 * name without "mm_" (n512, tb512, ...). The orchestrator turns them into GFLOP/s (2 n^3 flops).
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>

#ifdef BENCH_CBLAS
#include <cblas.h>
#endif

#include "products.h"
#include "timer.h"

typedef void mm_f32(const float *, const float *, float *, void *);
typedef void mm_f64(const double *, const double *, double *, void *);

typedef struct {
	const char *form;
	int n, trans_a, trans_b;     /* c = op(a) @ op(b), op = transpose when set */
	size_t (*workspace_bytes)(void);
	mm_f32 *f32;                 /* exactly one of f32, f64 is set */
	mm_f64 *f64;
} mm_graph;

/* The graphs of bench/products.morch. */
#define F(name, n, ta, tb) { #name, n, ta, tb, mm_##name##_workspace_bytes, mm_##name##_forward, NULL },
#define D(name, n, ta, tb) { #name, n, ta, tb, mm_##name##_workspace_bytes, NULL, mm_##name##_forward },
static const mm_graph graphs[] = {
	F(n64, 64, 0, 0) F(n128, 128, 0, 0) F(n256, 256, 0, 0) F(n512, 512, 0, 0) F(n1024, 1024, 0, 0)
	F(tb512, 512, 0, 1) F(ta512, 512, 1, 0) D(d512, 512, 0, 0)
};
#undef F
#undef D

typedef struct {
	const mm_graph *g;
	void *a, *b, *c, *ref, *ws; /* float or double, as the graph */
} mm_ctx;

/* Entry (i, j) of op(x) for an n x n row-major x: x[i][j], or x[j][i] when transposed. */
static double at(const mm_graph *g, const void *x, int trans, int i, int j)
{
	size_t k = trans ? (size_t)j * (size_t)g->n + (size_t)i : (size_t)i * (size_t)g->n + (size_t)j;
	return g->f32 ? ((const float *)x)[k] : ((const double *)x)[k];
}

static double entry(const mm_graph *g, const void *c, size_t k)
{
	return g->f32 ? ((const float *)c)[k] : ((const double *)c)[k];
}

/* The larger difference; a NaN wins, so it fails the check (fmax would drop it). */
static double worse(double worst, double d)
{
	return d <= worst ? worst : d;
}

/* Largest |c - ref| over 1024 sampled entries, relative to the largest |ref| among them; ref is
 * a dot product accumulated in double. */
static double sample_error(const mm_graph *g, const void *a, const void *b, const void *c)
{
	double worst = 0, scale = 1e-30;
	unsigned s = 12345;
	for (int t = 0; t < 1024; t++) {
		s = s * 1664525u + 1013904223u;
		int i = (int)((s >> 8) % (unsigned)g->n);
		s = s * 1664525u + 1013904223u;
		int j = (int)((s >> 8) % (unsigned)g->n);
		double ref = 0;
		for (int k = 0; k < g->n; k++)
			ref += at(g, a, g->trans_a, i, k) * at(g, b, g->trans_b, k, j);
		scale = fmax(scale, fabs(ref));
		worst = worse(worst, fabs(entry(g, c, (size_t)i * (size_t)g->n + (size_t)j) - ref));
	}
	return worst / scale;
}

static void run_gen(void *p)
{
	mm_ctx *x = p;
	if (x->g->f32)
		x->g->f32(x->a, x->b, x->c, x->ws);
	else
		x->g->f64(x->a, x->b, x->c, x->ws);
	bench_sink = (float)entry(x->g, x->c, 0);
}

#ifdef BENCH_CBLAS
static void run_blas(void *p)
{
	mm_ctx *x = p;
	const mm_graph *g = x->g;
	int n = g->n;
	enum CBLAS_TRANSPOSE ta = g->trans_a ? CblasTrans : CblasNoTrans;
	enum CBLAS_TRANSPOSE tb = g->trans_b ? CblasTrans : CblasNoTrans;
	if (g->f32)
		cblas_sgemm(CblasRowMajor, ta, tb, n, n, n, 1.0f, x->a, n, x->b, n, 0.0f, x->ref, n);
	else
		cblas_dgemm(CblasRowMajor, ta, tb, n, n, n, 1.0, x->a, n, x->b, n, 0.0, x->ref, n);
	bench_sink = (float)entry(g, x->ref, 0);
}

/* Largest |c - ref| relative to the largest |ref|, over the whole product. */
static double full_error(const mm_graph *g, const void *c, const void *ref)
{
	size_t nn = (size_t)g->n * (size_t)g->n;
	double worst = 0, scale = 1e-30;
	for (size_t k = 0; k < nn; k++) {
		scale = fmax(scale, fabs(entry(g, ref, k)));
		worst = worse(worst, fabs(entry(g, c, k) - entry(g, ref, k)));
	}
	return worst / scale;
}

/* The BLAS library this process mapped, for the table's header. */
static void print_blas_library(void)
{
	FILE *maps = fopen("/proc/self/maps", "r");
	char line[4096], last[4096] = "";
	while (maps && fgets(line, sizeof line, maps)) {
		char *path = strchr(line, '/');
		if (path && strstr(path, "blas") && strcmp(path, last) != 0) {
			path[strcspn(path, "\n")] = 0;
			printf("INFO mm.blas_lib %s\n", path);
			snprintf(last, sizeof last, "%s", path);
			break;
		}
	}
	if (maps)
		fclose(maps);
}
#endif

static void fill(const mm_graph *g, void *x, unsigned seed)
{
	size_t nn = (size_t)g->n * (size_t)g->n;
	float *tmp = bench_alloc(nn * sizeof(float));
	bench_fill(tmp, nn, -1, 1, seed);
	for (size_t k = 0; k < nn; k++) {
		if (g->f32)
			((float *)x)[k] = tmp[k];
		else
			((double *)x)[k] = tmp[k];
	}
	free(tmp);
}

int main(int argc, char **argv)
{
	bench_select(argc, argv);
#ifdef BENCH_CBLAS
	print_blas_library();
#else
	printf("SKIP no CBLAS: built without CBLAS_LIBS (./configure finds OpenBLAS, or make bench CBLAS_LIBS=-lopenblas)\n");
#endif
	for (size_t gi = 0; gi < sizeof graphs / sizeof graphs[0]; gi++) {
		const mm_graph *g = &graphs[gi];
		char gen_key[64], blas_key[64];
		snprintf(gen_key, sizeof gen_key, "mm.gen.%s", g->form);
		snprintf(blas_key, sizeof blas_key, "mm.blas.%s", g->form);
		if (!bench_want(gen_key) && !bench_want(blas_key))
			continue;
		size_t bytes = (size_t)g->n * (size_t)g->n * (g->f32 ? sizeof(float) : sizeof(double));
		mm_ctx x = { g, bench_alloc(bytes), bench_alloc(bytes), bench_alloc(bytes),
		             bench_alloc(bytes), bench_alloc(g->workspace_bytes()) };
		fill(g, x.a, 21);
		fill(g, x.b, 22);

		run_gen(&x);
		printf("CHECK mm.%s.sampled %.3g\n", g->form, sample_error(g, x.a, x.b, x.c));
#ifdef BENCH_CBLAS
		run_blas(&x);
		printf("CHECK mm.%s.vs_blas %.3g\n", g->form, full_error(g, x.c, x.ref));
#endif
		if (bench_want(gen_key))
			bench_result(gen_key, bench_time(run_gen, &x));
#ifdef BENCH_CBLAS
		if (bench_want(blas_key))
			bench_result(blas_key, bench_time(run_blas, &x));
#endif
		free(x.a), free(x.b), free(x.c), free(x.ref), free(x.ws);
	}
	return 0;
}
