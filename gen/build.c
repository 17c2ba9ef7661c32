/* build.c: the AST of each graph to IR. Resolves names, applies the statement rules, checks
 * shapes and types, reports every error it finds with its location, and runs the
 * differentiation that `grad` statements and grad(y, x) expressions ask for. */
#include <stdio.h>
#include <string.h>

#include "ast.h"
#include "bounds.h"
#include "diag.h"
#include "symtab.h"
#include "util.h"

/* A value that failed to build: its error is reported; uses of it report nothing more. */
#define POISON (-1)

/* Recursion of expr(): the parser bounds nesting to MAX_NEST levels, each a few calls deep
 * here; chains of binary operators are walked without recursion. A safety net only. */
enum { MAX_DEPTH = 8 * MAX_NEST };

typedef enum SymKind { N_VALUE, N_ARG, N_SIZE } SymKind;

typedef struct Name {
	const char *name;
	SymKind kind;
	int node; /* N_VALUE, N_ARG: the node (or POISON); N_SIZE: the size index */
	int arg;  /* N_ARG: index in Graph.args */
	Loc loc;
	struct Name *next;
} Name;

typedef struct Ctx {
	Graph *g;
	Name *names; /* the latest declared */
	int depth;
	SymTab table; /* every Name by its name */
	int grad_nest; /* grad(y, x) being built inside the y of another */
	bool too_large; /* the graph passed MAX_NODES: reported once */
} Ctx;

static const char *const functions[] = {
	"exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "pow", "maximum", "minimum",
	"sum", "mean", "max", "min", "softmax", "log_softmax", "logsumexp", "transpose",
	"reshape", "cross_entropy",
};

static bool is_function(const char *s)
{
	for (size_t i = 0; i < sizeof functions / sizeof *functions; i++)
		if (strcmp(functions[i], s) == 0)
			return true;
	return false;
}

static Name *lookup(Ctx *c, const char *s)
{
	return symtab_get(&c->table, s);
}

/* Declares a name; reports a redefinition or a reserved word and returns false. */
static bool declare(Ctx *c, const char *s, Loc loc, SymKind kind, int node, int arg)
{
	Name *old = lookup(c, s);
	if (old) {
		error_at(loc, "redefinition of '%s' (first defined at line %d, column %d)", s,
		         old->loc.first_line, old->loc.first_column);
		return false;
	}
	bool reserved = is_function(s);
	if (reserved) {
		/* still declared, as a failed value, so later uses report nothing more */
		error_at(loc, "'%s' is a function name and cannot be redefined", s);
		kind = N_VALUE;
		node = POISON;
	}
	Name *n = arena_alloc(sizeof *n);
	*n = (Name){ s, kind, node, arg, loc, c->names };
	c->names = n;
	symtab_put(&c->table, s, n);
	return !reserved;
}

static const char *shp(Ctx *c, int id, char *buf, size_t size)
{
	return shape_str(c->g, &c->g->node[id].shape, buf, size);
}

static Node *node(Ctx *c, int id)
{
	return &c->g->node[id];
}

/* Generated code indexes with int64_t: keep element counts far from its limits. */
static bool too_large(Ctx *c, const Shape *s, Loc loc)
{
	if (!shape_too_large(s))
		return false;
	char b[256];
	error_at(loc, "tensor of shape %s is too large", shape_str(c->g, s, b, sizeof b));
	return true;
}

/* ---- expressions ---- */

static int expr(Ctx *c, Expr *e);

static void graph_too_large(Ctx *c, Loc loc)
{
	if (!c->too_large)
		error_at(loc, "graph '%s' is too large: more than %d IR nodes", c->g->name, MAX_NODES);
	c->too_large = true;
}

/* what completes "i32 input 'y' cannot be ...": "an operand of '+'", "differentiated" */
static bool is_real(Ctx *c, int id, Loc loc, const char *what)
{
	if (node(c, id)->type != T_I32)
		return true;
	const char *name = node(c, id)->name;
	error_at(loc, "%s cannot be %s: i32 inputs are labels for cross_entropy",
	         name ? arena_printf("i32 input '%s'", name) : "an i32 value", what);
	return false;
}

