/* dump_grads.c: prints the gradients G_grad gives for every graph of mutants.morch at fixed
 * inputs, through its --reflect table, so mutate.sh can see that a mutation changed a gradient
 * without trusting the self-check it tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morchrt.h"

extern const morch_graph_info *const mutants_graphs[];

static size_t elem(morch_dtype t)
{
	return t == MORCH_F64 ? sizeof(double) : t == MORCH_F32 ? sizeof(float) : sizeof(int32_t);
}

static void *filled(const morch_tensor_info *t)
{
	int64_t n = morch_numel(t, NULL);
	unsigned char *p = calloc((size_t)n + 1, elem(t->dtype));
	if (!p)
		exit(2);
	for (int64_t k = 0; k < n; k++) {
		double v = 0.5 + 0.125 * (double)((k * 7) % 9); /* positive, for log */
		if (t->dtype == MORCH_F64)
			((double *)p)[k] = v;
		else if (t->dtype == MORCH_F32)
			((float *)p)[k] = (float)v;
		else
			((int32_t *)p)[k] = (int32_t)(k % 2); /* labels, below every class count */
	}
	return p;
}

int main(void)
{
	for (int i = 0; mutants_graphs[i]; i++) {
		const morch_graph_info *g = mutants_graphs[i];
		const void *args[8] = { 0 };
		void *outs[8] = { 0 }, *grads[8] = { 0 };
		for (int a = 0; a < g->nargs; a++)
			args[a] = filled(&g->args[a]);
		for (int o = 0; o < g->nouts; o++)
			outs[o] = filled(&g->outs[o]);
		for (int w = 0; w < g->nwrt; w++)
			grads[w] = filled(&g->grads[w]);
		void *up = g->upstream ? filled(g->upstream) : NULL;
		void *ws = morch_alloc(g->workspace_bytes(NULL));
		g->grad(NULL, args, outs, up, grads, ws);
		for (int w = 0; w < g->nwrt; w++)
			for (int64_t k = 0; k < morch_numel(&g->grads[w], NULL); k++)
				printf("%s d_%s[%lld] %.9g\n", g->name, g->grads[w].name, (long long)k,
				       g->dtype == MORCH_F64 ? ((double *)grads[w])[k] : ((float *)grads[w])[k]);
		for (int a = 0; a < g->nargs; a++)
			free((void *)args[a]);
		for (int o = 0; o < g->nouts; o++)
			free(outs[o]);
		for (int w = 0; w < g->nwrt; w++)
			free(grads[w]);
		free(up);
		morch_free(ws);
	}
	return 0;
}
