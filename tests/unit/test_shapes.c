/* test_shapes.c: the shape rules (CONTRACT.md A1, B), through the IR shapes build_module gives
 * small graphs, and the dim algebra of shape.c they rest on. Expected shapes are written by hand
 * from numpy's rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

typedef struct Case {
	const char *decls, *expr, *want; /* want "error" when the build must fail */
} Case;

static void check_shapes(const Case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *got = shape_of(cases[i].decls, cases[i].expr);
		if (strcmp(got, cases[i].want) != 0) {
			print_error("%s result = %s;\n  gives %s, want %s\n  %s", cases[i].decls, cases[i].expr,
			            got, cases[i].want, errors());
			fail();
		}
	}
}

#define CHECK_SHAPES(cases) check_shapes(cases, sizeof cases / sizeof *cases)

static void test_elementwise_broadcasting(void **state)
{
	(void)state;
	static const Case cases[] = {
		{ "input a[2, 3]; input b[2, 3];", "a + b", "[2, 3]" },
		{ "input a[2, 3]; input s;", "a * s", "[2, 3]" },
		{ "input a[2, 3]; input s;", "s - a", "[2, 3]" },
		{ "input a[2, 3];", "2 / a", "[2, 3]" },
		{ "input a[3, 1]; input b[1, 4];", "a + b", "[3, 4]" },
		{ "input a[5, 1, 4]; input b[3, 1];", "a * b", "[5, 3, 4]" },
		{ "input a[2, 3]; input b[3];", "a - b", "[2, 3]" },
		{ "input a[3]; input b[2, 3];", "a / b", "[2, 3]" },
		{ "input a[1]; input b[2, 3];", "a + b", "[2, 3]" },
		{ "input a[1, 1]; input s;", "a + s", "[1, 1]" },
		{ "input a[2, 3]; input b[3, 2];", "a + b", "error" },
		{ "input a[2]; input b[3];", "a * b", "error" },
		{ "input a[2, 3]; input b[2];", "a + b", "error" },
		{ "input a[2, 3]; input b[2, 3];", "a ** b", "[2, 3]" },
		{ "input a[2, 1]; input b[3];", "pow(a, b)", "[2, 3]" },
		{ "input a[2, 1]; input b[3];", "maximum(a, b)", "[2, 3]" },
		{ "input a[4]; input b[2, 1];", "minimum(a, b)", "[2, 4]" },
		{ "input a[2]; input b[3];", "maximum(a, b)", "error" },
	};
	CHECK_SHAPES(cases);
}

/* A size name matches only itself, and 1 stretches to it. */
static void test_symbolic_broadcasting(void **state)
{
	(void)state;
	static const Case cases[] = {
		{ "input x[N, 4]; input b[4];", "x + b", "[N, 4]" },
		{ "input x[N, 4]; input b[1, 4];", "b * x", "[N, 4]" },
		{ "input x[N, 4]; input y[N, 4];", "x - y", "[N, 4]" },
		{ "input x[N, 1]; input y[1, M];", "x + y", "[N, M]" },
		{ "input x[N]; input y[1];", "x + y", "[N]" },
		{ "input x[1]; input y[N];", "x + y", "[N]" },
		{ "input x[N, 4]; input y[M, 4];", "x + y", "error" },
		{ "input x[N, 4]; input y[N];", "x + y", "error" },
		{ "input x[N]; input y[4];", "x * y", "error" },
		{ "input x[N]; input s;", "x * s + N", "[N]" },
	};
	CHECK_SHAPES(cases);
}

/* The mismatch message names both shapes, symbolic dims by name. */
static void test_mismatch_names_both_shapes(void **state)
{
	(void)state;
	assert_string_equal(shape_of("input x[N, 4]; input y[M, 4];", "x + y"), "error");
	assert_non_null(strstr(first_error(), "[N, 4]"));
	assert_non_null(strstr(first_error(), "[M, 4]"));
	assert_string_equal(shape_of("input a[2, 3]; input b[4, 2];", "a @ b"), "error");
	assert_non_null(strstr(first_error(), "[2, 3]"));
	assert_non_null(strstr(first_error(), "[4, 2]"));
}

