/* test_parser.c: the lexer and the parser, seen through the AST they build (CONTRACT.md A1):
 * precedence and associativity, number literals, comments, declarations, graph headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

typedef struct Case {
	const char *in, *want;
} Case;

static void check_sexprs(const Case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *got = sexpr(parse_expr(cases[i].in));
		if (strcmp(got, cases[i].want) != 0) {
			print_error("'%s' parsed as %s, want %s\n", cases[i].in, got, cases[i].want);
			fail();
		}
	}
}

#define CHECK_SEXPRS(cases) check_sexprs(cases, sizeof cases / sizeof *cases)

/* Python's rules: + - < * / @ (left-associative) < unary - < ** (right-associative). */
static void test_precedence(void **state)
{
	(void)state;
	static const Case cases[] = {
		{ "a + b * c", "(+ a (* b c))" },
		{ "a * b + c", "(+ (* a b) c)" },
		{ "a - b / c", "(- a (/ b c))" },
		{ "a + b @ c", "(+ a (@ b c))" },
		{ "a @ b - c", "(- (@ a b) c)" },
		{ "(a + b) * c", "(* (+ a b) c)" },
		{ "a * (b + c)", "(* a (+ b c))" },
		{ "-a * b", "(* (neg a) b)" },
		{ "-a @ b", "(@ (neg a) b)" },
		{ "a * -b", "(* a (neg b))" },
		{ "-a + b", "(+ (neg a) b)" },
		{ "a - -b", "(- a (neg b))" },
		{ "--a", "(neg (neg a))" },
		{ "-x**2", "(neg (** x 2))" },
		{ "-x ** -y", "(neg (** x (neg y)))" },
		{ "2**-1", "(** 2 (neg 1))" },
		{ "a ** -b * c", "(* (** a (neg b)) c)" },
		{ "a * b ** c", "(* a (** b c))" },
		{ "a ** b * c", "(* (** a b) c)" },
		{ "a @ b ** c", "(@ a (** b c))" },
		{ "(a ** b) ** c", "(** (** a b) c)" },
		{ "(-a) ** b", "(** (neg a) b)" },
		{ "-(a + b)", "(neg (+ a b))" },
		{ "a + b * c ** d", "(+ a (* b (** c d)))" },
		{ "exp(a) * b", "(* (exp a) b)" },
		{ "-exp(a) ** 2", "(neg (** (exp a) 2))" },
	};
	CHECK_SEXPRS(cases);
}

static void test_associativity(void **state)
{
	(void)state;
	static const Case cases[] = {
		{ "a - b - c", "(- (- a b) c)" },
		{ "a + b - c", "(- (+ a b) c)" },
		{ "a - b + c", "(+ (- a b) c)" },
		{ "a / b / c", "(/ (/ a b) c)" },
		{ "a / b * c", "(* (/ a b) c)" },
		{ "a * b / c", "(/ (* a b) c)" },
		{ "a @ b @ c", "(@ (@ a b) c)" },
		{ "a @ b * c", "(* (@ a b) c)" },
		{ "a * b @ c", "(@ (* a b) c)" },
		{ "a / b @ c", "(@ (/ a b) c)" },
		{ "a @ b / c", "(/ (@ a b) c)" },
		{ "a ** b ** c", "(** a (** b c))" },
		{ "2 ** 3 ** 2", "(** 2 (** 3 2))" },
		{ "a ** -b ** c", "(** a (neg (** b c)))" },
		{ "a - b - c - d", "(- (- (- a b) c) d)" },
	};
	CHECK_SEXPRS(cases);
}