static int binary(Ctx *c, Op op, const char *opname, int a, int b, Loc loc)
{
	if (a == POISON || b == POISON)
		return POISON;
	const char *what = arena_printf("an operand of '%s'", opname);
	if (!is_real(c, a, loc, what) || !is_real(c, b, loc, what))
		return POISON;
	Shape s;
	if (!shape_broadcast(&node(c, a)->shape, &node(c, b)->shape, &s)) {
		char sa[256], sb[256];
		error_at(loc, "shape mismatch in '%s': %s and %s do not broadcast", opname,
		         shp(c, a, sa, sizeof sa), shp(c, b, sb, sizeof sb));
		return POISON;
	}
	if (too_large(c, &s, loc))
		return POISON;
	return ir_binary(c->g, op, a, b, loc);
}

/* numpy matmul: a 1-D left operand gains a leading 1, a 1-D right operand a trailing 1, and both
 * are removed from the result again; ranks up to 3 with broadcasting batch dims. */
static int matmul(Ctx *c, int a, int b, Loc loc)
{
	if (a == POISON || b == POISON)
		return POISON;
	if (!is_real(c, a, loc, "an operand of '@'") || !is_real(c, b, loc, "an operand of '@'"))
		return POISON;
	Shape sa = node(c, a)->shape, sb = node(c, b)->shape;
	char ba[256], bb[256];
	if (sa.rank < 1 || sa.rank > 3 || sb.rank < 1 || sb.rank > 3) {
		error_at(loc, "'@' takes operands of 1 to 3 dims, not %s and %s",
		         shp(c, a, ba, sizeof ba), shp(c, b, bb, sizeof bb));
		return POISON;
	}
	Shape ra = sa, rb = sb, out;
	if (sa.rank == 1) {
		ra.rank = 2;
		ra.dim[0] = dim_int(1);
		ra.dim[1] = sa.dim[0];
	}
	if (sb.rank == 1) {
		rb.rank = 2;
		rb.dim[0] = sb.dim[0];
		rb.dim[1] = dim_int(1);
	}
	if (!shape_matmul(&ra, &rb, false, false, &out)) {
		error_at(loc, "shape mismatch in '@': %s and %s", shp(c, a, ba, sizeof ba),
		         shp(c, b, bb, sizeof bb));
		return POISON;
	}
	if (too_large(c, &out, loc))
		return POISON;
	int r = ir_matmul(c->g, ir_reshape(c->g, a, &ra, loc), ir_reshape(c->g, b, &rb, loc),
	                  false, false, loc);
	Shape want = shape_scalar();
	for (int i = 0; i < out.rank; i++) {
		if ((sa.rank == 1 && i == out.rank - 2) || (sb.rank == 1 && i == out.rank - 1))
			continue; /* the row or column a 1-D operand gained */
		want.dim[want.rank++] = out.dim[i];
	}
	return ir_reshape(c->g, r, &want, loc);
}

/* Keyword arguments of a call; each is parsed once and checked against what the function takes. */
typedef struct Kwargs {
	bool has_axis, has_keepdims;
	int64_t axis;
	bool keepdims;
	Loc axis_loc;
} Kwargs;

static bool const_int(Expr *e, int64_t *v)
{
	if (e->kind == E_NUM && e->is_int) {
		*v = e->ival;
		return true;
	}
	if (e->kind == E_NEG && e->lhs->kind == E_NUM && e->lhs->is_int) {
		*v = -e->lhs->ival;
		return true;
	}
	return false;
}