/* numpy matmul: 1-D operands gain and lose a dim; batch dims broadcast. */
static void test_matmul(void **state)
{
	(void)state;
	static const Case cases[] = {
		{ "input a[2, 3]; input b[3, 4];", "a @ b", "[2, 4]" },
		{ "input a[3]; input b[3];", "a @ b", "[]" },
		{ "input a[2, 3]; input b[3];", "a @ b", "[2]" },
		{ "input a[3]; input b[3, 4];", "a @ b", "[4]" },
		{ "input a[B, 2, 3]; input b[3, 4];", "a @ b", "[B, 2, 4]" },
		{ "input a[2, 3]; input b[B, 3, 4];", "a @ b", "[B, 2, 4]" },
		{ "input a[B, 2, 3]; input b[B, 3, 4];", "a @ b", "[B, 2, 4]" },
		{ "input a[1, 2, 3]; input b[5, 3, 4];", "a @ b", "[5, 2, 4]" },
		{ "input a[5, 2, 3]; input b[1, 3, 4];", "a @ b", "[5, 2, 4]" },
		{ "input a[B, 2, 3]; input b[3];", "a @ b", "[B, 2]" },
		{ "input a[3]; input b[B, 3, 4];", "a @ b", "[B, 4]" },
		{ "input a[N, K]; input b[K, M];", "a @ b", "[N, M]" },
		{ "input a[N, K]; input b[K];", "a @ b", "[N]" },
		{ "input a[2, 3]; input b[3, 4]; input c[4, 5];", "a @ b @ c", "[2, 5]" },
		{ "input a[3]; input b[4];", "a @ b", "error" },
		{ "input a[2, 3]; input b[4, 5];", "a @ b", "error" },
		{ "input a[2, 3]; input b[2, 3];", "a @ b", "error" },
		{ "input a[N, K]; input b[M, K];", "a @ b", "error" },
		{ "input a[B, 2, 3]; input b[C, 3, 4];", "a @ b", "error" },
		{ "input a[2, 2, 3]; input b[5, 3, 4];", "a @ b", "error" },
		{ "input s; input b[3, 4];", "s @ b", "error" },
		{ "input a[1, 1, 2, 3]; input b[3, 4];", "a @ b", "error" },
	};
	CHECK_SHAPES(cases);
}

/* Reductions without axis reduce everything; keepdims keeps each reduced dim as 1. */
static void test_reductions(void **state)
{
	(void)state;
	static const Case cases[] = {
		{ "input x[2, 3];", "sum(x)", "[]" },
		{ "input x[2, 3];", "mean(x)", "[]" },
		{ "input x[2, 3];", "sum(x, axis=0)", "[3]" },
		{ "input x[2, 3];", "sum(x, axis=1)", "[2]" },
		{ "input x[2, 3];", "max(x, axis=-1)", "[2]" },
		{ "input x[2, 3];", "min(x, axis=-2)", "[3]" },
		{ "input x[2, 3];", "sum(x, axis=1, keepdims=true)", "[2, 1]" },
		{ "input x[2, 3];", "mean(x, keepdims=true, axis=0)", "[1, 3]" },
		{ "input x[2, 3];", "sum(x, keepdims=true)", "[1, 1]" },
		{ "input x[2, 3];", "sum(x, keepdims=false)", "[]" },
		{ "input x[2, 3];", "max(x, axis=0, keepdims=false)", "[3]" },
		{ "input x[N, 4, M];", "sum(x, axis=1)", "[N, M]" },
		{ "input x[N, 4, M];", "mean(x, axis=-1, keepdims=true)", "[N, 4, 1]" },
		{ "input s;", "sum(s)", "[]" },
		{ "input x[2, 3];", "sum(x, axis=2)", "error" },
		{ "input x[2, 3];", "sum(x, axis=-3)", "error" },
		{ "input s;", "sum(s, axis=0)", "error" },
		{ "input x[2, 3];", "logsumexp(x)", "[2]" },
		{ "input x[2, 3];", "logsumexp(x, axis=0)", "[3]" },
		{ "input x[2, 3];", "logsumexp(x, axis=1, keepdims=true)", "[2, 1]" },
		{ "input x[2, 3];", "softmax(x)", "[2, 3]" },
		{ "input x[2, 3];", "log_softmax(x, axis=0)", "[2, 3]" },
		{ "input x[2, 3];", "softmax(x, axis=2)", "error" },
		{ "input x[2, 3];", "softmax(x, keepdims=true)", "error" },
	};
	CHECK_SHAPES(cases);
}

