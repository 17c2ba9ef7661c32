/* emit_func.c: the public functions of a graph. G_forward and G_grad call their kernels in
 * schedule order; each kernel is a small static function whose pointer parameters are all
 * restrict (GCC trusts restrict on parameters, not on pointers into one workspace, and compiles
 * many small functions much faster than one huge one). The workspace is carved into the slots
 * plan.c chose. */
#include <stdlib.h>
#include <string.h>

#include "emit_internal.h"

/* Above this many kernels a function's kernels are kept out of line, so the compiler's time
 * grows with the graph instead of with the size of one huge function. */
enum { INLINE_KERNELS_MAX = 24 };

static const char *shape_doc(Emit *e, const Shape *s, DType t)
{
	if (s->rank == 0)
		return arena_printf("%s, scalar", dtype_c(t));
	return arena_printf("%s%s", dtype_c(t), shape_c(e, s));
}

int params(Emit *e, FnKind kind, bool sizes_only, Param *out)
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

const char *param_list(const Param *ps, int n, bool header)
{
	Str b = { 0 };
	for (int i = 0; i < n; i++)
		str_add(&b, "%s%s", i ? ", " : "", header ? ps[i].hdecl : ps[i].decl);
	return n ? str_get(&b) : "void";
}

const char *param_names(const Param *ps, int n)
{
	Str b = { 0 };
	for (int i = 0; i < n; i++)
		str_add(&b, "%s%s", i ? ", " : "", ps[i].name);
	return str_get(&b);
}

const char *fn_name(const Graph *g, FnKind k)
{
	return arena_printf("%s_%s", g->name, k == FN_GRAD ? "grad" : "forward");
}


/* How a node appears in a kernel's comment: its buffer, a literal, or its register. */
static const char *mention(Emit *e, int id)
{
	int b = view_base(e->g, id);
	if (e->g->node[b].op == OP_CONST)
		return const_value(e, id);
	if (e->s->buf_of[id] >= 0)
		return buf_name(e, e->s->buf_of[id]);
	return arena_printf("v%d", id);
}

static const char *node_attrs(Emit *e, const Node *n)
{
	if (op_info[n->op].kind == K_REDUCE) {
		const Shape *xs = &e->g->node[n->src[0]].shape;
		Str s = { 0 };
		if (n->attr.reduce.axes != (1u << xs->rank) - 1)
			for (int d = 0; d < xs->rank; d++)
				if (n->attr.reduce.axes >> d & 1)
					str_add(&s, ", axis=%d", d);
		if (n->attr.reduce.keepdims)
			str_add(&s, ", keepdims=true");
		return str_get(&s);
	}
	if (op_info[n->op].kind == K_AXIS)
		return arena_printf(", axis=%d", n->attr.along.axis);
	if (n->op == OP_MATMUL && (n->attr.mm.ta || n->attr.mm.tb))
		return arena_printf("%s%s", n->attr.mm.ta ? ", ta" : "", n->attr.mm.tb ? ", tb" : "");
	return "";
}

/* One line per node: " *   t5 = add(1.0f, v4)  [3, 3], 'h', line 7" */
static void kernel_comment(Emit *e, const Kernel *k, const char *name)
{
	static const char *const kinds[] = { "loop", "matmul", "axis", "", "copy" };
	const char *what = k->kind == KER_LOOP ? arena_printf("loop over %s", shape_c(e, &k->iter))
	                                       : kinds[k->kind];
	line(e, "/* %s: %s", name, what);
	for (int p = 0; p < k->nnodes; p++) {
		const Node *n = &e->g->node[k->node[p]];
		Str args = { 0 };
		for (int j = 0; j < op_info[n->op].arity; j++)
			str_add(&args, "%s%s", j ? ", " : "", mention(e, n->src[j]));
		const char *where = n->name ? arena_printf(", '%s', line %d", n->name, n->loc.first_line)
		                            : arena_printf(", line %d", n->loc.first_line);
		line(e, " *   %s = %s(%s%s)  %s%s", mention(e, k->node[p]), op_info[n->op].name,
		     str_get(&args), node_attrs(e, n), shape_c(e, &n->shape), where);
	}
	line(e, " */");
}

