/* accuracy.c: the inline float exp, log, tanh (and sigmoid, which calls exp) of generated code,
 * against libm. Each graph of vmath.morch runs on a dense grid of floats: every 64th bit pattern
 * of all 2^32, and every float of the intervals where the methods switch, round or underflow.
 * The reference is libm in double, so the error is measured against a value 2^29 times more
 * precise than the result; a result more than the function's limit in ulps away fails. Then
 * special values (NaN, infinities, zeros and their signs, overflow and underflow thresholds,
 * denormals) must be exactly libm's float results where those are special, within the limit
 * elsewhere. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmath.h"

enum { CHUNK = 1 << 16 };

typedef void Forward(int64_t n, const float *x, float *y, void *ws);
typedef size_t Bytes(int64_t n);

static double sigmoid(double x)
{
	return 1 / (1 + exp(-x));
}

typedef struct Fn {
	const char *name;
	Forward *fwd;
	Bytes *bytes;
	double (*ref)(double);
	float (*libm)(float); /* for the exact specials; NULL for sigmoid */
	double limit;         /* the largest error allowed, in ulps */
} Fn;

/* A range of bit patterns [lo, hi] swept with a stride. */
typedef struct Range {
	uint32_t lo, hi, stride;
} Range;

static int failures;

static float from_bits(uint32_t u)
{
	float f;
	memcpy(&f, &u, sizeof f);
	return f;
}

/* The ulp of float at the magnitude of v: 2^-149 for denormals, 2^104 beyond FLT_MAX. */
static double ulp_at(double v)
{
	v = fabs(v);
	if (v < 0x1p-126)
		return 0x1p-149;
	if (v >= 0x1p127)
		return 0x1p104;
	int e;
	frexp(v, &e);
	return ldexp(1.0, e - 24);
}

typedef struct Stats {
	double max_ulp;
	float worst;
	long bad;
} Stats;

/* y = f(x) against the double reference r. Infinities count as 2^128, so a result rounded to
 * inf just below the overflow threshold costs its distance from 2^128 in ulps. */
static void compare(const Fn *fn, float x, float y, Stats *st)
{
	double r = fn->ref(x);
	if (isnan(r) || isnan(y)) {
		if (!(isnan(r) && isnan(y))) {
			if (st->bad++ < 5)
				printf("  %s(%a) = %a, libm %a\n", fn->name, (double)x, (double)y, r);
		}
		return;
	}
	double yv = isinf(y) ? copysign(0x1p128, y) : y;
	double rv = fabs(r) >= 0x1p128 ? copysign(0x1p128, r) : r; /* rounds to inf in float */
	double err = fabs(yv - rv) / ulp_at(rv);
	if (err > st->max_ulp) {
		st->max_ulp = err;
		st->worst = x;
	}
	if (err > fn->limit && st->bad++ < 5)
		printf("  %s(%a) = %a, libm %a: %.2f ulp\n", fn->name, (double)x, (double)y, r, err);
}

static void sweep(const Fn *fn, const Range *rs, int nr, float *x, float *y, void *ws)
{
	Stats st = { 0, 0, 0 };
	long count = 0;
	for (int k = 0; k < nr; k++) {
		uint64_t b = rs[k].lo;
		while (b <= rs[k].hi) {
			int n = 0;
			for (; n < CHUNK && b <= rs[k].hi; n++, b += rs[k].stride)
				x[n] = from_bits((uint32_t)b);
			fn->fwd(n, x, y, ws);
			for (int i = 0; i < n; i++)
				compare(fn, x[i], y[i], &st);
			count += n;
		}
	}
	printf("%-8s %10ld floats: max error %.3f ulp at %a (limit %.1f)\n", fn->name, count,
	       st.max_ulp, (double)st.worst, fn->limit);
	if (st.bad) {
		printf("FAIL: %s: %ld results beyond the limit or NaN where libm is not\n", fn->name,
		       st.bad);
		failures++;
	}
}

/* Where libm's float result is special (NaN, inf, a zero, 1, or x itself) f(x) must be it
 * exactly, sign of zero included; elsewhere within the limit. */
static void special(const Fn *fn, float x)
{
	float y, want = fn->libm(x);
	fn->fwd(1, &x, &y, NULL);
	if (!(isnan(want) || isinf(want) || want == 0 || fabsf(want) == 1 || want == x)) {
		Stats st = { 0, 0, 0 };
		compare(fn, x, y, &st);
		failures += st.bad != 0;
		return;
	}
	bool same = isnan(want) ? isnan(y) : y == want && signbit(y) == signbit(want);
	if (!same) {
		printf("FAIL: %s(%a) = %a, libm gives %a\n", fn->name, (double)x, (double)y,
		       (double)want);
		failures++;
	}
}

