/* ties_test.c: subgradients at kinks and ties follow PyTorch (CONTRACT.md B), ties.morch.
 *
 * relu'(0) = abs'(0) = 0 (also at -0.0); maximum/minimum give each of two equal operands half
 * the gradient, summed back over broadcast axes; max/min reductions split the gradient evenly
 * among the tied elements, as torch.amax/amin do. Every expected value is worked out by hand in
 * the comment beside it; halves and thirds of small integers are exact, so they compare exactly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "expect.h"
#include "morchrt.h"
#include "ties.h"

static unsigned char ws[4096] MORCH_ALIGNED;

/* Outputs and gradients start as NaN: a value left unwritten shows up. */
static void poison_f(float *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = NAN;
}

static void poison_d(double *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = NAN;
}

static void relu_at_zero(void **state)
{
	(void)state;
	assert_true(relu_tie_workspace_bytes() <= sizeof ws);
	const float x[5] = { -2, -0.0f, 0, 0.5f, 3 }, up[5] = { 1, 2, 3, 4, 5 };
	float y[5], dx[5];
	poison_f(y, 5), poison_f(dx, 5);
	relu_tie_grad(x, y, up, dx, ws);
	const double want_y[5] = { 0, 0, 0, 0.5, 3 }, want_dx[5] = { 0, 0, 0, 4, 5 };
	expect_exact_n("relu", y, want_y, 5);
	expect_exact_n("d relu", dx, want_dx, 5);
}

static void abs_at_zero(void **state)
{
	(void)state;
	assert_true(abs_tie_workspace_bytes() <= sizeof ws);
	const float x[5] = { -2, -0.0f, 0, 0.5f, 3 }, up[5] = { 1, 2, 3, 4, 5 };
	float y[5], dx[5];
	poison_f(y, 5), poison_f(dx, 5);
	abs_tie_grad(x, y, up, dx, ws);
	const double want_y[5] = { 2, 0, 0, 0.5, 3 }, want_dx[5] = { -1, 0, 0, 4, 5 };
	expect_exact_n("abs", y, want_y, 5);
	expect_exact_n("d abs", dx, want_dx, 5);
}

static void abs_at_zero_f64(void **state)
{
	(void)state;
	assert_true(abs_tie64_workspace_bytes() <= sizeof ws);
	const double x[5] = { -2, -0.0, 0, 0.5, 3 }, up[5] = { 1, 2, 3, 4, 5 };
	double y[5], dx[5];
	poison_d(y, 5), poison_d(dx, 5);
	abs_tie64_grad(x, y, up, dx, ws);
	const double want_y[5] = { 2, 0, 0, 0.5, 3 }, want_dx[5] = { -1, 0, 0, 4, 5 };
	expect_exact_n("abs", y, want_y, 5);
	expect_exact_n("d abs", dx, want_dx, 5);
}

/* x = [1, 2, 3, -1], z = [1, 3, 2, -1], upstream [2, 4, 6, 8]: ties at 0 and 3 */
static const float mx_x[4] = { 1, 2, 3, -1 }, mx_z[4] = { 1, 3, 2, -1 }, mx_up[4] = { 2, 4, 6, 8 };

static void maximum_splits_ties(void **state)
{
	(void)state;
	assert_true(maximum_tie_workspace_bytes() <= sizeof ws);
	float m[4], dx[4], dz[4];
	poison_f(m, 4), poison_f(dx, 4), poison_f(dz, 4);
	maximum_tie_grad(mx_x, mx_z, m, mx_up, dx, dz, ws);
	const double want_m[4] = { 1, 3, 3, -1 };
	const double want_dx[4] = { 1, 0, 6, 4 }, want_dz[4] = { 1, 4, 0, 4 };
	expect_exact_n("maximum", m, want_m, 4);
	expect_exact_n("d maximum / dx", dx, want_dx, 4);
	expect_exact_n("d maximum / dz", dz, want_dz, 4);
}

static void minimum_splits_ties(void **state)
{
	(void)state;
	assert_true(minimum_tie_workspace_bytes() <= sizeof ws);
	float m[4], dx[4], dz[4];
	poison_f(m, 4), poison_f(dx, 4), poison_f(dz, 4);
	minimum_tie_grad(mx_x, mx_z, m, mx_up, dx, dz, ws);
	const double want_m[4] = { 1, 2, 2, -1 };
	const double want_dx[4] = { 1, 4, 0, 4 }, want_dz[4] = { 1, 0, 6, 4 };
	expect_exact_n("minimum", m, want_m, 4);
	expect_exact_n("d minimum / dx", dx, want_dx, 4);
	expect_exact_n("d minimum / dz", dz, want_dz, 4);
}

