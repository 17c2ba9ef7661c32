/* emit_c.c: the IR as C. One function per construct; every line goes through line().
 *
 * For each graph G: G_workspace_bytes, G_forward, and G_grad when asked for. A function computes
 * the nodes its results need, in node order, one loop nest per node; a result is computed
 * straight into the caller's pointer when it can be, and copied there otherwise. Intermediate
 * tensors live in the caller's workspace, scalars in locals.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "util.h"

typedef enum FnKind { FN_FORWARD, FN_GRAD } FnKind;

typedef enum StoreKind {
	ST_NONE,  /* not needed by this function */
	ST_CONST, /* a literal, no memory */
	ST_PTR,   /* an argument pointer: input, output or gradient */
	ST_LOCAL, /* a scalar in a local array of one */
	ST_WS     /* a slot of the workspace */
} StoreKind;

typedef struct Sink {
	int node;
	const char *ptr; /* the output or gradient argument */
} Sink;

/* Where every node of one function lives. */
typedef struct Plan {
	FnKind kind;
	Sink *sink;
	int nsinks;
	bool *live;
	StoreKind *store;
	const char **ptr; /* C expression of the node's buffer */
	int *slot;        /* ST_WS nodes, in node order */
	int nslots;
} Plan;

/* C names for one graph, shared by its header and all its functions. */
typedef struct Names {
	const char **taken;
	int ntaken, captaken;
	const char *sym[MAX_SYMS];
	const char **arg;  /* per Graph.arg */
	const char **out;  /* per output */
	const char **d;    /* per wrt */
	const char **node; /* per node: the buffer's name when it has one */
} Names;

typedef struct Emit {
	FILE *f;
	int depth;
	const Graph *g;
	const char *T;  /* element type */
	const char *fs; /* libm suffix: "f" for float */
	Names nm;
	bool sym_used[MAX_SYMS];
	bool ws_used;
} Emit;

