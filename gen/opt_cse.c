/* opt_cse.c: common subexpressions, by hash-consing in one pass over the array.
 *
 * Two nodes are the same value when they have the same op, element type, shape, attributes
 * (axes, axis, keepdims, transposes, a constant's value bits and size factor) and operands after
 * the replacements made so far; the later one is replaced by the first. Arguments never merge
 * (each is its own parameter). add, mul, eq, maximum and minimum compare their operands as a
 * set: x + y and y + x are equal in IEEE arithmetic. maximum and minimum differ only in which
 * zero they return for max(+0, -0), which compare equal anyway.
 */
#include <string.h>

#include "opt.h"
#include "util.h"

static bool commutes(Op op)
{
	return op == OP_ADD || op == OP_MUL || op == OP_EQ || op == OP_MAXIMUM || op == OP_MINIMUM;
}

static void operands(const Node *n, int *a, int *b)
{
	*a = n->src[0];
	*b = n->src[1];
	if (commutes(n->op) && *a > *b) {
		int t = *a;
		*a = *b;
		*b = t;
	}
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15u + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdu;
}

static uint64_t hash_dim(uint64_t h, const Dim *d)
{
	h = mix(h, (uint64_t)d->coef);
	for (int i = 0; i < MAX_SYMS; i++)
		h = mix(h, d->exp[i]);
	return h;
}

static uint64_t hash_node(const Node *n)
{
	int a, b;
	operands(n, &a, &b);
	uint64_t h = mix(mix(mix((uint64_t)n->op, (uint64_t)n->type), (uint64_t)(a + 1)),
	                 (uint64_t)(b + 1));
	h = mix(h, (uint64_t)n->shape.rank);
	for (int i = 0; i < n->shape.rank; i++)
		h = hash_dim(h, &n->shape.dim[i]);
	if (n->op == OP_CONST) {
		uint64_t bits;
		memcpy(&bits, &n->attr.cst.value, sizeof bits);
		h = hash_dim(mix(h, bits), &n->attr.cst.scale);
	}
	return h;
}

static bool same_attrs(const Node *x, const Node *y)
{
	switch (op_info[x->op].kind) {
	case K_LEAF:
		if (x->op == OP_INPUT)
			return false; /* never merged */
		return memcmp(&x->attr.cst.value, &y->attr.cst.value, sizeof(double)) == 0 &&
		       dim_eq(&x->attr.cst.scale, &y->attr.cst.scale);
	case K_REDUCE:
		return x->attr.reduce.axes == y->attr.reduce.axes &&
		       x->attr.reduce.keepdims == y->attr.reduce.keepdims;
	case K_AXIS:
		return x->attr.along.axis == y->attr.along.axis &&
		       x->attr.along.keepdims == y->attr.along.keepdims;
	case K_MATMUL:
		return x->attr.mm.ta == y->attr.mm.ta && x->attr.mm.tb == y->attr.mm.tb;
	default:
		return true;
	}
}

static bool same(const Node *x, const Node *y)
{
	int xa, xb, ya, yb;
	operands(x, &xa, &xb);
	operands(y, &ya, &yb);
	return x->op == y->op && x->type == y->type && xa == ya && xb == yb &&
	       shape_eq(&x->shape, &y->shape) && same_attrs(x, y);
}

void pass_cse(Graph *g)
{
	size_t cap = 16;
	while (cap < 2 * (size_t)g->nnodes)
		cap *= 2;
	int *table = arena_alloc(sizeof *table * cap);
	for (size_t i = 0; i < cap; i++)
		table[i] = -1;
	for (int i = 0; i < g->nnodes; i++) {
		ir_resolve(g, i);
		const Node *n = &g->node[i];
		for (int k = op_info[n->op].arity; k < MAX_SRC; k++)
			g->node[i].src[k] = -1; /* unused slots must not tell nodes apart */
		if (n->op == OP_INPUT)
			continue;
		size_t h = (size_t)hash_node(n) & (cap - 1);
		while (table[h] >= 0 && !same(&g->node[table[h]], n))
			h = (h + 1) & (cap - 1);
		if (table[h] >= 0)
			ir_replace(g, i, table[h]);
		else
			table[h] = i;
	}
}
