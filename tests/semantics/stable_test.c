/* stable_test.c: softmax, log_softmax, logsumexp and cross_entropy on logits near +1000, near
 * -1000 and mixed (stable.morch), in float and double: finite, right values and gradients.
 *
 * The reference is the textbook formula, exp(x_i) / sum_j exp(x_j), evaluated in long double,
 * whose range (to about 1e4932) holds e^1003 and e^-1001.5 without any shifting: so it shares
 * no trick with the code under test. Tolerances are a few units of rounding of the result, or of
 * the inputs' magnitude where the result is a difference of numbers near 1000.
 */
#include <float.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "expect.h"
#include "morchrt.h"
#include "stable.h"

enum { R = 3, C = 4 };

/* near +1000, near -1000, mixed */
static const double X[R][C] = {
	{ 1000, 1001, 1002, 1003 },
	{ -1000, -1001.5, -999, -1000 },
	{ 1000, -1000, 0, 999 },
};
static const double U[R][C] = { /* upstream gradient of the [3, 4] results */
	{ 1, -2, 3, 0.5 },
	{ 0.25, 1, -1, 2 },
	{ -3, 1, 2, 1 },
};
static const double U_ROW[R] = { 1.5, -2, 0.5 }; /* of logsumexp's [3] result */
static const int32_t LABELS[R] = { 1, 3, 3 };
static const double BIG = 1003; /* the largest |x| */

static unsigned char ws[4096] MORCH_ALIGNED;

typedef struct Ref {
	double sm[R][C], lsm[R][C], lse[R];
	double d_sm[R][C], d_lsm[R][C], d_lse[R][C]; /* with upstream U (U_ROW for lse) */
	double ce, d_ce[R][C];                        /* labels LABELS, mean over rows */
} Ref;

static void reference(Ref *r)
{
	long double ce = 0;
	for (int i = 0; i < R; i++) {
		long double e[C], s = 0, us = 0, uy = 0;
		for (int j = 0; j < C; j++)
			s += e[j] = expl((long double)X[i][j]);
		long double lse = logl(s);
		r->lse[i] = (double)lse;
		for (int j = 0; j < C; j++) {
			us += U[i][j];
			uy += U[i][j] * (e[j] / s);
		}
		for (int j = 0; j < C; j++) {
			long double p = e[j] / s;
			r->sm[i][j] = (double)p;
			r->lsm[i][j] = (double)(X[i][j] - lse);
			r->d_sm[i][j] = (double)(p * (U[i][j] - uy));
			r->d_lsm[i][j] = (double)(U[i][j] - p * us);
			r->d_lse[i][j] = (double)(U_ROW[i] * p);
			r->d_ce[i][j] = (double)((p - (j == LABELS[i])) / R);
		}
		ce += lse - X[i][LABELS[i]];
	}
	r->ce = (double)(ce / R);
}

static Ref ref;

static int setup(void **state)
{
	(void)state;
	if (LDBL_MAX_10_EXP < 440 || LDBL_MIN_10_EXP > -440)
		return 0; /* each test skips: long double cannot hold e^+-1003 */
	reference(&ref);
	return 0;
}

static void need_wide_long_double(void)
{
	if (LDBL_MAX_10_EXP < 440 || LDBL_MIN_10_EXP > -440)
		skip();
}

static void all_finite(const char *what, const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(v[i]))
			fail_msg("%s[%zu] = %g is not finite", what, i, v[i]);
}

/* Runs a [3, 4] -> [3, 4] graph through float or double entry points. */
typedef void (*grad32_fn)(const float *, float *, const float *, float *, void *);
typedef void (*grad64_fn)(const double *, double *, const double *, double *, void *);

static void run32(grad32_fn f, const double *x, const double *up, int nup, double *y, int ny,
                  double *dx)
{
	float xf[R * C], uf[R * C], yf[R * C], df[R * C];
	for (int i = 0; i < R * C; i++) {
		xf[i] = (float)x[i];
		df[i] = NAN;
	}
	for (int i = 0; i < nup; i++)
		uf[i] = (float)up[i];
	for (int i = 0; i < ny; i++)
		yf[i] = NAN;
	f(xf, yf, uf, df, ws);
	for (int i = 0; i < ny; i++)
		y[i] = yf[i];
	for (int i = 0; i < R * C; i++)
		dx[i] = df[i];
}