static const char *buf_type(Emit *e, int b)
{
	return dtype_c(e->g->node[e->s->buf[b].node].type);
}

/* Writes kernel k as a static function; appends its call to `calls`. */
static void emit_kernel(Emit *e, int k, const char *name, bool noinline, Str *calls)
{
	const Kernel *K = &e->s->k[k];
	bool fn_syms[MAX_SYMS];
	memcpy(fn_syms, e->sym_used, sizeof fn_syms);
	memset(e->sym_used, 0, sizeof e->sym_used);
	e->nkp = 0;

	Capture cap;
	capture_begin(e, &cap, 1);
	switch (K->kind) {
	case KER_LOOP: emit_loop_kernel(e, K); break;
	case KER_MATMUL:
		emit_matmul_kernel(e, K); /* or a CBLAS call with --blas */
		break;
	case KER_AXIS: emit_axis_kernel(e, K); break;
	case KER_OTHER: emit_other_kernel(e, K); break;
	case KER_COPY: unreachable("copies are not kernels");
	}
	char *text = capture_end(e, &cap);

	Str ps = { 0 }, args = { 0 };
	for (int i = 0; i < e->g->nsyms; i++)
		if (e->sym_used[i]) {
			str_add(&ps, "%sint64_t %s", ps.len ? ", " : "", e->nm.sym[i]);
			str_add(&args, "%s%s", args.len ? ", " : "", e->nm.sym[i]);
		}
	for (int i = 0; i < e->nkp; i++) {
		int b = e->kp[i].buf;
		const char *nm = buf_name(e, b);
		str_add(&ps, "%s%s%s *restrict %s", ps.len ? ", " : "", e->kp[i].write ? "" : "const ",
		        buf_type(e, b), nm);
		str_add(&args, "%s%s", args.len ? ", " : "", nm);
	}
	fputc('\n', e->f);
	kernel_comment(e, K, name);
	int src = e->g->node[K->node[0]].loc.first_line;
	line_mark(e, src);
	line(e, "static %svoid %s(%s)", noinline ? "MORCH_NOINLINE " : "", name,
	     ps.len ? str_get(&ps) : "void");
	line(e, "{");
	fputs(text, e->f);
	line(e, "}");
	line_unmark(e);
	free(text);
	str_add(calls, "%s\t%s(%s);\n", line_mark_text(e, src), name, str_get(&args));
	for (int i = 0; i < MAX_SYMS; i++)
		e->sym_used[i] |= fn_syms[i];
}

/* Copies a result that was not computed in place: an input, a constant, a second use. */
static void emit_copy(Emit *e, const Sink *s, Str *calls)
{
	const Graph *g = e->g;
	const Node *n = &g->node[s->node];
	const char *to = s->out >= 0 ? e->nm.out[s->out] : e->nm.d[-1 - s->out];
	const char *count = dim_c(e, shape_count(&n->shape));
	bool literal = g->node[view_base(g, s->node)].op == OP_CONST &&
	               e->s->buf_of[view_base(g, s->node)] < 0;
	const char *from = literal ? const_value(e, s->node) : buf_name(e, e->s->buf_of[s->node]);
	str_add(calls, "%s\t/* %s = %s */\n", line_unmark_text(e), to, from);
	const char *v = literal ? from : arena_printf("%s[i]", from);
	if (n->shape.rank == 0)
		str_add(calls, "\t%s[0] = %s;\n", to, literal ? from : arena_printf("%s[0]", from));
	else
		str_add(calls, "\tfor (int64_t i = 0; i < %s; i++)\n\t\t%s[i] = %s;\n", count, to, v);
}

