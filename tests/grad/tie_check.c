/* tie_check.c: gradients at ties and kinks, where finite differences do not apply and the
 * contract follows PyTorch: relu'(0) = 0, abs'(0) = 0, maximum/minimum split the gradient
 * evenly between equal operands, max/min reductions split it evenly among tied elements.
 * Every graph of ties.morch runs in f64 and as its f32 twin; all values here are exact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "checks.h"
#include "harness.h"

enum { MAX_VALUES = 8 };

typedef struct Tie {
	const char *graph;
	double in[2][MAX_VALUES];   /* per argument */
	double out;                 /* the scalar target */
	double grad[2][MAX_VALUES]; /* per wrt */
} Tie;

static const Tie ties[] = {
	{ "tie_relu", { { -1, 0, 0.5, -0.0 } }, 0.5, { { 0, 0, 1, 0 } } },
	{ "tie_abs", { { -2, 0, 3, -0.0 } }, 5, { { -1, 0, 1, 0 } } },
	{ "tie_maximum", { { 1, 2, 3, 0 }, { 1, 1, 4, -0.0 } }, 7,
	  { { 0.5, 1, 0, 0.5 }, { 0.5, 0, 1, 0.5 } } },
	{ "tie_minimum", { { 1, 2, 3, 0 }, { 1, 1, 4, -0.0 } }, 5,
	  { { 0.5, 0, 1, 0.5 }, { 0.5, 1, 0, 0.5 } } },
	{ "tie_max", { { 1, 3, 3, 0, 2, 2, 2, 2 } }, 5,
	  { { 0, 0.5, 0.5, 0, 0.25, 0.25, 0.25, 0.25 } } },
	{ "tie_min_all", { { 1, -1, 0, -1, -1, 5, 2, 3 } }, -1,
	  { { 0, 1. / 3, 0, 1. / 3, 1. / 3, 0, 0, 0 } } },
	/* against constants: x = 0 ties maximum(x, 0), x = 0.5 ties minimum(0.5, x) */
	{ "tie_maximum_scalar", { { 0, 0.5, -1, 2 } }, 0 + 0 + 0.5 + 0.5 - 1 + 2 + 0.5,
	  { { 0.5 + 1, 1 + 0.5, 0 + 1, 1 + 0 } } },
	{ "tie_max_ax0", { { 4, 1, 4, 1, 4, 0 } }, 2 * (4 + 1),
	  { { 2. / 3, 1, 2. / 3, 1, 2. / 3, 0 } } },
};

static void check_tie(const Tie *t, const char *graph)
{
	const morch_graph_info *g = graph_find(graph);
	if (!g)
		fail_msg("no graph %s", graph);
	int64_t sizes[MORCH_MAX_SIZES] = { 0 };
	Run *r = run_new(g, sizes);
	assert_true(g->nargs <= 2 && g->nwrt == g->nargs && g->upstream == NULL);
	for (int i = 0; i < g->nargs; i++) {
		assert_true(r->arg[i].n <= MAX_VALUES);
		for (int64_t k = 0; k < r->arg[i].n; k++)
			tensor_set(&r->arg[i], k, t->in[i][k]);
	}
	run_grad(r);
	/* f32 rounds 1/3; everything else is exact in both types */
	double tol = g->dtype == MORCH_F32 ? 1e-7 : 1e-15;
	int bad = 0;
	if (tensor_get(&r->out[0], 0) != t->out) {
		print_error("%s: target is %.17g, want %.17g\n", graph, tensor_get(&r->out[0], 0),
		            t->out);
		bad++;
	}
	for (int i = 0; i < g->nwrt; i++)
		for (int64_t k = 0; k < r->grad[i].n; k++) {
			double got = tensor_get(&r->grad[i], k), want = t->grad[i][k];
			if (!(got - want <= tol && want - got <= tol)) {
				print_error("%s: d/d%s[%lld] is %.17g, want %.17g\n", graph,
				            g->grads[i].name, (long long)k, got, want);
				bad++;
			}
		}
	run_free(r);
	if (bad)
		fail_msg("%s: %d values differ at ties", graph, bad);
}

static void test_tie(void **state)
{
	const Tie *t = *state;
	char twin[128];
	snprintf(twin, sizeof twin, "%s_f32", t->graph);
	check_tie(t, t->graph);
	check_tie(t, twin);
}

int tie_check(void)
{
	enum { N = sizeof ties / sizeof *ties };
	struct CMUnitTest tests[N];
	for (int i = 0; i < N; i++)
		tests[i] = (struct CMUnitTest){ ties[i].graph, test_tie, NULL, NULL, (void *)&ties[i] };
	return _cmocka_run_group_tests("gradients at ties", tests, N, NULL, NULL);
}
