/* ir.h: the graph IR shared by every pass of morchgen.
 *
 * A graph is one growing array of nodes that refer to their operands by index, so appending keeps
 * the array in topological order, indices name emitted temporaries, and differentiation just
 * appends more nodes (the gradient is a graph like any other).
 */
#ifndef MORCH_IR_H
#define MORCH_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_RANK 8  /* dims of one tensor */
#define MAX_SYMS 16 /* size names of one graph */
#define MAX_SRC 2   /* operands of one node */

/* A source position, laid out as bison's YYLTYPE so the parser fills it directly. */
typedef struct Loc {
	int first_line, first_column, last_line, last_column;
} Loc;

/* One dimension: coef * prod(sym[i] ** exp[i]). Products, quotients and the element count of a
 * shape stay in this form, so symbolic shapes compare structurally and reshape's -1 resolves. */
typedef struct Dim {
	int64_t coef;
	uint8_t exp[MAX_SYMS];
} Dim;

typedef struct Shape {
	int rank; /* 0 is a scalar */
	Dim dim[MAX_RANK];
} Shape;

typedef enum DType { T_F32, T_F64, T_I32 } DType;

typedef enum OpKind { K_LEAF, K_EW, K_REDUCE, K_AXIS, K_MATMUL, K_VIEW, K_OTHER } OpKind;

typedef enum Op {
#define OP(id, name, arity, kind, expr) OP_##id,
#include "ops.def"
#undef OP
	OP_COUNT
} Op;

typedef struct OpInfo {
	const char *name;
	int arity;
	OpKind kind;
	const char *expr;
} OpInfo;
extern const OpInfo op_info[OP_COUNT];

typedef struct Node {
	Op op;
	DType type;
	int src[MAX_SRC];
	Shape shape;
	Loc loc;
	const char *name; /* the user's name when a statement defined it; for comments only */
	union {
		struct { int arg; } input;                        /* OP_INPUT: index in Graph.args */
		struct { double value; Dim scale; } cst;          /* OP_CONST: value * scale (a size) */
		struct { unsigned axes; bool keepdims; } reduce;  /* K_REDUCE: bit i reduces src dim i */
		struct { int axis; bool keepdims; } along;        /* K_AXIS: non-negative axis */
		struct { bool ta, tb; } mm;                       /* OP_MATMUL: transpose a and/or b */
	} attr;
} Node;

typedef enum ArgRole { ARG_INPUT, ARG_PARAM, ARG_UPSTREAM } ArgRole;

typedef struct Arg {
	const char *name;
	ArgRole role;
	int node;
	Loc loc;
} Arg;

typedef struct Output {
	const char *name;
	int node;
} Output;

typedef struct Graph {
	const char *name;
	Loc loc;
	DType real; /* T_F32 or T_F64: the type of every real tensor */

	const char *sym[MAX_SYMS]; /* size names, in order of first appearance */
	int nsyms;

	Node *node;
	int nnodes, capnodes;

	Arg *arg;
	int nargs, capargs;

	Output *out;
	int nouts;

	/* the `grad` statement, if any */
	bool has_grad;
	int grad_target;   /* node */
	const char *grad_name; /* the target as the grad statement names it */
	int upstream;      /* arg index of the upstream gradient, or -1 for a scalar target */
	int *wrt;          /* arg indices */
	int *dnode;        /* gradient node of each wrt arg */
	int nwrt;

	/* the optimizer's state (opt.h): use counts as of the last ir_fill_uses, and the
	 * replacements and deaths the running pass recorded for ir_compact */
	int *uses;
	int nuses;
	int *repl;
	int nrepl;
	int nchanged; /* replacements since the graph was built: the passes' fixed point */
	Node *spare;  /* ir_compact writes here and swaps it with node: no new array per pass */
	int capspare;
} Graph;

typedef struct Module {
	Graph **graph;
	int ngraphs;
} Module;

/* ir.c: nodes */
int ir_add(Graph *g, Node n); /* appends, returns the index */
Node ir_node(Op op, DType type, Shape shape, Loc loc);
int ir_const(Graph *g, double v, Loc loc);          /* a scalar of the graph's real type */
int ir_unary(Graph *g, Op op, int a, Loc loc);
int ir_binary(Graph *g, Op op, int a, int b, Loc loc); /* shapes must broadcast */
int ir_reduce(Graph *g, Op op, int a, unsigned axes, bool keepdims, Loc loc);
int ir_along(Graph *g, Op op, int a, int axis, bool keepdims, Loc loc);
int ir_matmul(Graph *g, int a, int b, bool ta, bool tb, Loc loc);
int ir_reshape(Graph *g, int a, const Shape *to, Loc loc);
int ir_transpose(Graph *g, int a, Loc loc);
int ir_broadcast(Graph *g, int a, const Shape *to, Loc loc);
int ir_count(Graph *g, Dim n, Loc loc);  /* the scalar value of a size expression */
bool ir_is_const(const Graph *g, int id, double v);

Graph *graph_new(const char *name, DType real, Loc loc);
int graph_add_arg(Graph *g, const char *name, ArgRole role, DType type, const Shape *shape,
                  Loc loc);
const char *dtype_c(DType t); /* "float", "double", "int32_t" */

/* shape.c: dims and shapes */
Dim dim_int(int64_t v);
Dim dim_sym(int sym);
bool dim_eq(const Dim *a, const Dim *b);
bool dim_is_one(const Dim *d);
bool dim_is_const(const Dim *d);
Dim dim_mul(Dim a, Dim b);
bool dim_div(Dim a, Dim b, Dim *q); /* false when b does not divide a exactly */
Dim shape_count(const Shape *s);
bool shape_too_large(const Shape *s); /* more elements than generated code can index */
Shape shape_scalar(void);
bool shape_eq(const Shape *a, const Shape *b);
bool shape_broadcast(const Shape *a, const Shape *b, Shape *out);
Shape shape_reduce(const Shape *s, unsigned axes, bool keepdims);
bool shape_matmul(const Shape *a, const Shape *b, bool ta, bool tb, Shape *out);
/* "[2, N, 4]" or "2 * N" whole, in the arena (for generated C and the IR dump) */
const char *shape_text(const Graph *g, const Shape *s);
const char *dim_text(const Graph *g, const Dim *d, const char *mul);
/* The same into buf, ending in "..." when cut short (for messages); returns buf. */
char *shape_str(const Graph *g, const Shape *s, char *buf, size_t size);
char *dim_str(const Graph *g, const Dim *d, const char *mul, char *buf, size_t size);

/* diff.c: reverse mode. Appends the gradient of `target` (seeded by node `seed`, shaped like the
 * target) with respect to each node in `wrt` and stores their ids in `out` (a zero tensor for a
 * node the target does not depend on). diff_bounded returns false, out unset, when the graph
 * would grow past max_nodes. */
void diff(Graph *g, int target, int seed, const int *wrt, int nwrt, int *out);
bool diff_bounded(Graph *g, int target, int seed, const int *wrt, int nwrt, int *out,
                  int max_nodes);

/* dump.c: the IR as text, for --dump and for learners */
#include <stdio.h>
void dump_graph(FILE *f, const Graph *g);

#endif