/* Spaces are optional between tokens; ** is one token, * * is two. */
static void test_tokens_without_spaces(void **state)
{
	(void)state;
	static const Case cases[] = {
		{ "a+b*c", "(+ a (* b c))" },
		{ "x**-1", "(** x (neg 1))" },
		{ "a@b", "(@ a b)" },
		{ "2.5*.5", "(* 2.5 0.5)" },
		{ "a-1", "(- a 1)" },
		{ "a--1", "(- a (neg 1))" },
		{ "x1_y*_z", "(* x1_y _z)" },
	};
	CHECK_SEXPRS(cases);
	parse_text("graph t { y = a * * b; output y; }");
	assert_int_not_equal(error_count(), 0);
}

static void test_calls(void **state)
{
	(void)state;
	static const Case cases[] = {
		{ "exp(x)", "(exp x)" },
		{ "sum(x)", "(sum x)" },
		{ "sum(x, axis=1)", "(sum x axis=1)" },
		{ "sum(x, axis=-1, keepdims=true)", "(sum x axis=(neg 1) keepdims=true)" },
		{ "mean(x, keepdims=false, axis=0)", "(mean x keepdims=false axis=0)" },
		{ "pow(x, 2)", "(pow x 2)" },
		{ "reshape(x, [2, -1])", "(reshape x [2 (neg 1)])" },
		{ "reshape(x, [N])", "(reshape x [N])" },
		{ "grad(sum(x), x)", "(grad (sum x) x)" },
		{ "f()", "(f)" },
		{ "exp(exp(x) + 1)", "(exp (+ (exp x) 1))" },
	};
	CHECK_SEXPRS(cases);
}

/* C's decimal forms; is_int only for the ones without '.' or an exponent. */
static void test_number_literals(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		double value;
		bool is_int;
	} cases[] = {
		{ "1", 1.0, true },       { "0", 0.0, true },        { "42", 42.0, true },
		{ "1.", 1.0, false },     { "2.5", 2.5, false },     { ".5", 0.5, false },
		{ "1e3", 1000.0, false }, { "1E+3", 1000.0, false }, { "1.5e-2", 0.015, false },
		{ "1.e3", 1000.0, false }, { ".5e1", 5.0, false },   { "2E0", 2.0, false },
		{ "0.1", 0.1, false },    { "123456789012", 123456789012.0, true },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const Expr *e = parse_expr(cases[i].text);
		if (e->kind != E_NUM || e->num != cases[i].value || e->is_int != cases[i].is_int) {
			print_error("'%s' parsed as %s (is_int %d), want %.17g (is_int %d)\n",
			            cases[i].text, sexpr(e), e->is_int, cases[i].value, cases[i].is_int);
			fail();
		}
		if (cases[i].is_int)
			assert_int_equal(e->ival, (int64_t)cases[i].value);
	}
}

/* A literal's sign is unary minus, not part of the literal. */
static void test_negative_literal_is_unary_minus(void **state)
{
	(void)state;
	const Expr *e = parse_expr("-1.5e-2");
	assert_int_equal(e->kind, E_NEG);
	assert_int_equal(e->lhs->kind, E_NUM);
	assert_true(e->lhs->num == 0.015);
}

static void test_comments(void **state)
{
	(void)state;
	GraphAst *g = parse_text("# a file comment\n"
	                         "graph t { # after a brace\n"
	                         "    input x;   # ; ) { are nothing in a comment\n"
	                         "    y = x # the statement goes on\n"
	                         "      + 1;\n"
	                         "#\n"
	                         "    output y;#no space\n"
	                         "}\n"
	                         "# the end, without a newline");
	assert_int_equal(error_count(), 0);
	assert_non_null(g);
	const Stmt *s = g->stmts;
	assert_int_equal(s->kind, S_INPUT);
	s = s->next;
	assert_int_equal(s->kind, S_LET);
	assert_string_equal(sexpr(s->expr), "(+ x 1)");
	s = s->next;
	assert_int_equal(s->kind, S_OUTPUT);
	assert_null(s->next);
}

/* Locations count lines and columns from 1; a tab is one column; a binary operator is located at
 * its operator, a call at its name. */
