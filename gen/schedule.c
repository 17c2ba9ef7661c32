/* schedule.c: fusion. Groups the nodes one generated function needs into kernels, in node
 * order, and decides which values need memory.
 *
 * The rule is ggml's (a node joins the kernel of what it reads), widened a little:
 * - an elementwise node or a reduction joins a loop kernel over the same iteration shape when
 *   every operand is either computed in that kernel as an elementwise value of that shape (it
 *   is then read from a register) or complete before it (read from memory, broadcast operands
 *   by their strides, never materialized);
 * - an elementwise node of a matmul's shape that reads the product joins the matmul's kernel as
 *   an epilogue, applied to each row once it is complete;
 * - a value needs memory when a later kernel, a view or the caller reads it, or when it is a
 *   reduction (accumulated) or the result of a kernel that is not a loop. Everything else is a
 *   register of its kernel: masks such as step, eq or onehot are computed where they are used.
 * Candidate kernels are searched a bounded distance back, so scheduling stays linear.
 */
#include <string.h>

#include "schedule.h"
#include "util.h"

enum { SEARCH_BACK = 8 };

bool node_computes(const Node *n)
{
	return n->op != OP_INPUT && n->op != OP_CONST && n->op != OP_RESHAPE;
}

int view_base(const Graph *g, int id)
{
	while (g->node[id].op == OP_RESHAPE)
		id = g->node[id].src[0];
	return id;
}

/* Elementwise in the loop sense: one result element from the same element of each operand
 * (onehot reads its row's label and knows its column). */
static bool elementwise(Op op)
{
	return op_info[op].kind == K_EW || op == OP_ONEHOT;
}

static int new_kernel(Schedule *s, KernelKind kind, const Shape *iter)
{
	Kernel k;
	memset(&k, 0, sizeof k);
	k.kind = kind;
	if (iter)
		k.iter = *iter;
	k.acc = -1;
	k.sink = -1;
	k.scratch = -1;
	ARRAY_PUSH(s->k, s->nk, s->capk, k);
	return s->nk - 1;
}

static void kernel_add(Schedule *s, int k, int id)
{
	Kernel *K = &s->k[k];
	ARRAY_PUSH(K->node, K->nnodes, K->capnodes, id);
	s->kernel_of[id] = k;
}

static bool mm_epilogue_ok(const Graph *g, const Kernel *K)
{
	const Node *m = &g->node[K->node[0]];
	return m->shape.rank == 2;
}

/* Kernels are created in node order but may be placed earlier (hoisted): pos[k] is kernel
 * k's place in the order of execution, order[] the inverse. */
/* A node join() is placing: into kernel k, its operands first (next is the one to visit). */
typedef struct Visit {
	int k, id, next;
	bool inline_only; /* computed inside k for a reader (not k's own node) */
	bool loop_reader; /* k reads the operands of id at its own elements */
} Visit;

typedef struct Order {
	int *pos, *order;
	int n, cap;
	bool *deferred;  /* per node: computed inside each loop that reads it (see defer()) */
	int *inlined_in; /* per node: the last kernel it was computed inside */
	Visit *stack;    /* join()'s walk: a node is on it at most once, so nnodes entries */
} Order;

static void order_insert(Order *o, int k, int at)
{
	if (o->n == o->cap) {
		int ncap = o->cap ? 2 * o->cap : 64;
		o->pos = arena_grow(o->pos, sizeof *o->pos * (size_t)o->cap, sizeof *o->pos * (size_t)ncap);
		o->order = arena_grow(o->order, sizeof *o->order * (size_t)o->cap,
		                      sizeof *o->order * (size_t)ncap);
		o->cap = ncap;
	}
	memmove(o->order + at + 1, o->order + at, sizeof *o->order * (size_t)(o->n - at));
	o->order[at] = k;
	o->n++;
	for (int i = at; i < o->n; i++)
		o->pos[o->order[i]] = i;
}

/* Whether a deferred node can be computed inside kernel k: it walks k's elements. */
static bool can_inline(const Schedule *s, int k, int id)
{
	const Kernel *K = &s->k[k];
	const Shape *sh = &s->g->node[id].shape;
	if (K->kind == KER_LOOP)
		return shape_eq(sh, &K->iter);
	return K->kind == KER_MATMUL && K->nnodes > 0 && shape_eq(sh, &s->g->node[K->node[0]].shape);
}

