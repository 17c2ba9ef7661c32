/* labels_test.c: cross_entropy and its labels (labels.morch, CONTRACT.md B).
 *
 * A label outside [0, C) makes the result NaN and is never used to index the logits. This
 * program is built with -fsanitize=address,undefined by labels_asan.sh, and every buffer is a
 * heap block of exactly its size, so a read of row[-1] or row[C] is reported as an error.
 * Valid labels give mean_i (log sum_j exp(x_ij) - x_i,y_i), worked out here in long double.
 */
#define _POSIX_C_SOURCE 200112L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "expect.h"
#include "labels.h"

/* Exactly n elements on the heap: AddressSanitizer guards both ends. */
static void *exact(size_t n, size_t size)
{
	void *p = malloc(n * size);
	assert_non_null(p);
	return p;
}

/* A workspace of exactly `bytes`, 64-byte aligned; NULL when the graph needs none. */
static void *workspace(size_t bytes)
{
	void *p = NULL;
	if (bytes == 0)
		return NULL;
	assert_int_equal(posix_memalign(&p, 64, bytes), 0);
	return p;
}

/* The loss and its gradient (softmax - onehot) / N, by the textbook formula. */
static void reference(int64_t n, int64_t c, double sign, const double *x, const int32_t *y,
                      double *loss, double *dx)
{
	long double sum = 0;
	for (int64_t i = 0; i < n; i++) {
		long double s = 0;
		for (int64_t j = 0; j < c; j++)
			s += expl(sign * (long double)x[i * c + j]);
		sum += logl(s) - sign * x[i * c + y[i]];
		for (int64_t j = 0; j < c; j++)
			dx[i * c + j] = (double)((expl(sign * (long double)x[i * c + j]) / s - (j == y[i])) / n);
	}
	*loss = (double)(sum / n);
}

static void valid_labels(void **state)
{
	(void)state;
	/* x = [[1, 2, 3], [1, 1, 1]], y = [2, 0]: ((log(e + e^2 + e^3) - 3) + log 3) / 2 */
	const double x64[6] = { 1, 2, 3, 1, 1, 1 };
	const int32_t y[2] = { 2, 0 };
	double want, want_dx[6];
	reference(2, 3, 1, x64, y, &want, want_dx);
	expect_close("reference", want, (log(exp(1) + exp(2) + exp(3)) - 3 + log(3)) / 2, 0, 1e-15);

	float *x = exact(6, sizeof *x), *dx = exact(6, sizeof *dx), l = NAN;
	int32_t *yy = exact(2, sizeof *yy);
	for (int i = 0; i < 6; i++)
		x[i] = (float)x64[i];
	yy[0] = y[0], yy[1] = y[1];
	void *ws = workspace(ce_workspace_bytes(2, 3));
	ce_grad(2, 3, x, yy, &l, dx, ws);
	expect_close("ce", l, want, 0, 4e-7);
	expect_close_n("d ce", dx, want_dx, 6, 4e-7, 4e-7);
	l = NAN;
	ce_forward(2, 3, x, yy, &l, ws);
	expect_close("ce forward", l, want, 0, 4e-7);
	free(ws);

	double *xd = exact(6, sizeof *xd), *dxd = exact(6, sizeof *dxd), ld = NAN;
	for (int i = 0; i < 6; i++)
		xd[i] = x64[i];
	ws = workspace(ce_fixed_workspace_bytes());
	ce_fixed_grad(xd, yy, &ld, dxd, ws);
	expect_close("ce f64", ld, want, 0, 1e-15);
	expect_close_n("d ce f64", dxd, want_dx, 6, 1e-16, 1e-14);
	free(ws);
	free(x), free(dx), free(yy), free(xd), free(dxd);
}

static void valid_labels_twice(void **state)
{
	(void)state;
	/* l = 2 ce(x, y) + ce(-x, y), N = 3, C = 5 */
	enum { N = 3, C = 5 };
	double x64[N * C], a, b, da[N * C], db[N * C];
	const int32_t y[N] = { 4, 0, 2 };
	for (int i = 0; i < N * C; i++)
		x64[i] = (i * 7 % 11) / 4.0 - 1;
	reference(N, C, 1, x64, y, &a, da);
	reference(N, C, -1, x64, y, &b, db);

	float *x = exact(N * C, sizeof *x), *dx = exact(N * C, sizeof *dx), l = NAN;
	int32_t *yy = exact(N, sizeof *yy);
	for (int i = 0; i < N * C; i++)
		x[i] = (float)x64[i];
	for (int i = 0; i < N; i++)
		yy[i] = y[i];
	void *ws = workspace(ce_twice_workspace_bytes(N));
	ce_twice_grad(N, x, yy, &l, dx, ws);
	expect_close("2 ce(x) + ce(-x)", l, 2 * a + b, 0, 1e-6);
	for (int i = 0; i < N * C; i++) /* d ce(-x) / dx = -(softmax(-x) - onehot) / N */
		expect_close("d/dx", dx[i], 2 * da[i] - db[i], 1e-6, 1e-6);
	free(ws), free(x), free(dx), free(yy);
}

