/* symdims_test.c: graphs with sizes given at run time (symdims.morch, CONTRACT.md B).
 *
 * One process calls the same graph with N = 64, 1, 7, 2 (and again), each result checked
 * against a naive double-precision reference for that N; G_workspace_bytes takes the sizes and
 * grows with them; sizes come first, in order of first appearance in the declarations.
 */
#define _POSIX_C_SOURCE 200112L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "expect.h"
#include "symdims.h"

/* The prototypes the contract prescribes: a generated header that disagrees is a compile error
 * ("conflicting types"). In `two`, Q comes before P because p[3, Q] is declared before q[P, Q]. */
size_t batch_workspace_bytes(int64_t N);
void batch_forward(int64_t N, const float *x, const float *w, const float *b, float *out_z,
                   float *out_l, void *ws);
void batch_grad(int64_t N, const float *x, const float *w, const float *b, float *out_z,
                float *out_l, float *d_x, float *d_w, float *d_b, void *ws);
size_t two_workspace_bytes(int64_t Q, int64_t P);
void two_forward(int64_t Q, int64_t P, const float *p, const float *q, float *out_r,
                 float *out_s, void *ws);
void two_grad(int64_t Q, int64_t P, const float *p, const float *q, float *out_r, float *out_s,
              float *d_p, float *d_q, void *ws);

/* The same, as the types of function pointers. */
static size_t (*const two_ws_fn)(int64_t, int64_t) = two_workspace_bytes;
static void (*const two_forward_fn)(int64_t, int64_t, const float *, const float *, float *,
                                    float *, void *) = two_forward;
static void (*const two_grad_fn)(int64_t, int64_t, const float *, const float *, float *, float *,
                                 float *, float *, void *) = two_grad;

/* Heap blocks of exactly their size, so a wrong size is a sanitizer error in sanitize.sh too. */
static float *floats(size_t n)
{
	float *p = malloc(n * sizeof *p + (n == 0));
	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		p[i] = NAN;
	return p;
}

static float value(unsigned i, unsigned salt)
{
	return (float)((i * 37u + salt * 11u) % 17u) / 8.0f - 1.0f;
}

/* ---- batch: z = tanh(x @ w + b), l = mean(z * z) ---- */

typedef struct BatchRef {
	double *z, l, *dx, dw[12], db[3];
} BatchRef;

static void batch_reference(int64_t n, const float *x, const float *w, const float *b, BatchRef *r)
{
	double sum = 0, *dpre = calloc((size_t)n * 3, sizeof *dpre);
	assert_non_null(dpre);
	for (int64_t i = 0; i < n; i++)
		for (int j = 0; j < 3; j++) {
			double a = b[j];
			for (int k = 0; k < 4; k++)
				a += (double)x[i * 4 + k] * w[k * 3 + j];
			double z = tanh(a);
			r->z[i * 3 + j] = z;
			sum += z * z;
			dpre[i * 3 + j] = 2 * z / (3.0 * n) * (1 - z * z); /* dl/dz tanh' */
		}
	r->l = sum / (3.0 * n);
	for (int64_t i = 0; i < n; i++)
		for (int k = 0; k < 4; k++) {
			double a = 0;
			for (int j = 0; j < 3; j++)
				a += dpre[i * 3 + j] * w[k * 3 + j];
			r->dx[i * 4 + k] = a;
		}
	for (int k = 0; k < 4; k++)
		for (int j = 0; j < 3; j++) {
			double a = 0;
			for (int64_t i = 0; i < n; i++)
				a += (double)x[i * 4 + k] * dpre[i * 3 + j];
			r->dw[k * 3 + j] = a;
		}
	for (int j = 0; j < 3; j++) {
		double a = 0;
		for (int64_t i = 0; i < n; i++)
			a += dpre[i * 3 + j];
		r->db[j] = a;
	}
	free(dpre);
}