/* The place of the kernel computing node id; -1 for leaves and deferred nodes. */
static int place_of(const Schedule *s, const Order *o, int id)
{
	int k = s->kernel_of[view_base(s->g, id)];
	return k < 0 ? -1 : o->pos[k];
}

/* Whether operand o of a node in kernel k can be read from a register there. */
static bool in_register(const Schedule *s, const Order *ord, int k, int o)
{
	const Graph *g = s->g;
	const Kernel *K = &s->k[k];
	const Node *n = &g->node[o];
	if (ord->deferred[o])
		return can_inline(s, k, o);
	if (s->kernel_of[o] != k)
		return false;
	if (K->kind == KER_LOOP)
		return elementwise(n->op) && shape_eq(&n->shape, &K->iter);
	return K->kind == KER_MATMUL; /* the product, or an epilogue value */
}

/* Whether node id may be computed in kernel k: each operand complete before k, a constant, or
 * a register of k. */
static bool can_join(const Schedule *s, const Order *ord, int k, int id, bool *reads_k)
{
	const Node *n = &s->g->node[id];
	*reads_k = false;
	for (int i = 0; i < op_info[n->op].arity; i++) {
		int o = n->src[i];
		if (ord->deferred[o]) { /* computed inside k, or else materialized first */
			*reads_k |= can_inline(s, k, o);
			continue;
		}
		int at = place_of(s, ord, o);
		if (at < ord->pos[k])
			continue;
		if (at > ord->pos[k] || view_base(s->g, o) != o || !in_register(s, ord, k, o))
			return false;
		*reads_k = true;
	}
	return true;
}

/* The kernel an elementwise node or a reduction joins, or -1 for a new one. */
static int find_kernel(const Schedule *s, const Order *ord, int id)
{
	const Graph *g = s->g;
	const Node *n = &g->node[id];
	bool reduce = op_info[n->op].kind == K_REDUCE;
	const Shape *iter = reduce ? &g->node[n->src[0]].shape : &n->shape;
	int latest = -1; /* nothing before the last kernel this node reads can take it */
	for (int i = 0; i < op_info[n->op].arity; i++)
		if (place_of(s, ord, n->src[i]) > latest)
			latest = place_of(s, ord, n->src[i]);
	/* the latest kernel that has an operand in a register, else the latest that can take it */
	int fallback = -1;
	for (int at = ord->n - 1; at >= 0 && at >= latest && at >= ord->n - SEARCH_BACK; at--) {
		int k = ord->order[at];
		const Kernel *K = &s->k[k];
		bool reads_k;
		/* a reduction joins the loop that computes what it reduces: reducing an input in a
		 * loop of its own lets that loop run early, where later loops can read the result */
		if (K->kind == KER_LOOP && shape_eq(&K->iter, iter) && can_join(s, ord, k, id, &reads_k)) {
			if (reads_k)
				return k;
			if (fallback < 0 && !reduce)
				fallback = k;
		}
		if (K->kind == KER_MATMUL && !reduce && mm_epilogue_ok(g, K) &&
		    shape_eq(&g->node[K->node[0]].shape, &n->shape) &&
		    can_join(s, ord, k, id, &reads_k) && reads_k)
			return k;
	}
	return fallback;
}

/* Where a new kernel for node id goes: at the end, or, for a value smaller than the kernel it
 * would follow (a row sum of an input, a bias), as early as its operands allow, so that loops
 * after it can read it and fuse with each other. */
static int new_place(const Schedule *s, const Order *ord, int id, const Shape *iter)
{
	const Graph *g = s->g;
	const Node *n = &g->node[id];
	int at = 0;
	for (int i = 0; i < op_info[n->op].arity; i++)
		if (place_of(s, ord, n->src[i]) + 1 > at)
			at = place_of(s, ord, n->src[i]) + 1;
	if (at >= ord->n || !iter)
		return ord->n;
	const Kernel *next = &s->k[ord->order[at]];
	Dim mine = shape_count(&n->shape), theirs = shape_count(&next->iter), q;
	return dim_div(theirs, mine, &q) && !dim_is_one(&q) ? at : ord->n;
}

