/* opt_dce.c: dead-node elimination. A node stays when an output or a gradient (or the grad
 * statement's target) needs it; every argument stays, dead or not, since it is a parameter of
 * the generated functions. One backward sweep suffices: the array is topological. */
#include "opt.h"
#include "util.h"

void pass_dce(Graph *g)
{
	bool *live = arena_alloc((size_t)(g->nnodes ? g->nnodes : 1));
	for (int i = 0; i < g->nouts; i++)
		live[g->out[i].node] = true;
	for (int i = 0; i < g->nwrt; i++)
		live[g->dnode[i]] = true;
	if (g->has_grad)
		live[g->grad_target] = true;
	for (int i = g->nnodes - 1; i >= 0; i--) {
		if (!live[i]) {
			if (g->node[i].op != OP_INPUT)
				ir_kill(g, i);
			continue;
		}
		for (int k = 0; k < op_info[g->node[i].op].arity; k++)
			live[g->node[i].src[k]] = true;
	}
}
