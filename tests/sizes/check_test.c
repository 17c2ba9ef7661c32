/* check_test.c: the size check of generated code, on the graphs of sizes.morch.
 *
 * For sizes below 1, or so large that a tensor (elements times element size) or the workspace
 * exceeds the limit (PTRDIFF_MAX here, where ptrdiff_t is the narrowest of int64_t, size_t and
 * ptrdiff_t), G_workspace_bytes must return SIZE_MAX and G_forward and G_grad must return
 * without writing to outputs, gradients or workspace. Below the limit, values must be exact.
 * Each graph's largest tensor is read off its declarations by hand; the workspace below the
 * limit is predicted from a polynomial fitted at small sizes (its slots are monomials in the
 * size varied), which the fit checks at one more point first. Built twice by check.sh: plainly
 * and under AddressSanitizer and UBSan, which catch overflow inside the check itself.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morchrt.h"
#include "sizes.h"

static int passed, failed;

#define CHECK(cond, ...)                                                                    \
	do {                                                                                   \
		if (cond) {                                                                        \
			passed++;                                                                      \
		} else {                                                                           \
			failed++;                                                                      \
			printf("%s:%d: FAILED: %s: ", __FILE__, __LINE__, #cond);                    \
			printf(__VA_ARGS__);                                                           \
			printf("\n");                                                                  \
		}                                                                                  \
	} while (0)

#define LIMIT ((uint64_t)PTRDIFF_MAX)

/* ---- buffers that must stay untouched ---- */

enum { GUARD = 4096, PATTERN = 0xA5 };

typedef struct Guarded {
	unsigned char *p[16];
	int n;
} Guarded;

static void *guarded(Guarded *g)
{
	unsigned char *p = morch_alloc(GUARD);
	if (!p) {
		printf("out of memory\n");
		exit(99);
	}
	memset(p, PATTERN, GUARD);
	g->p[g->n++] = p;
	return p;
}

/* All guarded buffers still hold the pattern; frees them. */
static int untouched(Guarded *g)
{
	int ok = 1;
	for (int i = 0; i < g->n; i++) {
		for (int k = 0; k < GUARD; k++)
			ok &= g->p[i][k] == PATTERN;
		morch_free(g->p[i]);
	}
	g->n = 0;
	return ok;
}

/* ---- refusals ---- */

static void refuse_one(int64_t N)
{
	CHECK(one_workspace_bytes(N) == SIZE_MAX, "one_workspace_bytes(%lld)", (long long)N);
	Guarded g = { 0 };
	const float *x = guarded(&g), *w = guarded(&g);
	one_forward(N, x, w, guarded(&g), guarded(&g), guarded(&g));
	one_grad(N, x, w, guarded(&g), guarded(&g), guarded(&g), NULL);
	CHECK(untouched(&g), "one at N = %lld wrote to a buffer", (long long)N);
}

static void refuse_outer(int64_t N)
{
	CHECK(outer_workspace_bytes(N) == SIZE_MAX, "outer_workspace_bytes(%lld)", (long long)N);
	Guarded g = { 0 };
	const float *a = guarded(&g), *b = guarded(&g);
	outer_forward(N, a, b, guarded(&g), guarded(&g));
	outer_grad(N, a, b, guarded(&g), guarded(&g), guarded(&g));
	CHECK(untouched(&g), "outer at N = %lld wrote to a buffer", (long long)N);
}

static void refuse_triple(int64_t N, int64_t M, int64_t K)
{
	CHECK(triple_workspace_bytes(N, M, K) == SIZE_MAX, "triple_workspace_bytes(%lld, %lld, %lld)",
	      (long long)N, (long long)M, (long long)K);
	Guarded g = { 0 };
	const double *x = guarded(&g), *w = guarded(&g);
	triple_forward(N, M, K, x, w, guarded(&g), guarded(&g), guarded(&g));
	triple_grad(N, M, K, x, w, guarded(&g), guarded(&g), guarded(&g), guarded(&g));
	CHECK(untouched(&g), "triple at (%lld, %lld, %lld) wrote to a buffer", (long long)N,
	      (long long)M, (long long)K);
}

