/* emit_loop.c: loop kernels. One loop nest over the kernel's iteration shape computes every node
 * of the kernel for one element at a time: values are registers (v<id>), operands from other
 * kernels are read from memory at their broadcast index, and only values someone else reads are
 * stored. Reductions accumulate in registers when they reduce the innermost loops (split over
 * LANES partial sums along the innermost loop, so the loop vectorizes without reassociating
 * anything at run time: the order of additions is fixed when the code is generated), and in
 * memory otherwise (a column sum, say). A matmul's epilogue is the same code over one row.
 */
#include <string.h>

#include "emit_internal.h"

enum { LANES = 16, MIN_LANE_LOOP = 32 };

/* Loops over the dims of the iteration shape that are not 1; adjacent dims are merged where
 * every access (a row of `present`) walks them alike. */
typedef struct Nest {
	int n;
	Dim size[MAX_RANK];
	int nrows;
	bool (*has)[MAX_RANK]; /* per access row, per loop */
	Dim (*stride)[MAX_RANK];
} Nest;

typedef struct Access {
	int nrows, cap;
	bool (*present)[MAX_RANK];
} Access;

static int add_row(Access *a, const bool *present)
{
	if (a->nrows == a->cap) {
		int ncap = a->cap ? 2 * a->cap : 16;
		a->present = arena_grow(a->present, sizeof *a->present * (size_t)a->cap,
		                        sizeof *a->present * (size_t)ncap);
		a->cap = ncap;
	}
	memcpy(a->present[a->nrows], present, sizeof *a->present);
	return a->nrows++;
}

/* The access row of a tensor of shape s read at the elements of iteration shape full. */
static int broadcast_row(Access *a, const Shape *full, const Shape *s)
{
	bool p[MAX_RANK] = { false };
	for (int d = 0; d < full->rank; d++) {
		int sd = d - (full->rank - s->rank);
		p[d] = sd >= 0 && !dim_is_one(&s->dim[sd]);
	}
	return add_row(a, p);
}

static Nest make_nest(const Shape *full, const Access *a, bool merge)
{
	Nest t;
	memset(&t, 0, sizeof t);
	t.nrows = a->nrows;
	t.has = arena_alloc(sizeof *t.has * (size_t)(a->nrows + 1));
	t.stride = arena_alloc(sizeof *t.stride * (size_t)(a->nrows + 1));
	for (int d = 0; d < full->rank; d++) {
		if (dim_is_one(&full->dim[d]))
			continue;
		bool same = merge && t.n > 0;
		for (int r = 0; r < a->nrows && same; r++)
			same = t.has[r][t.n - 1] == a->present[r][d];
		if (same) {
			t.size[t.n - 1] = dim_mul(t.size[t.n - 1], full->dim[d]);
			continue;
		}
		t.size[t.n] = full->dim[d];
		for (int r = 0; r < a->nrows; r++)
			t.has[r][t.n] = a->present[r][d];
		t.n++;
	}
	for (int r = 0; r < a->nrows; r++) {
		Dim s = dim_int(1);
		for (int l = t.n - 1; l >= 0; l--)
			if (t.has[r][l]) {
				t.stride[r][l] = s;
				s = dim_mul(s, t.size[l]);
			}
	}
	return t;
}

/* The index of access row r from the loop indices idx[0..upto). */
static const char *index_c(Emit *e, const Nest *t, int r, const char *const *idx, int upto)
{
	Str s = { 0 };
	for (int l = 0; l < upto; l++) {
		if (!t->has[r][l])
			continue;
		if (s.len)
			str_add(&s, " + ");
		if (dim_is_one(&t->stride[r][l]))
			str_add(&s, "%s", idx[l]);
		else
			str_add(&s, "%s * %s", idx[l], dim_c(e, t->stride[r][l]));
	}
	return s.len ? str_get(&s) : "0";
}

/* ---- what one kernel reads and writes ---- */

typedef struct Red {
	int pos;      /* in Kernel.node */
	int kept;     /* access row of the result */
	int depth;    /* register accumulator declared before loop `depth`; -1: in memory */
	bool trivial; /* reduces no loop: a copy */
	bool lanes;   /* a long sum: LANES partial sums, element r of the reduction into r % LANES */
} Red;

