/* diff.c: reverse-mode differentiation, graph to graph (the shape of ggml's backward expand).
 *
 * A forward sweep marks the nodes that depend on a `wrt` node; a reverse sweep over the node
 * array visits each marked node that received a gradient and appends the nodes of its operands'
 * gradients, one `case` per op. Every rule is written with ordinary ops, so the gradient can be
 * optimized, emitted, and differentiated again like any other graph.
 */
#include <limits.h>
#include <string.h>

#include "ir.h"
#include "util.h"

typedef struct Diff {
	Graph *g;
	int *grad;   /* gradient node of each original node, or -1 */
	bool *needs; /* depends on a wrt node */
	Loc loc;     /* gradient nodes point at the forward node they come from */
} Diff;

static const Shape *shape(Diff *d, int id)
{
	return &d->g->node[id].shape;
}

/* The rules build plain nodes: x * 1, -(-x) and constant arithmetic are left for the
 * optimizer's fold pass (opt_fold.c), so -O0 shows each rule's output as written. */
static bool plain_const(const Graph *g, int id, double *v)
{
	const Node *n = &g->node[id];
	if (n->op != OP_CONST || !dim_is_one(&n->attr.cst.scale))
		return false;
	*v = n->attr.cst.value;
	return true;
}

static int bin(Diff *d, Op op, int a, int b)
{
	return ir_binary(d->g, op, a, b, d->loc);
}

static int un(Diff *d, Op op, int a)
{
	return ir_unary(d->g, op, a, d->loc);
}

static int cst(Diff *d, double v)
{
	return ir_const(d->g, v, d->loc);
}

/* Sums a gradient over the axes along which its operand was broadcast, back to `to`. */
static int sum_to(Diff *d, int x, const Shape *to)
{
	const Shape *s = shape(d, x);
	if (shape_eq(s, to))
		return x;
	int lead = s->rank - to->rank;
	unsigned axes = 0;
	for (int i = 0; i < s->rank; i++)
		if (i < lead || (dim_is_one(&to->dim[i - lead]) && !dim_is_one(&s->dim[i])))
			axes |= 1u << i;
	int r = axes ? ir_reduce(d->g, OP_SUM, x, axes, true, d->loc) : x;
	return ir_reshape(d->g, r, to, d->loc);
}

/* The gradient of a reduction's result, shaped so it broadcasts against the reduced operand. */
static int keepdims(Diff *d, int gy, const Shape *src, unsigned axes)
{
	Shape k = shape_reduce(src, axes, true);
	return ir_reshape(d->g, gy, &k, d->loc);
}

static int zeros(Diff *d, const Shape *s)
{
	int z = cst(d, 0);
	return s->rank ? ir_broadcast(d->g, z, s, d->loc) : z;
}

/* Adds a contribution to an operand's gradient, summing a value used more than once. */
static void add_grad(Diff *d, int x, int contribution)
{
	if (!d->needs[x])
		return;
	contribution = sum_to(d, contribution, shape(d, x));
	if (!shape_eq(shape(d, contribution), shape(d, x)))
		unreachable("gradient shape differs from its operand's");
	d->grad[x] = d->grad[x] < 0 ? contribution : bin(d, OP_ADD, d->grad[x], contribution);
}

