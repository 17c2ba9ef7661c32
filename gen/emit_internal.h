/* emit_internal.h: what the files of the C emitter share. The emitter prints schedules
 * (schedule.h); it decides nothing about fusion or memory.
 *
 *   emit_c.c       the .c and .h files, graph by graph
 *   emit_func.c    G_forward, G_grad, G_workspace_bytes: kernel calls and the workspace
 *   emit_loop.c    loop kernels: fused elementwise nodes and reductions, matmul epilogues
 *   emit_matmul.c  matmul: loops for small products, packed and blocked for large ones
 *   emit_kernels.c softmax and friends, transpose, cross-entropy, copies
 *   emit_blas.c    matmuls as CBLAS calls (--blas)
 *   emit_omp.c     OpenMP pragmas on loops over rows (--openmp)
 *   emit_reflect.c the --reflect descriptors
 *   emit_names.c   C names for everything a user named, and for buffers
 *   emit_lines.c   #line directives (--line-directives)
 *   emit_text.c    the line() helper, dims, literals, expressions
 *   emit_vmath.c   inline float exp, log and tanh, and which math function a call names
 */
#ifndef MORCH_EMIT_INTERNAL_H
#define MORCH_EMIT_INTERNAL_H

#include <stdio.h>

#include "emit.h"
#include "schedule.h"
#include "util.h"

/* A set of strings, hashed (emit_names.c). */
typedef struct NameSet {
	const char **slot;
	size_t cap, n;
} NameSet;
bool nameset_has(const NameSet *set, const char *s);
bool nameset_add(NameSet *set, const char *s); /* false when s was there */

/* What no user name of a module may be called: reserved words and every graph's public names;
 * and the graph names, whose --reflect statics start G_info. */
typedef struct ModuleNames {
	NameSet reserved, graphs;
	bool blas; /* --blas: cblas.h's names are reserved too */
} ModuleNames;

/* C names for one graph, shared by its header and all its functions. */
typedef struct Names {
	const ModuleNames *module;
	NameSet taken;
	long serial; /* numbers the names of repeated clashes (see cname) */
	const char *sym[MAX_SYMS];
	const char **arg;  /* per Graph.arg */
	const char **out;  /* per output */
	const char **d;    /* per wrt */
	const char **node; /* per node: the buffer's name when it has one */
} Names;

/* A buffer a kernel reads or writes: one pointer parameter, however many nodes use it. */
typedef struct KParam {
	int buf;
	bool write;
} KParam;

typedef struct Emit {
	FILE *f;
	int depth;
	const Graph *g;
	const EmitOptions *opt;
	const char *T;  /* element type */
	const char *fs; /* libm suffix: "f" for float */
	Names nm;
	bool sym_used[MAX_SYMS];
	/* while a kernel is written */
	const Schedule *s;
	KParam *kp;
	int nkp, capkp;
	int *mark; /* per node: == stamp while it is in the kernel being written */
	int stamp;
} Emit;