static bool kwargs(Ctx *c, Expr *call, CallArg *a, bool allow_axis, bool allow_keepdims,
                   Kwargs *kw)
{
	bool ok = true;
	for (; a; a = a->next) {
		if (!a->kw)
			continue;
		if (strcmp(a->kw, "axis") == 0 && allow_axis) {
			if (kw->has_axis) {
				error_at(a->loc, "axis= given twice");
				ok = false;
			} else if (!const_int(a->value, &kw->axis)) {
				error_at(a->value->loc, "axis= takes an integer");
				ok = false;
			}
			kw->has_axis = true;
			kw->axis_loc = a->value->loc;
		} else if (strcmp(a->kw, "keepdims") == 0 && allow_keepdims) {
			Expr *v = a->value;
			if (kw->has_keepdims) {
				error_at(a->loc, "keepdims= given twice");
				ok = false;
			} else if (v->kind == E_NAME && strcmp(v->name, "true") == 0) {
				kw->keepdims = true;
			} else if (v->kind == E_NAME && strcmp(v->name, "false") == 0) {
				kw->keepdims = false;
			} else {
				error_at(v->loc, "keepdims= takes true or false");
				ok = false;
			}
			kw->has_keepdims = true;
		} else {
			error_at(a->loc, "%s() has no keyword argument '%s'", call->name, a->kw);
			ok = false;
		}
	}
	(void)c;
	return ok;
}

/* Resolves axis= against a rank; reports an axis out of range. */
static bool resolve_axis(Ctx *c, const Kwargs *kw, int id, int *axis)
{
	int rank = node(c, id)->shape.rank;
	int64_t ax = kw->axis < 0 ? kw->axis + rank : kw->axis;
	if (ax < 0 || ax >= rank) {
		char b[256];
		error_at(kw->axis_loc, "axis %lld is out of range for shape %s", (long long)kw->axis,
		         shp(c, id, b, sizeof b));
		return false;
	}
	*axis = (int)ax;
	return true;
}

static int reshape(Ctx *c, Expr *call, int x, Expr *list)
{
	if (list->kind != E_LIST) {
		error_at(list->loc, "reshape() takes its shape as a list, like [2, -1]");
		return POISON;
	}
	Shape to = shape_scalar();
	int infer = -1;
	bool ok = true;
	for (CallArg *it = list->args; it; it = it->next) {
		Expr *v = it->value;
		int64_t n;
		if (to.rank == MAX_RANK) {
			error_at(v->loc, "reshape() to more than %d dims", MAX_RANK);
			return POISON;
		}
		if (const_int(v, &n)) {
			if (n == -1 && infer < 0) {
				infer = to.rank;
				to.dim[to.rank++] = dim_int(1);
				continue;
			}
			if (n < 1 || n > (1LL << 40)) {
				error_at(v->loc, n == -1 ? "only one dim of reshape() may be -1"
				                 : n > 0 ? "reshape() dim is too large"
				                         : "reshape() dims must be positive, or -1");
				ok = false;
				n = 1;
			}
			to.dim[to.rank++] = dim_int(n);
		} else if (v->kind == E_NAME) {
			Name *s = lookup(c, v->name);
			if (!s || s->kind != N_SIZE) {
				error_at(v->loc, "'%s' is not a size name", v->name);
				ok = false;
				to.dim[to.rank++] = dim_int(1);
			} else {
				to.dim[to.rank++] = dim_sym(s->node);
			}
		} else {
			error_at(v->loc, "reshape() dims are integers, size names or -1");
			ok = false;
			to.dim[to.rank++] = dim_int(1);
		}
	}
	if (!ok || x == POISON)
		return POISON;
	char a[256], b[256], na[128], nb[128];
	if (shape_too_large(&to)) { /* before its element count, saturated, reaches a message */
		if (infer >= 0)
			to.dim[infer] = dim_int(-1);
		error_at(list->loc, "cannot reshape %s to %s: the result is too large",
		         shp(c, x, a, sizeof a), shape_str(c->g, &to, b, sizeof b));
		return POISON;
	}
	Dim have = shape_count(&node(c, x)->shape), want = shape_count(&to);
	if (infer >= 0 && !dim_div(have, want, &to.dim[infer])) {
		to.dim[infer] = dim_int(-1); /* the shape as written */
		error_at(list->loc, "cannot reshape %s to %s: %s is not a multiple of %s",
		         shp(c, x, a, sizeof a), shape_str(c->g, &to, b, sizeof b),
		         dim_str(c->g, &have, "*", na, sizeof na),
		         dim_str(c->g, &want, "*", nb, sizeof nb));
		return POISON;
	}
	want = shape_count(&to);
	if (!dim_eq(&have, &want)) {
		error_at(list->loc, "cannot reshape %s to %s: %s elements, not %s",
		         shp(c, x, a, sizeof a), shape_str(c->g, &to, b, sizeof b),
		         dim_str(c->g, &have, "*", na, sizeof na),
		         dim_str(c->g, &want, "*", nb, sizeof nb));
		return POISON;
	}
	(void)call;
	return ir_reshape(c->g, x, &to, call->loc);
}

