/* ir.c: the op table and node constructors. Constructors compute result shapes and assert that
 * operands fit: build.c has already reported user errors, so a misfit here is a morchgen bug.
 * They never simplify (a reshape to the same shape is a node too): that is opt_fold.c's job. */
#include <string.h>

#include "ir.h"
#include "util.h"

const OpInfo op_info[OP_COUNT] = {
#define OP(id, name, arity, kind, expr) [OP_##id] = { name, arity, kind, expr },
#include "ops.def"
#undef OP
};

#define CHECK(cond, msg) ((cond) ? (void)0 : unreachable(msg))

Graph *graph_new(const char *name, DType real, Loc loc)
{
	Graph *g = arena_alloc(sizeof *g);
	g->name = name;
	g->real = real;
	g->loc = loc;
	g->upstream = -1;
	return g;
}

const char *dtype_c(DType t)
{
	switch (t) {
	case T_F32: return "float";
	case T_F64: return "double";
	case T_I32: return "int32_t";
	}
	unreachable("bad dtype");
}

Node ir_node(Op op, DType type, Shape shape, Loc loc)
{
	Node n;
	memset(&n, 0, sizeof n);
	n.op = op;
	n.type = type;
	n.shape = shape;
	n.loc = loc;
	n.src[0] = n.src[1] = -1;
	return n;
}

int ir_add(Graph *g, Node n)
{
	for (int i = 0; i < op_info[n.op].arity; i++)
		CHECK(n.src[i] >= 0 && n.src[i] < g->nnodes, "operand out of range");
	ARRAY_PUSH(g->node, g->nnodes, g->capnodes, n);
	return g->nnodes - 1;
}

int graph_add_arg(Graph *g, const char *name, ArgRole role, DType type, const Shape *shape,
                  Loc loc)
{
	Node n = ir_node(OP_INPUT, type, *shape, loc);
	n.name = name;
	n.attr.input.arg = g->nargs;
	Arg a = { name, role, ir_add(g, n), loc };
	ARRAY_PUSH(g->arg, g->nargs, g->capargs, a);
	return g->nargs - 1;
}

int ir_const(Graph *g, double v, Loc loc)
{
	Node n = ir_node(OP_CONST, g->real, shape_scalar(), loc);
	n.attr.cst.value = v;
	n.attr.cst.scale = dim_int(1);
	return ir_add(g, n);
}

int ir_count(Graph *g, Dim d, Loc loc)
{
	Node n = ir_node(OP_CONST, g->real, shape_scalar(), loc);
	n.attr.cst.value = 1;
	n.attr.cst.scale = d;
	return ir_add(g, n);
}

bool ir_is_const(const Graph *g, int id, double v)
{
	const Node *n = &g->node[id];
	return n->op == OP_CONST && n->attr.cst.value == v && dim_is_one(&n->attr.cst.scale);
}

static const Shape *shape_of(const Graph *g, int id)
{
	return &g->node[id].shape;
}

int ir_unary(Graph *g, Op op, int a, Loc loc)
{
	CHECK(op_info[op].kind == K_EW && op_info[op].arity == 1, "not a unary op");
	Node n = ir_node(op, g->real, *shape_of(g, a), loc);
	n.src[0] = a;
	return ir_add(g, n);
}

int ir_binary(Graph *g, Op op, int a, int b, Loc loc)
{
	CHECK(op_info[op].kind == K_EW && op_info[op].arity == 2, "not a binary op");
	Shape s;
	CHECK(shape_broadcast(shape_of(g, a), shape_of(g, b), &s), "operands do not broadcast");
	Node n = ir_node(op, g->real, s, loc);
	n.src[0] = a;
	n.src[1] = b;
	return ir_add(g, n);
}

int ir_broadcast(Graph *g, int a, const Shape *to, Loc loc)
{
	Shape s;
	CHECK(shape_broadcast(shape_of(g, a), to, &s) && shape_eq(&s, to), "cannot broadcast");
	Node n = ir_node(OP_BROADCAST, g->real, *to, loc);
	n.src[0] = a;
	return ir_add(g, n);
}

int ir_reduce(Graph *g, Op op, int a, unsigned axes, bool keepdims, Loc loc)
{
	CHECK(op_info[op].kind == K_REDUCE, "not a reduction");
	const Shape *s = shape_of(g, a);
	CHECK(axes < (1u << s->rank), "reduction axis out of range");
	Node n = ir_node(op, g->real, shape_reduce(s, axes, keepdims), loc);
	n.src[0] = a;
	n.attr.reduce.axes = axes;
	n.attr.reduce.keepdims = keepdims;
	return ir_add(g, n);
}

int ir_along(Graph *g, Op op, int a, int axis, bool keepdims, Loc loc)
{
	CHECK(op_info[op].kind == K_AXIS, "not an axis op");
	const Shape *s = shape_of(g, a);
	CHECK(axis >= 0 && axis < s->rank, "axis out of range");
	Shape r = *s;
	if (op == OP_LOGSUMEXP)
		r = shape_reduce(s, 1u << axis, keepdims);
	Node n = ir_node(op, g->real, r, loc);
	n.src[0] = a;
	n.attr.along.axis = axis;
	n.attr.along.keepdims = keepdims;
	return ir_add(g, n);
}

int ir_matmul(Graph *g, int a, int b, bool ta, bool tb, Loc loc)
{
	Shape s;
	CHECK(shape_matmul(shape_of(g, a), shape_of(g, b), ta, tb, &s), "matmul shapes");
	Node n = ir_node(OP_MATMUL, g->real, s, loc);
	n.src[0] = a;
	n.src[1] = b;
	n.attr.mm.ta = ta;
	n.attr.mm.tb = tb;
	return ir_add(g, n);
}

int ir_reshape(Graph *g, int a, const Shape *to, Loc loc)
{
	Dim na = shape_count(shape_of(g, a)), nt = shape_count(to);
	CHECK(dim_eq(&na, &nt), "reshape changes the element count");
	Node n = ir_node(OP_RESHAPE, g->node[a].type, *to, loc);
	n.src[0] = a;
	return ir_add(g, n);
}

int ir_transpose(Graph *g, int a, Loc loc)
{
	Shape s = *shape_of(g, a);
	CHECK(s.rank >= 2, "transpose needs two dims");
	Dim t = s.dim[s.rank - 1];
	s.dim[s.rank - 1] = s.dim[s.rank - 2];
	s.dim[s.rank - 2] = t;
	Node n = ir_node(OP_TRANSPOSE, g->real, s, loc);
	n.src[0] = a;
	return ir_add(g, n);
}