static void test_locations(void **state)
{
	(void)state;
	GraphAst *g = parse_text("graph t {\n"
	                         "\tinput x;\n"
	                         "  y = exp(x)\n"
	                         "      * 2;\n"
	                         "  output y;\n"
	                         "}\n");
	assert_int_equal(error_count(), 0);
	assert_int_equal(g->loc.first_line, 1);
	assert_int_equal(g->loc.first_column, 7);
	const Stmt *in = g->stmts, *let = in->next;
	assert_int_equal(in->name_loc.first_line, 2);
	assert_int_equal(in->name_loc.first_column, 8);
	assert_int_equal(let->name_loc.first_line, 3);
	assert_int_equal(let->name_loc.first_column, 3);
	assert_int_equal(let->expr->loc.first_line, 4);
	assert_int_equal(let->expr->loc.first_column, 7);
	assert_int_equal(let->expr->lhs->loc.first_line, 3);
	assert_int_equal(let->expr->lhs->loc.first_column, 7);
	assert_int_equal(g->end_loc.first_line, 6);
	assert_int_equal(g->end_loc.first_column, 1);
}

static void test_declarations(void **state)
{
	(void)state;
	GraphAst *g = parse_text("graph t {\n"
	                         "  input s;\n"
	                         "  input e[];\n"
	                         "  input x[2, N];\n"
	                         "  param w[3];\n"
	                         "  input y : i32[N];\n"
	                         "  output s;\n"
	                         "}\n");
	assert_int_equal(error_count(), 0);
	const Stmt *s = g->stmts;
	assert_int_equal(s->kind, S_INPUT);
	assert_string_equal(s->name, "s");
	assert_null(s->dims);
	assert_null(s->type);
	s = s->next;
	assert_string_equal(s->name, "e");
	assert_null(s->dims);
	s = s->next;
	assert_string_equal(s->name, "x");
	assert_null(s->dims->name);
	assert_int_equal(s->dims->value, 2);
	assert_string_equal(s->dims->next->name, "N");
	assert_null(s->dims->next->next);
	s = s->next;
	assert_int_equal(s->kind, S_PARAM);
	assert_int_equal(s->dims->value, 3);
	s = s->next;
	assert_int_equal(s->kind, S_INPUT);
	assert_string_equal(s->type, "i32");
	assert_string_equal(s->dims->name, "N");
}

/* `input x;` and `input x[];` are 0-d; [1] and [1, 1] are not scalars. */
static void test_scalar_inputs_build_0d(void **state)
{
	(void)state;
	Module *m = build_text("graph t { input a; input b[]; input c[1]; input d[1, 1];"
	                       " output a, b, c, d; }");
	assert_non_null(m);
	const Graph *g = m->graph[0];
	assert_int_equal(g->nargs, 4);
	assert_int_equal(output_node(g, "a")->shape.rank, 0);
	assert_int_equal(output_node(g, "b")->shape.rank, 0);
	assert_int_equal(output_node(g, "c")->shape.rank, 1);
	assert_int_equal(output_node(g, "d")->shape.rank, 2);
}

static void test_statements(void **state)
{
	(void)state;
	GraphAst *g = parse_text("graph t { input a; param b; c = a * b; output c, a;"
	                         " grad c wrt b, a; }");
	assert_int_equal(error_count(), 0);
	const Stmt *s = g->stmts->next->next->next;
	assert_int_equal(s->kind, S_OUTPUT);
	assert_string_equal(s->names->name, "c");
	assert_string_equal(s->names->next->name, "a");
	assert_null(s->names->next->next);
	s = s->next;
	assert_int_equal(s->kind, S_GRAD);
	assert_string_equal(s->name, "c");
	assert_string_equal(s->names->name, "b");
	assert_string_equal(s->names->next->name, "a");
	assert_null(s->next);
}