typedef struct Loop {
	const Kernel *k;
	int first;       /* the first node of the body (1 in an epilogue: 0 is the product) */
	Nest t;
	int full;        /* access row of a value of the iteration shape */
	int (*src_row)[MAX_SRC]; /* per node position, per operand */
	int *col_row;    /* onehot: the row of its column index alone */
	Red *red;        /* per node position (pos = -1 when not a reduction) */
	bool lanes;      /* the innermost loop runs in groups of LANES (lane = its index % LANES) */
	const char *idx[MAX_RANK];
	const char *lane; /* "lane" inside the split loop, "0" in its remainder, NULL otherwise */
} Loop;

/* Operands computed in the same kernel are registers. */
static bool reads_register(const Emit *e, int o)
{
	return e->mark[o] == e->stamp && o == view_base(e->g, o);
}

/* Whether this kernel is where node id's value is stored from (deferred nodes are computed in
 * several kernels but stored by one). */
static bool stores_here(Emit *e, const Loop *L, int id)
{
	return e->s->buf_of[id] >= 0 && &e->s->k[e->s->kernel_of[id]] == L->k;
}

/* mean's divisor: the reduced part of the iteration shape */
static Dim reduced_count(const Emit *e, const Node *n)
{
	const Shape *xs = &e->g->node[n->src[0]].shape;
	Dim c = dim_int(1);
	for (int d = 0; d < xs->rank; d++)
		if (n->attr.reduce.axes >> d & 1)
			c = dim_mul(c, xs->dim[d]);
	return c;
}

static Loop analyze(Emit *e, const Kernel *k, const Shape *iter, int first, bool merge)
{
	const Graph *g = e->g;
	Loop L;
	memset(&L, 0, sizeof L);
	L.k = k;
	L.first = first;
	e->stamp++;
	for (int p = 0; p < k->nnodes; p++)
		e->mark[k->node[p]] = e->stamp;
	Access a = { 0 };
	bool all[MAX_RANK];
	for (int d = 0; d < MAX_RANK; d++)
		all[d] = true;
	L.full = add_row(&a, all);
	L.src_row = arena_alloc(sizeof *L.src_row * (size_t)k->nnodes);
	L.col_row = arena_alloc(sizeof *L.col_row * (size_t)k->nnodes);
	L.red = arena_alloc(sizeof *L.red * (size_t)k->nnodes);
	for (int p = first; p < k->nnodes; p++) {
		const Node *n = &g->node[k->node[p]];
		L.red[p].pos = -1;
		for (int j = 0; j < op_info[n->op].arity; j++)
			L.src_row[p][j] = reads_register(e, n->src[j])
			                          ? L.full
			                          : broadcast_row(&a, iter, &g->node[n->src[j]].shape);
		if (n->op == OP_ONEHOT) { /* row i of [N, C] reads label i and knows its column */
			bool row[MAX_RANK] = { false }, col[MAX_RANK] = { false };
			row[0] = !dim_is_one(&iter->dim[0]);
			col[1] = true;
			if (!reads_register(e, n->src[0]))
				L.src_row[p][0] = add_row(&a, row);
			L.col_row[p] = add_row(&a, col);
		}
		if (op_info[n->op].kind == K_REDUCE) {
			bool kept[MAX_RANK];
			for (int d = 0; d < iter->rank; d++)
				kept[d] = !(n->attr.reduce.axes >> d & 1) && !dim_is_one(&iter->dim[d]);
			L.red[p].pos = p;
			L.red[p].kept = add_row(&a, kept);
		}
	}
	L.t = make_nest(iter, &a, merge);
	const Nest *t = &L.t;
	/* Which sums split into lanes depends on the reduction alone, never on what it is fused
	 * with, so every function that computes it adds in the same order (G_grad's outputs equal
	 * G_forward's to the bit). */
	for (int p = first; p < k->nnodes; p++) {
		Red *r = &L.red[p];
		const Node *n = &g->node[k->node[p]];
		if (r->pos < 0)
			continue;
		int kept = 0; /* leading loops the result keeps */
		while (kept < t->n && t->has[r->kept][kept])
			kept++;
		bool suffix_reduced = true;
		for (int l = kept; l < t->n; l++)
			suffix_reduced &= !t->has[r->kept][l];
		r->trivial = kept == t->n;
		r->depth = suffix_reduced && !r->trivial ? kept : -1;
		Dim extent = r->depth >= 0 ? reduced_count(e, n) : dim_int(1);
		r->lanes = r->depth >= 0 && (n->op == OP_SUM || n->op == OP_MEAN) &&
		           (!dim_is_const(&extent) || extent.coef >= MIN_LANE_LOOP);
		/* one reduced loop: the groups of the innermost loop are the lanes */
		L.lanes |= r->lanes && r->depth == t->n - 1;
	}
	return L;
}