/* The -1 resolves symbolically; element counts must match exactly. */
static void test_reshape(void **state)
{
	(void)state;
	static const Case cases[] = {
		{ "input x[2, 3];", "reshape(x, [3, 2])", "[3, 2]" },
		{ "input x[2, 3];", "reshape(x, [6])", "[6]" },
		{ "input x[2, 3];", "reshape(x, [-1])", "[6]" },
		{ "input x[2, 3];", "reshape(x, [3, -1])", "[3, 2]" },
		{ "input x[2, 3];", "reshape(x, [1, -1, 1])", "[1, 6, 1]" },
		{ "input x[N, 4];", "reshape(x, [-1])", "[4*N]" },
		{ "input x[N, 6];", "reshape(x, [3, -1])", "[3, 2*N]" },
		{ "input x[N, 4];", "reshape(x, [2, -1])", "[2, 2*N]" },
		{ "input x[N, 4];", "reshape(x, [N, 2, 2])", "[N, 2, 2]" },
		{ "input x[N, 4];", "reshape(x, [N, -1])", "[N, 4]" },
		{ "input x[N, 4];", "reshape(x, [-1, N])", "[4, N]" },
		{ "input x[N, M];", "reshape(x, [-1])", "[N*M]" },
		{ "input x[N, M];", "reshape(x, [M, N])", "[M, N]" },
		{ "input x[N, M, 2];", "reshape(x, [M, -1])", "[M, 2*N]" },
		{ "input s;", "reshape(s, [1])", "[1]" },
		{ "input s;", "reshape(s, [-1])", "[1]" },
		{ "input x[N, 3];", "reshape(x, [2, -1])", "error" },
		{ "input x[6];", "reshape(x, [-1, 4])", "error" },
		{ "input x[N];", "reshape(x, [-1, 2])", "error" },
		{ "input x[N, 4]; input m[M];", "reshape(x, [M, 4])", "error" },
		{ "input x[N, 4]; input m[M];", "reshape(x, [M, -1])", "error" },
		{ "input x[2, 3];", "reshape(x, [5])", "error" },
		{ "input x[2, 3];", "reshape(x, [-1, -1])", "error" },
		{ "input x[2, 3];", "reshape(x, [0, -1])", "error" },
		{ "input x[2, 3];", "reshape(x, [K, -1])", "error" },
	};
	CHECK_SHAPES(cases);
}

static void test_other_ops(void **state)
{
	(void)state;
	static const Case cases[] = {
		{ "input x[2, 3];", "transpose(x)", "[3, 2]" },
		{ "input x[B, 2, 3];", "transpose(x)", "[B, 3, 2]" },
		{ "input x[3];", "transpose(x)", "error" },
		{ "input x[N, 3];", "exp(x) + log(x) * sqrt(x) - tanh(x) / sigmoid(x)", "[N, 3]" },
		{ "input x[N, 3];", "relu(x) + abs(x) + -x", "[N, 3]" },
		{ "input x[N, C]; input y : i32[N];", "cross_entropy(x, y)", "[]" },
		{ "input x[N, C]; input y : i32[M];", "cross_entropy(x, y)", "error" },
		{ "input x[2, 3];", "grad(sum(x * x), x)", "[2, 3]" },
		{ "input x[2, 3]; param w[3];", "grad(sum(x * w), w)", "[3]" },
		{ "input x[2, 3];", "grad(x * x, x)", "error" },
		{ "input N1;", "N1 * 2", "[]" },
	};
	CHECK_SHAPES(cases);
}

/* ---- the dim algebra of shape.c ---- */

static Graph *two_sizes(void)
{
	Module *m = build_text("graph t { input x[N, M]; output x; }");
	assert_non_null(m);
	return m->graph[0];
}

static const char *dim(const Graph *g, Dim d)
{
	static char buf[128];
	return dim_str(g, &d, "*", buf, sizeof buf);
}