static void backward(Diff *d, int id)
{
	Graph *g = d->g;
	Node n = g->node[id]; /* a copy: appending may move the array */
	int gy = d->grad[id], x = n.src[0], y = n.src[1];
	d->loc = n.loc;
	switch (n.op) {
	case OP_INPUT:
	case OP_CONST:
	case OP_STEP:
	case OP_SIGN:
	case OP_EQ:
	case OP_GTMASK:
	case OP_ONEHOT:
		return; /* leaves, and steps whose derivative is zero wherever it exists */
	case OP_NEG:
		add_grad(d, x, un(d, OP_NEG, gy));
		return;
	case OP_EXP:
		add_grad(d, x, bin(d, OP_MUL, gy, id));
		return;
	case OP_LOG:
		add_grad(d, x, bin(d, OP_DIV, gy, x));
		return;
	case OP_SQRT: /* gy / (2 sqrt(x)) */
		add_grad(d, x, bin(d, OP_DIV, gy, bin(d, OP_MUL, cst(d, 2), id)));
		return;
	case OP_TANH: /* gy (1 - y^2) */
		add_grad(d, x, bin(d, OP_MUL, gy, bin(d, OP_SUB, cst(d, 1), bin(d, OP_MUL, id, id))));
		return;
	case OP_SIGMOID: /* gy y (1 - y) */
		add_grad(d, x, bin(d, OP_MUL, gy, bin(d, OP_MUL, id, bin(d, OP_SUB, cst(d, 1), id))));
		return;
	case OP_RELU: /* relu'(0) = 0, as in PyTorch */
		add_grad(d, x, bin(d, OP_MUL, gy, un(d, OP_STEP, x)));
		return;
	case OP_ABS: /* abs'(0) = 0 */
		add_grad(d, x, bin(d, OP_MUL, gy, un(d, OP_SIGN, x)));
		return;
	case OP_ADD:
		add_grad(d, x, gy);
		add_grad(d, y, gy);
		return;
	case OP_SUB:
		add_grad(d, x, gy);
		if (d->needs[y])
			add_grad(d, y, un(d, OP_NEG, gy));
		return;
	case OP_MUL:
		if (d->needs[x])
			add_grad(d, x, bin(d, OP_MUL, gy, y));
		if (d->needs[y])
			add_grad(d, y, bin(d, OP_MUL, gy, x));
		return;
	case OP_DIV: /* d/dy (x / y) = -(x / y) / y */
		if (d->needs[x])
			add_grad(d, x, bin(d, OP_DIV, gy, y));
		if (d->needs[y])
			add_grad(d, y, un(d, OP_NEG, bin(d, OP_DIV, bin(d, OP_MUL, gy, id), y)));
		return;
	case OP_POW: { /* d/dx = y x^(y-1), 0 where y = 0; d/dy = x^y log x, 0 where x = 0 <= y */
		double vy;
		if (d->needs[x]) {
			int ym1 = bin(d, OP_SUB, y, cst(d, 1));
			int dx = bin(d, OP_MUL, y, bin(d, OP_POW, x, ym1));
			if (!plain_const(g, y, &vy) || vy == 0) /* as PyTorch: no 0 * inf at x = 0 */
				dx = bin(d, OP_SELECT, bin(d, OP_SUB, cst(d, 1), bin(d, OP_EQ, y, cst(d, 0))),
				         dx);
			add_grad(d, x, bin(d, OP_MUL, gy, dx));
		}
		if (d->needs[y]) {
			int y_nonneg = bin(d, OP_SUB, cst(d, 1), un(d, OP_STEP, un(d, OP_NEG, y)));
			int keep = bin(d, OP_SUB, cst(d, 1), bin(d, OP_MUL, bin(d, OP_EQ, x, cst(d, 0)),
			                                         y_nonneg));
			int dy = bin(d, OP_SELECT, keep, bin(d, OP_MUL, id, un(d, OP_LOG, x)));
			add_grad(d, y, bin(d, OP_MUL, gy, dy));
		}
		return;
	}
	case OP_SELECT: /* the mask is piecewise constant */
		if (d->needs[y])
			add_grad(d, y, bin(d, OP_SELECT, x, gy));
		return;
	case OP_MAXIMUM: /* ties split evenly, as in PyTorch */
		if (d->needs[x])
			add_grad(d, x, bin(d, OP_MUL, gy, bin(d, OP_GTMASK, x, y)));
		if (d->needs[y])
			add_grad(d, y, bin(d, OP_MUL, gy, bin(d, OP_GTMASK, y, x)));
		return;
	case OP_MINIMUM:
		if (d->needs[x])
			add_grad(d, x, bin(d, OP_MUL, gy, bin(d, OP_GTMASK, y, x)));
		if (d->needs[y])
			add_grad(d, y, bin(d, OP_MUL, gy, bin(d, OP_GTMASK, x, y)));
		return;
	case OP_BROADCAST:
		add_grad(d, x, gy); /* add_grad sums it back to x's shape */
		return;
	case OP_SUM:
	case OP_MEAN: {
		unsigned axes = n.attr.reduce.axes;
		int gk = keepdims(d, gy, shape(d, x), axes);
		if (n.op == OP_MEAN) {
			Dim count = dim_int(1);
			for (int i = 0; i < shape(d, x)->rank; i++)
				if (axes >> i & 1)
					count = dim_mul(count, shape(d, x)->dim[i]);
			gk = bin(d, OP_DIV, gk, ir_count(g, count, d->loc));
		}
		Shape xs = *shape(d, x);
		add_grad(d, x, ir_broadcast(g, gk, &xs, d->loc));
		return;
	}
	case OP_MAX:
	case OP_MIN: { /* split evenly among the tied elements, like torch.amax */
		unsigned axes = n.attr.reduce.axes;
		int yk = keepdims(d, id, shape(d, x), axes);
		int mask = bin(d, OP_EQ, x, yk);
		int count = ir_reduce(g, OP_SUM, mask, axes, true, d->loc);
		int share = bin(d, OP_DIV, keepdims(d, gy, shape(d, x), axes), count);
		add_grad(d, x, bin(d, OP_MUL, mask, share));
		return;
	}
	case OP_SOFTMAX: { /* y (gy - sum(gy y)) */
		int s = ir_reduce(g, OP_SUM, bin(d, OP_MUL, gy, id), 1u << n.attr.along.axis, true,
		                  d->loc);
		add_grad(d, x, bin(d, OP_MUL, id, bin(d, OP_SUB, gy, s)));
		return;
	}
	case OP_LOG_SOFTMAX: { /* gy - exp(y) sum(gy) */
		int s = ir_reduce(g, OP_SUM, gy, 1u << n.attr.along.axis, true, d->loc);
		add_grad(d, x, bin(d, OP_SUB, gy, bin(d, OP_MUL, un(d, OP_EXP, id), s)));
		return;
	}
	case OP_LOGSUMEXP: { /* gy exp(x - y) */
		unsigned axes = 1u << n.attr.along.axis;
		int yk = keepdims(d, id, shape(d, x), axes);
		int gk = keepdims(d, gy, shape(d, x), axes);
		add_grad(d, x, bin(d, OP_MUL, gk, un(d, OP_EXP, bin(d, OP_SUB, x, yk))));
		return;
	}
	case OP_MATMUL: { /* C = op(A) op(B): dA, dB by the product rule, in stored orientation */
		bool ta = n.attr.mm.ta, tb = n.attr.mm.tb;
		if (d->needs[x])
			add_grad(d, x, ta ? ir_matmul(g, y, gy, tb, true, d->loc)
			                  : ir_matmul(g, gy, y, false, !tb, d->loc));
		if (d->needs[y])
			add_grad(d, y, tb ? ir_matmul(g, gy, x, true, ta, d->loc)
			                  : ir_matmul(g, x, gy, !ta, false, d->loc));
		return;
	}
	case OP_TRANSPOSE:
		add_grad(d, x, ir_transpose(g, gy, d->loc));
		return;
	case OP_RESHAPE: {
		Shape xs = *shape(d, x);
		add_grad(d, x, ir_reshape(g, gy, &xs, d->loc));
		return;
	}
	case OP_CROSS_ENTROPY: { /* (softmax(logits) - onehot(y)) gy / N */
		Shape ls = *shape(d, x);
		Node oh = ir_node(OP_ONEHOT, g->real, ls, d->loc);
		oh.src[0] = y;
		int onehot = ir_add(g, oh);
		int p = ir_along(g, OP_SOFTMAX, x, 1, false, d->loc);
		int scale = bin(d, OP_DIV, gy, ir_count(g, ls.dim[0], d->loc));
		add_grad(d, x, bin(d, OP_MUL, bin(d, OP_SUB, p, onehot), scale));
		return;
	}
	case OP_NLL: { /* -onehot(y) gy / N: a bad label's row is NaN, as onehot makes it */
		Shape ls = *shape(d, x);
		Node oh = ir_node(OP_ONEHOT, g->real, ls, d->loc);
		oh.src[0] = y;
		int onehot = ir_add(g, oh);
		int scale = bin(d, OP_DIV, gy, ir_count(g, ls.dim[0], d->loc));
		add_grad(d, x, un(d, OP_NEG, bin(d, OP_MUL, onehot, scale)));
		return;
	}
	case OP_COUNT:
		break;
	}
	unreachable("op without a gradient rule");
}