/* ---- the body ---- */

static const char *reg(int id)
{
	return arena_printf("v%d", id);
}

/* The value of operand j of the node at position p, in the body. */
/* Loads of one body, each read once into a register before the statement that uses it, so no
 * load sits inside a conditional expression (GCC then if-converts and vectorizes the loop). */
typedef struct Loads {
	const char **text, **name;
	int n, cap;
} Loads;

static const char *load(Emit *e, Loads *ld, const char *type, const char *text)
{
	for (int i = 0; i < ld->n; i++)
		if (strcmp(ld->text[i], text) == 0)
			return ld->name[i];
	if (ld->n == ld->cap) {
		int ncap = ld->cap ? 2 * ld->cap : 16;
		ld->text = arena_grow(ld->text, sizeof *ld->text * (size_t)ld->cap,
		                      sizeof *ld->text * (size_t)ncap);
		ld->name = arena_grow(ld->name, sizeof *ld->name * (size_t)ld->cap,
		                      sizeof *ld->name * (size_t)ncap);
		ld->cap = ncap;
	}
	const char *name = arena_printf("ld%d", ld->n);
	ld->text[ld->n] = text;
	ld->name[ld->n++] = name;
	line(e, "const %s %s = %s;", type, name, text);
	return name;
}

/* The value of operand j of the node at position p, in the body. */
static const char *operand(Emit *e, const Loop *L, Loads *ld, int p, int j)
{
	int o = e->g->node[L->k->node[p]].src[j];
	if (reads_register(e, o))
		return reg(o);
	if (e->g->node[view_base(e->g, o)].op == OP_CONST && e->s->buf_of[view_base(e->g, o)] < 0)
		return const_value(e, o);
	const char *text = arena_printf("%s[%s]", kread(e, o),
	                                index_c(e, &L->t, L->src_row[p][j], L->idx, L->t.n));
	return load(e, ld, dtype_c(e->g->node[o].type), text);
}

static const char *reduce_init(Op op)
{
	return op == OP_MAX ? "-INFINITY" : op == OP_MIN ? "INFINITY" : "0";
}

/* acc = acc combined with v; NaN sticks in max and min, as in torch.amax */
static const char *reduce_step(Op op, const char *acc, const char *v)
{
	switch (op) {
	case OP_MAX:
		return arena_printf("%s = %s != %s || %s <= %s ? %s : %s", acc, acc, acc, v, acc, acc, v);
	case OP_MIN:
		return arena_printf("%s = %s != %s || %s >= %s ? %s : %s", acc, acc, acc, v, acc, acc, v);
	default:
		return arena_printf("%s += %s", acc, v);
	}
}

/* The accumulator element a value is added to: lanes by the innermost index, or by a count of
 * the elements added so far when the sum spans several loops. */
static const char *acc_name(const Loop *L, int p)
{
	const Red *r = &L->red[p];
	int id = L->k->node[p];
	if (!r->lanes)
		return arena_printf("acc%d", id);
	if (L->lanes && r->depth == L->t.n - 1)
		return arena_printf("acc%d[%s]", id, L->lane);
	return arena_printf("acc%d[r%d++ %% %d]", id, id, LANES);
}

static const char *mean_div(Emit *e, const Node *n)
{
	Dim c = reduced_count(e, n);
	if (n->op != OP_MEAN || dim_is_one(&c))
		return "";
	return arena_printf(" / (%s)(%s)", e->T, dim_c(e, c));
}