/* The byte offset of each slot: numbers when every size is known, else running sums. */
static const char **slot_offsets(Emit *e, Str *decls, bool *used)
{
	const Schedule *s = e->s;
	const char **off = arena_alloc(sizeof *off * (size_t)(s->nslots + 1));
	size_t elem = elem_size(e), bytes;
	if (plan_fixed_bytes(s, elem, &bytes)) {
		size_t *at = arena_alloc(sizeof *at * (size_t)(s->nslots + 1));
		plan_slot_offsets(s, elem, at);
		for (int i = 0; i < s->nslots; i++)
			off[i] = arena_printf("%zu", at[i]);
		return off;
	}
	int last = -1;
	for (int i = 0; i < s->nslots; i++)
		if (used[i])
			last = i;
	for (int i = 0; i <= last; i++) {
		off[i] = arena_printf("slot%d", i);
		if (i == 0)
			str_add(decls, "\tconst size_t slot0 = 0;\n");
		else
			str_add(decls, "\tconst size_t slot%d = slot%d + morch_align_up((size_t)(%s) * "
			               "sizeof(%s));\n",
			        i, i - 1, dim_c(e, s->slot[i - 1].size), e->T);
	}
	return off;
}

void emit_function(Emit *e, const Schedule *s)
{
	const Graph *g = e->g;
	e->s = s;
	memset(e->sym_used, 0, sizeof e->sym_used);
	Param *pp = arena_alloc(sizeof *pp * (size_t)(g->nsyms + g->nargs + g->nouts + g->nwrt + 4));
	int np = params(e, s->kind, false, pp);
	const char *fn = fn_name(g, s->kind);

	int nkernels = 0;
	for (int k = 0; k < s->nk; k++)
		nkernels += s->k[k].kind != KER_COPY;
	Str calls = { 0 };
	for (int k = 0, nth = 0; k < s->nk; k++) {
		if (s->k[k].kind == KER_COPY) {
			emit_copy(e, &s->sink[s->k[k].sink], &calls);
			continue;
		}
		emit_kernel(e, k, arena_printf("%s_k%d", fn, nth++), nkernels > INLINE_KERNELS_MAX,
		            &calls);
	}

	/* which buffers the calls name: workspace pointers and locals are declared for them */
	bool *used = arena_alloc((size_t)s->nslots + 1);
	Str decls = { 0 };
	for (int b = 0; b < s->nbuf; b++)
		if (s->buf[b].kind == BUF_WORKSPACE)
			used[s->buf[b].slot] = true;
	const char **off = slot_offsets(e, &decls, used);
	for (int b = 0; b < s->nbuf; b++) {
		const Buffer *B = &s->buf[b];
		const char *nm = buf_name(e, b);
		if (B->kind == BUF_WORKSPACE)
			str_add(&decls, "\t%s *const %s = (%s *)((char *)ws + %s);\n", e->T, nm, e->T,
			        off[B->slot]);
		else if (B->kind == BUF_LOCAL && g->node[B->node].op == OP_CONST)
			str_add(&decls, "\t%s %s[1] = { %s };\n", e->T, nm, const_value(e, B->node));
		else if (B->kind == BUF_LOCAL)
			str_add(&decls, "\t%s %s[1];\n", e->T, nm);
	}

	fputc('\n', e->f);
	line(e, "void %s(%s)", fn, param_list(pp, np, false));
	line(e, "{");
	if (g->nsyms) {
		Param sz[MAX_SYMS + 1];
		int nsz = params(e, s->kind, true, sz);
		line(e, "\tif (%s(%s) == SIZE_MAX)", sizes_check_name(g), param_names(sz, nsz));
		line(e, "\t\treturn; /* sizes below 1, or too large */");
	}
	for (int i = 0; i < g->nargs; i++) {
		if (g->arg[i].role == ARG_UPSTREAM && s->kind == FN_FORWARD)
			continue;
		if (!s->live[g->arg[i].node])
			line(e, "\t(void)%s;", e->nm.arg[i]);
	}
	if (!s->nslots)
		line(e, "\t(void)ws;");
	fputs(str_get(&decls), e->f);
	fputs(str_get(&calls), e->f);
	line_unmark(e);
	line(e, "}");
	e->s = NULL;
}

