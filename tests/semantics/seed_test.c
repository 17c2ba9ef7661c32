/* seed_test.c: the seed graph's numbers (examples/seed/seed.morch), in float and double.
 *
 * t = sum(sigmoid(a) @ b) with a = arange(9).reshape(3, 3), b = a / 8. The float numbers are the
 * ones the seed notebook printed with PyTorch (to 5 decimals, /work/shared/seed/README.md); the
 * double ones come from a closed form: t = sum_ik s(a_ik) r_k with r_k = sum_j b_kj, so
 * dt/da_ik = s(a_ik) (1 - s(a_ik)) r_k and dt/db_kj = sum_i s(a_ik).
 */
#include <float.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "expect.h"
#include "morchrt.h"
#include "seed.h"

static const double want_t32 = 12.53067;
static const double want_da32[9] = { 0.09375, 0.29492, 0.27561, 0.01694, 0.02649,
	                             0.01745, 0.00092, 0.00137, 0.00088 };
static const double want_db32[9] = { 2.4501,  2.4501,  2.4501,  2.71216, 2.71216,
	                             2.71216, 2.87377, 2.87377, 2.87377 };

/* Printed to 5 decimals: the true value is within half a unit of the last digit. */
#define DEC5 (0.5e-5 + 1e-7)

static void inputs(double *a, double *b)
{
	for (int i = 0; i < 9; i++) {
		a[i] = i;
		b[i] = i / 8.0;
	}
}

/* The closed form above, in long double so it is well below double's rounding. */
static void closed_form(const double *a, const double *b, double *t, double *da, double *db)
{
	long double s[9], r[3], sum = 0;
	for (int i = 0; i < 9; i++)
		s[i] = 1.0L / (1.0L + expl(-(long double)a[i]));
	for (int k = 0; k < 3; k++)
		r[k] = (long double)b[3 * k] + b[3 * k + 1] + b[3 * k + 2];
	for (int i = 0; i < 3; i++)
		for (int k = 0; k < 3; k++) {
			sum += s[3 * i + k] * r[k];
			da[3 * i + k] = (double)(s[3 * i + k] * (1 - s[3 * i + k]) * r[k]);
		}
	for (int k = 0; k < 3; k++)
		for (int j = 0; j < 3; j++)
			db[3 * k + j] = (double)(s[k] + s[3 + k] + s[6 + k]);
	*t = (double)sum;
}

static void seed_float(void **state)
{
	(void)state;
	double a64[9], b64[9], t_ref, da_ref[9], db_ref[9];
	float a[9], b[9], t = 0, t_fwd = 0, da[9], db[9];
	static unsigned char ws[seed_WORKSPACE_BYTES] MORCH_ALIGNED;
	inputs(a64, b64);
	for (int i = 0; i < 9; i++) {
		a[i] = (float)a64[i];
		b[i] = (float)b64[i];
	}
	assert_true(seed_workspace_bytes() <= sizeof ws);
	seed_grad(a, b, &t, da, db, ws);
	seed_forward(a, b, &t_fwd, ws);

	/* 12.53067 to 7 significant digits */
	expect_close("t", t, want_t32, 0.5e-5, 0);
	expect_close("forward t", t_fwd, t, 0, 0);
	expect_close_n("dt/da", da, want_da32, 9, DEC5, 0);
	expect_close_n("dt/db", db, want_db32, 9, DEC5, 0);

	/* and closer than the printout shows, against the closed form */
	closed_form(a64, b64, &t_ref, da_ref, db_ref);
	expect_close("t", t, t_ref, 0, 4 * FLT_EPSILON);
	expect_close_n("dt/da", da, da_ref, 9, 0, 8 * FLT_EPSILON);
	expect_close_n("dt/db", db, db_ref, 9, 0, 4 * FLT_EPSILON);
}

static void seed_double(void **state)
{
	(void)state;
	double a[9], b[9], t = 0, t_fwd = 0, da[9], db[9], t_ref, da_ref[9], db_ref[9];
	void *ws = morch_alloc(seed64_workspace_bytes());
	assert_non_null(ws);
	inputs(a, b);
	seed64_grad(a, b, &t, da, db, ws);
	seed64_forward(a, b, &t_fwd, ws);
	morch_free(ws);

	/* PyTorch in double prints 12.530673342008164: within 1 ulp, or 1e-15 relative */
	const double want = 12.530673342008164;
	double ulp = nextafter(want, INFINITY) - want;
	if (fabs(t - want) > ulp)
		expect_close("t", t, want, 0, 1e-15);
	expect_close("forward t", t_fwd, t, 0, 0);

	closed_form(a, b, &t_ref, da_ref, db_ref);
	expect_close("t (closed form)", t, t_ref, 0, 1e-15);
	expect_close_n("dt/da", da, da_ref, 9, 0, 1e-14);
	expect_close_n("dt/db", db, db_ref, 9, 0, 1e-15);
	/* the float printout holds in double too */
	expect_close_n("dt/da", da, want_da32, 9, DEC5, 0);
	expect_close_n("dt/db", db, want_db32, 9, DEC5, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seed_float),
		cmocka_unit_test(seed_double),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