static void line(Emit *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void line(Emit *e, const char *fmt, ...)
{
	for (int i = 0; i < e->depth; i++)
		fputc('\t', e->f);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(e->f, fmt, ap);
	va_end(ap);
	fputc('\n', e->f);
}

/* ---- names ---- */

static const char *const reserved[] = {
	/* C and C++ keywords, so the header works for both */
	"auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
	"enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
	"restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
	"union", "unsigned", "void", "volatile", "while", "bool", "true", "false", "alignas",
	"alignof", "static_assert", "thread_local", "typeof", "nullptr", "constexpr", "asm",
	"class", "new", "delete", "this", "template", "typename", "namespace", "operator",
	"private", "public", "protected", "virtual", "friend", "try", "catch", "throw",
	"explicit", "mutable", "using", "export", "and", "or", "not", "xor", "bitand", "bitor",
	"compl", "and_eq", "or_eq", "xor_eq", "not_eq", "wchar_t", "char8_t", "char16_t",
	"char32_t", "decltype", "noexcept", "concept", "requires", "co_await", "co_return",
	"co_yield", "consteval", "constinit", "static_cast", "dynamic_cast", "reinterpret_cast",
	"const_cast", "typeid",
	/* what generated code names itself */
	"int64_t", "int32_t", "size_t", "NULL", "INFINITY", "NAN", "isinf", "isnan",
	"math_errhandling", "offsetof", "ws", "off", "acc", "mx", "sm", "lse", "lab", "row",
	"av", "exp", "expf", "log", "logf", "sqrt", "sqrtf", "tanh", "tanhf", "pow", "powf",
	"fabs", "fabsf",
};

static bool is_reserved(const char *s)
{
	for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
		if (strcmp(s, reserved[i]) == 0)
			return true;
	/* temporaries t0.., loop indices i0.., the runtime, the implementation, header macros */
	if ((s[0] == 't' || s[0] == 'i') && s[1] && strspn(s + 1, "0123456789") == strlen(s + 1))
		return true;
	static const char *const prefixes[] = { "morch_", "MORCH_", "__", "M_", "FP_", "INT",
	                                        "UINT", "HUGE_", "SIZE_", "PTRDIFF_", "MATH_" };
	for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
		if (strncmp(s, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return s[0] == '_' && s[1] >= 'A' && s[1] <= 'Z';
}

/* A C name for `want`, made unique within the graph by appending '_'. */
static const char *cname(Names *nm, const char *want)
{
	const char *s = want;
	for (;;) {
		bool clash = is_reserved(s);
		for (int i = 0; i < nm->ntaken && !clash; i++)
			clash = strcmp(nm->taken[i], s) == 0;
		if (!clash)
			break;
		s = arena_printf("%s_", s);
	}
	ARRAY_PUSH(nm->taken, nm->ntaken, nm->captaken, s);
	return s;
}

static void name_graph(Emit *e)
{
	const Graph *g = e->g;
	Names *nm = &e->nm;
	memset(nm, 0, sizeof *nm);
	for (int i = 0; i < g->nsyms; i++)
		nm->sym[i] = cname(nm, g->sym[i]);
	nm->arg = arena_alloc(sizeof *nm->arg * (size_t)(g->nargs + 1));
	for (int i = 0; i < g->nargs; i++)
		nm->arg[i] = cname(nm, g->arg[i].role == ARG_UPSTREAM
		                           ? arena_printf("up_%s", g->arg[i].name)
		                           : g->arg[i].name);
	nm->out = arena_alloc(sizeof *nm->out * (size_t)(g->nouts + 1));
	for (int i = 0; i < g->nouts; i++)
		nm->out[i] = cname(nm, arena_printf("out_%s", g->out[i].name));
	nm->d = arena_alloc(sizeof *nm->d * (size_t)(g->nwrt + 1));
	for (int i = 0; i < g->nwrt; i++)
		nm->d[i] = cname(nm, arena_printf("d_%s", g->arg[g->wrt[i]].name));
	nm->node = arena_alloc(sizeof *nm->node * (size_t)g->nnodes);
}

/* A user's name for the buffer when the node has one, else t<id>: user names of that form are
 * reserved, so the two never meet. */
static const char *node_name(Emit *e, int id)
{
	if (!e->nm.node[id]) {
		const Node *n = &e->g->node[id];
		const char *s = arena_printf("t%d", id);
		if (n->name)
			s = cname(&e->nm, n->name);
		else
			ARRAY_PUSH(e->nm.taken, e->nm.ntaken, e->nm.captaken, s);
		e->nm.node[id] = s;
	}
	return e->nm.node[id];
}

/* ---- dims and literals ---- */

/* A dim as a C expression of int64_t: "4", "N", "4 * N". */
static const char *dim_c(Emit *e, Dim d)
{
	for (int i = 0; i < MAX_SYMS; i++)
		if (d.exp[i])
			e->sym_used[i] = true;
	Graph tmp = *e->g; /* print with C names of the sizes */
	for (int i = 0; i < e->g->nsyms; i++)
		tmp.sym[i] = e->nm.sym[i];
	char buf[512];
	return arena_strdup(dim_str(&tmp, &d, " * ", buf, sizeof buf));
}

/* The shortest literal that reads back as v in the graph's type. */
static const char *literal(Emit *e, double v)
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

/* ---- planning ---- */

static bool computes(const Node *n)
{
	return n->op != OP_INPUT && n->op != OP_CONST && n->op != OP_RESHAPE;
}

static int view_base(const Graph *g, int id)
{
	while (g->node[id].op == OP_RESHAPE)
		id = g->node[id].src[0];
	return id;
}

static Plan plan_function(Emit *e, FnKind kind)
{
	const Graph *g = e->g;
	int n = g->nnodes;
	Plan p = { kind, NULL, 0, NULL, NULL, NULL, NULL, 0 };
	p.sink = arena_alloc(sizeof *p.sink * (size_t)(g->nouts + g->nwrt + 1));
	for (int i = 0; i < g->nouts; i++)
		p.sink[p.nsinks++] = (Sink){ g->out[i].node, e->nm.out[i] };
	if (kind == FN_GRAD)
		for (int i = 0; i < g->nwrt; i++)
			p.sink[p.nsinks++] = (Sink){ g->dnode[i], e->nm.d[i] };

	p.live = arena_alloc((size_t)n);
	p.store = arena_alloc(sizeof *p.store * (size_t)n);
	p.ptr = arena_alloc(sizeof *p.ptr * (size_t)n);
	p.slot = arena_alloc(sizeof *p.slot * (size_t)n);
	for (int i = 0; i < p.nsinks; i++)
		p.live[p.sink[i].node] = true;
	for (int i = n - 1; i >= 0; i--)
		if (p.live[i])
			for (int k = 0; k < op_info[g->node[i].op].arity; k++)
				p.live[g->node[i].src[k]] = true;

	/* A result is computed in place when its value is computed here (or is a view of one). */
	for (int i = 0; i < p.nsinks; i++) {
		int base = view_base(g, p.sink[i].node);
		if (computes(&g->node[base]) && p.store[base] == ST_NONE) {
			p.store[base] = ST_PTR;
			p.ptr[base] = p.sink[i].ptr;
		}
	}
	/* Constants are literals, but ops that index their operands' memory need a buffer. */
	bool *in_memory = arena_alloc((size_t)n);
	for (int i = 0; i < n; i++)
		if (p.live[i] && computes(&g->node[i]) && op_info[g->node[i].op].kind != K_EW)
			for (int k = 0; k < op_info[g->node[i].op].arity; k++)
				in_memory[view_base(g, g->node[i].src[k])] = true;
	for (int i = 0; i < n; i++) {
		const Node *nd = &g->node[i];
		if (!p.live[i] || p.store[i] != ST_NONE)
			continue;
		if (nd->op == OP_CONST && in_memory[i]) {
			p.store[i] = ST_LOCAL;
			p.ptr[i] = node_name(e, i);
			continue;
		}
		if (nd->op == OP_INPUT) {
			p.store[i] = ST_PTR;
			p.ptr[i] = e->nm.arg[nd->attr.input.arg];
		} else if (nd->op == OP_CONST) {
			p.store[i] = ST_CONST;
		} else if (nd->op == OP_RESHAPE) {
			p.store[i] = p.store[nd->src[0]];
			p.ptr[i] = p.ptr[nd->src[0]];
		} else if (nd->shape.rank == 0) {
			p.store[i] = ST_LOCAL;
			p.ptr[i] = node_name(e, i);
		} else {
			p.store[i] = ST_WS;
			p.ptr[i] = node_name(e, i);
			p.slot[p.nslots++] = i;
		}
	}
	return p;
}

static size_t elem_size(const Emit *e)
{
	return e->g->real == T_F64 ? 8 : 4;
}

/* True when every workspace slot of every function has a size known now. */
static bool ws_constant(const Graph *g, const Plan *plans, int nplans, size_t *bytes)
{
	size_t most = 0;
	for (int k = 0; k < nplans; k++) {
		size_t total = 0;
		for (int s = 0; s < plans[k].nslots; s++) {
			Dim c = shape_count(&g->node[plans[k].slot[s]].shape);
			if (!dim_is_const(&c))
				return false;
			size_t b = (size_t)c.coef * (g->real == T_F64 ? 8 : 4);
			total += (b + 63) / 64 * 64;
		}
		if (total > most)
			most = total;
	}
	*bytes = most;
	return true;
}

/* ---- loop nests ---- */

/* Loops over the dims of a shape that are not 1, adjacent dims merged where every operand
 * walks them alike; per operand, the stride of each loop (absent: the operand is broadcast). */
typedef struct Nest {
	int n;
	Dim size[MAX_RANK];
	bool has[MAX_SRC + 1][MAX_RANK];
	Dim stride[MAX_SRC + 1][MAX_RANK];
} Nest;

static Nest make_nest(const Shape *full, int nops, bool present[][MAX_RANK])
{
	Nest t;
	memset(&t, 0, sizeof t);
	for (int d = 0; d < full->rank; d++) {
		if (dim_is_one(&full->dim[d]))
			continue;
		bool same = t.n > 0;
		for (int k = 0; k < nops && same; k++)
			same = t.has[k][t.n - 1] == present[k][d];
		if (same) {
			t.size[t.n - 1] = dim_mul(t.size[t.n - 1], full->dim[d]);
			continue;
		}
		t.size[t.n] = full->dim[d];
		for (int k = 0; k < nops; k++)
			t.has[k][t.n] = present[k][d];
		t.n++;
	}
	for (int k = 0; k < nops; k++) {
		Dim s = dim_int(1);
		for (int l = t.n - 1; l >= 0; l--)
			if (t.has[k][l]) {
				t.stride[k][l] = s;
				s = dim_mul(s, t.size[l]);
			}
	}
	return t;
}

/* The index of operand k in loops [0, upto): "i0 * 4 + i1". */
static const char *index_c(Emit *e, const Nest *t, int k, int upto)
{
	char *s = "";
	for (int l = 0; l < upto; l++) {
		if (!t->has[k][l])
			continue;
		const char *term = dim_is_one(&t->stride[k][l])
		                           ? arena_printf("i%d", l)
		                           : arena_printf("i%d * %s", l, dim_c(e, t->stride[k][l]));
		s = arena_printf("%s%s%s", s, *s ? " + " : "", term);
	}
	return *s ? s : "0";
}

static void open_loops(Emit *e, const Nest *t, int from, int to)
{
	for (int l = from; l < to; l++) {
		line(e, "for (int64_t i%d = 0; i%d < %s; i%d++) {", l, l, dim_c(e, t->size[l]), l);
		e->depth++;
	}
}

/* Locals of a node's code at function level go in a block of their own. */
static void open_block(Emit *e)
{
	line(e, "{");
	e->depth++;
}

static void close_loops(Emit *e, int n)
{
	for (; n > 0; n--) {
		e->depth--;
		line(e, "}");
	}
}

/* ---- node code ---- */

/* The value of a constant node (or a view of one) as a C expression. */
static const char *const_value(Emit *e, int id)
{
	const Node *n = &e->g->node[view_base(e->g, id)];
	if (dim_is_one(&n->attr.cst.scale))
		return literal(e, n->attr.cst.value);
	const char *d = dim_c(e, n->attr.cst.scale);
	if (n->attr.cst.value == 1)
		return arena_printf("((%s)(%s))", e->T, d);
	return arena_printf("(%s * (%s)(%s))", literal(e, n->attr.cst.value), e->T, d);
}

/* Reading one element of node id at index idx. */
static const char *load(Emit *e, const Plan *p, int id, const char *idx)
{
	if (p->store[id] == ST_CONST)
		return const_value(e, id);
	return arena_printf("%s[%s]", p->ptr[id], e->g->node[id].shape.rank ? idx : "0");
}

/* Expands an ops.def expression: %0 %1 operands, @f libm calls, $T the type. */
static const char *ew_expr(Emit *e, const char *tmpl, const char *const *arg)
{
	char *s = "";
	for (const char *c = tmpl; *c; c++) {
		if (*c == '%') {
			s = arena_printf("%s%s", s, arg[*++c - '0']);
		} else if (*c == '@') {
			size_t len = strspn(c + 1, "abcdefghijklmnopqrstuvwxyz");
			s = arena_printf("%s%.*s%s", s, (int)len, c + 1, e->fs);
			c += len;
		} else if (*c == '$' && c[1] == 'T') {
			s = arena_printf("%s%s", s, e->T);
			c++;
		} else {
			s = arena_printf("%s%c", s, *c);
		}
	}
	return s;
}

static void emit_elementwise(Emit *e, const Plan *p, int id)
{
	const Node *n = &e->g->node[id];
	int arity = op_info[n->op].arity;
	bool present[MAX_SRC + 1][MAX_RANK];
	for (int d = 0; d < n->shape.rank; d++) {
		present[0][d] = true;
		for (int k = 0; k < arity; k++) {
			const Shape *s = &e->g->node[n->src[k]].shape;
			int sd = d - (n->shape.rank - s->rank);
			present[k + 1][d] = sd >= 0 && !dim_is_one(&s->dim[sd]);
		}
	}
	Nest t = make_nest(&n->shape, arity + 1, present);
	const char *arg[MAX_SRC];
	for (int k = 0; k < arity; k++)
		arg[k] = load(e, p, n->src[k], index_c(e, &t, k + 1, t.n));
	open_loops(e, &t, 0, t.n);
	line(e, "%s = %s;", load(e, p, id, index_c(e, &t, 0, t.n)),
	     ew_expr(e, op_info[n->op].expr, arg));
	close_loops(e, t.n);
}

/* The running combination of a reduction, its start and its end. */
static const char *reduce_step(const Emit *e, Op op, const char *acc, const char *v)
{
	(void)e;
	switch (op) {
	case OP_MAX: /* NaN sticks, as in torch.amax */
		return arena_printf("%s = %s != %s || %s <= %s ? %s : %s", acc, acc, acc, v, acc, acc, v);
	case OP_MIN:
		return arena_printf("%s = %s != %s || %s >= %s ? %s : %s", acc, acc, acc, v, acc, acc, v);
	default:
		return arena_printf("%s += %s", acc, v);
	}
}

static const char *reduce_init(Op op)
{
	return op == OP_MAX ? "-INFINITY" : op == OP_MIN ? "INFINITY" : "0";
}

static void emit_reduce(Emit *e, const Plan *p, int id)
{
	const Node *n = &e->g->node[id];
	const Node *x = &e->g->node[n->src[0]];
	unsigned axes = n->attr.reduce.axes;
	bool present[2][MAX_RANK];
	for (int d = 0; d < x->shape.rank; d++) {
		present[0][d] = true;
		present[1][d] = !(axes >> d & 1);
	}
	Nest t = make_nest(&x->shape, 2, present);
	Dim count = dim_int(1);
	for (int l = 0; l < t.n; l++)
		if (!t.has[1][l])
			count = dim_mul(count, t.size[l]);
	const char *mean_div = n->op == OP_MEAN && !dim_is_one(&count)
	                               ? arena_printf(" / (%s)(%s)", e->T, dim_c(e, count))
	                               : "";
	/* The reduced loops form a suffix: one accumulator per result. */
	int suffix = t.n;
	while (suffix > 0 && !t.has[1][suffix - 1])
		suffix--;
	bool inner_only = true;
	for (int l = 0; l < suffix; l++)
		inner_only &= t.has[1][l];
	const char *in = load(e, p, n->src[0], index_c(e, &t, 0, t.n));
	const char *out = load(e, p, id, index_c(e, &t, 1, t.n));
	if (inner_only) {
		if (suffix == 0)
			open_block(e);
		open_loops(e, &t, 0, suffix);
		line(e, "%s acc = %s;", e->T, reduce_init(n->op));
		open_loops(e, &t, suffix, t.n);
		line(e, "%s;", reduce_step(e, n->op, "acc", in));
		close_loops(e, t.n - suffix);
		line(e, "%s = acc%s;", out, mean_div);
		close_loops(e, suffix ? suffix : 1);
		return;
	}
	/* Reduced loops outside kept ones (a column sum): accumulate in place, rows in order. */
	Dim nout = shape_count(&n->shape);
	line(e, "for (int64_t i0 = 0; i0 < %s; i0++)", dim_c(e, nout));
	line(e, "\t%s[i0] = %s;", p->ptr[id], reduce_init(n->op));
	open_loops(e, &t, 0, t.n);
	line(e, "%s;", reduce_step(e, n->op, out, in));
	close_loops(e, t.n);
	if (*mean_div) {
		line(e, "for (int64_t i0 = 0; i0 < %s; i0++)", dim_c(e, nout));
		line(e, "\t%s[i0] = %s[i0]%s;", p->ptr[id], p->ptr[id], mean_div);
	}
}

/* Splits a shape around one axis: outer dims, the axis, inner dims. */
static void around_axis(const Shape *s, int axis, Dim *outer, Dim *len, Dim *inner)
{
	*outer = dim_int(1);
	*inner = dim_int(1);
	for (int d = 0; d < axis; d++)
		*outer = dim_mul(*outer, s->dim[d]);
	for (int d = axis + 1; d < s->rank; d++)
		*inner = dim_mul(*inner, s->dim[d]);
	*len = s->dim[axis];
}

/* "i0 * a + i1 * b + i2" for the loops that exist. */
static const char *axis_index(Emit *e, bool has_outer, Dim len, Dim inner, bool has_inner,
                              bool along)
{
	Dim row = dim_mul(len, inner);
	char *s = "";
	if (has_outer)
		s = dim_is_one(&row) ? "i0" : arena_printf("i0 * %s", dim_c(e, along ? row : inner));
	if (along)
		s = arena_printf("%s%si1%s%s", s, *s ? " + " : "", dim_is_one(&inner) ? "" : " * ",
		                 dim_is_one(&inner) ? "" : dim_c(e, inner));
	if (has_inner)
		s = arena_printf("%s%si2", s, *s ? " + " : "");
	return *s ? s : "0";
}

static void emit_along(Emit *e, const Plan *p, int id)
{
	const Node *n = &e->g->node[id];
	int x = n->src[0];
	Dim outer, len, inner;
	around_axis(&e->g->node[x].shape, n->attr.along.axis, &outer, &len, &inner);
	bool ho = !dim_is_one(&outer), hi = !dim_is_one(&inner);
	const char *xi = load(e, p, x, axis_index(e, ho, len, inner, hi, true));
	int loops = 0;
	if (ho) {
		line(e, "for (int64_t i0 = 0; i0 < %s; i0++) {", dim_c(e, outer));
		e->depth++, loops++;
	}
	if (hi) {
		line(e, "for (int64_t i2 = 0; i2 < %s; i2++) {", dim_c(e, inner));
		e->depth++, loops++;
	}
	if (!loops) {
		open_block(e);
		loops++;
	}
	const char *L = dim_c(e, len);
	line(e, "%s mx = -INFINITY, sm = 0;", e->T);
	line(e, "for (int64_t i1 = 0; i1 < %s; i1++)", L);
	line(e, "\tmx = %s > mx ? %s : mx;", xi, xi);
	line(e, "if (isinf(mx))");
	line(e, "\tmx = 0; /* all -inf (or an inf): keep inf - inf from making NaN */");
	line(e, "for (int64_t i1 = 0; i1 < %s; i1++)", L);
	line(e, "\tsm += exp%s(%s - mx);", e->fs, xi);
	if (n->op == OP_SOFTMAX) {
		const char *yi = load(e, p, id, axis_index(e, ho, len, inner, hi, true));
		line(e, "for (int64_t i1 = 0; i1 < %s; i1++)", L);
		line(e, "\t%s = exp%s(%s - mx) / sm;", yi, e->fs, xi);
	} else if (n->op == OP_LOG_SOFTMAX) {
		const char *yi = load(e, p, id, axis_index(e, ho, len, inner, hi, true));
		line(e, "%s lse = log%s(sm);", e->T, e->fs);
		line(e, "for (int64_t i1 = 0; i1 < %s; i1++)", L);
		line(e, "\t%s = %s - mx - lse;", yi, xi);
	} else {
		line(e, "%s = mx + log%s(sm);", load(e, p, id, axis_index(e, ho, len, inner, hi, false)),
		     e->fs);
	}
	close_loops(e, loops);
}

/* The body both untransposed-B orders share: row i0 of C += A(i0, i2) * row i2 of B. */
static void row_update(Emit *e, const char *aik, const char *B, const char *C, const char *N)
{
	line(e, "\t\t%s av = %s;", e->T, aik);
	line(e, "\t\tfor (int64_t i1 = 0; i1 < %s; i1++)", N);
	line(e, "\t\t\t%s[i0 * %s + i1] += av * %s[i2 * %s + i1];", C, N, B, N);
	line(e, "\t}");
}

static void emit_matmul(Emit *e, const Plan *p, int id)
{
	const Node *n = &e->g->node[id];
	const Node *a = &e->g->node[n->src[0]], *b = &e->g->node[n->src[1]];
	bool ta = n->attr.mm.ta, tb = n->attr.mm.tb;
	const Dim *ad = &a->shape.dim[a->shape.rank - 2], *bd = &b->shape.dim[b->shape.rank - 2];
	const char *M = dim_c(e, ad[ta ? 1 : 0]), *K = dim_c(e, ad[ta ? 0 : 1]);
	const char *N = dim_c(e, bd[tb ? 0 : 1]);
	const char *A = p->ptr[n->src[0]], *B = p->ptr[n->src[1]], *C = p->ptr[id];
	bool batched = n->shape.rank == 3 && !dim_is_one(&n->shape.dim[0]);
	if (batched) {
		/* Operands without a batch dim, or with a batch of 1, are shared by every batch. */
		bool ab = a->shape.rank == 3 && !dim_is_one(&a->shape.dim[0]);
		bool bb = b->shape.rank == 3 && !dim_is_one(&b->shape.dim[0]);
		line(e, "for (int64_t i3 = 0; i3 < %s; i3++) {", dim_c(e, n->shape.dim[0]));
		e->depth++;
		line(e, "const %s *restrict ma = %s%s;", e->T, A,
		     ab ? arena_printf(" + i3 * %s * %s", M, K) : "");
		line(e, "const %s *restrict mb = %s%s;", e->T, B,
		     bb ? arena_printf(" + i3 * %s * %s", K, N) : "");
		line(e, "%s *restrict mc = %s + i3 * %s * %s;", e->T, C, M, N);
		A = "ma", B = "mb", C = "mc";
	}
	const char *aik = ta ? arena_printf("%s[i2 * %s + i0]", A, M) : arena_printf("%s[i0 * %s + i2]", A, K);
	if (!tb && !ta) { /* i, k, j: the inner loop runs along rows of B and C */
		line(e, "for (int64_t i0 = 0; i0 < %s; i0++) {", M);
		line(e, "\tfor (int64_t i1 = 0; i1 < %s; i1++)", N);
		line(e, "\t\t%s[i0 * %s + i1] = 0;", C, N);
		line(e, "\tfor (int64_t i2 = 0; i2 < %s; i2++) {", K);
		row_update(e, aik, B, C, N);
		line(e, "}");
	} else if (!tb) { /* A transposed: k, i, j, so A is read along its rows too */
		line(e, "for (int64_t i0 = 0; i0 < %s; i0++)",
		     dim_c(e, dim_mul(ad[ta ? 1 : 0], bd[tb ? 0 : 1])));
		line(e, "\t%s[i0] = 0;", C);
		line(e, "for (int64_t i2 = 0; i2 < %s; i2++) {", K);
		line(e, "\tfor (int64_t i0 = 0; i0 < %s; i0++) {", M);
		row_update(e, aik, B, C, N);
		line(e, "}");
	} else { /* B transposed: each result is a dot product of rows */
		line(e, "for (int64_t i0 = 0; i0 < %s; i0++) {", M);
		line(e, "\tfor (int64_t i1 = 0; i1 < %s; i1++) {", N);
		line(e, "\t\t%s acc = 0;", e->T);
		line(e, "\t\tfor (int64_t i2 = 0; i2 < %s; i2++)", K);
		line(e, "\t\t\tacc += %s * %s[i1 * %s + i2];", aik, B, K);
		line(e, "\t\t%s[i0 * %s + i1] = acc;", C, N);
		line(e, "\t}");
		line(e, "}");
	}
	if (batched) {
		e->depth--;
		line(e, "}");
	}
}

static void emit_transpose(Emit *e, const Plan *p, int id)
{
	const Node *n = &e->g->node[id];
	const Shape *s = &e->g->node[n->src[0]].shape;
	Dim batch = dim_int(1);
	for (int d = 0; d < s->rank - 2; d++)
		batch = dim_mul(batch, s->dim[d]);
	const char *R = dim_c(e, s->dim[s->rank - 2]), *C = dim_c(e, s->dim[s->rank - 1]);
	const char *x = p->ptr[n->src[0]], *y = p->ptr[id];
	bool hb = !dim_is_one(&batch);
	const char *base = hb ? arena_printf("i2 * %s * %s + ", R, C) : "";
	if (hb) {
		line(e, "for (int64_t i2 = 0; i2 < %s; i2++) {", dim_c(e, batch));
		e->depth++;
	}
	line(e, "for (int64_t i0 = 0; i0 < %s; i0++)", C);
	line(e, "\tfor (int64_t i1 = 0; i1 < %s; i1++)", R);
	line(e, "\t\t%s[%si0 * %s + i1] = %s[%si1 * %s + i0];", y, base, R, x, base, C);
	if (hb) {
		e->depth--;
		line(e, "}");
	}
}

static void emit_labels(Emit *e, const Plan *p, int id)
{
	const Node *n = &e->g->node[id];
	const char *T = e->T;
	if (n->op == OP_ONEHOT) {
		const char *N = dim_c(e, n->shape.dim[0]), *C = dim_c(e, n->shape.dim[1]);
		line(e, "for (int64_t i0 = 0; i0 < %s; i0++) {", N);
		line(e, "\tint32_t lab = %s[i0];", p->ptr[n->src[0]]);
		line(e, "\tfor (int64_t i1 = 0; i1 < %s; i1++) /* a bad label gives a row of NaN */",
		     C);
		line(e, "\t\t%s[i0 * %s + i1] = lab >= 0 && lab < %s ? (%s)(lab == i1) : NAN;",
		     p->ptr[id], C, C, T);
		line(e, "}");
		return;
	}
	const Shape *ls = &e->g->node[n->src[0]].shape;
	const char *N = dim_c(e, ls->dim[0]), *C = dim_c(e, ls->dim[1]);
	const char *x = p->ptr[n->src[0]], *y = p->ptr[n->src[1]];
	if (n->op == OP_NLL) { /* -mean of logprobs[i, y[i]] (the optimizer's cross_entropy) */
		open_block(e);
		line(e, "%s acc = 0;", T);
		line(e, "for (int64_t i0 = 0; i0 < %s; i0++) {", N);
		line(e, "	int32_t lab = %s[i0];", y);
		line(e, "	acc += lab >= 0 && lab < %s ? -%s[i0 * %s + lab] : NAN;", C, x, C);
		line(e, "}");
		line(e, "%s[0] = acc / (%s)(%s);", p->ptr[id], T, N);
		close_loops(e, 1);
		return;
	}
	open_block(e);
	line(e, "%s acc = 0;", T);
	line(e, "for (int64_t i0 = 0; i0 < %s; i0++) {", N);
	line(e, "\tconst %s *row = %s + i0 * %s;", T, x, C);
	line(e, "\t%s mx = -INFINITY, sm = 0;", T);
	line(e, "\tfor (int64_t i1 = 0; i1 < %s; i1++)", C);
	line(e, "\t\tmx = row[i1] > mx ? row[i1] : mx;");
	line(e, "\tif (isinf(mx))");
	line(e, "\t\tmx = 0;");
	line(e, "\tfor (int64_t i1 = 0; i1 < %s; i1++)", C);
	line(e, "\t\tsm += exp%s(row[i1] - mx);", e->fs);
	line(e, "\tint32_t lab = %s[i0];", y);
	line(e, "\tacc += lab >= 0 && lab < %s ? (mx - row[lab]) + log%s(sm) : NAN;", C, e->fs);
	line(e, "}");
	line(e, "%s[0] = acc / (%s)(%s);", p->ptr[id], T, N);
	close_loops(e, 1);
}

/* A comment naming what a node computes: "t5 = add(1, t4)  [3, 3]". */
static void comment(Emit *e, const Plan *p, int id)
{
	const Node *n = &e->g->node[id];
	char *args = "";
	for (int k = 0; k < op_info[n->op].arity; k++) {
		int s = n->src[k];
		const char *a = p->store[s] == ST_CONST ? load(e, p, s, "0") : p->ptr[s];
		args = arena_printf("%s%s%s", args, k ? ", " : "", a);
	}
	const char *attr = "";
	if (op_info[n->op].kind == K_REDUCE) {
		const Shape *xs = &e->g->node[n->src[0]].shape;
		if (n->attr.reduce.axes != (1u << xs->rank) - 1)
			for (int d = 0; d < xs->rank; d++)
				if (n->attr.reduce.axes >> d & 1)
					attr = arena_printf("%s, axis=%d", attr, d);
		if (n->attr.reduce.keepdims)
			attr = arena_printf("%s, keepdims=true", attr);
	} else if (op_info[n->op].kind == K_AXIS) {
		attr = arena_printf(", axis=%d", n->attr.along.axis);
	} else if (n->op == OP_MATMUL && (n->attr.mm.ta || n->attr.mm.tb)) {
		attr = arena_printf("%s%s", n->attr.mm.ta ? ", ta" : "", n->attr.mm.tb ? ", tb" : "");
	}
	char sh[256];
	Graph tmp = *e->g;
	for (int i = 0; i < e->g->nsyms; i++)
		tmp.sym[i] = e->nm.sym[i];
	line(e, "/* %s = %s(%s%s)  %s%s%s */", p->ptr[id], op_info[n->op].name, args, attr,
	     shape_str(&tmp, &n->shape, sh, sizeof sh), n->name ? ", " : "",
	     n->name ? arena_printf("'%s', line %d", n->name, n->loc.first_line) : "");
}

static void emit_node(Emit *e, const Plan *p, int id)
{
	const Node *n = &e->g->node[id];
	comment(e, p, id);
	switch (op_info[n->op].kind) {
	case K_EW: emit_elementwise(e, p, id); return;
	case K_REDUCE: emit_reduce(e, p, id); return;
	case K_AXIS: emit_along(e, p, id); return;
	case K_MATMUL: emit_matmul(e, p, id); return;
	case K_OTHER:
		if (n->op == OP_TRANSPOSE)
			emit_transpose(e, p, id);
		else
			emit_labels(e, p, id);
		return;
	case K_LEAF:
	case K_VIEW:
		break;
	}
	unreachable("node kind without code");
}

/* Copies a result that was not computed in place: an input, a constant, a second use. */
static void emit_copy(Emit *e, const Plan *p, const Sink *s)
{
	const Node *n = &e->g->node[s->node];
	line(e, "/* %s = %s */", s->ptr,
	     p->store[s->node] == ST_CONST ? load(e, p, s->node, "0") : p->ptr[s->node]);
	if (n->shape.rank == 0) {
		line(e, "%s[0] = %s;", s->ptr, load(e, p, s->node, "0"));
		return;
	}
	line(e, "for (int64_t i0 = 0; i0 < %s; i0++)", dim_c(e, shape_count(&n->shape)));
	line(e, "\t%s[i0] = %s;", s->ptr, load(e, p, s->node, "i0"));
}

/* ---- functions ---- */

typedef struct Param {
	const char *decl;  /* "const float *restrict a" without restrict in headers */
	const char *hdecl;
	const char *doc;   /* for the header comment */
	const char *name;
} Param;

static const char *shape_doc(Emit *e, const Shape *s, DType t)
{
	char buf[256];
	Graph tmp = *e->g;
	for (int i = 0; i < e->g->nsyms; i++)
		tmp.sym[i] = e->nm.sym[i];
	if (s->rank == 0)
		return arena_printf("%s, scalar", dtype_c(t));
	return arena_printf("%s%s", dtype_c(t), shape_str(&tmp, s, buf, sizeof buf));
}

static int params(Emit *e, FnKind kind, bool sizes_only, Param *out)
{
	const Graph *g = e->g;
	int n = 0;
	for (int i = 0; i < g->nsyms; i++)
		out[n++] = (Param){ arena_printf("int64_t %s", e->nm.sym[i]),
		                    arena_printf("int64_t %s", e->nm.sym[i]), "size (at least 1)",
		                    e->nm.sym[i] };
	if (sizes_only)
		return n;
	for (int i = 0; i < g->nargs; i++) {
		const Arg *a = &g->arg[i];
		if (a->role == ARG_UPSTREAM)
			continue;
		const Node *nd = &g->node[a->node];
		const char *t = dtype_c(nd->type);
		out[n++] = (Param){ arena_printf("const %s *restrict %s", t, e->nm.arg[i]),
		                    arena_printf("const %s *%s", t, e->nm.arg[i]),
		                    arena_printf("%s %s", a->role == ARG_PARAM ? "param" : "input",
		                                 shape_doc(e, &nd->shape, nd->type)),
		                    e->nm.arg[i] };
	}
	for (int i = 0; i < g->nouts; i++) {
		const Node *nd = &g->node[g->out[i].node];
		const char *t = dtype_c(nd->type);
		out[n++] = (Param){ arena_printf("%s *restrict %s", t, e->nm.out[i]),
		                    arena_printf("%s *%s", t, e->nm.out[i]),
		                    arena_printf("output '%s', %s", g->out[i].name,
		                                 shape_doc(e, &nd->shape, nd->type)),
		                    e->nm.out[i] };
	}
	if (kind == FN_GRAD) {
		const char *target = g->grad_name;
		if (g->upstream >= 0) {
			const Node *nd = &g->node[g->arg[g->upstream].node];
			out[n++] = (Param){
				arena_printf("const %s *restrict %s", e->T, e->nm.arg[g->upstream]),
				arena_printf("const %s *%s", e->T, e->nm.arg[g->upstream]),
				arena_printf("upstream gradient of '%s', %s", target,
				             shape_doc(e, &nd->shape, nd->type)),
				e->nm.arg[g->upstream] };
		}
		for (int i = 0; i < g->nwrt; i++) {
			const Node *nd = &g->node[g->arg[g->wrt[i]].node];
			out[n++] = (Param){ arena_printf("%s *restrict %s", e->T, e->nm.d[i]),
			                    arena_printf("%s *%s", e->T, e->nm.d[i]),
			                    arena_printf("gradient of '%s' with respect to '%s', %s",
			                                 target,
			                                 g->arg[g->wrt[i]].name,
			                                 shape_doc(e, &nd->shape, nd->type)),
			                    e->nm.d[i] };
		}
	}
	out[n++] = (Param){ "void *restrict ws", "void *ws",
	                    arena_printf("workspace of %s_workspace_bytes(%s) bytes, 64-byte aligned",
	                                 g->name, g->nsyms ? "sizes" : ""),
	                    "ws" };
	return n;
}

static const char *param_list(const Param *ps, int n, bool header)
{
	Str b = { 0 };
	for (int i = 0; i < n; i++)
		str_add(&b, "%s%s", i ? ", " : "", header ? ps[i].hdecl : ps[i].decl);
	return n ? str_get(&b) : "void";
}

static const char *param_names(const Param *ps, int n)
{
	Str b = { 0 };
	for (int i = 0; i < n; i++)
		str_add(&b, "%s%s", i ? ", " : "", ps[i].name);
	return str_get(&b);
}

static const char *fn_name(const Graph *g, FnKind k)
{
	return arena_printf("%s_%s", g->name, k == FN_GRAD ? "grad" : "forward");
}

/* Writes the workspace pointers and the body into a buffer first: only then is it known which
 * sizes and arguments the function reads, and the rest get a (void) cast. */
static void emit_function(Emit *e, FnKind kind)
{
	const Graph *g = e->g;
	Plan p = plan_function(e, kind);
	Param *pp = arena_alloc(sizeof *pp * (size_t)(g->nsyms + g->nargs + g->nouts + g->nwrt + 4));
	int np = params(e, kind, false, pp);

	char *body = NULL;
	size_t body_len = 0;
	FILE *f = open_memstream(&body, &body_len);
	if (!f)
		unreachable("open_memstream failed");
	FILE *saved = e->f;
	e->f = f;
	memset(e->sym_used, 0, sizeof e->sym_used);
	e->depth = 1;

	size_t const_bytes = 0;
	bool fixed = ws_constant(g, &p, 1, &const_bytes);
	if (p.nslots && !fixed)
		line(e, "size_t off = 0;");
	size_t at = 0;
	for (int s = 0; s < p.nslots; s++) {
		int id = p.slot[s];
		Dim count = shape_count(&g->node[id].shape);
		if (fixed) {
			line(e, "%s *restrict %s = (%s *)((char *)ws + %zu);", e->T, p.ptr[id], e->T, at);
			at += ((size_t)count.coef * elem_size(e) + 63) / 64 * 64;
		} else {
			line(e, "%s *restrict %s = (%s *)((char *)ws + off);", e->T, p.ptr[id], e->T);
			if (s + 1 < p.nslots)
				line(e, "off += morch_align_up((size_t)(%s) * sizeof(%s));", dim_c(e, count),
				     e->T);
		}
	}
	for (int i = 0; i < g->nnodes; i++)
		if (p.live[i] && p.store[i] == ST_LOCAL && g->node[i].op == OP_CONST)
			line(e, "%s %s[1] = { %s };", e->T, p.ptr[i], const_value(e, i));
		else if (p.live[i] && p.store[i] == ST_LOCAL && computes(&g->node[i]))
			line(e, "%s %s[1];", e->T, p.ptr[i]);
	for (int i = 0; i < g->nnodes; i++)
		if (p.live[i] && computes(&g->node[i])) {
			fputc('\n', e->f);
			emit_node(e, &p, i);
		}
	for (int s = 0; s < p.nsinks; s++)
		if (p.store[p.sink[s].node] == ST_CONST || p.ptr[p.sink[s].node] != p.sink[s].ptr) {
			fputc('\n', e->f);
			emit_copy(e, &p, &p.sink[s]);
		}
	fclose(f);
	e->f = saved;
	e->depth = 0;

	line(e, "void %s(%s)", fn_name(g, kind), param_list(pp, np, false));
	line(e, "{");
	for (int i = 0; i < g->nsyms; i++)
		if (!e->sym_used[i])
			line(e, "\t(void)%s;", e->nm.sym[i]);
	for (int i = 0; i < g->nargs; i++) {
		if (g->arg[i].role == ARG_UPSTREAM && kind == FN_FORWARD)
			continue;
		if (!p.live[g->arg[i].node])
			line(e, "\t(void)%s;", e->nm.arg[i]);
	}
	if (!p.nslots)
		line(e, "\t(void)ws;");
	fputs(body, e->f);
	line(e, "}");
	free(body);
}

static void emit_workspace_bytes(Emit *e)
{
	const Graph *g = e->g;
	Plan plans[2];
	int n = 0;
	plans[n++] = plan_function(e, FN_FORWARD);
	if (g->has_grad)
		plans[n++] = plan_function(e, FN_GRAD);
	Param ps[MAX_SYMS + 1];
	int np = params(e, FN_FORWARD, true, ps);
	line(e, "size_t %s_workspace_bytes(%s)", g->name, param_list(ps, np, false));
	line(e, "{");
	size_t bytes;
	if (ws_constant(g, plans, n, &bytes)) {
		for (int i = 0; i < g->nsyms; i++)
			line(e, "\t(void)%s;", e->nm.sym[i]);
		line(e, "\treturn %zu;", bytes);
		line(e, "}");
		return;
	}
	memset(e->sym_used, 0, sizeof e->sym_used);
	char *body = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&body, &len), *saved = e->f;
	e->f = f;
	e->depth = 1;
	static const char *const which[] = { "forward", "grad" };
	for (int k = 0; k < n; k++) {
		line(e, "size_t %s = 0;", which[k]);
		for (int s = 0; s < plans[k].nslots; s++)
			line(e, "%s += morch_align_up((size_t)(%s) * sizeof(%s));", which[k],
			     dim_c(e, shape_count(&g->node[plans[k].slot[s]].shape)), e->T);
	}
	if (n == 2)
		line(e, "return forward > grad ? forward : grad;");
	else
		line(e, "return forward;");
	fclose(f);
	e->f = saved;
	e->depth = 0;
	for (int i = 0; i < g->nsyms; i++)
		if (!e->sym_used[i])
			line(e, "\t(void)%s;", e->nm.sym[i]);
	fputs(body, e->f);
	free(body);
	line(e, "}");
}

/* ---- reflection (--reflect) ---- */

static const char *dims_init(Emit *e, const Shape *s)
{
	char *r = "";
	for (int d = 0; d < s->rank; d++) {
		char *ex = "";
		int last = -1;
		for (int i = 0; i < MAX_SYMS; i++)
			if (s->dim[d].exp[i])
				last = i;
		for (int i = 0; i <= last; i++)
			ex = arena_printf("%s%s%d", ex, i ? ", " : "", s->dim[d].exp[i]);
		r = arena_printf("%s%s{ %lld, { %s } }", r, d ? ", " : "", (long long)s->dim[d].coef,
		                 *ex ? ex : "0");
	}
	(void)e;
	return r;
}

static void tensor_info(Emit *e, const char *prefix, int idx, const char *name, const char *role,
                        const Node *n, Str *list)
{
	const char *dims = "NULL";
	if (n->shape.rank) {
		dims = arena_printf("%s_dims_%d", prefix, idx);
		line(e, "static const morch_dim %s[] = { %s };", dims, dims_init(e, &n->shape));
	}
	static const char *const dt[] = { "MORCH_F32", "MORCH_F64", "MORCH_I32" };
	str_add(list, "\t{ \"%s\", %s, %s, %d, %s },\n", name, role, dt[n->type], n->shape.rank,
	        dims);
}

/* The prefix of a graph's reflection statics: G_info, lengthened until no graph's name starts
 * with it, so no graph's public symbol can equal one of them. */
static const char *static_prefix(const Module *m, const Graph *g)
{
	const char *p = arena_printf("%s_info", g->name);
	for (int i = 0; i < m->ngraphs; i++) {
		size_t n = strlen(p);
		const char *h = m->graph[i]->name;
		if (m->graph[i] != g && strncmp(h, p, n) == 0 && (h[n] == 0 || h[n] == '_')) {
			p = arena_printf("%s_", p);
			i = -1;
		}
	}
	return p;
}

static void emit_reflect(Emit *e, const Module *m)
{
	const Graph *g = e->g;
	const char *G = g->name;
	const char *P = static_prefix(m, g);
	const char *T = e->T;
	/* thunks: unpack arrays of pointers into the typed call */
	Str szb = { 0 };
	for (int i = 0; i < g->nsyms; i++)
		str_add(&szb, "sizes[%d], ", i);
	const char *sz = str_get(&szb);
	line(e, "static size_t %s_workspace_bytes(const int64_t *sizes)", P);
	line(e, "{");
	if (!g->nsyms)
		line(e, "\t(void)sizes;");
	line(e, "\treturn %s_workspace_bytes(%.*s);", G, g->nsyms ? (int)strlen(sz) - 2 : 0, sz);
	line(e, "}");
	Str insb = { 0 }, outsb = { 0 };
	int k = 0;
	for (int i = 0; i < g->nargs; i++)
		if (g->arg[i].role != ARG_UPSTREAM)
			str_add(&insb, "(const %s *)args[%d], ", dtype_c(g->node[g->arg[i].node].type), k++);
	for (int i = 0; i < g->nouts; i++)
		str_add(&outsb, "(%s *)outs[%d], ", dtype_c(g->node[g->out[i].node].type), i);
	const char *ins = str_get(&insb), *outs = str_get(&outsb);
	line(e, "static void %s_forward(const int64_t *sizes, const void *const *args, "
	        "void *const *outs, void *ws)", P);
	line(e, "{");
	if (!g->nsyms)
		line(e, "\t(void)sizes;");
	if (!k)
		line(e, "\t(void)args;");
	line(e, "\t%s_forward(%s%s%sws);", G, sz, ins, outs);
	line(e, "}");
	if (g->has_grad) {
		Str ds = { 0 };
		for (int i = 0; i < g->nwrt; i++)
			str_add(&ds, "(%s *)grads[%d], ", T, i);
		line(e, "static void %s_grad(const int64_t *sizes, const void *const *args, "
		        "void *const *outs, const void *upstream, void *const *grads, void *ws)", P);
		line(e, "{");
		if (!g->nsyms)
			line(e, "\t(void)sizes;");
		if (!k)
			line(e, "\t(void)args;");
		if (g->upstream < 0)
			line(e, "\t(void)upstream;");
		line(e, "\t%s_grad(%s%s%s%s%sws);", G, sz, ins, outs,
		     g->upstream >= 0 ? arena_printf("(const %s *)upstream, ", T) : "", str_get(&ds));
		line(e, "}");
	}
	Str args = { 0 }, outl = { 0 }, up = { 0 }, gl = { 0 }, wrt = { 0 };
	int n = 0;
	for (int i = 0; i < g->nargs; i++) {
		const Arg *a = &g->arg[i];
		if (a->role == ARG_UPSTREAM)
			tensor_info(e, P, n++, a->name, "MORCH_UPSTREAM", &g->node[a->node], &up);
		else
			tensor_info(e, P, n++, a->name, a->role == ARG_PARAM ? "MORCH_PARAM" : "MORCH_INPUT",
			            &g->node[a->node], &args);
	}
	for (int i = 0; i < g->nouts; i++)
		tensor_info(e, P, n++, g->out[i].name, "MORCH_OUTPUT", &g->node[g->out[i].node], &outl);
	int *pos = arena_alloc(sizeof *pos * (size_t)(g->nargs + 1)); /* index among inputs and params */
	for (int i = 0, k2 = 0; i < g->nargs; i++)
		pos[i] = g->arg[i].role != ARG_UPSTREAM ? k2++ : -1;
	for (int i = 0; i < g->nwrt; i++) {
		tensor_info(e, P, n++, g->arg[g->wrt[i]].name, "MORCH_GRAD",
		            &g->node[g->arg[g->wrt[i]].node], &gl);
		str_add(&wrt, "%s%d", i ? ", " : "", pos[g->wrt[i]]);
	}
	const struct { const char *name; const Str *list; } lists[] = {
		{ "args", &args }, { "outs", &outl }, { "upstream", &up }, { "grads", &gl },
	};
	for (int i = 0; i < 4; i++)
		if (lists[i].list->len) {
			line(e, "static const morch_tensor_info %s_%s[] = {", P, lists[i].name);
			fputs(str_get(lists[i].list), e->f);
			line(e, "};");
		}
	if (wrt.len)
		line(e, "static const int %s_wrt[] = { %s };", P, str_get(&wrt));
	if (g->nsyms) {
		Str names = { 0 };
		for (int i = 0; i < g->nsyms; i++)
			str_add(&names, "%s\"%s\"", i ? ", " : "", g->sym[i]);
		line(e, "static const char *const %s_sizes[] = { %s };", P, str_get(&names));
	}
	line(e, "const morch_graph_info %s_info = {", G);
	line(e, "\t\"%s\", %s, %d, %s,", G, g->real == T_F64 ? "MORCH_F64" : "MORCH_F32", g->nsyms,
	     g->nsyms ? arena_printf("%s_sizes", P) : "NULL");
	line(e, "\t%d, %s, %d, %s,", k, args.len ? arena_printf("%s_args", P) : "NULL", g->nouts,
	     outl.len ? arena_printf("%s_outs", P) : "NULL");
	line(e, "\t%d, %s, %d, %s, %s,", g->has_grad, up.len ? arena_printf("%s_upstream", P) : "NULL",
	     g->nwrt, wrt.len ? arena_printf("%s_wrt", P) : "NULL",
	     gl.len ? arena_printf("%s_grads", P) : "NULL");
	line(e, "\t%s_workspace_bytes, %s_forward, %s,", P, P,
	     g->has_grad ? arena_printf("%s_grad", P) : "NULL");
	line(e, "};");
}

/* ---- files ---- */

static void setup(Emit *e, FILE *f, const Graph *g)
{
	memset(e, 0, sizeof *e);
	e->f = f;
	e->g = g;
	e->T = dtype_c(g->real);
	e->fs = g->real == T_F32 ? "f" : "";
	name_graph(e);
}

static void banner(FILE *f, const char *file, const EmitOptions *opt)
{
	fprintf(f, "/* %s: generated by morchgen %s from %s. Do not edit.\n", file, PACKAGE_VERSION,
	        opt->source);
	fprintf(f, " * Command: %s\n */\n", opt->command);
}

void emit_c(FILE *f, const Module *m, const EmitOptions *opt)
{
	banner(f, opt->c_name, opt);
	fprintf(f, "#include <math.h>\n#include <stddef.h>\n#include <stdint.h>\n\n");
	fprintf(f, "#include \"morchrt.h\"\n#include \"%s\"\n", opt->header);
	for (int i = 0; i < m->ngraphs; i++) {
		Emit e;
		setup(&e, f, m->graph[i]);
		const Graph *g = m->graph[i];
		fprintf(f, "\n/* ---- graph %s (%s), line %d ---- */\n\n", g->name, e.T, g->loc.first_line);
		emit_workspace_bytes(&e);
		fputc('\n', f);
		emit_function(&e, FN_FORWARD);
		if (g->has_grad) {
			fputc('\n', f);
			emit_function(&e, FN_GRAD);
		}
		if (opt->reflect) {
			fputc('\n', f);
			emit_reflect(&e, m);
		}
	}
	if (opt->reflect) {
		fprintf(f, "\nconst morch_graph_info *const %s_graphs[] = {\n", opt->module);
		for (int i = 0; i < m->ngraphs; i++)
			fprintf(f, "\t&%s_info,\n", m->graph[i]->name);
		fprintf(f, "\tNULL,\n};\n");
	}
}

static void doc_params(Emit *e, const Param *ps, int n)
{
	for (int i = 0; i < n; i++)
		line(e, " *     %-10s %s", ps[i].name, ps[i].doc);
}

void emit_h(FILE *f, const Module *m, const EmitOptions *opt, const char *guard)
{
	banner(f, opt->header, opt);
	fprintf(f, "#ifndef %s\n#define %s\n\n#include <stddef.h>\n#include <stdint.h>\n", guard,
	        guard);
	if (opt->reflect)
		fprintf(f, "\n#include \"morchrt.h\"\n");
	fprintf(f, "\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n");
	for (int i = 0; i < m->ngraphs; i++) {
		const Graph *g = m->graph[i];
		Emit e;
		setup(&e, f, g);
		Plan plans[2];
		int n = 0;
		plans[n++] = plan_function(&e, FN_FORWARD);
		if (g->has_grad)
			plans[n++] = plan_function(&e, FN_GRAD);
		size_t bytes;
		bool fixed = ws_constant(g, plans, n, &bytes);
		Param sz[MAX_SYMS + 1];
		int nsz = params(&e, FN_FORWARD, true, sz);
		Param *pf = arena_alloc(sizeof *pf * (size_t)(g->nsyms + g->nargs + g->nouts + g->nwrt + 4));
		int npf = params(&e, g->has_grad ? FN_GRAD : FN_FORWARD, false, pf);

		fprintf(f, "\n/* ---- graph %s: %s, from %s line %d ----\n *\n", g->name, e.T,
		        opt->source, g->loc.first_line);
		line(&e, " * %s_workspace_bytes(%s): the bytes of workspace %s_forward%s need%s%s.",
		     g->name, g->nsyms ? "sizes" : "", g->name,
		     g->has_grad ? arena_printf(" and %s_grad", g->name) : "", g->has_grad ? "" : "s",
		     fixed ? arena_printf(" (%zu; also %s_WORKSPACE_BYTES)", bytes, g->name) : "");
		line(&e, " *");
		Param *fw = arena_alloc(sizeof *fw * (size_t)(npf + 1));
		int nfw = params(&e, FN_FORWARD, false, fw);
		line(&e, " * %s_forward(%s): computes the outputs.", g->name, param_names(fw, nfw));
		doc_params(&e, fw, nfw);
		if (g->has_grad) {
			line(&e, " *");
			line(&e, " * %s_grad(%s): computes the outputs and the gradients (overwritten, not "
			         "accumulated).", g->name, param_names(pf, npf));
			doc_params(&e, pf, npf);
		}
		line(&e, " *");
		line(&e, " * Arrays are dense and row-major; a scalar is a pointer to one element. Outputs "
		         "and gradients must not overlap the inputs.");
		line(&e, " */");
		if (fixed)
			line(&e, "#define %s_WORKSPACE_BYTES %zu", g->name, bytes);
		line(&e, "size_t %s_workspace_bytes(%s);", g->name, param_list(sz, nsz, true));
		line(&e, "void %s_forward(%s);", g->name, param_list(fw, nfw, true));
		if (g->has_grad)
			line(&e, "void %s_grad(%s);", g->name, param_list(pf, npf, true));
		if (opt->reflect)
			line(&e, "extern const morch_graph_info %s_info;", g->name);
	}
	if (opt->reflect)
		fprintf(f, "\n/* Every graph of the file, then NULL. */\n"
		           "extern const morch_graph_info *const %s_graphs[];\n", opt->module);
	fprintf(f, "\n#ifdef __cplusplus\n}\n#endif\n\n#endif\n");
}
