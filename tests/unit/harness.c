/* harness.c: see harness.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "diag.h"
#include "harness.h"
#include "util.h"

static char captured[16384];
static char first_line[1024];
static int nerrors;

/* stderr goes to a temporary file while a pass runs. */
typedef struct Capture {
	FILE *tmp;
	int saved_fd;
} Capture;

static void capture_start(Capture *c)
{
	fflush(stderr);
	c->tmp = tmpfile();
	assert_non_null(c->tmp);
	c->saved_fd = dup(2);
	assert_true(c->saved_fd >= 0);
	assert_true(dup2(fileno(c->tmp), 2) >= 0);
}

static void capture_end(Capture *c)
{
	fflush(stderr);
	dup2(c->saved_fd, 2);
	close(c->saved_fd);
	rewind(c->tmp);
	size_t n = fread(captured, 1, sizeof captured - 1, c->tmp);
	captured[n] = 0;
	fclose(c->tmp);
	size_t k = strcspn(captured, "\n");
	if (k >= sizeof first_line)
		k = sizeof first_line - 1;
	memcpy(first_line, captured, k);
	first_line[k] = 0;
	nerrors = diag_errors();
}

/* The source must outlive the run: diag quotes lines from it. */
static const char *set_source(const char *src)
{
	char *text = arena_strdup(src);
	diag_set_source(TEST_FILE, text, strlen(text));
	return text;
}

GraphAst *parse_text(const char *src)
{
	const char *text = set_source(src);
	Capture c;
	capture_start(&c);
	GraphAst *ast = parse_source(text, strlen(text));
	capture_end(&c);
	return ast;
}

Module *build_text(const char *src)
{
	const char *text = set_source(src);
	Capture c;
	capture_start(&c);
	GraphAst *ast = parse_source(text, strlen(text));
	Module *m = diag_errors() ? NULL : build_module(ast);
	capture_end(&c);
	return diag_errors() ? NULL : m;
}

int error_count(void)
{
	return nerrors;
}

const char *errors(void)
{
	return captured;
}

const char *first_error(void)
{
	return first_line;
}

const Expr *parse_expr(const char *expr)
{
	GraphAst *g = parse_text(arena_printf("graph t { y = %s; output y; }", expr));
	if (error_count() || !g || !g->stmts || g->stmts->kind != S_LET) {
		print_error("parsing '%s' failed: %s\n", expr, errors());
		fail();
	}
	return g->stmts->expr;
}

static const char *const binop_names[] = {
	[B_ADD] = "+", [B_SUB] = "-", [B_MUL] = "*", [B_DIV] = "/", [B_MATMUL] = "@", [B_POW] = "**",
};

const char *sexpr(const Expr *e)
{
	switch (e->kind) {
	case E_NUM:
		return arena_printf("%g", e->num);
	case E_NAME:
		return e->name;
	case E_NEG:
		return arena_printf("(neg %s)", sexpr(e->lhs));
	case E_BIN:
		return arena_printf("(%s %s %s)", binop_names[e->op], sexpr(e->lhs), sexpr(e->rhs));
	case E_CALL:
	case E_LIST: {
		char *s = e->kind == E_CALL ? arena_printf("(%s", e->name) : "[";
		for (const CallArg *a = e->args; a; a = a->next) {
			const char *sep = e->kind == E_LIST && a == e->args ? "" : " ";
			s = a->kw ? arena_printf("%s%s%s=%s", s, sep, a->kw, sexpr(a->value))
			          : arena_printf("%s%s%s", s, sep, sexpr(a->value));
		}
		return arena_printf("%s%s", s, e->kind == E_CALL ? ")" : "]");
	}
	}
	return "?";
}

const char *shape_of(const char *decls, const char *expr)
{
	Module *m = build_text(arena_printf("graph t { %s result = %s; output result; }", decls, expr));
	if (!m)
		return "error";
	const Graph *g = m->graph[0];
	char *buf = arena_alloc(512);
	return shape_str(g, &output_node(g, "result")->shape, buf, 512);
}

const Node *output_node(const Graph *g, const char *name)
{
	for (int i = 0; i < g->nouts; i++)
		if (strcmp(g->out[i].name, name) == 0)
			return &g->node[g->out[i].node];
	print_error("graph '%s' has no output '%s'\n", g->name, name);
	fail();
	return NULL;
}

int free_arena(void **state)
{
	(void)state;
	arena_free_all();
	return 0;
}