bool diff_bounded(Graph *g, int target, int seed, const int *wrt, int nwrt, int *out,
                  int max_nodes)
{
	/* Only the nodes up to the target (and the wrt nodes) take part: arrays of that size, not
	 * of the whole graph, so many grad(y, x) of a small y cost no more than one each. */
	int n = target + 1;
	for (int i = 0; i < nwrt; i++)
		if (wrt[i] >= n)
			n = wrt[i] + 1;
	Diff d = { g, arena_alloc(sizeof(int) * (size_t)n), arena_alloc((size_t)n), g->node[target].loc };
	for (int i = 0; i < nwrt; i++)
		d.needs[wrt[i]] = true;
	for (int i = 0; i <= target; i++)
		for (int k = 0; k < op_info[g->node[i].op].arity; k++)
			if (d.needs[g->node[i].src[k]])
				d.needs[i] = true;
	for (int i = 0; i < n; i++)
		d.grad[i] = -1;
	d.grad[target] = seed;
	for (int i = target; i >= 0; i--) {
		if (d.grad[i] >= 0 && d.needs[i])
			backward(&d, i);
		if (g->nnodes > max_nodes) /* each rule adds a few nodes: the overshoot is small */
			return false;
	}
	for (int i = 0; i < nwrt; i++) {
		Shape s = *shape(&d, wrt[i]);
		out[i] = d.grad[wrt[i]] >= 0 ? d.grad[wrt[i]] : zeros(&d, &s);
	}
	return true;
}

void diff(Graph *g, int target, int seed, const int *wrt, int nwrt, int *out)
{
	diff_bounded(g, target, seed, wrt, nwrt, out, INT_MAX);
}
