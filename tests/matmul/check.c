/* check.c: runs the graphs of matmul.morch (f64 and their f32 twins) at sizes that are and are
 * not multiples of the micro-kernel's tile, small (loops) and large (packed panels), against
 * naive loops in double. Each call gets a workspace of exactly G_workspace_bytes followed by
 * guard bytes, so a product that packs beyond its planned scratch is caught (and ASan sees it
 * when the sanitizers are on). Exit status 0 when every check passes. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matmul.h"
#include "matmul_f32.h"

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define EPS_OF(T) (sizeof(T) == 8 ? 2.3e-16 : 1.2e-7)

static int failures;
static uint64_t hash = 14695981039346656037u; /* FNV-1a of every result's bytes */

static void hash_bytes(const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		hash = (hash ^ ((const unsigned char *)p)[i]) * 1099511628211u;
}

static void *xalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fprintf(stderr, "out of memory\n");
		exit(99);
	}
	return p;
}

static uint64_t rng = 88172645463325252u;

static double *random_values(int64_t n)
{
	double *x = xalloc(sizeof *x * (size_t)n);
	for (int64_t i = 0; i < n; i++) {
		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		x[i] = (double)(rng >> 11) / 9007199254740992.0 * 2 - 1;
	}
	return x;
}

/* ---- the workspace: exactly as big as promised, then guard bytes ---- */

enum { GUARD = 4096, GUARD_BYTE = 0xA5 };
typedef struct Workspace {
	unsigned char *base;
	void *p;
	size_t bytes;
} Workspace;

static Workspace ws_new(size_t bytes)
{
	Workspace w;
	if (bytes == SIZE_MAX) {
		fprintf(stderr, "FAIL: workspace_bytes refused valid sizes\n");
		exit(1);
	}
	w.bytes = bytes;
	w.base = xalloc(bytes + GUARD + 64);
	/* 64-byte aligned as the header asks; the guard right after the last byte */
	w.p = w.base + (64 - (uintptr_t)w.base % 64) % 64;
	memset(w.p, 0x7F, bytes); /* not zero: nothing may rely on a zeroed workspace */
	memset((unsigned char *)w.p + bytes, GUARD_BYTE, GUARD);
	if (!bytes)
		w.p = NULL;
	return w;
}

static void ws_check(Workspace *w, const char *what)
{
	unsigned char *g = (unsigned char *)(w->p ? w->p : w->base) + w->bytes;
	for (int i = 0; i < GUARD; i++)
		if (w->p && g[i] != GUARD_BYTE) {
			printf("FAIL: %s wrote past its workspace of %zu bytes\n", what, w->bytes);
			failures++;
			break;
		}
	free(w->base);
}

/* ---- the reference ---- */

typedef struct Size {
	int64_t B, M, K, N;
} Size;

typedef enum Graph { NN, TN, NT, TT, BTN, BNT, BB, B2, TWO_B, BTT, EPI, FIXED, SMALL } Graph;
typedef struct Variant {
	Graph graph;
	const char *name;
	int ta, tb, abatch, bbatch, epilogue; /* epilogue: 1 relu(+bias), 2 tanh */
} Variant;

static const Variant variants[] = {
	{ NN, "a @ b", 0, 0, 0, 0, 0 },
	{ TN, "a read transposed @ b", 1, 0, 0, 0, 0 },
	{ NT, "a @ b read transposed", 0, 1, 0, 0, 0 },
	{ TT, "transpose(a) @ transpose(b)", 1, 1, 0, 0, 0 },
	{ BTN, "a[B] read transposed @ b[B]", 1, 0, 1, 1, 0 },
	{ BNT, "a[B] @ b read transposed", 0, 1, 1, 0, 0 },
	{ BB, "a[B] @ b[B]", 0, 0, 1, 1, 0 },
	{ B2, "a[B] @ b", 0, 0, 1, 0, 0 },
	{ TWO_B, "a @ b[B]", 0, 0, 0, 1, 0 },
	{ BTT, "transpose(a[B]) @ transpose(b[B])", 1, 1, 1, 1, 0 },
	{ EPI, "relu(a @ b + bias)", 0, 0, 0, 0, 1 },
};
static const Variant fixed_variant = { FIXED, "tanh(a[131, 257] @ b[257, 97])", 0, 0, 0, 0, 2 };
static const Variant small_variant = { SMALL, "a[3, 3] @ b[3, 3]", 0, 0, 0, 0, 0 };