static int grad_expr(Ctx *c, Expr *call, Expr *ye, Expr *xe)
{
	if (c->grad_nest == MAX_GRAD_NEST) {
		error_at(call->loc, "grad(y, x) nested too deeply (the limit is %d levels)",
		         MAX_GRAD_NEST);
		return POISON;
	}
	c->grad_nest++;
	int y = expr(c, ye);
	c->grad_nest--;
	if (xe->kind != E_NAME) {
		error_at(xe->loc, "grad(y, x) takes the name of an input or param as x");
		return POISON;
	}
	Name *xn = lookup(c, xe->name);
	if (!xn) {
		error_at(xe->loc, "undefined name '%s'", xe->name);
		return POISON;
	}
	if (xn->kind != N_ARG) {
		error_at(xe->loc, "grad(y, x): '%s' is not an input or param", xe->name);
		return POISON;
	}
	if (y == POISON)
		return POISON;
	char b[256];
	if (node(c, y)->shape.rank != 0) {
		error_at(ye->loc, "grad(y, x) needs a scalar y, not one of shape %s",
		         shp(c, y, b, sizeof b));
		return POISON;
	}
	if (!is_real(c, y, ye->loc, "differentiated"))
		return POISON;
	if (node(c, xn->node)->type == T_I32) {
		error_at(xe->loc, "cannot differentiate with respect to i32 input '%s'", xe->name);
		return POISON;
	}
	int one = ir_const(c->g, 1, call->loc), d;
	if (!diff_bounded(c->g, y, one, &xn->node, 1, &d, MAX_NODES)) {
		graph_too_large(c, call->loc);
		return POISON;
	}
	return d;
}

