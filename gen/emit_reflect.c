/* emit_reflect.c: --reflect. Descriptors of each graph's arguments, shapes and functions
 * (morch_graph_info in morchrt.h), so one generic driver can call any graph. */
#include <string.h>

#include "emit_internal.h"

const char *reflect_dim_init(const Dim *d)
{
	char *ex = "";
	int last = -1;
	for (int i = 0; i < MAX_SYMS; i++)
		if (d->exp[i])
			last = i;
	for (int i = 0; i <= last; i++)
		ex = arena_printf("%s%s%d", ex, i ? ", " : "", d->exp[i]);
	return arena_printf("{ %lld, { %s } }", (long long)d->coef, *ex ? ex : "0");
}

static const char *dims_init(const Shape *s)
{
	char *r = "";
	for (int d = 0; d < s->rank; d++)
		r = arena_printf("%s%s%s", r, d ? ", " : "", reflect_dim_init(&s->dim[d]));
	return r;
}

static void tensor_info(Emit *e, const char *prefix, int idx, const char *name, const char *role,
                        const Node *n, Str *list)
{
	const char *dims = "NULL";
	if (n->shape.rank) {
		dims = arena_printf("%s_dims_%d", prefix, idx);
		line(e, "static const morch_dim %s[] = { %s };", dims, dims_init(&n->shape));
	}
	static const char *const dt[] = { "MORCH_F32", "MORCH_F64", "MORCH_I32" };
	str_add(list, "\t{ \"%s\", %s, %s, %d, %s },\n", name, role, dt[n->type], n->shape.rank,
	        dims);
}

const char *reflect_unused_prefix(const Module *m, const char *base)
{
	const char *p = base;
	for (int i = 0; i < m->ngraphs; i++) {
		size_t n = strlen(p);
		const char *h = m->graph[i]->name;
		if (strncmp(h, p, n) == 0 && (h[n] == 0 || h[n] == '_')) {
			p = arena_printf("%s_", p);
			i = -1;
		}
	}
	return p;
}

void emit_reflect(Emit *e, const Module *m)
{
	emit_reflect_as(e, m, NULL);
}

