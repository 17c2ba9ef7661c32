/* emit_text.c: every line of C goes through line(); dims, literals and ops.def expressions
 * become C text here. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "emit_internal.h"

/* An Emit that writes graph g to f, with its C names chosen. */
void emit_setup(Emit *e, FILE *f, const Graph *g, const EmitOptions *opt,
                const ModuleNames *names)
{
	memset(e, 0, sizeof *e);
	e->f = f;
	e->g = g;
	e->opt = opt;
	e->T = dtype_c(g->real);
	e->fs = g->real == T_F32 ? "f" : "";
	e->mark = arena_alloc(sizeof *e->mark * (size_t)(g->nnodes + 1));
	name_graph(e, names);
}

void line(Emit *e, const char *fmt, ...)
{
	for (int i = 0; i < e->depth; i++)
		fputc('\t', e->f);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(e->f, fmt, ap);
	va_end(ap);
	fputc('\n', e->f);
}

void open_block(Emit *e)
{
	line(e, "{");
	e->depth++;
}

void close_blocks(Emit *e, int n)
{
	for (; n > 0; n--) {
		e->depth--;
		line(e, "}");
	}
}

void capture_begin(Emit *e, Capture *c, int depth)
{
	c->saved = e->f;
	c->text = NULL;
	c->len = 0;
	e->f = open_memstream(&c->text, &c->len);
	if (!e->f)
		unreachable("open_memstream failed");
	e->depth = depth;
}

char *capture_end(Emit *e, Capture *c)
{
	fclose(e->f);
	e->f = c->saved;
	e->depth = 0;
	return c->text;
}

/* The graph with C names for its sizes, for printing dims. */
static Graph c_named(const Emit *e)
{
	Graph tmp = *e->g;
	for (int i = 0; i < e->g->nsyms; i++)
		tmp.sym[i] = e->nm.sym[i];
	return tmp;
}

const char *dim_c(Emit *e, Dim d)
{
	for (int i = 0; i < MAX_SYMS; i++)
		if (d.exp[i])
			e->sym_used[i] = true;
	Graph tmp = c_named(e);
	return dim_text(&tmp, &d, " * ");
}

const char *shape_c(Emit *e, const Shape *s)
{
	Graph tmp = c_named(e);
	return shape_text(&tmp, s);
}

size_t elem_size(const Emit *e)
{
	return e->g->real == T_F64 ? 8 : 4;
}

/* The shortest literal that reads back as v in the graph's type. */
const char *literal(Emit *e, double v)
{
	char buf[64];
	bool f32 = e->g->real == T_F32;
	double r = f32 ? (double)(float)v : v; /* beyond float's range, 1e39 is inf in f32 */
	if (isnan(r))
		return "NAN";
	if (isinf(r))
		return r > 0 ? "INFINITY" : "(-INFINITY)";
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, r);
		if (f32 ? strtof(buf, NULL) == (float)v : strtod(buf, NULL) == v)
			break;
	}
	if (!strpbrk(buf, ".e"))
		strcat(buf, ".0");
	return arena_printf(v < 0 ? "(%s%s)" : "%s%s", buf, f32 ? "f" : "");
}

const char *const_value(Emit *e, int id)
{
	const Node *n = &e->g->node[view_base(e->g, id)];
	if (dim_is_one(&n->attr.cst.scale))
		return literal(e, n->attr.cst.value);
	const char *d = dim_c(e, n->attr.cst.scale);
	if (n->attr.cst.value == 1)
		return arena_printf("((%s)(%s))", e->T, d);
	return arena_printf("(%s * (%s)(%s))", literal(e, n->attr.cst.value), e->T, d);
}

/* Expands an ops.def expression: %0 %1 operands, @f math calls (math_fn), $T the type. */
const char *ew_expr(Emit *e, const char *tmpl, const char *const *arg)
{
	Str s = { 0 };
	for (const char *c = tmpl; *c; c++) {
		if (*c == '%') {
			str_add(&s, "%s", arg[*++c - '0']);
		} else if (*c == '@') {
			size_t len = strspn(c + 1, "abcdefghijklmnopqrstuvwxyz");
			str_add(&s, "%s", math_fn(e, c + 1, len));
			c += len;
		} else if (*c == '$' && c[1] == 'T') {
			str_add(&s, "%s", e->T);
			c++;
		} else {
			str_add(&s, "%c", *c);
		}
	}
	return str_get(&s);
}

/* Text for inside a comment: printable ASCII stays, except that nothing can end the comment
 * ("*" before "/"), splice or end a line, or form a trigraph ("??"); other bytes and the
 * backslash become \xHH or \\. */
const char *comment_text(const char *s)
{
	Str b = { 0 };
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\\')
			str_add(&b, "\\\\");
		else if (*p < 0x20 || *p > 0x7e)
			str_add(&b, "\\x%02x", *p);
		else if ((*p == '*' && p[1] == '/') || (*p == '?' && p[1] == '?') ||
		         (*p == '/' && (p[1] == '*' || p[1] == '/')))
			str_add(&b, "%c\\", *p);
		else
			str_add(&b, "%c", *p);
	}
	return str_get(&b);
}

/* A C string literal with s's bytes: \\ \" and \? (so no "??" trigraph forms), printable ASCII
 * as itself, everything else as three octal digits (a hex escape would swallow a following
 * hex digit). */
const char *c_string(const char *s)
{
	Str b = { 0 };
	str_add(&b, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\\' || *p == '"' || *p == '?')
			str_add(&b, "\\%c", *p);
		else if (*p < 0x20 || *p > 0x7e)
			str_add(&b, "\\%03o", *p);
		else
			str_add(&b, "%c", *p);
	}
	str_add(&b, "\"");
	return str_get(&b);
}

/* Why a header's file name cannot follow #include "...", or NULL when it can: the standard
 * leaves ' and \ and the pairs // and slash-star in a header name undefined, " ends it, and
 * control bytes, non-ASCII bytes and trigraphs may not reach the file system as written. */
const char *header_name_problem(const char *name)
{
	if (!*name)
		return "it is empty";
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return "it has a control character";
		if (*p > 0x7e)
			return "it has a non-ASCII byte";
		if (*p == '"' || *p == '\'' || *p == '\\')
			return arena_printf("it has the character %c", *p);
		if (*p == '/' && (p[1] == '/' || p[1] == '*'))
			return arena_printf("it has %c%c", p[0], p[1]);
		if (*p == '?' && p[1] == '?')
			return "it has ?? (a trigraph)";
	}
	return NULL;
}