static void refuse_wide(int64_t N)
{
	CHECK(wide_workspace_bytes(N) == SIZE_MAX, "wide_workspace_bytes(%lld)", (long long)N);
	Guarded g = { 0 };
	const float *x = guarded(&g);
	wide_forward(N, x, guarded(&g), guarded(&g));
	wide_grad(N, x, guarded(&g), guarded(&g), guarded(&g));
	CHECK(untouched(&g), "wide at N = %lld wrote to a buffer", (long long)N);
}

/* ---- exact values below the limit ---- */

/* f(k) for f quadratic in k, from f(1), f(2), f(3); 0 when the value passes the limit (or the
 * arithmetic here would: every bound is checked before it is multiplied). */
typedef struct Fit {
	double f1, d1, d2; /* f(1), f(2) - f(1), f(3) - 2 f(2) + f(1) */
	uint64_t i1;
	int64_t id1, id2;
} Fit;

static Fit fit(uint64_t f1, uint64_t f2, uint64_t f3)
{
	Fit r;
	r.i1 = f1;
	r.id1 = (int64_t)(f2 - f1);
	r.id2 = (int64_t)(f3 - 2 * f2 + f1);
	r.f1 = (double)f1, r.d1 = (double)r.id1, r.d2 = (double)r.id2;
	return r;
}

/* The prediction at k, or UINT64_MAX past LIMIT. Exact: the double estimate only decides
 * whether the exact sum in uint64_t can overflow. */
static uint64_t predict(const Fit *f, uint64_t k)
{
	double km = (double)(k - 1);
	double est = f->f1 + km * f->d1 + km * (km - 1) / 2 * f->d2;
	if (f->id1 < 0 || f->id2 < 0 || est > 2.0 * (double)LIMIT)
		return UINT64_MAX;
	uint64_t a = k - 1, b = k - 2;
	uint64_t tri = a % 2 == 0 ? a / 2 * b : b / 2 * a; /* (k-1)(k-2)/2, for k >= 2 */
	if (k < 2)
		tri = 0;
	uint64_t v = f->i1 + a * (uint64_t)f->id1 + tri * (uint64_t)f->id2;
	return v > LIMIT ? UINT64_MAX : v;
}

static uint64_t isqrt(uint64_t n)
{
	uint64_t r = (uint64_t)sqrt((double)n);
	while (r * r > n)
		r--;
	while ((r + 1) * (r + 1) <= n)
		r++;
	return r;
}

static void expect_ws(size_t got, uint64_t want, const char *what, uint64_t at)
{
	CHECK((uint64_t)got == (want == UINT64_MAX ? (uint64_t)SIZE_MAX : want),
	      "%s at %llu: got %llu, want %llu", what, (unsigned long long)at,
	      (unsigned long long)got, (unsigned long long)want);
}

static void limits_one(void)
{
	/* every tensor is [N] f32: 4 N bytes */
	uint64_t nmax = LIMIT / 4;
	uint64_t f[5];
	for (uint64_t k = 1; k <= 4; k++)
		f[k] = one_workspace_bytes((int64_t)(16 * k));
	Fit r = fit(f[1], f[2], f[3]);
	CHECK(predict(&r, 4) == f[4], "one: the workspace is not quadratic in N");
	uint64_t n16 = nmax / 16 * 16;
	expect_ws(one_workspace_bytes((int64_t)n16), predict(&r, n16 / 16), "one", n16);
	refuse_one((int64_t)nmax + 1);
	refuse_one((int64_t)(LIMIT / 2));
}

static void limits_outer(void)
{
	/* the largest tensor is p, [N, N] f32: 4 N^2 bytes */
	uint64_t nmax = isqrt(LIMIT / 4);
	uint64_t f[5];
	for (uint64_t k = 1; k <= 4; k++)
		f[k] = outer_workspace_bytes((int64_t)(16 * k));
	Fit r = fit(f[1], f[2], f[3]);
	CHECK(predict(&r, 4) == f[4], "outer: the workspace is not quadratic in N");
	uint64_t n16 = nmax / 16 * 16;
	expect_ws(outer_workspace_bytes((int64_t)n16), predict(&r, n16 / 16), "outer", n16);
	CHECK(outer_workspace_bytes((int64_t)nmax) != SIZE_MAX || predict(&r, n16 / 16 + 1) ==
	      UINT64_MAX, "outer refuses N = %llu, where [N, N] fits", (unsigned long long)nmax);
	refuse_outer((int64_t)nmax + 1);
	refuse_outer((int64_t)1 << 31);         /* 4 N^2 = 2^64 */
	refuse_outer((int64_t)3037000500);      /* N^2 alone overflows int64_t */
	refuse_outer((int64_t)1 << 32);         /* N^2 = 2^64: wraps to 0 unchecked */
}