void emit_reflect_as(Emit *e, const Module *m, const char *name)
{
	const Graph *g = e->g;
	const char *G = g->name;
	/* the prefix of the statics: G_info, lengthened until no graph's name starts with it, so no
	 * graph's public symbol can equal one of them */
	const char *P = reflect_unused_prefix(m, arena_printf("%s_info", G));
	const char *T = e->T;
	/* thunks: unpack arrays of pointers into the typed call */
	Str szb = { 0 };
	for (int i = 0; i < g->nsyms; i++)
		str_add(&szb, "sizes[%d], ", i);
	const char *sz = str_get(&szb);
	line(e, "static size_t %s_workspace_bytes(const int64_t *sizes)", P);
	line(e, "{");
	if (!g->nsyms)
		line(e, "\t(void)sizes;");
	line(e, "\treturn %s_workspace_bytes(%.*s);", G, g->nsyms ? (int)strlen(sz) - 2 : 0, sz);
	line(e, "}");
	Str insb = { 0 }, outsb = { 0 };
	int k = 0;
	for (int i = 0; i < g->nargs; i++)
		if (g->arg[i].role != ARG_UPSTREAM)
			str_add(&insb, "(const %s *)args[%d], ", dtype_c(g->node[g->arg[i].node].type), k++);
	for (int i = 0; i < g->nouts; i++)
		str_add(&outsb, "(%s *)outs[%d], ", dtype_c(g->node[g->out[i].node].type), i);
	const char *ins = str_get(&insb), *outs = str_get(&outsb);
	line(e, "static void %s_forward(const int64_t *sizes, const void *const *args, "
	        "void *const *outs, void *ws)", P);
	line(e, "{");
	if (!g->nsyms)
		line(e, "\t(void)sizes;");
	if (!k)
		line(e, "\t(void)args;");
	line(e, "\t%s_forward(%s%s%sws);", G, sz, ins, outs);
	line(e, "}");
	if (g->has_grad) {
		Str ds = { 0 };
		for (int i = 0; i < g->nwrt; i++)
			str_add(&ds, "(%s *)grads[%d], ", T, i);
		line(e, "static void %s_grad(const int64_t *sizes, const void *const *args, "
		        "void *const *outs, const void *upstream, void *const *grads, void *ws)", P);
		line(e, "{");
		if (!g->nsyms)
			line(e, "\t(void)sizes;");
		if (!k)
			line(e, "\t(void)args;");
		if (g->upstream < 0)
			line(e, "\t(void)upstream;");
		line(e, "\t%s_grad(%s%s%s%s%sws);", G, sz, ins, outs,
		     g->upstream >= 0 ? arena_printf("(const %s *)upstream, ", T) : "", str_get(&ds));
		line(e, "}");
	}
	Str args = { 0 }, outl = { 0 }, up = { 0 }, gl = { 0 }, wrt = { 0 };
	int n = 0;
	for (int i = 0; i < g->nargs; i++) {
		const Arg *a = &g->arg[i];
		if (a->role == ARG_UPSTREAM)
			tensor_info(e, P, n++, a->name, "MORCH_UPSTREAM", &g->node[a->node], &up);
		else
			tensor_info(e, P, n++, a->name, a->role == ARG_PARAM ? "MORCH_PARAM" : "MORCH_INPUT",
			            &g->node[a->node], &args);
	}
	for (int i = 0; i < g->nouts; i++)
		tensor_info(e, P, n++, g->out[i].name, "MORCH_OUTPUT", &g->node[g->out[i].node], &outl);
	int *pos = arena_alloc(sizeof *pos * (size_t)(g->nargs + 1)); /* index among inputs and params */
	for (int i = 0, k2 = 0; i < g->nargs; i++)
		pos[i] = g->arg[i].role != ARG_UPSTREAM ? k2++ : -1;
	for (int i = 0; i < g->nwrt; i++) {
		tensor_info(e, P, n++, g->arg[g->wrt[i]].name, "MORCH_GRAD",
		            &g->node[g->arg[g->wrt[i]].node], &gl);
		str_add(&wrt, "%s%d", i ? ", " : "", pos[g->wrt[i]]);
	}
	const struct { const char *name; const Str *list; } lists[] = {
		{ "args", &args }, { "outs", &outl }, { "upstream", &up }, { "grads", &gl },
	};
	for (int i = 0; i < 4; i++)
		if (lists[i].list->len) {
			line(e, "static const morch_tensor_info %s_%s[] = {", P, lists[i].name);
			fputs(str_get(lists[i].list), e->f);
			line(e, "};");
		}
	if (wrt.len)
		line(e, "static const int %s_wrt[] = { %s };", P, str_get(&wrt));
	if (g->nsyms) {
		Str names = { 0 };
		for (int i = 0; i < g->nsyms; i++)
			str_add(&names, "%s\"%s\"", i ? ", " : "", g->sym[i]);
		line(e, "static const char *const %s_sizes[] = { %s };", P, str_get(&names));
	}
	if (name)
		line(e, "static const morch_graph_info %s = {", name);
	else
		line(e, "const morch_graph_info %s_info = {", G);
	line(e, "\t\"%s\", %s, %d, %s,", G, g->real == T_F64 ? "MORCH_F64" : "MORCH_F32", g->nsyms,
	     g->nsyms ? arena_printf("%s_sizes", P) : "NULL");
	line(e, "\t%d, %s, %d, %s,", k, args.len ? arena_printf("%s_args", P) : "NULL", g->nouts,
	     outl.len ? arena_printf("%s_outs", P) : "NULL");
	line(e, "\t%d, %s, %d, %s, %s,", g->has_grad, up.len ? arena_printf("%s_upstream", P) : "NULL",
	     g->nwrt, wrt.len ? arena_printf("%s_wrt", P) : "NULL",
	     gl.len ? arena_printf("%s_grads", P) : "NULL");
	line(e, "\t%s_workspace_bytes, %s_forward, %s,", P, P,
	     g->has_grad ? arena_printf("%s_grad", P) : "NULL");
	line(e, "};");
}