static void body(Emit *e, const Loop *L)
{
	const Graph *g = e->g;
	const Kernel *k = L->k;
	const char *at = index_c(e, &L->t, L->full, L->idx, L->t.n);
	Loads ld = { 0 };
	if (L->first == 1) /* the product, as the matmul left it */
		line(e, "const %s %s = %s[%s];", e->T, reg(k->node[0]), kwrite(e, k->acc), at);
	for (int p = L->first; p < k->nnodes; p++) {
		int id = k->node[p];
		const Node *n = &g->node[id];
		line_mark(e, n->loc.first_line);
		if (op_info[n->op].kind == K_REDUCE) {
			const Red *r = &L->red[p];
			const char *v = operand(e, L, &ld, p, 0);
			const char *out = arena_printf("%s[%s]", kwrite(e, id),
			                               index_c(e, &L->t, r->kept, L->idx, L->t.n));
			if (r->trivial)
				line(e, "%s = %s;", out, v);
			else if (r->depth >= 0)
				line(e, "%s;", reduce_step(n->op, acc_name(L, p), v));
			else
				line(e, "%s;", reduce_step(n->op, out, v));
			continue;
		}
		if (n->op == OP_ONEHOT) {
			const char *C = dim_c(e, n->shape.dim[n->shape.rank - 1]);
			const char *col = index_c(e, &L->t, L->col_row[p], L->idx, L->t.n);
			const char *lab = operand(e, L, &ld, p, 0);
			line(e, "const %s %s = %s >= 0 && %s < %s ? (%s)(%s == %s) : NAN;", e->T, reg(id), lab,
			     lab, C, e->T, lab, col);
		} else {
			const char *args[MAX_SRC];
			for (int j = 0; j < op_info[n->op].arity; j++)
				args[j] = operand(e, L, &ld, p, j);
			line(e, "const %s %s = %s;", e->T, reg(id), ew_expr(e, op_info[n->op].expr, args));
		}
		if (stores_here(e, L, id))
			line(e, "%s[%s] = %s;", kwrite(e, id), at, reg(id));
	}
}

static void declare_accumulators(Emit *e, const Loop *L, int depth)
{
	for (int p = L->first; p < L->k->nnodes; p++) {
		const Red *r = &L->red[p];
		if (r->pos < 0 || r->depth != depth)
			continue;
		int id = L->k->node[p];
		const char *init = reduce_init(e->g->node[id].op);
		line_mark(e, e->g->node[id].loc.first_line);
		if (!r->lanes) {
			line(e, "%s acc%d = %s;", e->T, id, init);
			continue;
		}
		Str s = { 0 };
		for (int i = 0; i < LANES; i++)
			str_add(&s, "%s%s", i ? ", " : "", init);
		line(e, "%s acc%d[%d] = { %s };", e->T, id, LANES, str_get(&s));
		if (!(L->lanes && r->depth == L->t.n - 1))
			line(e, "int64_t r%d = 0;", id);
	}
}

/* Sums lanes pairwise: ((a0 + a1) + (a2 + a3)) + ... */
static const char *lane_tree(int id, int lo, int n)
{
	if (n == 1)
		return arena_printf("acc%d[%d]", id, lo);
	return arena_printf("(%s + %s)", lane_tree(id, lo, n / 2), lane_tree(id, lo + n / 2, n / 2));
}

static void finish_accumulators(Emit *e, Loop *L, int depth)
{
	for (int p = L->first; p < L->k->nnodes; p++) {
		const Red *r = &L->red[p];
		if (r->pos < 0 || r->depth != depth)
			continue;
		int id = L->k->node[p];
		const Node *n = &e->g->node[id];
		const char *v = r->lanes ? lane_tree(id, 0, LANES) : arena_printf("acc%d", id);
		line_mark(e, n->loc.first_line);
		line(e, "%s[%s] = %s%s;", kwrite(e, id), index_c(e, &L->t, r->kept, L->idx, depth), v,
		     mean_div(e, n));
	}
}

static void open_loop(Emit *e, Loop *L, int l)
{
	line(e, "for (int64_t i%d = 0; i%d < %s; i%d++) {", l, l, dim_c(e, L->t.size[l]), l);
	e->depth++;
	L->idx[l] = arena_printf("i%d", l);
}

/* Whether the iterations of the outermost loop are independent (--openmp): every reduction keeps
 * its index, so no accumulator, in a register or in memory, is shared by two of them. */
static bool outer_loop_parallel(const Loop *L)
{
	if (L->t.n == 0)
		return false;
	for (int p = L->first; p < L->k->nnodes; p++)
		if (L->red[p].pos >= 0 && !L->t.has[L->red[p].kept][0])
			return false;
	return true;
}

