/* fd_check.c: every f64 graph of tests/grad at several run-time sizes: the contract checks, then
 * each gradient of G_grad against central finite differences of the grad target, element by
 * element (all of them for small tensors, the ends and a random sample otherwise) and along one
 * random direction through every element at once. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "checks.h"
#include "harness.h"

/* h balances truncation (h^4 f^(5), after extrapolation) against rounding (eps |f| / h); the
 * tolerance takes both. */
#define STEP 1e-5
static const double H = STEP;
static const double RTOL = 1e-6;
static const double ROUNDING = 100 * DBL_EPSILON / STEP; /* times sum |u * out| */

enum { ALL_BELOW = 256, ENDS = 8, SAMPLES = 32, MAX_REPORTS = 6 };

typedef struct Check {
	Run *r;
	uint64_t rng;
	int failures;
} Check;

static void report(Check *c, const char *fmt, ...)
{
	if (c->failures++ >= MAX_REPORTS)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	print_error("%s: %s\n", c->r->where, msg);
}

/* The objective with x = x0 + t v, or with element k moved by t when v is NULL. */
static double objective_at(Run *r, Tensor *x, const double *x0, const double *v, int64_t k,
                           double t, double *scale)
{
	if (v)
		for (int64_t i = 0; i < x->n; i++)
			tensor_set(x, i, x0[i] + t * v[i]);
	else
		tensor_set(x, k, x0[k] + t);
	double f = run_objective(r, scale);
	if (v)
		for (int64_t i = 0; i < x->n; i++)
			tensor_set(x, i, x0[i]);
	else
		tensor_set(x, k, x0[k]);
	return f;
}

/* Central differences with steps h and h/2 combined by Richardson extrapolation, so the
 * truncation error is O(h^4): steep graphs (softmax(1000 x)) then need no looser tolerance.
 * scale gets the largest sum |u * out| seen, the size of the rounding error of one value. */
static double derivative(Run *r, Tensor *x, const double *x0, const double *v, int64_t k,
                         double *scale)
{
	double d[2], s[4];
	for (int i = 0; i < 2; i++) {
		double h = i ? H / 2 : H;
		double fp = objective_at(r, x, x0, v, k, h, &s[2 * i]);
		double fm = objective_at(r, x, x0, v, k, -h, &s[2 * i + 1]);
		d[i] = (fp - fm) / (2 * h);
	}
	*scale = fmax(fmax(s[0], s[1]), fmax(s[2], s[3]));
	return (4 * d[1] - d[0]) / 3;
}

static void check_element(Check *c, int w, const double *x0, int64_t k, double an)
{
	Tensor *x = &c->r->arg[c->r->g->wrt[w]];
	double scale, fd = derivative(c->r, x, x0, NULL, k, &scale);
	double tol = RTOL * (1 + fabs(fd)) + ROUNDING * scale;
	if (!(fabs(fd - an) <= tol))
		report(c, "d/d%s[%lld]: grad gives %.12g, finite differences %.12g", x->info->name,
		       (long long)k, an, fd);
}

/* The derivative along a random v, against sum(grad * v): covers every element at once. */
static void check_direction(Check *c, int w, const double *x0, const double *an)
{
	Tensor *x = &c->r->arg[c->r->g->wrt[w]];
	double *v = malloc(sizeof *v * (size_t)x->n);
	assert_non_null(v);
	double dot = 0, dot_abs = 0, scale;
	for (int64_t k = 0; k < x->n; k++) {
		v[k] = rng_uniform(&c->rng, -1, 1);
		dot += an[k] * v[k];
		dot_abs += fabs(an[k] * v[k]);
	}
	double fd = derivative(c->r, x, x0, v, 0, &scale);
	double tol = RTOL * (1 + fabs(fd) + dot_abs) + ROUNDING * scale;
	if (!(fabs(fd - dot) <= tol))
		report(c, "d/d%s along a random direction: grad gives %.12g, finite differences %.12g",
		       x->info->name, dot, fd);
	free(v);
}

static void check_gradients(Check *c)
{
	Run *r = c->r;
	const morch_graph_info *g = r->g;
	run_grad(r);
	double **an = calloc((size_t)g->nwrt + 1, sizeof *an);
	assert_non_null(an);
	for (int w = 0; w < g->nwrt; w++) {
		an[w] = malloc(sizeof **an * (size_t)r->grad[w].n);
		assert_non_null(an[w]);
		for (int64_t k = 0; k < r->grad[w].n; k++)
			an[w][k] = tensor_get(&r->grad[w], k);
	}
	for (int w = 0; w < g->nwrt; w++) {
		Tensor *x = &r->arg[g->wrt[w]];
		int64_t n = x->n;
		double *x0 = malloc(sizeof *x0 * (size_t)n);
		assert_non_null(x0);
		for (int64_t k = 0; k < n; k++)
			x0[k] = tensor_get(x, k);
		if (n <= ALL_BELOW) {
			for (int64_t k = 0; k < n; k++)
				check_element(c, w, x0, k, an[w][k]);
		} else {
			for (int64_t k = 0; k < ENDS; k++) {
				check_element(c, w, x0, k, an[w][k]);
				check_element(c, w, x0, n - 1 - k, an[w][n - 1 - k]);
			}
			for (int s = 0; s < SAMPLES; s++) {
				int64_t k = (int64_t)(rng_next(&c->rng) % (uint64_t)n);
				check_element(c, w, x0, k, an[w][k]);
			}
		}
		check_direction(c, w, x0, an[w]);
		free(x0);
		free(an[w]);
	}
	free(an);
}

static void test_graph(void **state)
{
	const morch_graph_info *g = *state;
	int64_t sizes[MAX_ASSIGNMENTS][MORCH_MAX_SIZES];
	int n = size_assignments(g, sizes);
	int failures = 0;
	for (int k = 0; k < n; k++) {
		Run *r = run_new(g, sizes[k]);
		run_fill(r, graph_seed(g->name, k));
		run_contract_checks(r);
		if (g->has_grad) {
			Check c = { r, graph_seed(g->name, 1000 + k), 0 };
			check_gradients(&c);
			if (c.failures > MAX_REPORTS)
				print_error("%s: ... %d mismatches in all\n", r->where, c.failures);
			failures += c.failures;
		}
		run_free(r);
	}
	if (failures)
		fail_msg("graph %s: %d gradient entries differ from finite differences", g->name,
		         failures);
}

int fd_check(void)
{
	return run_graph_tests("finite differences (f64 graphs)", false, test_graph, NULL);
}