static size_t slots_fixed_max(Emit *e, Schedule *const *s, int n, bool *fixed)
{
	size_t most = 0, bytes;
	*fixed = true;
	for (int k = 0; k < n; k++) {
		if (!plan_fixed_bytes(s[k], elem_size(e), &bytes))
			*fixed = false;
		else if (bytes > most)
			most = bytes;
	}
	return most;
}

/* ---- the size check of a graph with size names ----
 * Every count the generated code computes is a monomial in the sizes no larger than the
 * element count of some tensor of the graph, or a sum of workspace slots. So the check
 * multiplies out the bytes of the largest tensors (those no other tensor's bytes bound
 * for every size) and sums each function's workspace, all with morchrt.h's saturating
 * helpers: once per call, outside every loop. */

typedef struct Term {
	Dim bytes;        /* coef: bytes for the monomial's value 1 */
	const char *what; /* for the comment */
} Term;

static size_t type_size(DType t)
{
	return t == T_F64 ? 8 : 4;
}

/* a's bytes are at most b's for all sizes >= 1 */
static bool bounded_by(const Dim *a, const Dim *b)
{
	for (int i = 0; i < MAX_SYMS; i++)
		if (a->exp[i] > b->exp[i])
			return false;
	return a->coef <= b->coef;
}

static void add_term(Term *t, int *n, Dim bytes, const char *what)
{
	if (dim_is_const(&bytes))
		return; /* morchgen checked it */
	for (int i = 0; i < *n; i++)
		if (bounded_by(&bytes, &t[i].bytes))
			return;
	int k = 0;
	for (int i = 0; i < *n; i++)
		if (!bounded_by(&t[i].bytes, &bytes))
			t[k++] = t[i];
	t[k++] = (Term){ bytes, what };
	*n = k;
}

/* Tensors of either function, and the size constants and loop counts they use. */
static int largest_terms(Emit *e, Schedule *const *s, int ns, Term *t)
{
	const Graph *g = e->g;
	int n = 0;
	for (int id = 0; id < g->nnodes; id++) {
		bool live = false;
		for (int k = 0; k < ns; k++)
			live |= s[k]->live[id];
		if (!live)
			continue;
		const Node *nd = &g->node[id];
		add_term(t, &n, dim_mul(shape_count(&nd->shape), dim_int((int64_t)type_size(nd->type))),
		         shape_doc(e, &nd->shape, nd->type));
		if (nd->op == OP_CONST)
			add_term(t, &n, nd->attr.cst.scale,
			         arena_printf("the value %s", dim_c(e, nd->attr.cst.scale)));
	}
	for (int k = 0; k < ns; k++)
		for (int j = 0; j < s[k]->nk; j++)
			if (s[k]->k[j].kind == KER_LOOP)
				add_term(t, &n, shape_count(&s[k]->k[j].iter),
				         arena_printf("a loop over %s", shape_c(e, &s[k]->k[j].iter)));
	return n;
}

/* "morch_size_mul(morch_size_mul(4, N), N)": the bytes, or SIZE_MAX past the limit. */
static const char *checked_product(Emit *e, Dim d)
{
	const char *r = arena_printf("%lld", (long long)d.coef);
	for (int i = 0; i < MAX_SYMS; i++)
		for (int k = 0; k < d.exp[i]; k++)
			r = arena_printf("morch_size_mul(%s, %s)", r, e->nm.sym[i]);
	return r;
}

const char *sizes_check_name(const Graph *g)
{
	return arena_printf("%s_check_sizes", g->name);
}

/* static size_t G_check_sizes(SIZES): the workspace's bytes, or SIZE_MAX when a size is below 1
 * or a tensor or the workspace would exceed MORCH_MAX_BYTES. */
