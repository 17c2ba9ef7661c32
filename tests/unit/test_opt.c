/* test_opt.c: ir_compact, the one renumbering every optimizer pass relies on: replacements
 * applied to operands, outputs and gradients, dead nodes gone, arguments kept and remapped,
 * and the array still topological when a replacement was appended after its users; and the
 * gradient rule of nll, the op only the optimizer makes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"
#include "opt.h"

static const Loc here = { 1, 1, 1, 1 };

static void assert_topological(const Graph *g)
{
	for (int i = 0; i < g->nnodes; i++)
		for (int k = 0; k < op_info[g->node[i].op].arity; k++)
			assert_true(g->node[i].src[k] >= 0 && g->node[i].src[k] < i);
}

/* x, c, e1 = exp x, e2 = exp x, a = e1 + e2 (the output), then a replaced by m = e1 * c, which
 * a pass appended at the end, and e2 killed. */
static void test_replace_and_kill(void **state)
{
	(void)state;
	Shape s = shape_scalar();
	s.rank = 1;
	s.dim[0] = dim_int(4);
	Graph *g = graph_new("t", T_F32, here);
	int unused = graph_add_arg(g, "unused", ARG_INPUT, T_F32, &s, here);
	int x = g->arg[graph_add_arg(g, "x", ARG_INPUT, T_F32, &s, here)].node;
	int c = ir_const(g, 2, here);
	int e1 = ir_unary(g, OP_EXP, x, here);
	int e2 = ir_unary(g, OP_EXP, x, here);
	int a = ir_binary(g, OP_ADD, e1, e2, here);
	int t = ir_unary(g, OP_TANH, a, here); /* a user of a, before the replacement exists */
	g->out = test_malloc(sizeof *g->out * 2);
	g->out[0] = (Output){ "a", a };
	g->out[1] = (Output){ "t", t };
	g->nouts = 2;

	int m = ir_binary(g, OP_MUL, e1, c, here);
	ir_replace(g, a, m);
	ir_kill(g, e2);
	ir_compact(g);

	assert_int_equal(g->nnodes, 6); /* unused, x, c, e1, m, t */
	assert_topological(g);
	assert_int_equal(g->arg[unused].node, 0);
	assert_int_equal(g->arg[1].node, 1);
	assert_int_equal(g->node[g->arg[1].node].op, OP_INPUT);
	const Node *mn = &g->node[g->out[0].node];
	assert_int_equal(mn->op, OP_MUL);
	assert_int_equal(g->out[0].node, 4); /* where a was, not at the end */
	assert_int_equal(g->node[mn->src[0]].op, OP_EXP);
	assert_int_equal(g->node[mn->src[1]].op, OP_CONST);
	const Node *tn = &g->node[g->out[1].node];
	assert_int_equal(tn->op, OP_TANH);
	assert_int_equal(tn->src[0], g->out[0].node);
	test_free(g->out);
}

/* The one graph of `text`, after one pass and the compaction. */
static Graph *after_pass(const char *text, void (*pass)(Graph *))
{
	Module *m = build_text(text);
	assert_non_null(m);
	Graph *g = m->graph[0];
	ir_fill_uses(g);
	pass(g);
	ir_compact(g);
	return g;
}

/* A gradient: dce and compaction keep d_x and the target pointing at the right nodes. */
static void test_gradient_remap(void **state)
{
	(void)state;
	Graph *g = after_pass("graph t { input x[3]; input y[3]; u = exp(y); s = sum(x * x);\n"
	                      "output s; grad s wrt x; }",
	                      pass_dce);
	assert_topological(g);
	assert_int_equal(g->nargs, 2);
	for (int i = 0; i < g->nargs; i++)
		assert_int_equal(g->node[g->arg[i].node].op, OP_INPUT);
	for (int i = 0; i < g->nnodes; i++)
		assert_int_not_equal(g->node[i].op, OP_EXP); /* u is dead */
	assert_int_equal(g->node[g->grad_target].op, OP_SUM);
	assert_int_equal(g->out[0].node, g->grad_target);
	const Node *d = &g->node[g->dnode[0]];
	assert_int_equal(d->shape.rank, 1);
	assert_int_equal(d->op, OP_ADD); /* x is used twice: the two contributions add */
}

/* nll exists only after the optimizer; a later diff must still differentiate it: onehot's
 * rows, then log_softmax's rule, gy - exp(y) * sum(gy). */
static void test_nll_gradient(void **state)
{
	(void)state;
	Graph *g = after_pass("graph t { input z[2, 3]; input y : i32[2];\n"
	                      "l = cross_entropy(z, y); output l; }",
	                      pass_algebra);
	const Node *l = &g->node[g->out[0].node];
	assert_int_equal(l->op, OP_NLL);
	assert_int_equal(g->node[l->src[0]].op, OP_LOG_SOFTMAX);
	int z = g->arg[0].node, d;
	diff(g, g->out[0].node, ir_const(g, 1, here), &z, 1, &d);
	const Node *dn = &g->node[d];
	assert_int_equal(dn->op, OP_SUB);
	assert_int_equal(dn->shape.rank, 2);
	bool onehot = false;
	for (int i = 0; i < g->nnodes; i++)
		onehot |= g->node[i].op == OP_ONEHOT;
	assert_true(onehot);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_replace_and_kill, free_arena),
		cmocka_unit_test_teardown(test_gradient_remap, free_arena),
		cmocka_unit_test_teardown(test_nll_gradient, free_arena),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
