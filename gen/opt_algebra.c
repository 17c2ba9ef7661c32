/* opt_algebra.c: rewrites that use what ops mean, not just constants. Exact in real arithmetic;
 * in IEEE arithmetic the sign rewrites are exact for every input, the others reorder sums
 * (rounding differs; inf and NaN propagate as before, an overflow may move).
 *
 *   sum(op(A) @ op(B)) over all axes, 2-D  ->  sum(colsum(op(A)) * rowsum(op(B)))
 *                            sum_ij sum_k a_ik b_kj = sum_k (sum_i a_ik)(sum_j b_kj): two
 *                            reductions and a K-vector instead of a matmul (when the product has
 *                            no other use)
 *   X @ broadcast(c)  ->  broadcast(c * rowsum(op(X)))      c a one-element value (a constant,
 *   broadcast(c) @ Y  ->  broadcast(c * colsum(op(Y)))      the seed of a gradient)
 *                            a product with a tensor of ones is a sum; any ta, tb
 *   sum(broadcast(x)) over broadcast axes  ->  x * count     (reshaped to the result)
 *   mean(broadcast(x)) over broadcast axes ->  x
 *   transpose(transpose(x)) -> x
 *   (-x) * (-y) -> x * y, (-x) / (-y) -> x / y               exact: IEEE rounding is symmetric
 *   (-x) * y, x * (-y) -> -(x * y), and so for /             when the neg has no other use, so
 *                            negations move outward and cancel (fold: -(-x) -> x)
 *   x + (-y) -> x - y, (-x) + y -> y - x, x - (-y) -> x + y  exact
 *   step(x) -> step(relu(x)) when relu(x) exists             the same mask (NaN and -0 give 0
 *                            both ways), so the pre-relu tensor can die after the forward pass
 *   cross_entropy(x, y) -> nll(log_softmax(x, axis=1), y)    the same sums, rounded alike
 *   softmax(x, a) -> exp(log_softmax(x, a)) when log_softmax(x, a) exists
 *                            PyTorch's own cross-entropy backward; cse then shares the row
 *                            maximum and sum of exps between the loss and its gradient
 */
#include "opt.h"
#include "util.h"

typedef struct Alg {
	Graph *g;
	int *relu_of, *lsm_of; /* by operand: a relu / log_softmax of it, or -1 */
	int nmap;
} Alg;

static Node *nd(Alg *A, int id)
{
	return &A->g->node[id];
}

static bool one_element(const Graph *g, int id)
{
	Dim one = dim_int(1), c = shape_count(&g->node[id].shape);
	return dim_eq(&c, &one);
}

/* sum over i of op(A)[i, k] and sum over j of op(B)[k, j]: [K] vectors */
static int colsum(Graph *g, int a, bool t, Loc loc)
{
	return ir_reduce(g, OP_SUM, a, t ? 2u : 1u, false, loc);
}

static int rowsum(Graph *g, int b, bool t, Loc loc)
{
	return ir_reduce(g, OP_SUM, b, t ? 1u : 2u, false, loc);
}

/* The one element of a broadcast operand, looking through views and broadcasts; -1 if not. */
static int single(const Graph *g, int id)
{
	if (g->node[id].op != OP_BROADCAST)
		return -1;
	id = g->node[id].src[0];
	while ((g->node[id].op == OP_RESHAPE || g->node[id].op == OP_BROADCAST) &&
	       one_element(g, g->node[id].src[0]))
		id = g->node[id].src[0];
	return one_element(g, id) && g->node[id].shape.rank <= 2 ? id : -1;
}

static int matmul_broadcast(Alg *A, int id)
{
	Graph *g = A->g;
	Node n = *nd(A, id);
	int x = n.src[0], y = n.src[1];
	if (g->node[x].shape.rank != 2 || g->node[y].shape.rank != 2)
		return id;
	bool ta = n.attr.mm.ta, tb = n.attr.mm.tb;
	int c = single(g, y);
	if (c >= 0) { /* (X C)[i, j] = c * sum_k op(X)[i, k]: a column */
		Shape col = n.shape;
		col.dim[1] = dim_int(1);
		int r = ta ? ir_reshape(g, ir_reduce(g, OP_SUM, x, 1u, false, n.loc), &col, n.loc)
		           : ir_reduce(g, OP_SUM, x, 2u, true, n.loc);
		return ir_broadcast(g, ir_binary(g, OP_MUL, c, r, n.loc), &n.shape, n.loc);
	}
	c = single(g, x);
	if (c >= 0) { /* (C Y)[i, j] = c * sum_k op(Y)[k, j]: a row */
		int r = ir_reduce(g, OP_SUM, y, tb ? 2u : 1u, false, n.loc);
		return ir_broadcast(g, ir_binary(g, OP_MUL, c, r, n.loc), &n.shape, n.loc);
	}
	return id;
}

static int sum_matmul(Alg *A, int id)
{
	Graph *g = A->g;
	Node n = *nd(A, id);
	const Node *m = nd(A, n.src[0]);
	if (m->op != OP_MATMUL || m->shape.rank != 2 || n.attr.reduce.axes != 3u ||
	    ir_uses(g, n.src[0]) != 1)
		return id;
	int a = m->src[0], b = m->src[1];
	bool ta = m->attr.mm.ta, tb = m->attr.mm.tb;
	if (g->node[a].shape.rank != 2 || g->node[b].shape.rank != 2)
		return id;
	int k = ir_binary(g, OP_MUL, colsum(g, a, ta, n.loc), rowsum(g, b, tb, n.loc), n.loc);
	int s = ir_reduce(g, OP_SUM, k, 1u, false, n.loc);
	return n.attr.reduce.keepdims ? ir_reshape(g, s, &n.shape, n.loc) : s;
}