/* Element (i, p) of the left operand of batch t, as the graph reads it; (p, j) of the right. */
static double at_a(const double *a, Size s, Variant v, int64_t t, int64_t i, int64_t p)
{
	const double *m = a + (v.abatch ? t * s.M * s.K : 0);
	return v.ta ? m[p * s.M + i] : m[i * s.K + p];
}

static double at_b(const double *b, Size s, Variant v, int64_t t, int64_t p, int64_t j)
{
	const double *m = b + (v.bbatch ? t * s.K * s.N : 0);
	return v.tb ? m[j * s.K + p] : m[p * s.N + j];
}

/* |got - want| within the rounding of a K-term sum in the type, relative to sum |a b|. */
static void compare_product(const double *a, const double *b, const double *bias,
                            const double *c, Size s, Variant v, double eps, const char *type)
{
	int64_t nb = v.abatch || v.bbatch ? s.B : 1;
	int bad = 0;
	for (int64_t t = 0; t < nb && bad < 3; t++)
		for (int64_t i = 0; i < s.M && bad < 3; i++)
			for (int64_t j = 0; j < s.N && bad < 3; j++) {
				double sum = 0, mag = 0;
				for (int64_t p = 0; p < s.K; p++) {
					double x = at_a(a, s, v, t, i, p) * at_b(b, s, v, t, p, j);
					sum += x, mag += fabs(x);
				}
				double d = 1; /* the epilogue's derivative bounds how it spreads an error */
				if (v.epilogue == 1) {
					sum += bias[j], mag += fabs(bias[j]);
					sum = sum > 0 ? sum : 0;
				} else if (v.epilogue == 2) {
					sum = tanh(sum);
				}
				double got = c[(t * s.M + i) * s.N + j];
				double tol = d * (4.0 * (double)(s.K + 2) * eps * mag + 2 * eps);
				if (!(fabs(got - sum) <= tol)) {
					printf("FAIL: %s %s B=%ld M=%ld K=%ld N=%ld: c[%ld][%ld][%ld] = %.17g, "
					       "want %.17g\n",
					       type, v.name, (long)s.B, (long)s.M, (long)s.K, (long)s.N, (long)t,
					       (long)i, (long)j, got, sum);
					bad++, failures++;
				}
			}
}

static void compare_gradient(const double *a, const double *w, Size s, double y,
                             const double *da, const double *dw, const double *dir, bool with_fd,
                             double fd, double eps, const char *type)
{
	int64_t M = s.M, K = s.K, N = s.N;
	double *g = xalloc(sizeof *g * (size_t)(M * N)), *z = xalloc(sizeof *z * (size_t)(M * N));
	double want_y = 0, mag_y = 0;
	for (int64_t i = 0; i < M; i++)
		for (int64_t j = 0; j < N; j++) {
			double sum = 0, mag = 0;
			for (int64_t p = 0; p < K; p++)
				sum += a[i * K + p] * w[p * N + j], mag += fabs(a[i * K + p] * w[p * N + j]);
			double t = tanh(sum);
			want_y += t, mag_y += fabs(t) + mag;
			g[i * N + j] = 1 - t * t; /* dy / d(a @ w) */
			z[i * N + j] = mag;
		}
	int bad = 0;
	if (!(fabs(y - want_y) <= 8.0 * (double)(K + M * N) * eps * mag_y)) {
		printf("FAIL: %s mm_grad y = %.17g, want %.17g\n", type, y, want_y);
		bad++;
	}
	double dot = 0, dmag = 0;
	for (int64_t i = 0; i < M && bad < 3; i++) /* da = g @ w^T */
		for (int64_t p = 0; p < K && bad < 3; p++) {
			double sum = 0, mag = 0;
			for (int64_t j = 0; j < N; j++)
				sum += g[i * N + j] * w[p * N + j],
				mag += fabs(g[i * N + j] * w[p * N + j]) * (1 + z[i * N + j]);
			if (!(fabs(da[i * K + p] - sum) <= 8.0 * (double)(N + K) * eps * mag + 4 * eps)) {
				printf("FAIL: %s mm_grad M=%ld K=%ld N=%ld: d_a[%ld][%ld] = %.17g, want %.17g\n",
				       type, (long)M, (long)K, (long)N, (long)i, (long)p, da[i * K + p], sum);
				bad++;
			}
			dot += da[i * K + p] * dir[i * K + p], dmag += fabs(da[i * K + p] * dir[i * K + p]);
		}
	for (int64_t p = 0; p < K && bad < 3; p++) /* dw = a^T @ g */
		for (int64_t j = 0; j < N && bad < 3; j++) {
			double sum = 0, mag = 0;
			for (int64_t i = 0; i < M; i++)
				sum += a[i * K + p] * g[i * N + j],
				mag += fabs(a[i * K + p] * g[i * N + j]) * (1 + z[i * N + j]);
			if (!(fabs(dw[p * N + j] - sum) <= 8.0 * (double)(M + K) * eps * mag + 4 * eps)) {
				printf("FAIL: %s mm_grad M=%ld K=%ld N=%ld: d_w[%ld][%ld] = %.17g, want %.17g\n",
				       type, (long)M, (long)K, (long)N, (long)p, (long)j, dw[p * N + j], sum);
				bad++;
			}
			dot += dw[p * N + j] * dir[M * K + p * N + j];
			dmag += fabs(dw[p * N + j] * dir[M * K + p * N + j]);
		}
	/* central difference: error h^2 f''' plus the rounding of y over 2h */
	if (with_fd && bad == 0 && !(fabs(fd - dot) <= 1e-6 * (1 + dmag) + mag_y * 1e-9)) {
		printf("FAIL: %s mm_grad M=%ld K=%ld N=%ld: directional derivative %.17g, central "
		       "difference %.17g\n",
		       type, (long)M, (long)K, (long)N, dot, fd);
		bad++;
	}
	failures += bad;
	free(g), free(z);
}