/* emit_text.c */
void line(Emit *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *dim_c(Emit *e, Dim d);          /* "4 * N", marks N used */
const char *literal(Emit *e, double v);     /* "0.5f" */
const char *const_value(Emit *e, int id);   /* a constant node (or a view of one) */
const char *ew_expr(Emit *e, const char *tmpl, const char *const *arg);
const char *shape_c(Emit *e, const Shape *s); /* "[3, N]" with C names of sizes */
size_t elem_size(const Emit *e);
const char *comment_text(const char *s);        /* s made safe inside a comment */
const char *c_string(const char *s);            /* s as a C string literal, quotes included */
void open_block(Emit *e);
/* Lines written between capture_begin and capture_end go to a string (the caller frees it), so a
 * function's header can depend on what its body turned out to use. */
typedef struct Capture {
	FILE *saved;
	char *text;
	size_t len;
} Capture;
void capture_begin(Emit *e, Capture *c, int depth);
char *capture_end(Emit *e, Capture *c);
void close_blocks(Emit *e, int n);

/* emit_names.c */
ModuleNames *module_names(const Module *m, const EmitOptions *opt);
void name_graph(Emit *e, const ModuleNames *module);
void emit_setup(Emit *e, FILE *f, const Graph *g, const EmitOptions *opt,
                const ModuleNames *names);
const char *node_name(Emit *e, int id);
const char *buf_name(Emit *e, int buf); /* views are named as what they alias */

/* emit_loop.c */
void emit_loop_kernel(Emit *e, const Kernel *k);
/* The epilogue of a matmul kernel for row i0 (all rows when whole_rows is false). */
void emit_epilogue(Emit *e, const Kernel *k, bool row_only);

/* emit_kernels.c */
const char *kread(Emit *e, int node);  /* the name of the buffer a kernel reads */
const char *kwrite(Emit *e, int node); /* ... or writes */
void emit_axis_kernel(Emit *e, const Kernel *k);
void emit_other_kernel(Emit *e, const Kernel *k);
void emit_copy_kernel(Emit *e, const Kernel *k);

/* emit_matmul.c */
void emit_matmul_kernel(Emit *e, const Kernel *k);
/* Before a graph's functions: the packed product for its element type when a function of the
 * graph calls it and the file has none yet (written[0] for float, [1] for double). */
void emit_matmul_support(FILE *f, const EmitOptions *opt, Schedule *const *s, int n, DType t,
                         bool *written);

/* emit_blas.c: --blas. The body of a matmul kernel is written as
 *     if (!emit_blas_matmul(e, k)) {
 *         ...the product and its epilogue in C...
 *         emit_blas_matmul_end(e, k);
 *     }
 * emit_blas_matmul returns true when it wrote the whole kernel (a CBLAS call and the epilogue).
 * When it returns false it may have opened a block: for sizes known only at run time it writes
 * `if (large) { CBLAS call; epilogue } else {`, so the C that follows is the else branch, and
 * emit_blas_matmul_end closes it (it writes nothing otherwise). blas_graph_calls: whether any
 * matmul of g may call CBLAS, so the file must include <cblas.h>. */
bool emit_blas_matmul(Emit *e, const Kernel *k);
void emit_blas_matmul_end(Emit *e, const Kernel *k);
bool blas_graph_calls(const Graph *g, const EmitOptions *opt);

/* emit_omp.c: --openmp. The prelude defines MORCH_OMP_FOR (nothing without the option);
 * emit_omp_for writes MORCH_OMP_FOR(work) before a loop whose iterations are independent, where
 * work is the number of inner steps the loop runs (nothing when it is a number below
 * OMP_MIN_WORK, or without the option). */
enum { OMP_MIN_WORK = 32768 };
void emit_omp_prelude(FILE *f, const EmitOptions *opt);
void emit_omp_for(Emit *e, Dim work);

/* emit_vmath.c: whether the module's float graphs call exp, log or tanh; the static inline
 * morch_expf, morch_logf, morch_tanhf those graphs use (before the kernels); and the C name of
 * math function `name` (len bytes) in e's graph: morch_expf for exp in float, expf for sqrt. */
bool vmath_used(const Module *m);
void emit_vmath(FILE *f, const Module *m);
const char *math_fn(const Emit *e, const char *name, size_t len);

/* emit_func.c */
const char *fn_name(const Graph *g, FnKind k);
typedef struct Param {
	const char *decl;  /* "const float *restrict a"; hdecl without restrict, for headers */
	const char *hdecl;
	const char *doc;   /* for the header comment */
	const char *name;
} Param;
int params(Emit *e, FnKind kind, bool sizes_only, Param *out);
const char *param_list(const Param *ps, int n, bool header);
const char *param_names(const Param *ps, int n);
void emit_function(Emit *e, const Schedule *s);
void emit_workspace_bytes(Emit *e, Schedule *const *s, int n); /* and the size check */
const char *sizes_check_name(const Graph *g);
const char *workspace_formula(Emit *e, Schedule *const *s, int n); /* for the header */

/* emit_lines.c: --line-directives. Marks (nothing without the option) say that the code from
 * here on computes .morch line `morch_line`, or is the generated file's own again; line_resolve
 * writes text with marks to f with #line directives in their place. */
void line_mark(Emit *e, int morch_line);
void line_unmark(Emit *e);
const char *line_mark_text(const Emit *e, int morch_line); /* the same, for a Str */
const char *line_unmark_text(const Emit *e);
void line_resolve(FILE *f, const char *text, const EmitOptions *opt);

/* emit_reflect.c */
void emit_reflect(Emit *e, const Module *m);
/* The same descriptor as a static named `name` (the public G_info when name is NULL). */
void emit_reflect_as(Emit *e, const Module *m, const char *name);
const char *reflect_dim_init(const Dim *d); /* "{ coef, { exp0, exp1 } }", a morch_dim */
/* base, lengthened with '_' until no graph name of m starts with it (followed by '_' or its end),
 * so no public symbol of the module's graphs can equal it or a name made by extending it. */
const char *reflect_unused_prefix(const Module *m, const char *base);

#endif