/* Cheap elementwise ops: recomputing one where it is used costs less than storing it. */
static bool cheap(Op op)
{
	switch (op) {
	case OP_NEG: case OP_ADD: case OP_SUB: case OP_MUL: case OP_RELU: case OP_ABS:
	case OP_MAXIMUM: case OP_MINIMUM: case OP_STEP: case OP_SIGN: case OP_EQ: case OP_GTMASK:
	case OP_SELECT: case OP_BROADCAST: case OP_ONEHOT:
		return true;
	default:
		return false;
	}
}

/* An elementwise node computed only from arguments and constants is deferred: rather than get
 * a kernel where it stands, it is computed inside each loop that reads it (masks such as
 * onehot are never stored, and a chain that starts at an input fuses with whatever uses it,
 * wherever that is). Only cheap ops are recomputed more than once; another op is deferred when
 * it has one reader, and never under a cheap deferred node, so it is computed at most once. */
static void defer(const Schedule *s, Order *ord)
{
	const Graph *g = s->g;
	int *uses = arena_alloc(sizeof *uses * (size_t)(g->nnodes + 1));
	for (int i = 0; i < g->nnodes; i++)
		if (s->live[i])
			for (int j = 0; j < op_info[g->node[i].op].arity; j++)
				uses[g->node[i].src[j]]++;
	bool *once = arena_alloc((size_t)g->nnodes + 1); /* deferred, not cheap */
	bool *sink = arena_alloc((size_t)g->nnodes + 1);  /* stored anyway: not deferred */
	for (int i = 0; i < s->nsinks; i++)
		sink[view_base(g, s->sink[i].node)] = true;
	for (int i = 0; i < g->nnodes; i++) {
		const Node *n = &g->node[i];
		if (!s->live[i] || !elementwise(n->op) || n->shape.rank == 0 || sink[i])
			continue;
		bool leaves = true, under_once = false;
		for (int j = 0; j < op_info[n->op].arity; j++) {
			int o = view_base(g, n->src[j]);
			leaves &= !node_computes(&g->node[o]) || (ord->deferred[o] && o == n->src[j]);
			under_once |= once[o];
		}
		if (!leaves)
			continue;
		if (cheap(n->op) && !under_once)
			ord->deferred[i] = true;
		else if (uses[i] == 1) /* also when under_once: a single chain */
			ord->deferred[i] = once[i] = true;
	}
}

static int push_join(Schedule *s, Order *ord, int sp, int k, int id)
{
	const Kernel *K = &s->k[k];
	bool loop_reader = K->kind == KER_LOOP || (K->kind == KER_MATMUL && K->nnodes > 0);
	ord->stack[sp] = (Visit){ k, id, 0, false, loop_reader };
	return sp + 1;
}

/* A deferred operand o of a node in kernel k: computed inside k when a loop body reads it at
 * k's elements, else stored by a kernel of its own, placed first. A view needs its base in
 * memory. Returns the new stack depth (a visit pushed, or none). */
static int pull_in(Schedule *s, Order *ord, int sp, int k, int o, bool loop_reader)
{
	int b = view_base(s->g, o);
	if (!ord->deferred[b])
		return sp;
	if (b == o && loop_reader && can_inline(s, k, o)) {
		if (ord->inlined_in[o] == k)
			return sp;
		ord->stack[sp] = (Visit){ k, o, 0, true, true };
		return sp + 1;
	}
	if (s->kernel_of[b] >= 0)
		return sp;
	int m = new_kernel(s, KER_LOOP, &s->g->node[b].shape);
	order_insert(ord, m, 0);
	return push_join(s, ord, sp, m, b);
}

/* Puts node id in kernel k after pulling in its deferred operands, depth first. The chains
 * of deferred nodes are as long as the graph, so the walk keeps its own stack. */
static void join(Schedule *s, Order *ord, int k, int id)
{
	int sp = push_join(s, ord, 0, k, id);
	while (sp) {
		Visit *v = &ord->stack[sp - 1];
		const Node *n = &s->g->node[v->id];
		if (v->next < op_info[n->op].arity) {
			int o = n->src[v->next++];
			sp = pull_in(s, ord, sp, v->k, o, v->loop_reader);
			continue;
		}
		sp--;
		if (v->inline_only) {
			Kernel *K = &s->k[v->k];
			ARRAY_PUSH(K->node, K->nnodes, K->capnodes, v->id);
		} else {
			kernel_add(s, v->k, v->id);
		}
		ord->inlined_in[v->id] = v->k;
	}
}

