/* api_test.c: how generated functions treat their arguments (api.morch, CONTRACT.md A2).
 *
 * ws may be NULL when G_workspace_bytes() is 0; outputs that are inputs, params or constants
 * are copied into the output buffers; gradients are overwritten, not accumulated (also the
 * all-zero gradient of an argument the target does not use); and two threads may run the same
 * G_grad at once on their own data and workspaces (no hidden state).
 */
#define _POSIX_C_SOURCE 200112L
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api.h"
#include "expect.h"
#include "morchrt.h"

static void fill(float *p, size_t n, float v)
{
	for (size_t i = 0; i < n; i++)
		p[i] = v;
}

static void null_workspace(void **state)
{
	(void)state;
	/* these graphs compute straight into the caller's buffers */
	assert_int_equal(direct_workspace_bytes(), 0);
	assert_int_equal(direct_sum_workspace_bytes(), 0);

	const float x[4] = { 1, 2, 3, 4 }, up[4] = { 1, -1, 0.5f, 2 };
	float y[4], dx[4];
	fill(y, 4, NAN);
	direct_forward(x, y, NULL);
	const double want_y[4] = { 2, 4, 6, 8 }, want_dx[4] = { 2, -2, 1, 4 };
	expect_exact_n("2 x", y, want_y, 4);
	fill(y, 4, NAN), fill(dx, 4, NAN);
	direct_grad(x, y, up, dx, NULL);
	expect_exact_n("2 x", y, want_y, 4);
	expect_exact_n("d (2 x)", dx, want_dx, 4);

	const float m[6] = { 1, 2, 3, 4, 5, 6 };
	float s = NAN, dm[6];
	fill(dm, 6, NAN);
	direct_sum_grad(m, &s, dm, NULL);
	const double ones[6] = { 1, 1, 1, 1, 1, 1 };
	expect_close("sum", s, 21, 0, 0);
	expect_exact_n("d sum", dm, ones, 6);
	s = NAN;
	direct_sum_forward(m, &s, NULL);
	expect_close("sum", s, 21, 0, 0);
}

/* echo: output x, y, w, s, c, y with y = x * s, c = 3; grad y wrt x, w, s */
static const float ex[3] = { 1, 2, 3 }, ew[4] = { 1, 2, 3, 4 }, es = -2, eup[3] = { 1, 10, 100 };

static void check_echo_outputs(const float *ox, const float *oy, const float *ow, float os,
                               float oc, const float *oy2)
{
	const double want_x[3] = { 1, 2, 3 }, want_y[3] = { -2, -4, -6 };
	const double want_w[4] = { 1, 2, 3, 4 };
	expect_exact_n("out x", ox, want_x, 3);
	expect_exact_n("out y", oy, want_y, 3);
	expect_exact_n("out w", ow, want_w, 4);
	expect_close("out s", os, -2, 0, 0);
	expect_close("out c", oc, 3, 0, 0);
	expect_exact_n("out y (again)", oy2, want_y, 3);
}

static void outputs_are_copies(void **state)
{
	(void)state;
	static unsigned char ws[256] MORCH_ALIGNED;
	assert_true(echo_workspace_bytes() <= sizeof ws);
	float ox[3], oy[3], ow[4], os = NAN, oc = NAN, oy2[3];
	fill(ox, 3, NAN), fill(oy, 3, NAN), fill(ow, 4, NAN), fill(oy2, 3, NAN);
	echo_forward(ex, ew, &es, ox, oy, ow, &os, &oc, oy2, ws);
	check_echo_outputs(ox, oy, ow, os, oc, oy2);
}

static void gradients_overwritten(void **state)
{
	(void)state;
	static unsigned char ws[256] MORCH_ALIGNED;
	const double want_dx[3] = { -2, -20, -200 }, want_dw[4] = { 0, 0, 0, 0 };
	for (int call = 0; call < 3; call++) {
		float ox[3], oy[3], ow[4], os = NAN, oc = NAN, oy2[3], dx[3], dw[4], ds;
		fill(ox, 3, NAN), fill(oy, 3, NAN), fill(ow, 4, NAN), fill(oy2, 3, NAN);
		/* garbage that accumulation would keep: a large number, then NaN, then -0 */
		float junk = call == 0 ? 1e30f : call == 1 ? NAN : -0.0f;
		fill(dx, 3, junk), fill(dw, 4, junk), ds = junk;
		memset(ws, call ? 0xff : 0x7f, sizeof ws);
		echo_grad(ex, ew, &es, ox, oy, ow, &os, &oc, oy2, eup, dx, dw, &ds, ws);
		check_echo_outputs(ox, oy, ow, os, oc, oy2);
		expect_exact_n("dy/dx . up", dx, want_dx, 3);
		expect_exact_n("dy/dw . up (unused: zeros)", dw, want_dw, 4);
		expect_close("dy/ds . up", ds, 1 + 20 + 300, 0, 0);
	}
}

/* ---- worker: h = tanh(x @ w), l = sum(h @ v) / N + sum(w * w) ---- */

typedef struct Job {
	int64_t n;
	float *x, w[64], v[8];
	float l, *h, *dx, dw[64], dv[8]; /* results */
	float want_l, *want_h, *want_dx, want_dw[64], want_dv[8]; /* from one thread alone */
	void *ws;
	int mismatches;
} Job;

