/* twin_check.c: every f32 graph G_f32 against its f64 twin G, run on the same inputs (f32
 * values, which f64 holds exactly): outputs of G_forward, outputs and gradients of G_grad. The
 * f64 side is itself checked by fd_check and ref_check; the contract checks run here on f32. */
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

/* float carries 24 bits; sums of a few dozen terms and exp/log lose a few more. The absolute
 * floor follows the largest entry of the tensor, so tiny entries next to big ones pass. */
static const double RTOL = 1e-5;
static const double ATOL = 1e-5;

enum { MAX_REPORTS = 6 };

static int compare(const Run *r, const char *what, const Tensor *got, const Tensor *want)
{
	assert_int_equal(got->n, want->n);
	double big = 1;
	for (int64_t k = 0; k < want->n; k++)
		big = fmax(big, fabs(tensor_get(want, k)));
	int bad = 0;
	for (int64_t k = 0; k < want->n; k++) {
		double a = tensor_get(got, k), b = tensor_get(want, k);
		if (fabs(a - b) <= RTOL * fabs(b) + ATOL * big)
			continue;
		if (bad++ < MAX_REPORTS)
			print_error("%s: %s '%s'[%lld]: f32 %.9g, f64 %.17g\n", r->where, what,
			            got->info->name, (long long)k, a, b);
	}
	return bad;
}

static void test_twin(void **state)
{
	const morch_graph_info *g32 = *state;
	char name[256];
	size_t len = strlen(g32->name);
	assert_true(len > 4 && len < sizeof name && strcmp(g32->name + len - 4, "_f32") == 0);
	memcpy(name, g32->name, len - 4);
	name[len - 4] = 0;
	const morch_graph_info *g64 = graph_find(name);
	if (!g64 || g64->dtype != MORCH_F64)
		fail_msg("graph %s has no f64 twin %s", g32->name, name);
	assert_int_equal(g32->dtype, MORCH_F32);

	int64_t sizes[MAX_ASSIGNMENTS][MORCH_MAX_SIZES];
	int n = size_assignments(g32, sizes), bad = 0;
	for (int k = 0; k < n; k++) {
		Run *a = run_new(g32, sizes[k]), *b = run_new(g64, sizes[k]);
		assert_int_equal(a->g->nargs, b->g->nargs);
		run_fill(a, graph_seed(g32->name, k));
		for (int i = 0; i < g32->nargs; i++)
			for (int64_t e = 0; e < a->arg[i].n; e++)
				tensor_set(&b->arg[i], e, tensor_get(&a->arg[i], e));
		if (a->up.data)
			for (int64_t e = 0; e < a->up.n; e++)
				tensor_set(&b->up, e, tensor_get(&a->up, e));
		run_contract_checks(a);
		run_forward(a);
		run_forward(b);
		for (int i = 0; i < g32->nouts; i++)
			bad += compare(a, "forward output", &a->out[i], &b->out[i]);
		if (g32->has_grad) {
			run_grad(a);
			run_grad(b);
			for (int i = 0; i < g32->nouts; i++)
				bad += compare(a, "grad output", &a->out[i], &b->out[i]);
			for (int i = 0; i < g32->nwrt; i++)
				bad += compare(a, "gradient", &a->grad[i], &b->grad[i]);
		}
		run_free(a);
		run_free(b);
	}
	if (bad)
		fail_msg("graph %s: %d values differ from the f64 twin", g32->name, bad);
}

int twin_check(void)
{
	return run_graph_tests("f32 graphs against their f64 twins", true, test_twin, NULL);
}