static int call(Ctx *c, Expr *e)
{
	int npos = 0;
	Expr *pos[3] = { 0 };
	for (CallArg *a = e->args; a; a = a->next)
		if (!a->kw) {
			if (npos < 3)
				pos[npos] = a->value;
			npos++;
		}
	static const struct {
		const char *name;
		Op op;
		int nargs;
		bool axis, keepdims;
	} table[] = {
		{ "exp", OP_EXP, 1, 0, 0 },         { "log", OP_LOG, 1, 0, 0 },
		{ "sqrt", OP_SQRT, 1, 0, 0 },       { "tanh", OP_TANH, 1, 0, 0 },
		{ "sigmoid", OP_SIGMOID, 1, 0, 0 }, { "relu", OP_RELU, 1, 0, 0 },
		{ "abs", OP_ABS, 1, 0, 0 },         { "pow", OP_POW, 2, 0, 0 },
		{ "maximum", OP_MAXIMUM, 2, 0, 0 }, { "minimum", OP_MINIMUM, 2, 0, 0 },
		{ "sum", OP_SUM, 1, 1, 1 },         { "mean", OP_MEAN, 1, 1, 1 },
		{ "max", OP_MAX, 1, 1, 1 },         { "min", OP_MIN, 1, 1, 1 },
		{ "softmax", OP_SOFTMAX, 1, 1, 0 }, { "log_softmax", OP_LOG_SOFTMAX, 1, 1, 0 },
		{ "logsumexp", OP_LOGSUMEXP, 1, 1, 1 },
		{ "transpose", OP_TRANSPOSE, 1, 0, 0 },
		{ "reshape", OP_RESHAPE, 2, 0, 0 },
		{ "cross_entropy", OP_CROSS_ENTROPY, 2, 0, 0 },
		{ "grad", OP_COUNT, 2, 0, 0 },
	};
	int f = -1;
	for (int i = 0; i < (int)(sizeof table / sizeof *table); i++)
		if (strcmp(table[i].name, e->name) == 0)
			f = i;
	if (f < 0) {
		Name *n = lookup(c, e->name);
		if (n)
			error_at(e->loc, "'%s' is not a function", e->name);
		else
			error_at(e->loc, "unknown function '%s'", e->name);
		return POISON;
	}
	Kwargs kw = { 0 };
	bool ok = kwargs(c, e, e->args, table[f].axis, table[f].keepdims, &kw);
	if (npos != table[f].nargs) {
		error_at(e->loc, "%s() takes %d argument%s, not %d", e->name, table[f].nargs,
		         table[f].nargs == 1 ? "" : "s", npos);
		return POISON;
	}
	Op op = table[f].op;
	if (op == OP_COUNT)
		return grad_expr(c, e, pos[0], pos[1]);
	int x = expr(c, pos[0]);
	if (op == OP_RESHAPE)
		return reshape(c, e, x, pos[1]);
	int y = npos > 1 ? expr(c, pos[1]) : POISON;
	if (!ok || x == POISON || (npos > 1 && y == POISON))
		return POISON;

	char b[256], b2[256];
	if (op == OP_CROSS_ENTROPY) {
		const Shape *ls = &node(c, x)->shape, *ys = &node(c, y)->shape;
		if (!is_real(c, x, pos[0]->loc, "the logits of 'cross_entropy'"))
			return POISON;
		if (node(c, y)->type != T_I32) {
			error_at(pos[1]->loc, "cross_entropy(logits, y): y must be an i32 input");
			return POISON;
		}
		if (ls->rank != 2 || ys->rank != 1 || !dim_eq(&ls->dim[0], &ys->dim[0])) {
			error_at(e->loc, "cross_entropy takes logits [N, C] and labels [N], not %s and %s",
			         shp(c, x, b, sizeof b), shp(c, y, b2, sizeof b2));
			return POISON;
		}
		Node n = ir_node(OP_CROSS_ENTROPY, c->g->real, shape_scalar(), e->loc);
		n.src[0] = x;
		n.src[1] = y;
		return ir_add(c->g, n);
	}
	if (!is_real(c, x, pos[0]->loc, arena_printf("an argument of '%s'", e->name)))
		return POISON;
	switch (op_info[op].kind) {
	case K_EW:
		if (op_info[op].arity == 1)
			return ir_unary(c->g, op, x, e->loc);
		return binary(c, op, e->name, x, y, e->loc);
	case K_REDUCE: {
		unsigned axes = (1u << node(c, x)->shape.rank) - 1;
		int axis;
		if (kw.has_axis) {
			if (!resolve_axis(c, &kw, x, &axis))
				return POISON;
			axes = 1u << axis;
		}
		return ir_reduce(c->g, op, x, axes, kw.keepdims, e->loc);
	}
	case K_AXIS: {
		int axis;
		if (!kw.has_axis)
			kw.axis = -1, kw.axis_loc = e->loc;
		if (!resolve_axis(c, &kw, x, &axis))
			return POISON;
		return ir_along(c->g, op, x, axis, kw.keepdims, e->loc);
	}
	case K_OTHER:
		if (op == OP_TRANSPOSE) {
			if (node(c, x)->shape.rank < 2) {
				error_at(e->loc, "transpose() needs at least 2 dims, not %s",
				         shp(c, x, b, sizeof b));
				return POISON;
			}
			return ir_transpose(c->g, x, e->loc);
		}
		break;
	default:
		break;
	}
	unreachable("function without a builder");
}

