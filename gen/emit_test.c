/* emit_test.c: --emit=test, a standalone self-check program for the graphs of one file. It
 * includes the graphs' header, links with their C and libmorchrt, and calls them through
 * descriptors written here (the --reflect ones, static). Beside each graph with a gradient it
 * writes an f64 copy that computes the grad target alone: the finite differences are taken of
 * it, in double even for f32 graphs. The checks themselves are selfcheck_rt.c, embedded as text;
 * this file adds what only the compiler knows: where each input's values may be drawn. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>

#include "emit_internal.h"

extern const char *const selfcheck_text[]; /* selfcheck_text.c, made from selfcheck_rt.c */

/* What a node's consumers need of its values, so that drawing its inputs from a fitting domain
 * keeps every operation differentiable: positive (log, sqrt, pow bases, denominators) or away
 * from zero (the kinks of relu, abs, step, sign). */
enum { NEED_POS = 1, NEED_NZ = 2 };

static void spread(unsigned char *need, int src, unsigned char what)
{
	if (src >= 0)
		need[src] |= what;
}

/* Nodes come after their operands, so walking backwards sees every consumer of a node before
 * the node. A need crosses the operations that keep it (a sum of positives is positive); the
 * others (sub, tanh, ...) stop it, and the checker's fallback steps cover what is left. */
static unsigned char *input_needs(const Graph *g)
{
	unsigned char *need = arena_alloc((size_t)g->nnodes + 1);
	memset(need, 0, (size_t)g->nnodes + 1);
	for (int i = g->nnodes - 1; i >= 0; i--) {
		const Node *n = &g->node[i];
		int a = n->src[0], b = op_info[n->op].arity > 1 ? n->src[1] : -1;
		if (op_info[n->op].arity < 1)
			continue;
		unsigned char pos = need[i] & NEED_POS, keep = need[i];
		switch (n->op) {
		case OP_LOG: case OP_SQRT: case OP_POW: spread(need, a, NEED_POS); break;
		case OP_DIV: spread(need, b, NEED_POS); spread(need, a, keep); break;
		case OP_RELU: case OP_ABS: case OP_STEP: case OP_SIGN: spread(need, a, NEED_NZ); break;
		case OP_MUL: spread(need, a, keep); spread(need, b, keep); break;
		case OP_ADD: case OP_MAXIMUM: case OP_MINIMUM: case OP_MATMUL:
			spread(need, a, pos);
			spread(need, b, pos);
			break;
		case OP_SUM: case OP_MEAN: case OP_MAX: case OP_MIN: spread(need, a, pos); break;
		case OP_NEG: spread(need, a, keep & NEED_NZ); break;
		case OP_BROADCAST: case OP_RESHAPE: case OP_TRANSPOSE: spread(need, a, keep); break;
		case OP_SELECT: spread(need, b, keep); break;
		default: break;
		}
	}
	return need;
}

/* The number of classes of an i32 input: the class dim of what consumes it (when several do,
 * the smallest of those that are numbers, else the first); 1 when nothing does. */
static Dim label_classes(const Graph *g, int input)
{
	Dim best = dim_int(1);
	bool found = false;
	for (int i = 0; i < g->nnodes; i++) {
		const Node *n = &g->node[i];
		Dim c;
		if ((n->op == OP_CROSS_ENTROPY || n->op == OP_NLL) && n->src[1] == input)
			c = g->node[n->src[0]].shape.dim[1];
		else if (n->op == OP_ONEHOT && n->src[0] == input)
			c = n->shape.dim[n->shape.rank - 1];
		else
			continue;
		if (!found || (dim_is_const(&c) && dim_is_const(&best) && c.coef < best.coef))
			best = c;
		found = true;
	}
	return best;
}

/* An f64 copy of g whose only output is the grad target: the function the checker takes finite
 * differences of. */
static Graph *reference_graph(const Module *m, const Graph *g)
{
	Graph *r = arena_alloc(sizeof *r);
	*r = *g;
	r->name = reflect_unused_prefix(m, arena_printf("%s_ref", g->name));
	r->real = T_F64;
	r->node = arena_alloc(sizeof *r->node * (size_t)(g->nnodes + 1));
	memcpy(r->node, g->node, sizeof *r->node * (size_t)g->nnodes);
	for (int i = 0; i < r->nnodes; i++)
		if (r->node[i].type != T_I32)
			r->node[i].type = T_F64;
	r->out = arena_alloc(sizeof *r->out);
	r->out[0] = (Output){ g->grad_name, g->grad_target };
	r->nouts = 1;
	r->has_grad = false;
	return r;
}