/* ---- the two element types ---- */

#define T double
#define TNAME "f64"
#define G(graph) graph
#define L(name) name##_f64
#include "cases.h"
#undef T
#undef TNAME
#undef G
#undef L

#define T float
#define TNAME "f32"
#define G(graph) graph##_f32
#define L(name) name##_f32
#include "cases.h"
#undef T
#undef TNAME
#undef G
#undef L

/* Sizes around the tile (MR = 6, NR up to 32) and the blocks (KC = 256, MC = 120, NC = 2048):
 * 1 and 3 (loops), odd primes, and products crossing several blocks. */
static const Size sizes[] = {
	{ 1, 1, 1, 1 },     { 2, 3, 3, 3 },      { 3, 17, 33, 7 },    { 2, 33, 40, 31 },
	{ 2, 97, 131, 64 }, { 1, 131, 257, 97 }, { 2, 257, 300, 131 }, { 1, 6, 8, 2100 },
	{ 1, 300, 17, 1 },  { 3, 1, 300, 257 },  { 1, 130, 600, 35 },
};

int main(int argc, char **argv)
{
	(void)argv;
	bool quick = argc > 1; /* -O0 builds: the large sizes only once each */
	setvbuf(stdout, NULL, _IONBF, 0); /* a crash loses nothing */
	int nsizes = (int)(sizeof sizes / sizeof *sizes);
	for (int i = 0; i < nsizes; i++)
		for (size_t v = 0; v < sizeof variants / sizeof *variants; v++) {
			if (quick && i >= 5 && (int)v % 3 != i % 3)
				continue;
			Size s = sizes[i];
			if (!variants[v].abatch && !variants[v].bbatch)
				s.B = 1;
			product_f64(s, variants[v]);
			product_f32(s, variants[v]);
		}
	Size fixed = { 1, 131, 257, 97 }, small = { 1, 3, 3, 3 };
	product_f64(fixed, fixed_variant);
	product_f32(fixed, fixed_variant);
	product_f64(small, small_variant);
	product_f32(small, small_variant);
	static const Size grads[] = { { 1, 3, 3, 3 }, { 1, 40, 50, 60 }, { 1, 97, 131, 33 } };
	for (int i = 0; i < 3; i++) {
		gradient_f64(grads[i]);
		gradient_f32(grads[i]);
	}
	/* run.sh compares it between builds with and without OpenMP: threads change no bit */
	printf("results hash %016llx\n", (unsigned long long)hash);
	if (failures)
		printf("%d checks failed\n", failures);
	return failures != 0;
}