static void limits_triple(void)
{
	/* the largest tensor is t, [N, K, M] f64: 8 N K M bytes */
	const int64_t P = (int64_t)1 << 20;
	uint64_t f[5];
	for (uint64_t k = 1; k <= 4; k++)
		f[k] = triple_workspace_bytes(P, P, (int64_t)k);
	Fit r = fit(f[1], f[2], f[3]);
	CHECK(predict(&r, 4) == f[4], "triple: the workspace is not quadratic in K");
	/* 8 * 2^40 * (2^20 - 1) = 2^63 - 2^43 fits; K = 2^20 makes exactly 2^63 */
	expect_ws(triple_workspace_bytes(P, P, P - 1), predict(&r, (uint64_t)P - 1), "triple",
	          (uint64_t)P - 1);
	refuse_triple(P, P, P);
	/* 8 * 2^20 * (2^40 - 1) = 2^63 - 2^23 fits: exact (or SIZE_MAX if the workspace does not) */
	for (uint64_t k = 1; k <= 4; k++)
		f[k] = triple_workspace_bytes(P, P - 1, (int64_t)k);
	r = fit(f[1], f[2], f[3]);
	CHECK(predict(&r, 4) == f[4], "triple: the workspace is not quadratic in K");
	expect_ws(triple_workspace_bytes(P, P - 1, P + 1), predict(&r, (uint64_t)P + 1), "triple",
	          (uint64_t)P + 1);
	/* with N doubled and K halved, one more K does not fit */
	refuse_triple(P * 2, P, P / 2 + 1);
	refuse_triple((int64_t)1 << 40, (int64_t)1 << 40, 1); /* the partial product wraps */
	refuse_triple(1, 1, INT64_MAX);
	refuse_triple(INT64_MAX, 1, 1);
	refuse_triple((int64_t)1 << 60, 1, 1); /* 8 * 2^60 */
	refuse_triple(0, P, P);
	refuse_triple(P, -1, P);
	refuse_triple(P, P, INT64_MIN);
}

static void limits_wide(void)
{
	/* tensors of [N, 4] f32, 16 N bytes; several live at once, so the workspace decides. Sizes
	 * are multiples of 16, so buffers of [N] too are whole multiples of 64 bytes. */
	uint64_t f[5];
	for (uint64_t k = 1; k <= 4; k++)
		f[k] = wide_workspace_bytes((int64_t)(16 * k));
	Fit r = fit(f[1], f[2], f[3]);
	CHECK(predict(&r, 4) == f[4], "wide: the workspace is not quadratic in N");
	CHECK(f[1] > 0 && f[2] - f[1] > 16 * 16, "wide: want several [N, 4] buffers in the workspace");
	/* the last multiple of 16 whose workspace fits, by bisection on the prediction */
	uint64_t lo = 1, hi = LIMIT / 16 / 16;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo + 1) / 2;
		if (predict(&r, mid) != UINT64_MAX)
			lo = mid;
		else
			hi = mid - 1;
	}
	expect_ws(wide_workspace_bytes((int64_t)(16 * lo)), predict(&r, lo), "wide", 16 * lo);
	CHECK(predict(&r, lo) != UINT64_MAX, "wide: no size fits?");
	refuse_wide((int64_t)(16 * (lo + 1)));
	CHECK(16 * 16 * (lo + 1) <= LIMIT, "wide: want a size where each tensor fits but the "
	      "workspace does not");
}

/* ---- ordinary sizes compute as before ---- */

static double rel(double a, double b)
{
	return fabs(a - b) / (fabs(b) > 1 ? fabs(b) : 1);
}

