/* harness.h: what the unit tests share. They drive the passes the way main.c does (diag_set_source,
 * parse_source, build_module) on small source texts, and look at the AST or the IR they produce.
 * Error messages are captured instead of printed, so a test can check them. */
#ifndef MORCH_TEST_HARNESS_H
#define MORCH_TEST_HARNESS_H

#include <stddef.h>

#include "ast.h"

/* The file name error messages carry. */
#define TEST_FILE "t.morch"

/* Parses src; returns the AST (NULL when nothing parsed). Errors are in errors(). */
GraphAst *parse_text(const char *src);

/* Parses and builds src; returns NULL when either reported an error. */
Module *build_text(const char *src);

/* The number of errors the last parse_text or build_text reported, and their text (everything
 * written to stderr, "" when nothing was). */
int error_count(void);
const char *errors(void);
/* The first line of errors(), without its newline. */
const char *first_error(void);

/* The expression of `y = EXPR;`, parsed from "graph t { y = EXPR; output y; }"; fails the test
 * when it does not parse. */
const Expr *parse_expr(const char *expr);

/* An expression as an S-expression: (+ a (* b c)), (neg x), (sum x axis=1), [2 -1]. Numbers
 * print with %g. The string lives until the test's teardown. */
const char *sexpr(const Expr *e);

/* Builds "graph t { DECLS result = EXPR; output result; }" and returns result's shape as shape_str writes it,
 * like "[N, 4]", or "error" when the build failed. */
const char *shape_of(const char *decls, const char *expr);

/* The node a graph outputs under `name`; fails the test when there is none. */
const Node *output_node(const Graph *g, const char *name);

/* cmocka teardown: frees every allocation of the test (the AST, the IR, strings). */
int free_arena(void **state);

#endif