/* The reference's functions, kept static by static prototypes written before them. */
static void emit_reference(FILE *f, const Module *m, const Graph *ref, const EmitOptions *opt,
                           const ModuleNames *names, const char *info, bool *gemm_written)
{
	Emit e;
	emit_setup(&e, f, ref, opt, names);
	bool optimize = opt->opt_level > 0;
	Schedule *s = schedule_function(ref, FN_FORWARD, optimize);
	plan_memory(s, optimize);
	emit_matmul_support(f, opt, &s, 1, ref->real, gemm_written);
	Param sz[MAX_SYMS + 1];
	int nsz = params(&e, FN_FORWARD, true, sz);
	Param *pf = arena_alloc(sizeof *pf * (size_t)(ref->nsyms + ref->nargs + 4));
	int npf = params(&e, FN_FORWARD, false, pf);
	fprintf(f, "\n/* ---- %s: the grad target of %s alone, in double ---- */\n\n", ref->name,
	        comment_text(opt->source));
	line(&e, "static size_t %s_workspace_bytes(%s);", ref->name, param_list(sz, nsz, true));
	line(&e, "static void %s_forward(%s);", ref->name, param_list(pf, npf, true));
	emit_workspace_bytes(&e, &s, 1);
	emit_function(&e, s);
	fputc('\n', f);
	emit_reflect_as(&e, m, info);
}

/* The checker's enum morch_sc_kind. */
enum { DOM_ANY, DOM_NONZERO, DOM_POSITIVE, DOM_LABELS };
static const char *const kind_name[] = { "MORCH_SC_ANY", "MORCH_SC_NONZERO", "MORCH_SC_POSITIVE", "MORCH_SC_LABELS" };

static void emit_graph(FILE *f, const Module *m, const Graph *g, const EmitOptions *opt,
                       const ModuleNames *names, bool *gemm_written)
{
	const char *info = reflect_unused_prefix(m, arena_printf("%s_selfcheck", g->name));
	const char *ref_info = "NULL";
	if (g->has_grad) {
		Graph *ref = reference_graph(m, g);
		ref_info = arena_printf("%s_selfcheck", ref->name);
		emit_reference(f, m, ref, opt, names, ref_info, gemm_written);
		ref_info = arena_printf("&%s", ref_info);
	}
	Emit e;
	emit_setup(&e, f, g, opt, names);
	fprintf(f, "\n/* ---- graph %s: its own functions, and its inputs' domains ---- */\n\n",
	        g->name);
	emit_reflect_as(&e, m, info);
	unsigned char *need = input_needs(g);
	Str dom = { 0 };
	for (int i = 0; i < g->nargs; i++) {
		const Arg *a = &g->arg[i];
		if (a->role == ARG_UPSTREAM)
			continue;
		int node = a->node, kind = DOM_ANY;
		Dim classes = dim_int(1);
		if (g->node[node].type == T_I32) {
			kind = DOM_LABELS;
			classes = label_classes(g, node);
		} else if (need[node] & NEED_POS) {
			kind = DOM_POSITIVE;
		} else if (need[node] & NEED_NZ) {
			kind = DOM_NONZERO;
		}
		str_add(&dom, "\t{ %s, %s }, /* %s */\n", kind_name[kind], reflect_dim_init(&classes),
		        a->name);
	}
	int target_out = -1;
	for (int i = g->nouts - 1; g->has_grad && i >= 0; i--)
		if (g->out[i].node == g->grad_target)
			target_out = i;
	line(&e, "static const morch_sc_domain %s_domain[] = {", info);
	fputs(dom.len ? str_get(&dom) : "\t{ MORCH_SC_ANY, { 1, { 0 } } },\n", f);
	line(&e, "};");
	line(&e, "static const morch_sc_graph %s_graph = { &%s, %s, %s_domain, %d };", info, info, ref_info,
	     info, target_out);
}

void emit_test(FILE *f, const Module *m, const EmitOptions *opt)
{
	const ModuleNames *names = module_names(m, opt);
	const char *source = comment_text(opt->source);
	fprintf(f, "/* %s: generated by morchgen %s from %s. Do not edit.\n", comment_text(opt->c_name),
	        PACKAGE_VERSION, source);
	fprintf(f, " * Command: %s\n *\n", comment_text(opt->command));
	fprintf(f, " * A self-check of every graph of %s: build it with the graphs' C and libmorchrt,\n"
	           " * run it, and it exits non-zero when a check fails (docs/selfcheck.md). */\n",
	        source);
	for (int i = 0; selfcheck_text[i]; i++)
		fputs(selfcheck_text[i], f);
	fprintf(f, "\n/* ---- the graphs ---- */\n\n#include <stddef.h>\n\n#include \"%s\"\n\n",
	        opt->header);
	fprintf(f, "#if defined(__GNUC__)\n#define MORCH_NOINLINE __attribute__((noinline))\n"
	           "#else\n#define MORCH_NOINLINE\n#endif\n");
	bool gemm_written[2] = { false, false };
	for (int i = 0; i < m->ngraphs; i++)
		emit_graph(f, m, m->graph[i], opt, names, gemm_written);
	fprintf(f, "\nstatic const morch_sc_graph *const selfcheck_graphs[] = {\n");
	for (int i = 0; i < m->ngraphs; i++)
		fprintf(f, "\t&%s_graph,\n",
		        reflect_unused_prefix(m, arena_printf("%s_selfcheck", m->graph[i]->name)));
	fprintf(f, "\tNULL,\n};\n\nint main(int argc, char **argv)\n{\n"
	           "\treturn morch_sc_main(argc, argv, selfcheck_graphs, %s);\n}\n", c_string(opt->source));
}