static void maximum_broadcast_row(void **state)
{
	(void)state;
	assert_true(maximum_row_workspace_bytes() <= sizeof ws);
	/* x = [[1, 2, 3], [2, 5, 0]] against r = [2, 5, 1]: r wins (0,0), (0,1), (1,2);
	 * x wins (0,2); (1,0) and (1,1) tie. */
	const float x[6] = { 1, 2, 3, 2, 5, 0 }, r[3] = { 2, 5, 1 }, up[6] = { 1, 2, 3, 4, 5, 6 };
	float m[6], dx[6], dr[3];
	poison_f(m, 6), poison_f(dx, 6), poison_f(dr, 3);
	maximum_row_grad(x, r, m, up, dx, dr, ws);
	const double want_m[6] = { 2, 5, 3, 2, 5, 1 };
	const double want_dx[6] = { 0, 0, 3, 2, 2.5, 0 };
	const double want_dr[3] = { 1 + 2, 2 + 2.5, 0 + 6 }; /* summed over the broadcast rows */
	expect_exact_n("maximum(x, r)", m, want_m, 6);
	expect_exact_n("d/dx", dx, want_dx, 6);
	expect_exact_n("d/dr", dr, want_dr, 3);
}

static void maximum_broadcast_scalar(void **state)
{
	(void)state;
	assert_true(maximum_scalar_workspace_bytes() <= sizeof ws);
	/* c = 2 against x = [[1, 2, 3], [2, 2, 0]]: three ties */
	const float c = 2, x[6] = { 1, 2, 3, 2, 2, 0 }, up[6] = { 1, 2, 3, 4, 5, 6 };
	float m[6], dc, dx[6];
	poison_f(m, 6), poison_f(dx, 6), dc = NAN;
	maximum_scalar_grad(&c, x, m, up, &dc, dx, ws);
	const double want_m[6] = { 2, 2, 3, 2, 2, 2 };
	const double want_dx[6] = { 0, 1, 3, 2, 2.5, 0 };
	expect_exact_n("maximum(c, x)", m, want_m, 6);
	expect_exact_n("d/dx", dx, want_dx, 6);
	expect_close("d/dc", dc, 1 + 1 + 0 + 2 + 2.5 + 6, 0, 0);
}

static void minimum_broadcast_column(void **state)
{
	(void)state;
	assert_true(minimum_col_workspace_bytes() <= sizeof ws);
	/* x = [[1, 2, 3], [4, 4, 5]] against k = [[2], [4]]: ties at (0,1), (1,0), (1,1) */
	const double x[6] = { 1, 2, 3, 4, 4, 5 }, k[2] = { 2, 4 }, up[6] = { 1, 2, 3, 4, 5, 6 };
	double m[6], dx[6], dk[2];
	poison_d(m, 6), poison_d(dx, 6), poison_d(dk, 2);
	minimum_col_grad(x, k, m, up, dx, dk, ws);
	const double want_m[6] = { 1, 2, 2, 4, 4, 4 };
	const double want_dx[6] = { 1, 1, 0, 2, 2.5, 0 };
	const double want_dk[2] = { 0 + 1 + 3, 2 + 2.5 + 6 };
	expect_exact_n("minimum(x, k)", m, want_m, 6);
	expect_exact_n("d/dx", dx, want_dx, 6);
	expect_exact_n("d/dk", dk, want_dk, 2);
}

static void max_of_all(void **state)
{
	(void)state;
	assert_true(max_all_workspace_bytes() <= sizeof ws);
	const float x[3] = { 1, 3, 3 };
	float m = NAN, dx[3];
	poison_f(dx, 3);
	max_all_grad(x, &m, dx, ws);
	const double want_dx[3] = { 0, 0.5, 0.5 };
	expect_close("max", m, 3, 0, 0);
	expect_exact_n("d max", dx, want_dx, 3);
}