static void run64(grad64_fn f, const double *x, const double *up, int nup, double *y, int ny,
                  double *dx)
{
	double u[R * C];
	for (int i = 0; i < nup; i++)
		u[i] = up[i];
	for (int i = 0; i < ny; i++)
		y[i] = NAN;
	for (int i = 0; i < R * C; i++)
		dx[i] = NAN;
	f(x, y, u, dx, ws);
}

/* ---- softmax ---- */

static void check_softmax(const double *y, const double *dx, double eps)
{
	all_finite("softmax", y, R * C);
	all_finite("d softmax", dx, R * C);
	expect_close_n("softmax", y, &ref.sm[0][0], R * C, 4 * eps, 8 * eps);
	expect_close_n("d softmax", dx, &ref.d_sm[0][0], R * C, 32 * eps, 16 * eps);
}

static void softmax_f32(void **state)
{
	(void)state;
	need_wide_long_double();
	assert_true(softmax32_workspace_bytes() <= sizeof ws);
	double y[R * C], dx[R * C];
	run32(softmax32_grad, &X[0][0], &U[0][0], R * C, y, R * C, dx);
	check_softmax(y, dx, FLT_EPSILON);
}

static void softmax_f64(void **state)
{
	(void)state;
	need_wide_long_double();
	assert_true(softmax64_workspace_bytes() <= sizeof ws);
	double y[R * C], dx[R * C];
	run64(softmax64_grad, &X[0][0], &U[0][0], R * C, y, R * C, dx);
	check_softmax(y, dx, DBL_EPSILON);
}

/* The same rows stored as columns, softmax(x, axis=0). */
static void transpose34(const double *a, double *t)
{
	for (int i = 0; i < R; i++)
		for (int j = 0; j < C; j++)
			t[j * R + i] = a[i * C + j];
}

static void softmax_axis0_f32(void **state)
{
	(void)state;
	need_wide_long_double();
	assert_true(softmax_cols32_workspace_bytes() <= sizeof ws);
	double xt[R * C], ut[R * C], yt[R * C], dxt[R * C], y[R * C], dx[R * C];
	transpose34(&X[0][0], xt);
	transpose34(&U[0][0], ut);
	run32(softmax_cols32_grad, xt, ut, R * C, yt, R * C, dxt);
	for (int j = 0; j < C; j++) /* back to [3, 4] */
		for (int i = 0; i < R; i++) {
			y[i * C + j] = yt[j * R + i];
			dx[i * C + j] = dxt[j * R + i];
		}
	check_softmax(y, dx, FLT_EPSILON);
}

/* ---- log_softmax ---- */

static void check_log_softmax(const double *y, const double *dx, double eps)
{
	all_finite("log_softmax", y, R * C);
	all_finite("d log_softmax", dx, R * C);
	expect_close_n("log_softmax", y, &ref.lsm[0][0], R * C, 4 * eps, 4 * eps);
	expect_close_n("d log_softmax", dx, &ref.d_lsm[0][0], R * C, 64 * eps, 16 * eps);
}

static void log_softmax_f32(void **state)
{
	(void)state;
	need_wide_long_double();
	assert_true(log_softmax32_workspace_bytes() <= sizeof ws);
	double y[R * C], dx[R * C];
	run32(log_softmax32_grad, &X[0][0], &U[0][0], R * C, y, R * C, dx);
	check_log_softmax(y, dx, FLT_EPSILON);
}

static void log_softmax_f64(void **state)
{
	(void)state;
	need_wide_long_double();
	assert_true(log_softmax64_workspace_bytes() <= sizeof ws);
	double y[R * C], dx[R * C];
	run64(log_softmax64_grad, &X[0][0], &U[0][0], R * C, y, R * C, dx);
	check_log_softmax(y, dx, DBL_EPSILON);
}

static void log_softmax_axis0_f64(void **state)
{
	(void)state;
	need_wide_long_double();
	assert_true(log_softmax_cols64_workspace_bytes() <= sizeof ws);
	double xt[R * C], ut[R * C], yt[R * C], dxt[R * C], y[R * C], dx[R * C];
	transpose34(&X[0][0], xt);
	transpose34(&U[0][0], ut);
	run64(log_softmax_cols64_grad, xt, ut, R * C, yt, R * C, dxt);
	for (int j = 0; j < C; j++)
		for (int i = 0; i < R; i++) {
			y[i * C + j] = yt[j * R + i];
			dx[i * C + j] = dxt[j * R + i];
		}
	check_log_softmax(y, dx, DBL_EPSILON);
}

/* ---- logsumexp ---- */

