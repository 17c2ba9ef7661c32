/* dump.c: the IR as text (morchgen --emit=ir), one node a line, for debugging and learning. */
#include <stdio.h>

#include "ir.h"

static void attrs(FILE *f, const Node *n)
{
	switch (op_info[n->op].kind) {
	case K_REDUCE:
		fprintf(f, " axes=0x%x%s", n->attr.reduce.axes, n->attr.reduce.keepdims ? " keepdims" : "");
		break;
	case K_AXIS:
		fprintf(f, " axis=%d%s", n->attr.along.axis, n->attr.along.keepdims ? " keepdims" : "");
		break;
	case K_MATMUL:
		fprintf(f, "%s%s", n->attr.mm.ta ? " ta" : "", n->attr.mm.tb ? " tb" : "");
		break;
	default:
		break;
	}
}

void dump_graph(FILE *f, const Graph *g)
{
	static const char *const roles[] = { "input", "param", "upstream" };
	fprintf(f, "graph %s : %s {\n", g->name, g->real == T_F64 ? "f64" : "f32");
	for (int i = 0; i < g->nnodes; i++) {
		const Node *n = &g->node[i];
		fprintf(f, "  %%%d = %s", i, op_info[n->op].name);
		if (n->op == OP_INPUT)
			fprintf(f, " %s %s", roles[g->arg[n->attr.input.arg].role], g->arg[n->attr.input.arg].name);
		if (n->op == OP_CONST) {
			fprintf(f, " %.17g", n->attr.cst.value);
			if (!dim_is_one(&n->attr.cst.scale))
				fprintf(f, " * %s", dim_text(g, &n->attr.cst.scale, "*"));
		}
		for (int k = 0; k < op_info[n->op].arity; k++)
			fprintf(f, "%s%%%d", k ? ", " : " ", n->src[k]);
		attrs(f, n);
		fprintf(f, "  : %s%s", n->type == T_I32 ? "i32" : "", shape_text(g, &n->shape));
		if (n->name)
			fprintf(f, "  # %s", n->name);
		fputc('\n', f);
	}
	fprintf(f, "  output");
	for (int i = 0; i < g->nouts; i++)
		fprintf(f, "%s %s=%%%d", i ? "," : "", g->out[i].name, g->out[i].node);
	fputc('\n', f);
	if (g->has_grad) {
		fprintf(f, "  grad %%%d", g->grad_target);
		for (int i = 0; i < g->nwrt; i++)
			fprintf(f, "%s d_%s=%%%d", i ? "," : "", g->arg[g->wrt[i]].name, g->dnode[i]);
		fputc('\n', f);
	}
	fprintf(f, "}\n");
}
