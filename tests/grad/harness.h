/* harness.h: runs any graph of tests/grad through its reflection info (morch_graph_info), with
 * buffers that catch what the contract forbids: writing past a buffer, writing an input,
 * reading an output, gradient or workspace byte before writing it.
 *
 * Conventions of the .morch files (README.md next to this file):
 *   - output 0 is the grad target; a non-scalar target gets a random upstream gradient u and the
 *     checked function is sum(u * output 0);
 *   - inputs named *_pos are drawn from [0.5, 2], *_nz from +-[0.2, 1], i32 inputs named *_C
 *     (a size name) or *_5 (a number) from [0, C) or [0, 5), everything else from [-1, 1];
 *   - an f32 graph G_f32 is the twin of the f64 graph G (grad.mk writes it with sed).
 */
#ifndef GRAD_HARNESS_H
#define GRAD_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "morchrt.h"

/* modules.c (written by grad.mk): the graph tables of every test module, NULL-terminated. */
extern const morch_graph_info *const *const grad_modules_f64[];
extern const morch_graph_info *const *const grad_modules_f32[];

/* The graph of that name in any module, or NULL. */
const morch_graph_info *graph_find(const char *name);

/* Calls fn for every graph of the f64 or f32 modules. */
void graph_each(bool f32, void (*fn)(const morch_graph_info *g, void *ctx), void *ctx);

/* Runs test once per graph of the f64 or f32 modules that select accepts (NULL: all), as one
 * cmocka group; the test's state is the graph. Returns the number of failed tests. */
int run_graph_tests(const char *group, bool f32, void (*test)(void **state),
                    bool (*select)(const morch_graph_info *g));

/* The run-time sizes each graph is tried with: a few assignments that put 1, 2, 5, 7, 17 and 33
 * in every position (one empty assignment when the graph has no size names). */
#define MAX_ASSIGNMENTS 5
int size_assignments(const morch_graph_info *g, int64_t sizes[][MORCH_MAX_SIZES]);

#define MAX_RANK 8

typedef struct Tensor {
	const morch_tensor_info *info;
	int rank;
	int64_t dim[MAX_RANK];
	int64_t n;           /* elements */
	size_t elem;         /* bytes per element */
	unsigned char *data; /* n * elem bytes, then a guard */
} Tensor;

typedef struct Run {
	const morch_graph_info *g;
	int64_t sizes[MORCH_MAX_SIZES];
	Tensor *arg, *out, *grad; /* g->nargs, g->nouts, g->nwrt of them */
	Tensor up;                /* the upstream gradient; data is NULL without one */
	const void **argp;
	void **outp, **gradp;
	unsigned char *ws; /* NULL when the graph needs no workspace, as the contract allows */
	size_t ws_bytes;
	unsigned char poison; /* what outputs, gradients and the workspace hold before a call */
	char where[200];      /* "graph G, N=2 M=5": the start of every failure message */
} Run;

Run *run_new(const morch_graph_info *g, const int64_t *sizes);
void run_free(Run *r);

/* Deterministic inputs (by the naming convention) and upstream gradient. */
void run_fill(Run *r, uint64_t seed);

/* Poison, call, then check guards and that no input changed; a violation fails the test. */
void run_forward(Run *r);
void run_grad(Run *r);

/* sum(upstream * output 0), or output 0 for a scalar target, after run_forward. scale gets
 * sum |upstream * output 0|, the size of the rounding error in it. */
double run_objective(Run *r, double *scale);

/* The checks every graph gets, whatever else is tested: the naming convention, forward twice
 * (with different poison) gives identical bytes, and G_grad gives the same outputs as
 * G_forward and the same gradients twice. */
void run_contract_checks(Run *r);

double tensor_get(const Tensor *t, int64_t i);
void tensor_set(Tensor *t, int64_t i, double v);

/* A seed from the graph's name (without its _f32 suffix, so twins agree) and an index. */
uint64_t graph_seed(const char *name, int k);

/* splitmix64, and uniform doubles from it. */
uint64_t rng_next(uint64_t *s);
double rng_uniform(uint64_t *s, double lo, double hi);

#endif