static void max_along_rows(void **state)
{
	(void)state;
	assert_true(max_rows_workspace_bytes() <= sizeof ws);
	/* [[1, 3, 3], [5, 5, 5]]: two tied, then three tied; upstream [2, 3] */
	const float x[6] = { 1, 3, 3, 5, 5, 5 }, up[2] = { 2, 3 };
	float m[2], dx[6];
	poison_f(m, 2), poison_f(dx, 6);
	max_rows_grad(x, m, up, dx, ws);
	const double want_m[2] = { 3, 5 }, want_dx[6] = { 0, 1, 1, 1, 1, 1 };
	expect_exact_n("max(x, axis=1)", m, want_m, 2);
	expect_exact_n("d max(x, axis=1)", dx, want_dx, 6);
}

static void min_along_columns_keepdims(void **state)
{
	(void)state;
	assert_true(min_cols_keep_workspace_bytes() <= sizeof ws);
	/* [[4, -1], [2, -1], [2, -1]]: column 0 ties twice at 2, column 1 three times at -1 */
	const float x[6] = { 4, -1, 2, -1, 2, -1 }, up[2] = { 6, 9 };
	float m[2], dx[6];
	poison_f(m, 2), poison_f(dx, 6);
	min_cols_keep_grad(x, m, up, dx, ws);
	const double want_m[2] = { 2, -1 }, want_dx[6] = { 0, 3, 3, 3, 3, 3 };
	expect_exact_n("min(x, axis=0, keepdims=true)", m, want_m, 2);
	expect_exact_n("d min", dx, want_dx, 6);
}

static void max_along_middle_axis(void **state)
{
	(void)state;
	assert_true(max_middle_workspace_bytes() <= sizeof ws);
	/* batch 0 = [[1, 7], [4, 7], [4, 0]]: column maxima 4 (twice), 7 (twice);
	 * batch 1 = [[-1, 2], [-1, 1], [-1, 0]]: -1 (three times), 2 (once) */
	const double x[12] = { 1, 7, 4, 7, 4, 0, -1, 2, -1, 1, -1, 0 };
	const double up[4] = { 2, 4, 6, 8 };
	double m[4], dx[12];
	poison_d(m, 4), poison_d(dx, 12);
	max_middle_grad(x, m, up, dx, ws);
	const double want_m[4] = { 4, 7, -1, 2 };
	const double want_dx[12] = { 0, 2, 1, 2, 1, 0, 2, 8, 2, 0, 2, 0 };
	expect_exact_n("max(x, axis=-2, keepdims=true)", m, want_m, 4);
	expect_exact_n("d max", dx, want_dx, 12);
}

static void min_of_all_keepdims(void **state)
{
	(void)state;
	assert_true(min_all_keep_workspace_bytes() <= sizeof ws);
	const float x[4] = { 0, 0, 1, 0 }, up[1] = { 6 };
	float m = NAN, dx[4];
	poison_f(dx, 4);
	min_all_keep_grad(x, &m, up, dx, ws);
	const double want_dx[4] = { 2, 2, 0, 2 };
	expect_close("min(x, keepdims=true)", m, 0, 0, 0);
	expect_exact_n("d min", dx, want_dx, 4);
}

static void max_tie_inside_chain(void **state)
{
	(void)state;
	assert_true(max_in_chain_workspace_bytes() <= sizeof ws);
	/* row maxima 3 (twice) and 2 (twice); s = 3 (3^2 + 2^2) = 39; ds/dmax = 6 max = [18, 12] */
	const float x[6] = { 1, 3, 3, 2, 0, 2 };
	float s = NAN, dx[6];
	poison_f(dx, 6);
	max_in_chain_grad(x, &s, dx, ws);
	const double want_dx[6] = { 0, 9, 9, 6, 0, 6 };
	expect_close("s", s, 39, 0, 0);
	expect_exact_n("ds/dx", dx, want_dx, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(relu_at_zero),
		cmocka_unit_test(abs_at_zero),
		cmocka_unit_test(abs_at_zero_f64),
		cmocka_unit_test(maximum_splits_ties),
		cmocka_unit_test(minimum_splits_ties),
		cmocka_unit_test(maximum_broadcast_row),
		cmocka_unit_test(maximum_broadcast_scalar),
		cmocka_unit_test(minimum_broadcast_column),
		cmocka_unit_test(max_of_all),
		cmocka_unit_test(max_along_rows),
		cmocka_unit_test(min_along_columns_keepdims),
		cmocka_unit_test(max_along_middle_axis),
		cmocka_unit_test(min_of_all_keepdims),
		cmocka_unit_test(max_tie_inside_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