static int reduce_broadcast(Alg *A, int id)
{
	Graph *g = A->g;
	Node n = *nd(A, id);
	const Node *b = nd(A, n.src[0]);
	if (b->op != OP_BROADCAST)
		return id;
	int x = b->src[0];
	const Shape *S = &b->shape, *X = &g->node[x].shape;
	int lead = S->rank - X->rank;
	unsigned axes = n.attr.reduce.axes;
	Dim count = dim_int(1);
	Shape t = shape_scalar(); /* x's dims, with the reduced ones gone (or 1) */
	for (int i = 0; i < S->rank; i++) {
		bool bcast = i < lead || dim_is_one(&X->dim[i - lead]);
		if (axes >> i & 1) {
			if (!bcast)
				return id;
			count = dim_mul(count, S->dim[i]);
			if (n.attr.reduce.keepdims)
				t.dim[t.rank++] = dim_int(1);
		} else {
			t.dim[t.rank++] = i < lead ? dim_int(1) : X->dim[i - lead];
		}
	}
	int v = ir_reshape(g, x, &t, n.loc);
	if (n.op == OP_SUM)
		v = ir_binary(g, OP_MUL, v, ir_count(g, count, n.loc), n.loc);
	return opt_as_shape(g, v, &n.shape, n.loc);
}

/* Sign rules; `lone` is whether a neg operand can go (no other use). */
static int signs(Alg *A, int id)
{
	Graph *g = A->g;
	Node n = *nd(A, id);
	int x = n.src[0], y = n.src[1];
	bool nx = nd(A, x)->op == OP_NEG, ny = nd(A, y)->op == OP_NEG;
	int x0 = nx ? nd(A, x)->src[0] : x, y0 = ny ? nd(A, y)->src[0] : y;
	switch (n.op) {
	case OP_MUL:
	case OP_DIV:
		if (nx && ny)
			return ir_binary(g, n.op, x0, y0, n.loc);
		if ((nx && ir_uses(g, x) == 1) || (ny && ir_uses(g, y) == 1))
			return ir_unary(g, OP_NEG, ir_binary(g, n.op, x0, y0, n.loc), n.loc);
		return id;
	case OP_ADD:
		if (ny)
			return ir_binary(g, OP_SUB, x, y0, n.loc);
		if (nx)
			return ir_binary(g, OP_SUB, y, x0, n.loc);
		return id;
	case OP_SUB:
		return ny ? ir_binary(g, OP_ADD, x, y0, n.loc) : id;
	default:
		return id;
	}
}

static int map_get(Alg *A, int *map, int x)
{
	return x < A->nmap ? map[x] : -1;
}

static int labels(Alg *A, int id)
{
	Graph *g = A->g;
	Node n = *nd(A, id);
	int x = n.src[0];
	if (n.op == OP_CROSS_ENTROPY) {
		int l = map_get(A, A->lsm_of, x);
		if (l < 0 || nd(A, l)->attr.along.axis != 1)
			l = ir_along(g, OP_LOG_SOFTMAX, x, 1, false, n.loc);
		if (x < A->nmap && A->lsm_of[x] < 0)
			A->lsm_of[x] = l;
		Node nll = ir_node(OP_NLL, g->real, shape_scalar(), n.loc);
		nll.src[0] = l;
		nll.src[1] = n.src[1];
		return ir_add(g, nll);
	}
	/* softmax */
	int l = map_get(A, A->lsm_of, x);
	if (l >= 0 && nd(A, l)->attr.along.axis == n.attr.along.axis)
		return ir_unary(g, OP_EXP, l, n.loc);
	return id;
}

static int algebra(Alg *A, int id)
{
	Node *n = nd(A, id);
	int x = n->src[0];
	switch (n->op) {
	case OP_SUM:
	case OP_MEAN: {
		int r = n->op == OP_SUM ? sum_matmul(A, id) : id;
		return r != id ? r : reduce_broadcast(A, id);
	}
	case OP_MATMUL:
		return matmul_broadcast(A, id);
	case OP_TRANSPOSE:
		return nd(A, x)->op == OP_TRANSPOSE ? nd(A, x)->src[0] : id;
	case OP_MUL:
	case OP_DIV:
	case OP_ADD:
	case OP_SUB:
		return signs(A, id);
	case OP_STEP: {
		int r = map_get(A, A->relu_of, x);
		return r >= 0 ? ir_unary(A->g, OP_STEP, r, n->loc) : id;
	}
	case OP_CROSS_ENTROPY:
	case OP_SOFTMAX:
		return labels(A, id);
	default:
		return id;
	}
}

void pass_algebra(Graph *g)
{
	Alg A = { g, NULL, NULL, g->nnodes };
	A.relu_of = arena_alloc(sizeof(int) * (size_t)(A.nmap ? A.nmap : 1));
	A.lsm_of = arena_alloc(sizeof(int) * (size_t)(A.nmap ? A.nmap : 1));
	for (int i = 0; i < A.nmap; i++)
		A.relu_of[i] = A.lsm_of[i] = -1;
	for (int i = 0; i < A.nmap; i++) {
		const Node *n = &g->node[i];
		int *map = n->op == OP_RELU ? A.relu_of : n->op == OP_LOG_SOFTMAX ? A.lsm_of : NULL;
		if (map && map[n->src[0]] < 0)
			map[n->src[0]] = i;
	}
	for (int i = 0; i < g->nnodes; i++) {
		ir_resolve(g, i);
		int r = algebra(&A, i);
		if (r != i)
			ir_replace(g, i, r);
	}
}