static void values(void)
{
	enum { N = 5, M = 3, K = 2 };
	float x[N], w[N], s, y[N], dw[N];
	for (int i = 0; i < N; i++)
		x[i] = (float)i / 4 - 0.5f, w[i] = 1 - (float)i / 8;
	void *ws = morch_alloc(one_workspace_bytes(N));
	one_grad(N, x, w, &s, y, dw, ws);
	morch_free(ws);
	double want_s = 0;
	for (int i = 0; i < N; i++) {
		double yi = exp(x[i]) * w[i];
		want_s += yi * yi;
		CHECK(rel(y[i], yi) < 1e-6, "one: y[%d] = %g, want %g", i, y[i], yi);
		CHECK(rel(dw[i], 2 * yi * exp(x[i])) < 1e-5, "one: d_w[%d]", i);
	}
	CHECK(rel(s, want_s) < 1e-5, "one: s = %g, want %g", s, want_s);

	float a[N], b[N], da[N];
	for (int i = 0; i < N; i++)
		a[i] = (float)i / 5, b[i] = 0.3f - (float)i / 7;
	ws = morch_alloc(outer_workspace_bytes(N));
	outer_grad(N, a, b, &s, da, ws);
	morch_free(ws);
	want_s = 0;
	for (int i = 0; i < N; i++) {
		double g = 0;
		for (int j = 0; j < N; j++) {
			want_s += exp((double)a[i] * b[j]);
			g += b[j] * exp((double)a[i] * b[j]);
		}
		CHECK(rel(da[i], g) < 1e-5, "outer: d_a[%d] = %g, want %g", i, da[i], g);
	}
	CHECK(rel(s, want_s) < 1e-5, "outer: s = %g, want %g", s, want_s);

	double tx[N * M], tw[M * K], ts, ty[N * K], tdw[M * K];
	for (int i = 0; i < N * M; i++)
		tx[i] = (double)(i % 7) / 3 - 1;
	for (int i = 0; i < M * K; i++)
		tw[i] = (double)(i % 5) / 4 - 0.5;
	ws = morch_alloc(triple_workspace_bytes(N, M, K));
	triple_grad(N, M, K, tx, tw, &ts, ty, tdw, ws);
	morch_free(ws);
	double want_y[N * K], want_dw[M * K] = { 0 }, sq[N] = { 0 };
	want_s = 0;
	for (int n = 0; n < N; n++) {
		for (int m = 0; m < M; m++)
			sq[n] += tx[n * M + m] * tx[n * M + m];
		for (int k = 0; k < K; k++) {
			double v = 0;
			for (int m = 0; m < M; m++)
				v += tx[n * M + m] * tw[m * K + k];
			want_y[n * K + k] = v;
			want_s += v * v * sq[n]; /* sum over m of (y[n, k] x[n, m])^2 */
		}
	}
	for (int m = 0; m < M; m++)
		for (int k = 0; k < K; k++)
			for (int n = 0; n < N; n++)
				want_dw[m * K + k] += tx[n * M + m] * 2 * want_y[n * K + k] * sq[n];
	CHECK(rel(ts, want_s) < 1e-12, "triple: s = %g, want %g", ts, want_s);
	for (int i = 0; i < N * K; i++)
		CHECK(rel(ty[i], want_y[i]) < 1e-12, "triple: y[%d]", i);
	for (int i = 0; i < M * K; i++)
		CHECK(rel(tdw[i], want_dw[i]) < 1e-12, "triple: d_w[%d] = %g, want %g", i, tdw[i],
		      want_dw[i]);

	float fx[4] = { 0, 1, 2, 3 }, fs;
	ws = morch_alloc(fixed_workspace_bytes());
	fixed_forward(fx, &fs, ws);
	morch_free(ws);
	CHECK(rel(fs, 1 + exp(1.0) + exp(2.0) + exp(3.0)) < 1e-6, "fixed: s = %g", fs);
}

int main(void)
{
	CHECK(MORCH_MAX_BYTES == LIMIT, "MORCH_MAX_BYTES is %llu",
	      (unsigned long long)MORCH_MAX_BYTES);
	const int64_t bad[] = { 0, -1, -2, INT64_MIN, INT64_MAX, INT64_MAX - 1 };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		refuse_one(bad[i]);
		refuse_outer(bad[i]);
		refuse_wide(bad[i]);
		refuse_triple(bad[i], 2, 3);
		refuse_triple(2, bad[i], 3);
		refuse_triple(2, 3, bad[i]);
	}
	limits_one();
	limits_outer();
	limits_triple();
	limits_wide();
	values();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
