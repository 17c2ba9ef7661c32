/* opt.h: the optimizer's shared machinery, QBE style. Each pass is a plain function that walks
 * the node array in order and records rewrites (ir_replace) or deaths (ir_kill) instead of
 * editing users; ir_compact then applies them all at once and renumbers the graph. Use counts
 * are recomputed between passes by ir_fill_uses rather than patched by every rewrite. */
#ifndef MORCH_OPT_H
#define MORCH_OPT_H

#include "ir.h"

void ir_fill_uses(Graph *g);         /* g->uses[i]: operand slots, outputs and gradients naming i */
int ir_uses(const Graph *g, int id); /* 2 (several) for a node made since ir_fill_uses */
int ir_find(Graph *g, int id);       /* what replaces id, after every replacement so far */
void ir_resolve(Graph *g, int id);   /* points node id's operands at their replacements */
void ir_replace(Graph *g, int id, int by); /* by has id's type and shape */
void ir_kill(Graph *g, int id);      /* nothing live may use id */
/* Applies the replacements, drops replaced and killed nodes, keeps the array topological (a
 * node made by a pass moves before its first user), and renumbers args, outputs and gradients. */
void ir_compact(Graph *g);

/* A real scalar constant with no size factor (value * 1), looked for through broadcasts and
 * reshapes, which do not change the value of any element. */
bool opt_const(const Graph *g, int id, double *v);
/* x as shape `to`, which x broadcasts to: x itself, or a broadcast of it. */
int opt_as_shape(Graph *g, int x, const Shape *to, Loc loc);
/* v rounded to the graph's real type, as C would store it. */
double opt_round(const Graph *g, double v);

/* The passes, in the order main.c runs them. */
void pass_fold(Graph *g);
void pass_algebra(Graph *g);
void pass_cse(Graph *g);
void pass_dce(Graph *g);

#endif