static void form_kernels(Schedule *s, bool fuse)
{
	const Graph *g = s->g;
	Order ord = { 0 };
	ord.deferred = arena_alloc((size_t)g->nnodes + 1);
	ord.inlined_in = arena_alloc(sizeof *ord.inlined_in * (size_t)(g->nnodes + 1));
	ord.stack = arena_alloc(sizeof *ord.stack * (size_t)(g->nnodes + 1));
	for (int i = 0; i < g->nnodes; i++)
		ord.inlined_in[i] = -1;
	if (fuse)
		defer(s, &ord);
	for (int i = 0; i < g->nnodes; i++) {
		const Node *n = &g->node[i];
		if (!s->live[i] || !node_computes(n) || ord.deferred[i])
			continue;
		OpKind kind = op_info[n->op].kind;
		int k;
		if (elementwise(n->op) || kind == K_REDUCE) {
			k = fuse ? find_kernel(s, &ord, i) : -1;
			if (k < 0) {
				const Shape *iter = kind == K_REDUCE ? &g->node[n->src[0]].shape : &n->shape;
				int at = fuse ? new_place(s, &ord, i, iter) : ord.n;
				k = new_kernel(s, KER_LOOP, iter);
				order_insert(&ord, k, at);
			}
		} else {
			KernelKind kk = kind == K_MATMUL ? KER_MATMUL : kind == K_AXIS ? KER_AXIS : KER_OTHER;
			k = new_kernel(s, kk, &n->shape);
			order_insert(&ord, k, ord.n);
		}
		join(s, &ord, k, i);
	}
	/* a deferred sink no loop computed gets a kernel of its own */
	for (int i = 0; i < s->nsinks; i++) {
		int b = view_base(g, s->sink[i].node);
		if (ord.deferred[b] && s->kernel_of[b] < 0) {
			int m = new_kernel(s, KER_LOOP, &g->node[b].shape);
			order_insert(&ord, m, ord.n);
			join(s, &ord, m, b);
		}
	}
	/* a deferred node pulled into a kernel twice is computed there once */
	int *seen = arena_alloc(sizeof *seen * (size_t)(g->nnodes + 1));
	for (int k = 0; k < s->nk; k++) {
		Kernel *K = &s->k[k];
		int w = 0;
		for (int p = 0; p < K->nnodes; p++)
			if (seen[K->node[p]] != k + 1) {
				seen[K->node[p]] = k + 1;
				K->node[w++] = K->node[p];
			}
		K->nnodes = w;
	}
	/* renumber the kernels in execution order */
	Kernel *sorted = arena_alloc(sizeof *sorted * (size_t)(s->nk + 1));
	for (int i = 0; i < s->nk; i++)
		sorted[i] = s->k[ord.order[i]];
	for (int i = 0; i < g->nnodes; i++)
		if (s->kernel_of[i] >= 0)
			s->kernel_of[i] = ord.pos[s->kernel_of[i]];
	s->k = sorted;
	s->capk = s->nk + 1;
}

static void mark_live(Schedule *s)
{
	const Graph *g = s->g;
	for (int i = 0; i < s->nsinks; i++)
		s->live[s->sink[i].node] = true;
	for (int i = g->nnodes - 1; i >= 0; i--)
		if (s->live[i])
			for (int k = 0; k < op_info[g->node[i].op].arity; k++)
				s->live[g->node[i].src[k]] = true;
}

static int add_buffer(Schedule *s, BufKind kind, int node)
{
	Buffer b;
	memset(&b, 0, sizeof b);
	b.kind = kind;
	b.node = node;
	b.size = shape_count(&s->g->node[node].shape);
	b.first = b.last = -1;
	b.slot = b.base = b.sink = -1;
	ARRAY_PUSH(s->buf, s->nbuf, s->capbuf, b);
	s->buf_of[node] = s->nbuf - 1;
	return s->nbuf - 1;
}

/* Which computed values need memory, and the matmuls whose epilogue takes their buffer: a value
 * is stored when a kernel that does not compute it reads it, when a view or the caller reads it,
 * and when it is a reduction or the result of a kernel that is not a loop. */
