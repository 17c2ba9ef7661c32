/* opt_fold.c: constant folding and identities. Every rewrite gives the value C would compute
 * for the original node, for every input including inf and NaN, except where noted.
 *
 *   c1 op c2 -> c            scalar constants, for neg abs sqrt relu step sign and
 *                            + - * / maximum minimum eq gtmask select: computed in double and
 *                            rounded to the graph's type, which is the correctly rounded result
 *                            C gives (double has more than twice float's precision). exp, log,
 *                            tanh, sigmoid and pow are not folded: libm need not round them
 *                            correctly, so folding could change the last bit.
 *   v * (1*N) -> v*N         a size factor times a plain constant: C computes v * (T)N either way
 *   -(v*N) -> (-v)*N         negation is exact
 *   v*3 -> 3v                a size factor that is a number: (T)3 and the product rounded as C
 *   x * 1, 1 * x, x / 1, x - 0 -> x, pow(x, 1) -> x, -(-x) -> x   (x - (-0) is left alone)
 *   x + 0, 0 + x -> x        exact except the sign of a zero: -0 + 0 is +0 in IEEE, the
 *                            rewrite keeps -0 (they compare equal; only 1/x tells them apart)
 *   pow(x, 2) -> x * x       pow is correctly rounded in glibc, and so is x * x
 *   select(c, v) -> v or 0   a constant mask, nonzero (NaN included) or zero
 *   broadcast(x) to x's shape -> x, broadcast(broadcast(x)) -> broadcast(x),
 *   broadcast(reshape(x)) -> broadcast(x) when x has one element
 *   reshape(x) to x's shape -> x, reshape(reshape(x)) -> reshape(x)
 *
 * A constant here may be a broadcast or reshape of one. An identity whose result is larger than
 * x (x[3] * ones[2, 3]) becomes a broadcast of x, never x itself. x * 0 and x - x are not
 * rewritten: they are NaN for an infinite or NaN x.
 */
#include <math.h>

#include "opt.h"

static bool plain(const Graph *g, int id, double *v)
{
	const Node *n = &g->node[id];
	if (n->op != OP_CONST || !dim_is_one(&n->attr.cst.scale))
		return false;
	*v = n->attr.cst.value;
	return true;
}

static bool is(const Graph *g, int id, double want)
{
	double v;
	return opt_const(g, id, &v) && v == want;
}

/* The C semantics of ops.def's expressions, on rounded scalars. */
static bool eval(const Graph *g, Op op, double a, double b, double *r)
{
	a = opt_round(g, a);
	b = opt_round(g, b);
	switch (op) {
	case OP_NEG: *r = -a; break;
	case OP_ABS: *r = fabs(a); break;
	case OP_SQRT: *r = sqrt(a); break;
	case OP_RELU: *r = a < 0 ? 0 : a; break;
	case OP_STEP: *r = a > 0; break;
	case OP_SIGN: *r = a > 0 ? 1 : a < 0 ? -1 : 0; break;
	case OP_ADD: *r = a + b; break;
	case OP_SUB: *r = a - b; break;
	case OP_MUL: *r = a * b; break;
	case OP_DIV: *r = a / b; break;
	case OP_MAXIMUM: *r = a > b || a != a ? a : b; break;
	case OP_MINIMUM: *r = a < b || a != a ? a : b; break;
	case OP_EQ: *r = a == b; break;
	case OP_GTMASK: *r = a > b ? 1 : a == b ? 0.5 : 0; break;
	case OP_SELECT: *r = a != 0 ? b : 0; break;
	default: return false;
	}
	*r = opt_round(g, *r);
	return true;
}

static int scaled(Graph *g, double v, Dim scale, Loc loc)
{
	int c = ir_count(g, scale, loc);
	g->node[c].attr.cst.value = v;
	return c;
}

