/* opt.c: use counts, the replacement map and the one compaction every pass shares (opt.h).
 *
 * repl[i] is i while node i stands, another node when a pass replaced it, or DEAD when dce
 * killed it. Passes never renumber: ir_compact does, once per pass, so a pass may append the
 * nodes of a rewrite past the users of the node they replace and still see stable ids. */
#include <string.h>

#include "opt.h"
#include "util.h"

#define DEAD (-2)

void ir_fill_uses(Graph *g)
{
	g->uses = arena_alloc(sizeof *g->uses * (size_t)(g->nnodes ? g->nnodes : 1));
	g->nuses = g->nnodes;
	for (int i = 0; i < g->nnodes; i++)
		for (int k = 0; k < op_info[g->node[i].op].arity; k++)
			g->uses[g->node[i].src[k]]++;
	for (int i = 0; i < g->nouts; i++)
		g->uses[g->out[i].node]++;
	for (int i = 0; i < g->nwrt; i++)
		g->uses[g->dnode[i]]++;
	if (g->has_grad)
		g->uses[g->grad_target]++;
}

int ir_uses(const Graph *g, int id)
{
	return id < g->nuses ? g->uses[id] : 2;
}

/* The map grows with the graph: a pass appends nodes while it records replacements. */
static void grow_repl(Graph *g)
{
	if (g->nrepl >= g->nnodes)
		return;
	int cap = g->nnodes * 2 + 16;
	int *r = arena_alloc(sizeof *r * (size_t)cap);
	if (g->nrepl)
		memcpy(r, g->repl, sizeof *r * (size_t)g->nrepl);
	for (int i = g->nrepl; i < cap; i++)
		r[i] = i;
	g->repl = r;
	g->nrepl = cap;
}

/* The node that stands for id at the end of its chain of replacements, or DEAD. */
static int chase(Graph *g, int id)
{
	if (id >= g->nrepl)
		return id;
	int r = id;
	while (r >= 0 && r < g->nrepl && g->repl[r] != r)
		r = g->repl[r];
	while (r >= 0 && g->repl[id] != r) { /* path compression keeps chains of rewrites linear */
		int next = g->repl[id];
		g->repl[id] = r;
		id = next;
		if (id >= g->nrepl)
			break;
	}
	return r;
}

int ir_find(Graph *g, int id)
{
	int r = chase(g, id);
	if (r == DEAD)
		unreachable("a use of a dead node");
	return r;
}

void ir_resolve(Graph *g, int id)
{
	Node *n = &g->node[id];
	for (int k = 0; k < op_info[n->op].arity; k++)
		n->src[k] = ir_find(g, n->src[k]);
}

void ir_replace(Graph *g, int id, int by)
{
	if (by == id)
		return;
	grow_repl(g);
	const Node *a = &g->node[id], *b = &g->node[by];
	if (a->op == OP_INPUT)
		unreachable("replacing an argument");
	if (a->type != b->type || !shape_eq(&a->shape, &b->shape))
		unreachable("a replacement of another type or shape");
	if (!b->name)
		g->node[by].name = a->name; /* the user's name follows the value, for comments */
	g->repl[id] = by;
	g->nchanged++;
}

void ir_kill(Graph *g, int id)
{
	if (g->node[id].op == OP_INPUT)
		unreachable("killing an argument");
	grow_repl(g);
	g->repl[id] = DEAD;
}

static bool stands(const Graph *g, int id)
{
	return id >= g->nrepl || g->repl[id] == id;
}

void ir_compact(Graph *g)
{
	int n = g->nnodes;
	grow_repl(g);
	for (int i = 0; i < n; i++)
		if (stands(g, i))
			ir_resolve(g, i);
	for (int i = 0; i < g->nouts; i++)
		g->out[i].node = ir_find(g, g->out[i].node);
	for (int i = 0; i < g->nwrt; i++)
		g->dnode[i] = ir_find(g, g->dnode[i]);
	if (g->has_grad)
		g->grad_target = ir_find(g, g->grad_target);

	/* A depth-first walk in index order places each node after its operands: the old order
	 * wherever it was already topological, a replacement where the node it replaces was, and
	 * other nodes a pass appended just before their first user. An explicit stack, as chains
	 * of thousands of nodes are ordinary. */
	int *newid = arena_alloc(sizeof *newid * (size_t)n);
	int *stack = arena_alloc(sizeof *stack * (size_t)n);
	if (g->capspare < g->capnodes) {
		g->spare = arena_alloc(sizeof *g->spare * (size_t)g->capnodes);
		g->capspare = g->capnodes;
	}
	Node *out = g->spare;
	int m = 0;
	for (int i = 0; i < n; i++)
		newid[i] = -1;
	for (int i = 0; i < n; i++) {
		int root = chase(g, i); /* a replacement takes the place of what it replaces */
		if (root == DEAD || newid[root] >= 0)
			continue;
		int sp = 0;
		stack[sp++] = root;
		newid[root] = -2; /* on the stack */
		while (sp) {
			int id = stack[sp - 1];
			const Node *nd = &g->node[id];
			bool pushed = false;
			for (int k = 0; k < op_info[nd->op].arity && !pushed; k++) {
				int s = nd->src[k];
				if (!stands(g, s))
					unreachable("a live node uses a dead one");
				if (newid[s] == -1) {
					newid[s] = -2;
					stack[sp++] = s;
					pushed = true;
				} else if (newid[s] == -2) {
					unreachable("a cycle in the graph");
				}
			}
			if (pushed)
				continue;
			sp--;
			Node c = *nd;
			for (int k = 0; k < op_info[c.op].arity; k++)
				c.src[k] = newid[c.src[k]];
			newid[id] = m;
			out[m++] = c;
		}
	}
	g->spare = g->node;
	g->node = out;
	int cap = g->capspare;
	g->capspare = g->capnodes;
	g->capnodes = cap;
	g->nnodes = m;
	for (int i = 0; i < g->nargs; i++)
		g->arg[i].node = newid[g->arg[i].node];
	for (int i = 0; i < g->nouts; i++)
		g->out[i].node = newid[g->out[i].node];
	for (int i = 0; i < g->nwrt; i++)
		g->dnode[i] = newid[g->dnode[i]];
	if (g->has_grad)
		g->grad_target = newid[g->grad_target];
	g->repl = NULL;
	g->nrepl = 0;
	g->uses = NULL;
	g->nuses = 0;
}

bool opt_const(const Graph *g, int id, double *v)
{
	while (g->node[id].op == OP_BROADCAST || g->node[id].op == OP_RESHAPE)
		id = g->node[id].src[0];
	const Node *n = &g->node[id];
	if (n->op != OP_CONST || !dim_is_one(&n->attr.cst.scale))
		return false;
	*v = n->attr.cst.value;
	return true;
}

int opt_as_shape(Graph *g, int x, const Shape *to, Loc loc)
{
	if (shape_eq(&g->node[x].shape, to))
		return x;
	return ir_broadcast(g, x, to, loc);
}

double opt_round(const Graph *g, double v)
{
	return g->real == T_F32 ? (double)(float)v : v;
}