static void find_stored(Schedule *s, bool *stored, int *owner)
{
	const Graph *g = s->g;
	int n = g->nnodes;
	int *here = arena_alloc(sizeof *here * (size_t)(n + 1)); /* kernel + 1 when in its list */
	for (int i = 0; i < s->nsinks; i++) {
		int b = view_base(g, s->sink[i].node);
		if (node_computes(&g->node[b])) {
			stored[b] = true;
			if (owner[b] < 0)
				owner[b] = i;
		}
	}
	for (int i = 0; i < n; i++)
		if (s->live[i] && g->node[i].op == OP_RESHAPE && node_computes(&g->node[view_base(g, i)]))
			stored[view_base(g, i)] = true;
	for (int k = 0; k < s->nk; k++) {
		const Kernel *K = &s->k[k];
		for (int p = 0; p < K->nnodes; p++)
			here[K->node[p]] = k + 1;
		for (int p = 0; p < K->nnodes; p++) {
			int id = K->node[p];
			const Node *nd = &g->node[id];
			bool epilogue = K->kind == KER_MATMUL && p > 0;
			if (s->kernel_of[id] == k &&
			    (op_info[nd->op].kind == K_REDUCE || (K->kind != KER_LOOP && !epilogue)))
				stored[id] = true;
			for (int j = 0; j < op_info[nd->op].arity; j++) {
				int o = view_base(g, nd->src[j]);
				if (node_computes(&g->node[o]) && here[o] != k + 1)
					stored[o] = true;
			}
		}
	}
	/* A product read only by its epilogue is accumulated in the epilogue's last stored value. */
	for (int k = 0; k < s->nk; k++) {
		Kernel *K = &s->k[k];
		if (K->kind != KER_MATMUL)
			continue;
		int m = K->node[0];
		K->acc = m;
		if (K->nnodes == 1 || owner[m] >= 0)
			continue;
		bool only_epilogue = true;
		for (int i = m + 1; i < n && only_epilogue; i++)
			if (s->live[i])
				for (int j = 0; j < op_info[g->node[i].op].arity; j++)
					if (g->node[i].src[j] == m && s->kernel_of[i] != k)
						only_epilogue = false;
		if (!only_epilogue)
			continue;
		for (int j = K->nnodes - 1; j > 0; j--)
			if (stored[K->node[j]] && s->kernel_of[K->node[j]] == k) {
				K->acc = K->node[j];
				stored[m] = false;
				break;
			}
	}
}

/* The sizes of a matmul node: rows M and columns N of the product, depth K. */
static void matmul_dims(const Graph *g, int id, Dim *M, Dim *N, Dim *K)
{
	const Node *n = &g->node[id];
	const Node *a = &g->node[n->src[0]], *b = &g->node[n->src[1]];
	const Dim *ad = &a->shape.dim[a->shape.rank - 2], *bd = &b->shape.dim[b->shape.rank - 2];
	*M = ad[n->attr.mm.ta ? 1 : 0];
	*K = ad[n->attr.mm.ta ? 0 : 1];
	*N = bd[n->attr.mm.tb ? 0 : 1];
}

static int64_t min_or_cap(const Dim *d, int64_t cap)
{
	return dim_is_const(d) && d->coef < cap ? d->coef : cap;
}

MatmulPath matmul_path(const Graph *g, int id, Dim *pack)
{
	Dim d[3];
	matmul_dims(g, id, &d[0], &d[1], &d[2]);
	*pack = dim_int(0);
	bool fixed = true;
	double product = 1;
	for (int i = 0; i < 3; i++) {
		if (dim_is_const(&d[i]) && d[i].coef < 4)
			return MM_LOOPS;
		fixed &= dim_is_const(&d[i]);
		product *= (double)d[i].coef;
	}
	if (fixed && product < MM_SMALL)
		return MM_LOOPS;
	/* a KC x NC block of B in panels of NR columns, and an MC x KC block of A in panels of MR
	 * rows, both zero-padded: as the emitted morch_gemm lays them out */
	int64_t nr = g->real == T_F64 ? MM_NR_MAX_F64 : MM_NR_MAX_F32;
	int64_t m = min_or_cap(&d[0], MM_MC), n = min_or_cap(&d[1], MM_NC);
	int64_t k = min_or_cap(&d[2], MM_KC);
	*pack = dim_int(k * ((n + nr - 1) / nr * nr) + (m + MM_MR_LCM - 1) / MM_MR_LCM * MM_MR_LCM * k);
	return fixed ? MM_PACKED : MM_EITHER;
}