static void job_init(Job *j, int64_t n, unsigned salt)
{
	memset(j, 0, sizeof *j);
	j->n = n;
	size_t nx = (size_t)n * 8;
	j->x = malloc(nx * sizeof *j->x), j->h = malloc(nx * sizeof *j->h);
	j->dx = malloc(nx * sizeof *j->dx);
	j->want_h = malloc(nx * sizeof *j->want_h), j->want_dx = malloc(nx * sizeof *j->want_dx);
	assert_true(j->x && j->h && j->dx && j->want_h && j->want_dx);
	for (size_t i = 0; i < nx; i++)
		j->x[i] = (float)((i * 13 + salt) % 23) / 11.0f - 1;
	for (unsigned i = 0; i < 64; i++)
		j->w[i] = (float)((i * 7 + salt) % 19) / 18.0f - 0.5f;
	for (unsigned i = 0; i < 8; i++)
		j->v[i] = (float)((i * 5 + salt) % 9) / 4.0f - 1;
	assert_int_equal(posix_memalign(&j->ws, 64, worker_workspace_bytes(n)), 0);
}

static void job_free(Job *j)
{
	free(j->x), free(j->h), free(j->dx), free(j->want_h), free(j->want_dx), free(j->ws);
}

static void job_run(Job *j)
{
	worker_grad(j->n, j->x, j->w, j->v, &j->l, j->h, j->dx, j->dw, j->dv, j->ws);
}

/* The naive reference: dl/dh = v / N, through tanh' = 1 - h^2; dl/dw also gets 2 w. */
static void job_check_reference(const Job *j)
{
	int64_t n = j->n;
	double l = 0, dw[64] = { 0 }, dv[8] = { 0 };
	for (int a = 0; a < 64; a++)
		l += (double)j->w[a] * j->w[a], dw[a] = 2.0 * j->w[a];
	for (int64_t i = 0; i < n; i++) {
		double h[8], dpre[8];
		for (int k = 0; k < 8; k++) {
			double s = 0;
			for (int m = 0; m < 8; m++)
				s += (double)j->x[i * 8 + m] * j->w[m * 8 + k];
			h[k] = tanh(s);
			l += h[k] * j->v[k] / n;
			dv[k] += h[k] / n;
			dpre[k] = j->v[k] / n * (1 - h[k] * h[k]);
		}
		expect_close_n("h", &j->h[i * 8], h, 8, 1e-6, 1e-5);
		for (int m = 0; m < 8; m++) {
			double s = 0;
			for (int k = 0; k < 8; k++) {
				s += dpre[k] * j->w[m * 8 + k];
				dw[m * 8 + k] += (double)j->x[i * 8 + m] * dpre[k];
			}
			expect_close("dl/dx", j->dx[i * 8 + m], s, 1e-6, 1e-4);
		}
	}
	expect_close("l", j->l, l, 1e-6, 1e-5);
	expect_close_n("dl/dw", j->dw, dw, 64, 1e-6, 1e-4);
	expect_close_n("dl/dv", j->dv, dv, 8, 1e-6, 1e-4);
}

static void job_remember(Job *j)
{
	size_t nx = (size_t)j->n * 8;
	j->want_l = j->l;
	memcpy(j->want_h, j->h, nx * sizeof *j->h);
	memcpy(j->want_dx, j->dx, nx * sizeof *j->dx);
	memcpy(j->want_dw, j->dw, sizeof j->dw);
	memcpy(j->want_dv, j->dv, sizeof j->dv);
}

static int job_same(const Job *j)
{
	size_t nx = (size_t)j->n * 8;
	return memcmp(&j->l, &j->want_l, sizeof j->l) == 0 &&
	       memcmp(j->h, j->want_h, nx * sizeof *j->h) == 0 &&
	       memcmp(j->dx, j->want_dx, nx * sizeof *j->dx) == 0 &&
	       memcmp(j->dw, j->want_dw, sizeof j->dw) == 0 &&
	       memcmp(j->dv, j->want_dv, sizeof j->dv) == 0;
}

static void *job_loop(void *arg)
{
	Job *j = arg;
	for (int it = 0; it < 300; it++) {
		memset(j->h, 0xff, (size_t)j->n * 8 * sizeof *j->h);
		memset(j->dx, 0xff, (size_t)j->n * 8 * sizeof *j->dx);
		memset(j->dw, 0xff, sizeof j->dw);
		job_run(j);
		j->mismatches += !job_same(j);
	}
	return NULL;
}

static void two_threads(void **state)
{
	(void)state;
	Job a, b;
	job_init(&a, 96, 1);
	job_init(&b, 33, 2);
	job_run(&a);
	job_check_reference(&a);
	job_remember(&a);
	job_run(&b);
	job_check_reference(&b);
	job_remember(&b);

	pthread_t ta, tb;
	assert_int_equal(pthread_create(&ta, NULL, job_loop, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, job_loop, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	if (a.mismatches || b.mismatches)
		fail_msg("concurrent worker_grad differed from a lone run: %d and %d of 300 calls",
		         a.mismatches, b.mismatches);
	job_free(&a), job_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(null_workspace),
		cmocka_unit_test(outputs_are_copies),
		cmocka_unit_test(gradients_overwritten),
		cmocka_unit_test(two_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