static void test_dim_algebra(void **state)
{
	(void)state;
	Graph *g = two_sizes();
	Dim n = dim_sym(0), m = dim_sym(1), q;
	assert_string_equal(dim(g, dim_int(6)), "6");
	assert_string_equal(dim(g, n), "N");
	assert_string_equal(dim(g, dim_mul(dim_int(4), n)), "4*N");
	assert_string_equal(dim(g, dim_mul(n, m)), "N*M");
	assert_string_equal(dim(g, dim_mul(m, n)), "N*M");
	assert_string_equal(dim(g, dim_mul(n, n)), "N*N");
	assert_true(dim_div(dim_mul(dim_int(6), n), dim_int(3), &q));
	assert_string_equal(dim(g, q), "2*N");
	assert_true(dim_div(dim_mul(n, m), m, &q));
	assert_string_equal(dim(g, q), "N");
	assert_true(dim_div(dim_mul(dim_int(4), n), n, &q));
	assert_string_equal(dim(g, q), "4");
	assert_false(dim_div(dim_mul(dim_int(6), n), dim_int(4), &q));
	assert_false(dim_div(n, m, &q));
	assert_false(dim_div(dim_int(3), n, &q));
	assert_false(dim_div(dim_int(3), dim_int(0), &q));
	assert_true(dim_is_one(&(Dim){ .coef = 1 }));
	assert_false(dim_is_one(&n));
	assert_true(dim_is_const(&(Dim){ .coef = 7 }));
	assert_false(dim_is_const(&n));
	Dim n2 = dim_sym(0);
	assert_true(dim_eq(&n, &n2));
	assert_false(dim_eq(&n, &m));
}

static Shape make_shape(int rank, const Dim *dims)
{
	Shape s = shape_scalar();
	s.rank = rank;
	for (int i = 0; i < rank; i++)
		s.dim[i] = dims[i];
	return s;
}

static void test_shape_functions(void **state)
{
	(void)state;
	Graph *g = two_sizes();
	Dim n = dim_sym(0), m = dim_sym(1);
	char buf[128];
	Shape x = make_shape(3, (Dim[]){ n, dim_int(2), m }), r;
	assert_string_equal(shape_str(g, &x, buf, sizeof buf), "[N, 2, M]");
	Dim count = shape_count(&x);
	assert_string_equal(dim(g, count), "2*N*M");
	Shape sc = shape_scalar();
	assert_int_equal(sc.rank, 0);
	assert_string_equal(dim(g, shape_count(&sc)), "1");

	r = shape_reduce(&x, 1u << 1, false);
	assert_string_equal(shape_str(g, &r, buf, sizeof buf), "[N, M]");
	r = shape_reduce(&x, 1u << 0 | 1u << 2, true);
	assert_string_equal(shape_str(g, &r, buf, sizeof buf), "[1, 2, 1]");
	r = shape_reduce(&x, 7, false);
	assert_int_equal(r.rank, 0);

	Shape a = make_shape(2, (Dim[]){ n, dim_int(1) }), b = make_shape(1, (Dim[]){ m });
	assert_true(shape_broadcast(&a, &b, &r));
	assert_string_equal(shape_str(g, &r, buf, sizeof buf), "[N, M]");
	assert_true(shape_broadcast(&b, &a, &r));
	assert_string_equal(shape_str(g, &r, buf, sizeof buf), "[N, M]");
	Shape c = make_shape(1, (Dim[]){ n });
	assert_false(shape_broadcast(&b, &c, &r));
	assert_true(shape_eq(&a, &a));
	assert_false(shape_eq(&a, &b));

	/* ta / tb transpose the last two dims of an operand */
	Shape p = make_shape(2, (Dim[]){ dim_int(3), dim_int(2) });
	Shape q = make_shape(2, (Dim[]){ dim_int(3), dim_int(4) });
	assert_false(shape_matmul(&p, &q, false, false, &r));
	assert_true(shape_matmul(&p, &q, true, false, &r));
	assert_string_equal(shape_str(g, &r, buf, sizeof buf), "[2, 4]");
	Shape t = make_shape(2, (Dim[]){ dim_int(4), dim_int(3) });
	assert_true(shape_matmul(&p, &t, true, true, &r));
	assert_string_equal(shape_str(g, &r, buf, sizeof buf), "[2, 4]");
	Shape bp = make_shape(3, (Dim[]){ n, dim_int(3), dim_int(2) });
	assert_true(shape_matmul(&bp, &q, true, false, &r));
	assert_string_equal(shape_str(g, &r, buf, sizeof buf), "[N, 2, 4]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_elementwise_broadcasting, free_arena),
		cmocka_unit_test_teardown(test_symbolic_broadcasting, free_arena),
		cmocka_unit_test_teardown(test_mismatch_names_both_shapes, free_arena),
		cmocka_unit_test_teardown(test_matmul, free_arena),
		cmocka_unit_test_teardown(test_reductions, free_arena),
		cmocka_unit_test_teardown(test_reshape, free_arena),
		cmocka_unit_test_teardown(test_other_ops, free_arena),
		cmocka_unit_test_teardown(test_dim_algebra, free_arena),
		cmocka_unit_test_teardown(test_shape_functions, free_arena),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