static int operator(Ctx *c, Expr *e, int a, int b)
{
	switch (e->op) {
	case B_ADD: return binary(c, OP_ADD, "+", a, b, e->loc);
	case B_SUB: return binary(c, OP_SUB, "-", a, b, e->loc);
	case B_MUL: return binary(c, OP_MUL, "*", a, b, e->loc);
	case B_DIV: return binary(c, OP_DIV, "/", a, b, e->loc);
	case B_POW: return binary(c, OP_POW, "**", a, b, e->loc);
	case B_MATMUL: return matmul(c, a, b, e->loc);
	}
	unreachable("bad operator");
}

/* x + y + z parses as ((x + y) + z): a sum of n terms is n levels deep on its left side. The
 * left spine is walked with an array, bottom up, so only right operands recurse (and those
 * nest at most MAX_NEST levels). Each operand is built before its operator, as before. */
static int chain(Ctx *c, Expr *e)
{
	int n = 0;
	for (Expr *p = e; p->kind == E_BIN; p = p->lhs)
		n++;
	Expr **spine = arena_alloc(sizeof *spine * (size_t)n);
	int i = n;
	for (Expr *p = e; p->kind == E_BIN; p = p->lhs)
		spine[--i] = p;
	int acc = expr(c, spine[0]->lhs);
	for (i = 0; i < n; i++) {
		int b = expr(c, spine[i]->rhs);
		acc = c->too_large ? POISON : operator(c, spine[i], acc, b);
	}
	return acc;
}

static int expr(Ctx *c, Expr *e)
{
	/* each call adds a few nodes at most (diff checks its own): stop at the bound */
	if (c->g->nnodes > MAX_NODES)
		graph_too_large(c, e->loc);
	if (c->too_large)
		return POISON;
	if (++c->depth > MAX_DEPTH) {
		c->depth = -1000000; /* report once */
		error_at(e->loc, "expression nested too deeply");
		return POISON;
	}
	int r = POISON;
	switch (e->kind) {
	case E_NUM:
		r = ir_const(c->g, e->num, e->loc);
		break;
	case E_NAME: {
		Name *n = lookup(c, e->name);
		if (!n) {
			if (is_function(e->name))
				error_at(e->loc, "'%s' is a function; call it as %s(...)", e->name,
				         e->name);
			else
				error_at(e->loc, "undefined name '%s'", e->name);
		} else if (n->kind == N_SIZE) {
			r = ir_count(c->g, dim_sym(n->node), e->loc);
		} else {
			r = n->node;
		}
		break;
	}
	case E_NEG: {
		int a = expr(c, e->lhs);
		if (a != POISON && is_real(c, a, e->loc, "the operand of '-'"))
			r = ir_unary(c->g, OP_NEG, a, e->loc);
		break;
	}
	case E_BIN:
		r = chain(c, e);
		break;
	case E_CALL:
		r = call(c, e);
		break;
	case E_LIST:
		error_at(e->loc, "a list like [2, 3] is only allowed as the shape of reshape()");
		break;
	}
	c->depth--;
	return r;
}

/* ---- statements ---- */