static int fold(Graph *g, int id)
{
	Node n = g->node[id]; /* a copy: making nodes may move the array */
	int x = n.src[0], y = n.src[1];
	double a, b, r;
	const Shape *S = &n.shape;
	switch (n.op) {
	case OP_CONST: {
		Dim sc = n.attr.cst.scale;
		if (dim_is_const(&sc) && !dim_is_one(&sc))
			return ir_const(g, opt_round(g, opt_round(g, n.attr.cst.value) *
			                                opt_round(g, (double)sc.coef)), n.loc);
		return id;
	}
	case OP_NEG:
		if (g->node[x].op == OP_NEG)
			return g->node[x].src[0];
		if (g->node[x].op == OP_CONST && !plain(g, x, &a))
			return scaled(g, -g->node[x].attr.cst.value, g->node[x].attr.cst.scale, n.loc);
		break;
	case OP_BROADCAST:
		if (shape_eq(&g->node[x].shape, S))
			return x;
		if (g->node[x].op == OP_BROADCAST)
			return ir_broadcast(g, g->node[x].src[0], S, n.loc);
		if (g->node[x].op == OP_RESHAPE) {
			int s = g->node[x].src[0];
			Dim one = dim_int(1), c = shape_count(&g->node[s].shape);
			if (dim_eq(&c, &one) && g->node[s].shape.rank <= S->rank)
				return ir_broadcast(g, s, S, n.loc);
		}
		return id;
	case OP_RESHAPE:
		if (shape_eq(&g->node[x].shape, S))
			return x;
		if (g->node[x].op == OP_RESHAPE) {
			int s = g->node[x].src[0];
			if (shape_eq(&g->node[s].shape, S))
				return s;
			return ir_reshape(g, s, S, n.loc);
		}
		return id;
	case OP_MUL:
		if (is(g, y, 1))
			return opt_as_shape(g, x, S, n.loc);
		if (is(g, x, 1))
			return opt_as_shape(g, y, S, n.loc);
		/* v * (1*N), either way round */
		for (int k = 0; k < 2; k++) {
			int p = k ? y : x, q = k ? x : y;
			const Node *qn = &g->node[q];
			if (plain(g, p, &a) && qn->op == OP_CONST && !dim_is_one(&qn->attr.cst.scale) &&
			    qn->attr.cst.value == 1)
				return scaled(g, a, qn->attr.cst.scale, n.loc);
		}
		break;
	case OP_DIV:
		if (is(g, y, 1))
			return opt_as_shape(g, x, S, n.loc);
		break;
	case OP_ADD:
		if (is(g, y, 0))
			return opt_as_shape(g, x, S, n.loc);
		if (is(g, x, 0))
			return opt_as_shape(g, y, S, n.loc);
		break;
	case OP_SUB: /* x - (-0) is x + 0: see above */
		if (is(g, y, 0) && opt_const(g, y, &b) && !signbit(b))
			return opt_as_shape(g, x, S, n.loc);
		break;
	case OP_POW:
		if (plain(g, y, &b) && b == 1)
			return opt_as_shape(g, x, S, n.loc);
		if (plain(g, y, &b) && b == 2)
			return opt_as_shape(g, ir_binary(g, OP_MUL, x, x, n.loc), S, n.loc);
		break;
	case OP_SELECT:
		if (opt_const(g, x, &a)) {
			int v = a != 0 ? y : ir_const(g, 0, n.loc);
			return opt_as_shape(g, v, S, n.loc);
		}
		break;
	default:
		break;
	}
	if (op_info[n.op].kind != K_EW)
		return id;
	if (op_info[n.op].arity == 1 && plain(g, x, &a) && eval(g, n.op, a, 0, &r))
		return ir_const(g, r, n.loc);
	if (op_info[n.op].arity == 2 && plain(g, x, &a) && plain(g, y, &b) && eval(g, n.op, a, b, &r))
		return ir_const(g, r, n.loc);
	return id;
}

void pass_fold(Graph *g)
{
	for (int i = 0; i < g->nnodes; i++) {
		ir_resolve(g, i);
		int r = fold(g, i);
		if (r != i)
			ir_replace(g, i, r);
	}
}