static const float specials_all[] = { 0.0f, -0.0f, 1.0f, -1.0f, INFINITY, -INFINITY, NAN,
                                      0x1p-149f, -0x1p-149f, 0x1p-126f, -0x1p-126f,
                                      0x1.fffffep127f, -0x1.fffffep127f, 1e-20f, -1e-20f };
/* exp: the last finite result and the first inf, the last nonzero denormal and the first 0 */
static const float specials_exp[] = { 0x1.62e42ep+6f, 0x1.62e430p+6f, -0x1.9fe368p+6f,
                                      -0x1.9fe36ap+6f, -87.33654f, -87.33655f, -100.0f };
static const float specials_tanh[] = { 9.0f, -9.0f, 10.0f, 20.0f, -20.0f, 0x1p-70f, 0.625f,
                                       -0.625f, 0x1.3ffffep-1f };

/* The optional argument divides the density of the grid (1: every float the comment says; 64:
 * every 64th of those, for the sanitizer build). */
int main(int argc, char **argv)
{
	uint32_t s = argc > 1 ? (uint32_t)atoi(argv[1]) : 1;
	if (s < 1 || s > 1024)
		return 99;
	const Fn fns[] = {
		{ "exp", vexp_forward, vexp_workspace_bytes, exp, expf, 2 },
		{ "log", vlog_forward, vlog_workspace_bytes, log, logf, 2 },
		{ "tanh", vtanh_forward, vtanh_workspace_bytes, tanh, tanhf, 2 },
		{ "sigmoid", vsigmoid_forward, vsigmoid_workspace_bytes, sigmoid, NULL, 4 },
	};
	const uint32_t NEG = 0x80000000u;
	const Range grid = { 0, 0xffffffffu, 64 * s };
	/* exp: every float of [64, 128) of both signs (overflow, gradual underflow), every 4th of
	 * [0.5, 64) */
	const Range exp_r[] = { grid, { 0x42800000u, 0x42ffffffu, s },
		                    { NEG | 0x42800000u, NEG | 0x42ffffffu, s },
		                    { 0x3f000000u, 0x427fffffu, 4 * s },
		                    { NEG | 0x3f000000u, NEG | 0x427fffffu, 4 * s } };
	/* log: every denormal, every float of [0.5, 2) around 1 and of [2^126, inf] */
	const Range log_r[] = { grid, { 1, 0x007fffffu, s }, { 0x3f000000u, 0x3fffffffu, s },
		                    { 0x7e800000u, 0x7f800000u, s } };
	/* tanh: every float of [0.5, 1) of both signs (the switch of method at 0.625), every 4th
	 * of [1/16, 16) (saturation) */
	const Range tanh_r[] = { grid, { 0x3f000000u, 0x3f7fffffu, s },
		                     { NEG | 0x3f000000u, NEG | 0x3f7fffffu, s },
		                     { 0x3d800000u, 0x417fffffu, 4 * s },
		                     { NEG | 0x3d800000u, NEG | 0x417fffffu, 4 * s } };
	/* sigmoid, 1 / (1 + exp(-x)): from -88.72 up (below, exp(-x) overflows and it gives 0) */
	const Range sig_r[] = { { 0, 0x7f800000u, 64 * s }, { NEG, 0xc2b17217u, 64 * s },
		                    { 0x3d800000u, 0x417fffffu, 4 * s },
		                    { NEG | 0x3d800000u, NEG | 0x417fffffu, 4 * s } };
	float *x = malloc(sizeof *x * CHUNK), *y = malloc(sizeof *y * CHUNK);
	if (!x || !y)
		return 99;
	for (size_t i = 0; i < sizeof fns / sizeof *fns; i++) {
		const Fn *fn = &fns[i];
		if (fn->bytes(CHUNK) != 0 || fn->bytes(1) != 0) {
			printf("FAIL: %s needs a workspace; this driver passes none\n", fn->name);
			return 1;
		}
		if (i == 0)
			sweep(fn, exp_r, 5, x, y, NULL);
		else if (i == 1)
			sweep(fn, log_r, 4, x, y, NULL);
		else if (i == 2)
			sweep(fn, tanh_r, 5, x, y, NULL);
		else
			sweep(fn, sig_r, 4, x, y, NULL);
		if (!fn->libm)
			continue;
		for (size_t k = 0; k < sizeof specials_all / sizeof *specials_all; k++)
			special(fn, specials_all[k]);
		for (size_t k = 0; i == 0 && k < sizeof specials_exp / sizeof *specials_exp; k++)
			special(fn, specials_exp[k]);
		for (size_t k = 0; i == 2 && k < sizeof specials_tanh / sizeof *specials_tanh; k++)
			special(fn, specials_tanh[k]);
	}
	free(x);
	free(y);
	if (failures)
		printf("FAIL: %d checks failed\n", failures);
	return failures != 0;
}