/* Inner steps of the whole nest: the work threads would share. */
static Dim nest_work(const Loop *L)
{
	Dim w = dim_int(1);
	for (int l = 0; l < L->t.n; l++)
		w = dim_mul(w, L->t.size[l]);
	return w;
}

/* The loops from `l` in: accumulators of the reductions that start at each depth are declared
 * before its loop and stored after it. */
static void nest(Emit *e, Loop *L, int l)
{
	declare_accumulators(e, L, l);
	if (l == L->t.n) {
		body(e, L);
	} else if (l == L->t.n - 1 && L->lanes) {
		/* whole groups of LANES, then the rest one by one into lane 0 */
		const char *i = arena_printf("i%d", l), *n = dim_c(e, L->t.size[l]);
		const Dim *size = &L->t.size[l];
		bool fixed = dim_is_const(size);
		const char *whole = fixed ? arena_printf("%lld", (long long)(size->coef / LANES * LANES))
		                          : arena_printf("%s - %s %% %d", n, n, LANES);
		line(e, "for (int64_t %s = 0; %s < %s; %s += %d) {", i, i, whole, i, LANES);
		e->depth++;
		line(e, "for (int lane = 0; lane < %d; lane++) {", LANES);
		e->depth++;
		L->idx[l] = arena_printf("(%s + lane)", i);
		L->lane = "lane";
		body(e, L);
		close_blocks(e, 2);
		if (!fixed || size->coef % LANES) {
			line(e, "for (int64_t %s = %s; %s < %s; %s++) {", i, whole, i, n, i);
			e->depth++;
			L->idx[l] = i;
			L->lane = arena_printf("%s - (%s)", i, whole);
			body(e, L);
			close_blocks(e, 1);
		}
	} else {
		if (l == 0 && outer_loop_parallel(L))
			emit_omp_for(e, nest_work(L));
		open_loop(e, L, l);
		nest(e, L, l + 1);
		close_blocks(e, 1);
	}
	finish_accumulators(e, L, l);
}

/* Reductions kept in memory start from their identity and end divided by their count. */
static void memory_reductions(Emit *e, const Loop *L, bool before)
{
	for (int p = L->first; p < L->k->nnodes; p++) {
		const Red *r = &L->red[p];
		if (r->pos < 0 || r->depth >= 0 || r->trivial)
			continue;
		int id = L->k->node[p];
		const Node *n = &e->g->node[id];
		const char *count = dim_c(e, shape_count(&n->shape));
		const char *out = kwrite(e, id);
		line_mark(e, n->loc.first_line);
		if (before) {
			line(e, "for (int64_t i = 0; i < %s; i++)", count);
			line(e, "\t%s[i] = %s;", out, reduce_init(n->op));
		} else if (*mean_div(e, n)) {
			line(e, "for (int64_t i = 0; i < %s; i++)", count);
			line(e, "\t%s[i] = %s[i]%s;", out, out, mean_div(e, n));
		}
	}
}

void emit_loop_kernel(Emit *e, const Kernel *k)
{
	Loop L = analyze(e, k, &k->iter, 0, true);
	memory_reductions(e, &L, true);
	bool block = L.t.n == 0;
	if (block)
		open_block(e);
	nest(e, &L, 0);
	if (block)
		close_blocks(e, 1);
	memory_reductions(e, &L, false);
}

void emit_epilogue(Emit *e, const Kernel *k, bool row_only)
{
	const Shape *c = &e->g->node[k->node[0]].shape;
	Loop L = analyze(e, k, c, 1, false);
	/* rows and columns stay separate loops: the matmul's row loop is i0 */
	int rows = !dim_is_one(&c->dim[0]) ? 1 : 0;
	if (rows) {
		if (row_only) {
			L.idx[0] = "i0";
		} else {
			emit_omp_for(e, shape_count(c)); /* elementwise: rows are independent */
			open_loop(e, &L, 0);
		}
	}
	if (rows < L.t.n) {
		line(e, "for (int64_t j = 0; j < %s; j++) {", dim_c(e, L.t.size[rows]));
		e->depth++;
		L.idx[rows] = "j";
	}
	body(e, &L);
	if (rows < L.t.n)
		close_blocks(e, 1);
	if (rows && !row_only)
		close_blocks(e, 1);
}