static void test_graph_types(void **state)
{
	(void)state;
	Module *m = build_text("graph a { input x; output x; }\n"
	                       "graph b : f64 { input x; output x; }\n"
	                       "graph c : f32 { input x; output x; }\n");
	assert_non_null(m);
	assert_int_equal(m->ngraphs, 3);
	assert_string_equal(m->graph[0]->name, "a");
	assert_int_equal(m->graph[0]->real, T_F32);
	assert_string_equal(m->graph[1]->name, "b");
	assert_int_equal(m->graph[1]->real, T_F64);
	assert_int_equal(output_node(m->graph[1], "x")->type, T_F64);
	assert_string_equal(m->graph[2]->name, "c");
	assert_int_equal(m->graph[2]->real, T_F32);
}

/* Graphs keep file order; names are per graph, so two graphs may both declare x. */
static void test_multiple_graphs(void **state)
{
	(void)state;
	Module *m = build_text("graph first { input x[2]; y = x * 2; output y; }\n"
	                       "graph second { input x[3]; param w[3]; y = sum(x * w); output y;"
	                       " grad y wrt w; }\n"
	                       "graph third { input x; output x; }\n");
	assert_non_null(m);
	assert_int_equal(m->ngraphs, 3);
	assert_string_equal(m->graph[0]->name, "first");
	assert_string_equal(m->graph[1]->name, "second");
	assert_string_equal(m->graph[2]->name, "third");
	assert_false(m->graph[0]->has_grad);
	assert_true(m->graph[1]->has_grad);
	assert_int_equal(m->graph[1]->nwrt, 1);
	assert_int_equal(output_node(m->graph[1], "y")->shape.rank, 0);
}

/* A few syntax errors, with where they point; tests/errors has the full set. */
static void test_syntax_errors(void **state)
{
	(void)state;
	static const Case cases[] = {
		{ "graph t { y = (a; output y; }", TEST_FILE ":1:17: error: syntax error, "
		                                   "unexpected ';'" },
		{ "graph t { input x output x; }", TEST_FILE ":1:19: error: syntax error, "
		                                   "unexpected 'output'" },
		{ "graph t { y = a +; output y; }", TEST_FILE ":1:18: error: syntax error, "
		                                    "unexpected ';'" },
		{ "graph { }", TEST_FILE ":1:7: error: syntax error, unexpected '{', "
		               "expecting identifier" },
		{ "graph t { input x; output x; ", TEST_FILE ":1:30: error: syntax error, "
		                                  "unexpected end of file" },
		{ "graph t { input x; output x;\n", TEST_FILE ":1:29: error: syntax error, "
		                                    "unexpected end of file" },
		{ "", TEST_FILE ":1:1: error: syntax error, unexpected end of file, "
		      "expecting 'graph'" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		parse_text(cases[i].in);
		assert_int_not_equal(error_count(), 0);
		if (strncmp(first_error(), cases[i].want, strlen(cases[i].want)) != 0) {
			print_error("'%s' gave\n  %s\nwant\n  %s...\n", cases[i].in, first_error(),
			            cases[i].want);
			fail();
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_precedence, free_arena),
		cmocka_unit_test_teardown(test_associativity, free_arena),
		cmocka_unit_test_teardown(test_tokens_without_spaces, free_arena),
		cmocka_unit_test_teardown(test_calls, free_arena),
		cmocka_unit_test_teardown(test_number_literals, free_arena),
		cmocka_unit_test_teardown(test_negative_literal_is_unary_minus, free_arena),
		cmocka_unit_test_teardown(test_comments, free_arena),
		cmocka_unit_test_teardown(test_locations, free_arena),
		cmocka_unit_test_teardown(test_declarations, free_arena),
		cmocka_unit_test_teardown(test_scalar_inputs_build_0d, free_arena),
		cmocka_unit_test_teardown(test_statements, free_arena),
		cmocka_unit_test_teardown(test_graph_types, free_arena),
		cmocka_unit_test_teardown(test_multiple_graphs, free_arena),
		cmocka_unit_test_teardown(test_syntax_errors, free_arena),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