static void decl(Ctx *c, Stmt *s)
{
	Graph *g = c->g;
	DType type = g->real;
	bool ok = true;
	if (s->type) {
		if (strcmp(s->type, "i32") == 0) {
			if (s->kind == S_PARAM) {
				error_at(s->type_loc, "only inputs may be i32; params are trained");
				ok = false;
			}
			type = T_I32;
		} else if (strcmp(s->type, g->real == T_F64 ? "f64" : "f32") != 0) {
			error_at(s->type_loc, "element type '%s' is not allowed here (the graph is %s; "
			         "inputs may also be i32)", s->type, g->real == T_F64 ? "f64" : "f32");
			ok = false;
		}
	}
	Shape sh = shape_scalar();
	for (DimAst *d = s->dims; d; d = d->next) {
		if (sh.rank == MAX_RANK) {
			error_at(d->loc, "more than %d dims", MAX_RANK);
			ok = false;
			break;
		}
		if (!d->name) {
			if (d->value < 1) {
				error_at(d->loc, "dimension %lld is not positive", (long long)d->value);
				ok = false;
			}
			sh.dim[sh.rank++] = dim_int(d->value);
			continue;
		}
		Name *n = lookup(c, d->name);
		if (n && n->kind != N_SIZE) {
			error_at(d->loc, "'%s' is not a size name (it names a value)", d->name);
			ok = false;
			sh.dim[sh.rank++] = dim_int(1);
			continue;
		}
		if (!n) {
			if (g->nsyms == MAX_SYMS) {
				error_at(d->loc, "more than %d size names", MAX_SYMS);
				return;
			}
			if (!declare(c, d->name, d->loc, N_SIZE, g->nsyms, -1))
				return;
			g->sym[g->nsyms++] = d->name;
			n = c->names;
		}
		sh.dim[sh.rank++] = dim_sym(n->node);
	}
	if (ok && too_large(c, &sh, s->name_loc))
		ok = false;
	if (!ok) {
		declare(c, s->name, s->name_loc, N_VALUE, POISON, -1);
		return;
	}
	if (is_function(s->name) || lookup(c, s->name)) {
		declare(c, s->name, s->name_loc, N_VALUE, POISON, -1); /* reports */
		return;
	}
	int arg = graph_add_arg(g, s->name, s->kind == S_PARAM ? ARG_PARAM : ARG_INPUT, type, &sh,
	                        s->name_loc);
	declare(c, s->name, s->name_loc, N_ARG, g->arg[arg].node, arg);
}

static void let(Ctx *c, Stmt *s)
{
	c->depth = 0;
	int v = expr(c, s->expr);
	if (v != POISON && !c->g->node[v].name)
		c->g->node[v].name = s->name;
	declare(c, s->name, s->name_loc, N_VALUE, v, -1);
}

/* Looks a name up for output/grad; reports it and returns NULL when it cannot be used. */
static Name *use(Ctx *c, const char *s, Loc loc)
{
	Name *n = lookup(c, s);
	if (!n) {
		error_at(loc, "undefined name '%s'", s);
		return NULL;
	}
	if (n->kind == N_VALUE && n->node == POISON)
		return NULL;
	return n;
}

static int name_node(Ctx *c, Name *n, Loc loc)
{
	if (n->kind == N_SIZE)
		return ir_count(c->g, dim_sym(n->node), loc);
	return n->node;
}

static void output(Ctx *c, Stmt *s, bool *seen)
{
	if (*seen) {
		error_at(s->loc, "graph '%s' has more than one output statement", c->g->name);
		return;
	}
	*seen = true;
	int n = 0;
	for (NameList *l = s->names; l; l = l->next)
		n++;
	c->g->out = arena_alloc(sizeof *c->g->out * (size_t)n);
	for (NameList *l = s->names; l; l = l->next) {
		Name *v = use(c, l->name, l->loc);
		if (v)
			c->g->out[c->g->nouts++] = (Output){ l->name, name_node(c, v, l->loc) };
	}
}