static void batch_at(int64_t n, void *ws, size_t ws_size)
{
	float *x = floats((size_t)n * 4), *w = floats(12), *b = floats(3);
	float *z = floats((size_t)n * 3), *l = floats(1), *dx = floats((size_t)n * 4);
	float *dw = floats(12), *db = floats(3);
	for (unsigned i = 0; i < n * 4; i++)
		x[i] = value(i, (unsigned)n);
	for (unsigned i = 0; i < 12; i++)
		w[i] = value(i, 100) / 2;
	for (unsigned i = 0; i < 3; i++)
		b[i] = value(i, 7) / 4;
	BatchRef r;
	r.z = calloc((size_t)n * 3, sizeof *r.z);
	r.dx = calloc((size_t)n * 4, sizeof *r.dx);
	assert_true(r.z && r.dx);
	batch_reference(n, x, w, b, &r);

	memset(ws, 0xff, ws_size); /* the workspace holds no meaning between calls */
	batch_forward(n, x, w, b, z, l, ws);
	expect_close_n("z", z, r.z, (size_t)n * 3, 1e-6, 1e-5);
	expect_close("l", *l, r.l, 1e-7, 1e-5);

	memset(ws, 0xff, ws_size);
	*l = NAN;
	batch_grad(n, x, w, b, z, l, dx, dw, db, ws);
	expect_close_n("z", z, r.z, (size_t)n * 3, 1e-6, 1e-5);
	expect_close("l", *l, r.l, 1e-7, 1e-5);
	expect_close_n("dl/dx", dx, r.dx, (size_t)n * 4, 1e-7, 1e-4);
	expect_close_n("dl/dw", dw, r.dw, 12, 1e-7, 1e-4);
	expect_close_n("dl/db", db, r.db, 3, 1e-7, 1e-4);
	free(x), free(w), free(b), free(z), free(l), free(dx), free(dw), free(db);
	free(r.z), free(r.dx);
}

static void batch_sizes_in_one_process(void **state)
{
	(void)state;
	const int64_t sizes[] = { 64, 1, 7, 2, 64, 1 };
	size_t most = batch_workspace_bytes(64);
	void *ws = NULL;
	assert_int_equal(posix_memalign(&ws, 64, most), 0);
	for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		assert_true(batch_workspace_bytes(sizes[k]) <= most);
		batch_at(sizes[k], ws, batch_workspace_bytes(sizes[k]));
	}
	free(ws);
}

static void batch_workspace_grows(void **state)
{
	(void)state;
	size_t w1 = batch_workspace_bytes(1), w2 = batch_workspace_bytes(2);
	size_t w7 = batch_workspace_bytes(7), w64 = batch_workspace_bytes(64);
	assert_true(w1 <= w2 && w2 <= w7 && w7 <= w64);
	assert_true(w1 < w64);
	/* x @ w + b alone is an [N, 3] intermediate before the tanh */
	assert_true(w64 >= 64 * 3 * sizeof(float));
	assert_true(batch_workspace_bytes(1000) >= 1000 * 3 * sizeof(float));
}

/* ---- two: r = q @ transpose(p), s = sum(r * r) / P ---- */

static void two_sizes_in_declaration_order(void **state)
{
	(void)state;
	/* Q = 2, P = 5: swapping them would change every shape */
	enum { Q = 2, P = 5 };
	float *p = floats(3 * Q), *q = floats(P * Q), *r = floats(P * 3), *s = floats(1);
	float *dp = floats(3 * Q), *dq = floats(P * Q);
	double want_r[P * 3], want_s = 0, want_dp[3 * Q] = { 0 }, want_dq[P * Q] = { 0 };
	for (unsigned i = 0; i < 3 * Q; i++)
		p[i] = value(i, 3);
	for (unsigned i = 0; i < P * Q; i++)
		q[i] = value(i, 4);
	for (int i = 0; i < P; i++)
		for (int k = 0; k < 3; k++) {
			double a = 0;
			for (int j = 0; j < Q; j++)
				a += (double)q[i * Q + j] * p[k * Q + j];
			want_r[i * 3 + k] = a;
			want_s += a * a / P;
			for (int j = 0; j < Q; j++) { /* ds/dr = 2 r / P */
				want_dq[i * Q + j] += 2 * a / P * p[k * Q + j];
				want_dp[k * Q + j] += 2 * a / P * q[i * Q + j];
			}
		}
	size_t bytes = two_ws_fn(Q, P);
	void *ws = NULL;
	if (bytes)
		assert_int_equal(posix_memalign(&ws, 64, bytes), 0);
	two_forward_fn(Q, P, p, q, r, s, ws);
	expect_close_n("r", r, want_r, P * 3, 1e-6, 1e-5);
	expect_close("s", *s, want_s, 1e-6, 1e-5);
	*s = NAN;
	two_grad_fn(Q, P, p, q, r, s, dp, dq, ws);
	expect_close("s", *s, want_s, 1e-6, 1e-5);
	expect_close_n("ds/dp", dp, want_dp, 3 * Q, 1e-6, 1e-5);
	expect_close_n("ds/dq", dq, want_dq, P * Q, 1e-6, 1e-5);
	free(ws), free(p), free(q), free(r), free(s), free(dp), free(dq);

	/* each size on its own grows the workspace */
	assert_true(two_workspace_bytes(2, 5) <= two_workspace_bytes(2, 500));
	assert_true(two_workspace_bytes(2, 5) <= two_workspace_bytes(200, 5));
	assert_true(two_workspace_bytes(2, 5) < two_workspace_bytes(200, 500));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(batch_sizes_in_one_process),
		cmocka_unit_test(batch_workspace_grows),
		cmocka_unit_test(two_sizes_in_declaration_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