static void emit_sizes_check(Emit *e, Schedule *const *s, int n)
{
	const Graph *g = e->g;
	Param ps[MAX_SYMS + 1];
	int np = params(e, FN_FORWARD, true, ps);
	int most = 2 * g->nnodes + 1; /* what largest_terms may add: two a node, one a loop */
	for (int k = 0; k < n; k++)
		most += s[k]->nk;
	Term *t = arena_alloc(sizeof *t * (size_t)most);
	int nt = largest_terms(e, s, n, t);
	static const char *const which[] = { "forward", "grad" };

	line(e, "/* The bytes of workspace %s_forward%s need%s, or SIZE_MAX when a size is below 1 or",
	     g->name, n == 2 ? arena_printf(" and %s_grad", g->name) : "", n == 2 ? "" : "s");
	line(e, " * a tensor or the workspace would need more than MORCH_MAX_BYTES (element counts "
	        "and");
	line(e, " * indexes are int64_t): every public function of the graph checks this first. */");
	line(e, "static size_t %s(%s)", sizes_check_name(g), param_list(ps, np, false));
	line(e, "{");
	Str lt1 = { 0 };
	for (int i = 0; i < g->nsyms; i++)
		str_add(&lt1, "%s%s < 1", i ? " || " : "", e->nm.sym[i]);
	line(e, "\tsize_t ws[%d] = { 0%s }; /* the workspace of %s_%s%s */", n, n == 2 ? ", 0" : "",
	     g->name, which[0], n == 2 ? arena_printf(", of %s_%s", g->name, which[1]) : "");
	line(e, "\tif (%s)", str_get(&lt1));
	line(e, "\t\treturn SIZE_MAX;");
	if (nt)
		line(e, "\t/* the largest tensors */");
	for (int i = 0; i < nt; i++) {
		line(e, "\tif (%s == SIZE_MAX) /* %s */", checked_product(e, t[i].bytes), t[i].what);
		line(e, "\t\treturn SIZE_MAX;");
	}
	for (int k = 0; k < n; k++)
		for (int i = 0; i < s[k]->nslots; i++)
			line(e, "\tws[%d] = morch_size_add_aligned(ws[%d], %s);", k, k,
			     checked_product(e, dim_mul(s[k]->slot[i].size,
			                                dim_int((int64_t)elem_size(e)))));
	line(e, n == 2 ? "\treturn ws[0] > ws[1] ? ws[0] : ws[1];" : "\treturn ws[0];");
	line(e, "}");
	fputc('\n', e->f);
}

void emit_workspace_bytes(Emit *e, Schedule *const *s, int n)
{
	const Graph *g = e->g;
	Param ps[MAX_SYMS + 1];
	int np = params(e, FN_FORWARD, true, ps);
	if (g->nsyms) {
		emit_sizes_check(e, s, n);
		line(e, "size_t %s_workspace_bytes(%s)", g->name, param_list(ps, np, false));
		line(e, "{");
		line(e, "\treturn %s(%s);", sizes_check_name(g), param_names(ps, np));
		line(e, "}");
		return;
	}
	bool fixed;
	size_t bytes = slots_fixed_max(e, s, n, &fixed);
	if (!fixed)
		unreachable("a graph without size names has a fixed workspace");
	line(e, "size_t %s_workspace_bytes(void)", g->name);
	line(e, "{");
	line(e, "\treturn %zu;", bytes);
	line(e, "}");
}

/* "4 * N * 32 (2 buffers)" per function, for the header's comment. */
const char *workspace_formula(Emit *e, Schedule *const *s, int n)
{
	bool fixed;
	size_t bytes = slots_fixed_max(e, s, n, &fixed);
	if (fixed)
		return arena_printf("%zu", bytes);
	static const char *const which[] = { "forward", "grad" };
	Str out = { 0 };
	for (int k = 0; k < n; k++) {
		Str sum = { 0 };
		for (int i = 0; i < s[k]->nslots; i++)
			str_add(&sum, "%sup64(%zu * %s)", i ? " + " : "", elem_size(e),
			        dim_c(e, s[k]->slot[i].size));
		str_add(&out, "%s%s: %s", k ? "; " : "", which[k], sum.len ? str_get(&sum) : "0");
	}
	return arena_printf("the larger of { %s }, where up64 rounds up to a multiple of 64",
	                    str_get(&out));
}
