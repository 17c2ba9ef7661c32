/* vecfn.c: throughput of each elementwise function of bench/vecfuncs.morch (exp, log, tanh,
 * sigmoid over VEC_N floats) as morchgen compiles it, against a hand-written libm loop compiled
 * with the same flags: y[i] = expf(x[i]), logf, tanhf, and 1 / (1 + expf(-x)) for sigmoid.
 * Inputs are drawn over a range where the function does real work (given in funcs[] below).
 *
 * Before timing, the generated result is checked against the libm loop: the largest difference
 * relative to |libm's value| (for values under 1e-30, absolute), CHECK vec.<fn> <value>. It also
 * prints the largest difference in float ulps of libm's value, INFO vec.<fn>.ulp <value>.
 * RESULT keys: vec.gen.<fn> and vec.libm.<fn>, microseconds per call of VEC_N elements.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>

#include "timer.h"
#include "vecfuncs.h"

#define VEC_N 1048576 /* as in vecfuncs.morch */

static void libm_exp(const float *restrict x, float *restrict y)
{
	for (long i = 0; i < VEC_N; i++)
		y[i] = expf(x[i]);
}

static void libm_log(const float *restrict x, float *restrict y)
{
	for (long i = 0; i < VEC_N; i++)
		y[i] = logf(x[i]);
}

static void libm_tanh(const float *restrict x, float *restrict y)
{
	for (long i = 0; i < VEC_N; i++)
		y[i] = tanhf(x[i]);
}

static void libm_sigmoid(const float *restrict x, float *restrict y)
{
	for (long i = 0; i < VEC_N; i++)
		y[i] = 1.0f / (1.0f + expf(-x[i]));
}

typedef struct {
	const char *name;
	float lo, hi; /* inputs uniform in [lo, hi) */
	void (*gen)(const float *, float *, void *);
	size_t (*workspace_bytes)(void);
	void (*libm)(const float *restrict, float *restrict);
} vec_fn;

/* exp over most of its finite range; log over six decades; tanh and sigmoid over the range
 * where they are not yet saturated to +-1 / 0 / 1 in float. */
static const vec_fn funcs[] = {
	{ "exp", -80, 80, vexp_forward, vexp_workspace_bytes, libm_exp },
	{ "log", 1e-3f, 1e3f, vlog_forward, vlog_workspace_bytes, libm_log },
	{ "tanh", -9, 9, vtanh_forward, vtanh_workspace_bytes, libm_tanh },
	{ "sigmoid", -20, 20, vsigmoid_forward, vsigmoid_workspace_bytes, libm_sigmoid },
};

typedef struct {
	const vec_fn *f;
	float *x, *y;
	void *ws;
} vec_ctx;

static void run_gen(void *p)
{
	vec_ctx *v = p;
	v->f->gen(v->x, v->y, v->ws);
	bench_sink = v->y[VEC_N / 2];
}

static void run_libm(void *p)
{
	vec_ctx *v = p;
	v->f->libm(v->x, v->y);
	bench_sink = v->y[VEC_N / 2];
}

int main(int argc, char **argv)
{
	bench_select(argc, argv);
	size_t bytes = sizeof(float) * VEC_N;
	float *x = bench_alloc(bytes), *y = bench_alloc(bytes), *ref = bench_alloc(bytes);
	for (size_t fi = 0; fi < sizeof funcs / sizeof funcs[0]; fi++) {
		const vec_fn *f = &funcs[fi];
		char gen_key[64], libm_key[64];
		snprintf(gen_key, sizeof gen_key, "vec.gen.%s", f->name);
		snprintf(libm_key, sizeof libm_key, "vec.libm.%s", f->name);
		if (!bench_want(gen_key) && !bench_want(libm_key))
			continue;
		vec_ctx v = { f, x, y, bench_alloc(f->workspace_bytes()) };
		bench_fill(x, VEC_N, f->lo, f->hi, 31 + (unsigned)fi);

		f->gen(x, y, v.ws);
		f->libm(x, ref);
		double worst = 0, worst_ulp = 0;
		for (long i = 0; i < VEC_N; i++) {
			double d = fabs((double)y[i] - (double)ref[i]);
			double r = fabs((double)ref[i]);
			double rel = r > 1e-30 ? d / r : d;
			double ulp = (double)nextafterf(fabsf(ref[i]), INFINITY) - (double)fabsf(ref[i]);
			if (!(rel <= worst)) /* a NaN makes the check fail too */
				worst = rel;
			if (!(d / ulp <= worst_ulp))
				worst_ulp = d / ulp;
		}
		printf("CHECK vec.%s %.3g\n", f->name, worst);
		printf("INFO vec.%s.ulp %.3g\n", f->name, worst_ulp);

		if (bench_want(gen_key))
			bench_result(gen_key, bench_time(run_gen, &v));
		if (bench_want(libm_key))
			bench_result(libm_key, bench_time(run_libm, &v));
		free(v.ws);
	}
	free(x), free(y), free(ref);
	return 0;
}