static void make_buffers(Schedule *s)
{
	const Graph *g = s->g;
	int n = g->nnodes;
	bool *stored = arena_alloc((size_t)n);
	int *owner = arena_alloc(sizeof *owner * (size_t)n);
	for (int i = 0; i < n; i++)
		owner[i] = -1;
	find_stored(s, stored, owner);
	/* A constant is a literal, except where a kernel other than a loop reads it from memory. */
	bool *const_in_memory = arena_alloc((size_t)n);
	for (int k = 0; k < s->nk; k++) {
		const Kernel *K = &s->k[k];
		if (K->kind == KER_LOOP)
			continue;
		const Node *nd = &g->node[K->node[0]];
		for (int j = 0; j < op_info[nd->op].arity; j++) {
			int b = view_base(g, nd->src[j]);
			if (g->node[b].op == OP_CONST)
				const_in_memory[b] = true;
		}
	}
	for (int i = 0; i < n; i++) {
		const Node *nd = &g->node[i];
		if (!s->live[i])
			continue;
		if (nd->op == OP_INPUT) {
			add_buffer(s, BUF_ARG, i);
		} else if (nd->op == OP_CONST) {
			if (const_in_memory[i])
				add_buffer(s, BUF_LOCAL, i);
		} else if (nd->op == OP_RESHAPE) {
			int b = s->buf_of[view_base(g, i)];
			if (b >= 0) {
				int v = add_buffer(s, BUF_VIEW, i);
				s->buf[v].base = b;
			}
		} else if (stored[i]) {
			if (owner[i] >= 0) {
				int b = add_buffer(s, BUF_OUTPUT, i);
				s->buf[b].sink = owner[i];
			} else {
				add_buffer(s, nd->shape.rank == 0 ? BUF_LOCAL : BUF_WORKSPACE, i);
			}
		}
	}
	/* A matmul that may pack its operands gets a scratch buffer, live only in its kernel. */
	for (int k = 0; k < s->nk; k++) {
		Dim pack;
		if (s->k[k].kind != KER_MATMUL || matmul_path(g, s->k[k].node[0], &pack) == MM_LOOPS)
			continue;
		int m = s->k[k].node[0], own = s->buf_of[m];
		int b = add_buffer(s, BUF_WORKSPACE, m);
		s->buf_of[m] = own; /* the node's value stays where it was */
		s->buf[b].size = pack;
		s->buf[b].scratch = true;
		s->k[k].scratch = b;
	}
	/* Every other sink gets a copy from where its value is. */
	for (int i = 0; i < s->nsinks; i++) {
		int b = view_base(g, s->sink[i].node);
		if (node_computes(&g->node[b]) && owner[b] == i)
			continue;
		int k = new_kernel(s, KER_COPY, NULL);
		s->k[k].sink = i;
	}
}

Schedule *schedule_function(const Graph *g, FnKind kind, bool fuse)
{
	Schedule *s = arena_alloc(sizeof *s);
	int n = g->nnodes;
	s->g = g;
	s->kind = kind;
	s->sink = arena_alloc(sizeof *s->sink * (size_t)(g->nouts + g->nwrt + 1));
	for (int i = 0; i < g->nouts; i++)
		s->sink[s->nsinks++] = (Sink){ g->out[i].node, i };
	if (kind == FN_GRAD)
		for (int i = 0; i < g->nwrt; i++)
			s->sink[s->nsinks++] = (Sink){ g->dnode[i], -1 - i };
	s->live = arena_alloc((size_t)n);
	s->kernel_of = arena_alloc(sizeof *s->kernel_of * (size_t)n);
	s->buf_of = arena_alloc(sizeof *s->buf_of * (size_t)n);
	for (int i = 0; i < n; i++)
		s->kernel_of[i] = s->buf_of[i] = -1;
	mark_live(s);
	form_kernels(s, fuse);
	make_buffers(s);
	return s;
}