static void grad_stmt(Ctx *c, Stmt *s, bool *seen)
{
	Graph *g = c->g;
	if (*seen) {
		error_at(s->loc, "graph '%s' has more than one grad statement", g->name);
		return;
	}
	*seen = true;
	int n = 0;
	for (NameList *l = s->names; l; l = l->next)
		n++;
	g->wrt = arena_alloc(sizeof *g->wrt * (size_t)n);
	g->dnode = arena_alloc(sizeof *g->dnode * (size_t)n);
	bool ok = true;
	Name *t = use(c, s->name, s->name_loc);
	ok = t != NULL;
	if (t && t->kind != N_SIZE && !is_real(c, t->node, s->name_loc, "differentiated"))
		ok = false;
	bool *listed = arena_alloc((size_t)g->nargs + 1); /* by arg: seen earlier in the list */
	for (NameList *l = s->names; l; l = l->next) {
		Name *x = use(c, l->name, l->loc);
		if (!x) {
			ok = false;
			continue;
		}
		if (x->kind != N_ARG) {
			error_at(l->loc, "cannot differentiate with respect to '%s': it is not an input "
			         "or param", l->name);
			ok = false;
			continue;
		}
		if (g->node[x->node].type == T_I32) {
			error_at(l->loc, "cannot differentiate with respect to i32 input '%s'", l->name);
			ok = false;
			continue;
		}
		if (listed[x->arg]) {
			error_at(l->loc, "'%s' appears twice in the wrt list", l->name);
			ok = false;
		}
		listed[x->arg] = true;
		g->wrt[g->nwrt++] = x->arg;
	}
	if (!ok)
		return;
	g->has_grad = true;
	g->grad_target = name_node(c, t, s->name_loc);
	g->grad_name = s->name;
}

/* Differentiates once every statement is in: the seed is 1 for a scalar target, otherwise an
 * extra argument carrying the upstream gradient. */
static void finish_grad(Ctx *c)
{
	Graph *g = c->g;
	int t = g->grad_target, seed;
	Shape ts = g->node[t].shape;
	if (ts.rank == 0) {
		seed = ir_const(g, 1, g->node[t].loc);
	} else {
		g->upstream = graph_add_arg(g, g->grad_name, ARG_UPSTREAM, g->real, &ts,
		                            g->node[t].loc);
		seed = g->arg[g->upstream].node;
	}
	int *wrt_nodes = arena_alloc(sizeof *wrt_nodes * (size_t)g->nwrt);
	for (int i = 0; i < g->nwrt; i++)
		wrt_nodes[i] = g->arg[g->wrt[i]].node;
	if (!diff_bounded(g, t, seed, wrt_nodes, g->nwrt, g->dnode, MAX_NODES))
		graph_too_large(c, g->node[t].loc);
}

static Graph *build_graph(GraphAst *ga)
{
	DType real = T_F32;
	if (ga->type) {
		if (strcmp(ga->type, "f64") == 0)
			real = T_F64;
		else if (strcmp(ga->type, "f32") != 0)
			error_at(ga->type_loc, "unknown element type '%s' (a graph is f32 or f64)",
			         ga->type);
	}
	Ctx c = { .g = graph_new(ga->name, real, ga->loc) };
	bool seen_output = false, seen_grad = false;
	int errors = diag_errors();
	for (Stmt *s = ga->stmts; s; s = s->next) {
		switch (s->kind) {
		case S_INPUT:
		case S_PARAM: decl(&c, s); break;
		case S_LET: let(&c, s); break;
		case S_OUTPUT: output(&c, s, &seen_output); break;
		case S_GRAD: grad_stmt(&c, s, &seen_grad); break;
		}
	}
	if (!seen_output)
		error_at(ga->end_loc, "graph '%s' has no output statement", ga->name);
	if (diag_errors() != errors)
		return NULL;
	if (c.g->has_grad)
		finish_grad(&c);
	return diag_errors() != errors ? NULL : c.g;
}

Module *build_module(GraphAst *graphs)
{
	Module *m = arena_alloc(sizeof *m);
	int n = 0;
	for (GraphAst *g = graphs; g; g = g->next)
		n++;
	m->graph = arena_alloc(sizeof *m->graph * (size_t)(n ? n : 1));
	SymTab seen = { 0 };
	for (GraphAst *g = graphs; g; g = g->next) {
		GraphAst *p = symtab_get(&seen, g->name);
		if (p)
			error_at(g->loc, "redefinition of graph '%s' (first defined at line %d)",
			         g->name, p->loc.first_line);
		else
			symtab_put(&seen, g->name, g);
		Graph *ir = build_graph(g);
		if (ir)
			m->graph[m->ngraphs++] = ir;
	}
	return diag_errors() ? NULL : m;
}