/* One class: the only label is 0 and the loss is log(1) = 0. */
static void one_class(void **state)
{
	(void)state;
	float *x = exact(2, sizeof *x), *dx = exact(2, sizeof *dx), l = NAN;
	int32_t *y = exact(2, sizeof *y);
	x[0] = 5, x[1] = -7;
	y[0] = y[1] = 0;
	void *ws = workspace(ce_workspace_bytes(2, 1));
	ce_grad(2, 1, x, y, &l, dx, ws);
	const double zeros[2] = { 0, 0 };
	expect_close("ce, C = 1", l, 0, 0, 0);
	expect_exact_n("d ce, C = 1", dx, zeros, 2);
	y[1] = 1; /* == C */
	ce_forward(2, 1, x, y, &l, ws);
	assert_true(isnan(l));
	free(ws), free(x), free(dx), free(y);
}

static const int32_t bad_labels[] = { -1, 4, 5, -4, 1000, 1 << 20, INT32_MAX, INT32_MIN };

/* N = 3, C = 4: each bad label in the first row, then in the last, the others valid. */
static void bad_labels_give_nan(void **state)
{
	(void)state;
	enum { N = 3, C = 4 };
	float *x = exact(N * C, sizeof *x), *dx = exact(N * C, sizeof *dx);
	double *xd = exact(2 * 3, sizeof *xd), *dxd = exact(2 * 3, sizeof *dxd);
	int32_t *y = exact(N, sizeof *y);
	for (int i = 0; i < N * C; i++)
		x[i] = (float)(i % 5) - 2;
	for (int i = 0; i < 6; i++)
		xd[i] = i;
	void *ws = workspace(ce_workspace_bytes(N, C));
	void *ws_fixed = workspace(ce_fixed_workspace_bytes());
	for (size_t k = 0; k < sizeof bad_labels / sizeof *bad_labels; k++)
		for (int row = 0; row < N; row += N - 1) {
			for (int i = 0; i < N; i++)
				y[i] = i % C;
			y[row] = bad_labels[k];
			float l = 0;
			ce_forward(N, C, x, y, &l, ws);
			if (!isnan(l))
				fail_msg("label %d in row %d: ce = %g, expected NaN", (int)y[row], row, l);
			l = 0;
			ce_grad(N, C, x, y, &l, dx, ws);
			if (!isnan(l))
				fail_msg("label %d in row %d: ce (grad) = %g, expected NaN", (int)y[row], row, l);

			/* [2, 3] in double: the label is bad for C = 3 as well unless it is 0..2 */
			if (bad_labels[k] >= 0 && bad_labels[k] < 3)
				continue;
			y[0] = 1, y[1] = 1;
			y[row ? 1 : 0] = bad_labels[k];
			double ld = 0;
			ce_fixed_forward(xd, y, &ld, ws_fixed);
			assert_true(isnan(ld));
			ld = 0;
			ce_fixed_grad(xd, y, &ld, dxd, ws_fixed);
			assert_true(isnan(ld));
		}
	free(ws), free(ws_fixed), free(x), free(dx), free(xd), free(dxd), free(y);
}

static void bad_label_in_larger_expression(void **state)
{
	(void)state;
	enum { N = 2, C = 5 };
	float *x = exact(N * C, sizeof *x), *dx = exact(N * C, sizeof *dx), l = 0;
	int32_t *y = exact(N, sizeof *y);
	for (int i = 0; i < N * C; i++)
		x[i] = (float)i / 3;
	void *ws = workspace(ce_twice_workspace_bytes(N));
	y[0] = 1, y[1] = C;
	ce_twice_forward(N, x, y, &l, ws);
	assert_true(isnan(l));
	y[0] = -1, y[1] = 0;
	l = 0;
	ce_twice_grad(N, x, y, &l, dx, ws);
	assert_true(isnan(l));
	free(ws), free(x), free(dx), free(y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_labels),
		cmocka_unit_test(valid_labels_twice),
		cmocka_unit_test(one_class),
		cmocka_unit_test(bad_labels_give_nan),
		cmocka_unit_test(bad_label_in_larger_expression),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