/* The gradient is u exp(x - lse): lse near 1003 is rounded to its own ulp, which the exp turns
 * into a relative error of about BIG * eps, as in any implementation of this formula. */
static void check_logsumexp(const double *y, const double *dx, double eps)
{
	all_finite("logsumexp", y, R);
	all_finite("d logsumexp", dx, R * C);
	expect_close_n("logsumexp", y, ref.lse, R, 0, 4 * eps);
	expect_close_n("d logsumexp", dx, &ref.d_lse[0][0], R * C, 4 * BIG * eps, 4 * BIG * eps);
}

static void logsumexp_f32(void **state)
{
	(void)state;
	need_wide_long_double();
	assert_true(logsumexp32_workspace_bytes() <= sizeof ws);
	double y[R], dx[R * C];
	run32(logsumexp32_grad, &X[0][0], U_ROW, R, y, R, dx);
	check_logsumexp(y, dx, FLT_EPSILON);
}

static void logsumexp_f64(void **state)
{
	(void)state;
	need_wide_long_double();
	assert_true(logsumexp64_workspace_bytes() <= sizeof ws);
	double y[R], dx[R * C];
	run64(logsumexp64_grad, &X[0][0], U_ROW, R, y, R, dx); /* keepdims: [3, 1], same data */
	check_logsumexp(y, dx, DBL_EPSILON);
}

static void logsumexp_of_minus_inf(void **state)
{
	(void)state;
	/* [-inf, -inf, -inf] -> log(0) = -inf; [-inf, 0, -inf] -> log(1) = 0 */
	const double x[6] = { -INFINITY, -INFINITY, -INFINITY, -INFINITY, 0, -INFINITY };
	const double want[2] = { -INFINITY, 0 };
	float xf[6], yf[2] = { NAN, NAN };
	double y[2] = { NAN, NAN };
	for (int i = 0; i < 6; i++)
		xf[i] = (float)x[i];
	assert_true(logsumexp_inf32_workspace_bytes() <= sizeof ws);
	assert_true(logsumexp_inf64_workspace_bytes() <= sizeof ws);
	logsumexp_inf32_forward(xf, yf, ws);
	logsumexp_inf64_forward(x, y, ws);
	expect_exact_n("logsumexp f32", yf, want, 2);
	expect_exact_n("logsumexp f64", y, want, 2);
}

/* ---- cross_entropy ---- */

/* The value subtracts a logit near 1000 from a logsumexp near 1000: a few ulps of BIG. */
static void check_cross_entropy(double l, const double *dx, double eps)
{
	all_finite("cross_entropy", &l, 1);
	all_finite("d cross_entropy", dx, R * C);
	expect_close("cross_entropy", l, ref.ce, 4 * BIG * eps, 4 * eps);
	expect_close_n("d cross_entropy", dx, &ref.d_ce[0][0], R * C, 8 * eps, 8 * eps);
}

static void cross_entropy_f32(void **state)
{
	(void)state;
	need_wide_long_double();
	assert_true(cross_entropy32_workspace_bytes() <= sizeof ws);
	float xf[R * C], l = NAN, df[R * C];
	double dx[R * C];
	for (int i = 0; i < R * C; i++)
		xf[i] = (float)(&X[0][0])[i], df[i] = NAN;
	cross_entropy32_grad(xf, LABELS, &l, df, ws);
	for (int i = 0; i < R * C; i++)
		dx[i] = df[i];
	check_cross_entropy(l, dx, FLT_EPSILON);
}

static void cross_entropy_f64(void **state)
{
	(void)state;
	need_wide_long_double();
	assert_true(cross_entropy64_workspace_bytes() <= sizeof ws);
	double l = NAN, dx[R * C];
	for (int i = 0; i < R * C; i++)
		dx[i] = NAN;
	cross_entropy64_grad(&X[0][0], LABELS, &l, dx, ws);
	check_cross_entropy(l, dx, DBL_EPSILON);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(softmax_f32),
		cmocka_unit_test(softmax_f64),
		cmocka_unit_test(softmax_axis0_f32),
		cmocka_unit_test(log_softmax_f32),
		cmocka_unit_test(log_softmax_f64),
		cmocka_unit_test(log_softmax_axis0_f64),
		cmocka_unit_test(logsumexp_f32),
		cmocka_unit_test(logsumexp_f64),
		cmocka_unit_test(logsumexp_of_minus_inf),
		cmocka_unit_test(cross_entropy_f32),
		cmocka_unit_test(cross_entropy_f64),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
