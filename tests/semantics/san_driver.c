/* san_driver.c: runs every graph of the modules it is linked with (morchgen --reflect), for
 * sanitize.sh, which builds it with AddressSanitizer and UBSan at -O1 and -O3.
 *
 * Every buffer is a heap block of exactly its size (the workspace too, so a write past
 * G_workspace_bytes is caught, and NULL when that is 0), for two sets of sizes: all 1, and
 * 3, 4, 5, ... Each graph runs twice: once with outputs, gradients and workspace zeroed, once
 * with them full of NaN bits. The results must be finite and bitwise the same both times, so
 * nothing reads a buffer before writing it and nothing accumulates into a gradient.
 *
 * Build with -DMODULES='M(seed) M(mlp_ce) ...', one M() per generated module.
 */
#define _POSIX_C_SOURCE 200112L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morchrt.h"

#define M(m) extern const morch_graph_info *const m##_graphs[];
MODULES
#undef M
#define M(m) m##_graphs,
static const morch_graph_info *const *const modules[] = { MODULES NULL };
#undef M

static int failures;

static size_t elem_size(morch_dtype t)
{
	return t == MORCH_F64 ? sizeof(double) : t == MORCH_F32 ? sizeof(float) : sizeof(int32_t);
}

static size_t bytes_of(const morch_tensor_info *t, const int64_t *sizes)
{
	return (size_t)morch_numel(t, sizes) * elem_size(t->dtype);
}

static void *block(size_t bytes)
{
	void *p = malloc(bytes ? bytes : 1);
	if (!p) {
		perror("malloc");
		exit(2);
	}
	return p;
}

/* Inputs in [-2, 2); labels 0, valid for any number of classes. */
static void fill_input(const morch_tensor_info *t, const int64_t *sizes, void *p, unsigned salt)
{
	int64_t n = morch_numel(t, sizes);
	for (int64_t i = 0; i < n; i++) {
		double v = (double)((i * 2654435761u + salt * 40503u) % 1000u) / 250.0 - 2.0;
		if (t->dtype == MORCH_F64)
			((double *)p)[i] = v;
		else if (t->dtype == MORCH_F32)
			((float *)p)[i] = (float)v;
		else
			((int32_t *)p)[i] = 0;
	}
}

typedef struct Bufs {
	void *out[32], *grad[32], *ws;
} Bufs;

static void run(const morch_graph_info *g, const int64_t *sizes, const void *const *args,
                const void *up, Bufs *b, int pattern)
{
	size_t wsb = g->workspace_bytes(sizes);
	b->ws = NULL;
	if (wsb && posix_memalign(&b->ws, MORCH_ALIGN, wsb)) {
		perror("posix_memalign");
		exit(2);
	}
	if (b->ws)
		memset(b->ws, pattern, wsb);
	for (int i = 0; i < g->nouts; i++)
		memset(b->out[i] = block(bytes_of(&g->outs[i], sizes)), pattern,
		       bytes_of(&g->outs[i], sizes));
	for (int i = 0; i < g->nwrt; i++)
		memset(b->grad[i] = block(bytes_of(&g->grads[i], sizes)), pattern,
		       bytes_of(&g->grads[i], sizes));
	if (g->grad)
		g->grad(sizes, args, b->out, up, b->grad, b->ws);
	else
		g->forward(sizes, args, b->out, b->ws);
}

static void release(const morch_graph_info *g, Bufs *b)
{
	for (int i = 0; i < g->nouts; i++)
		free(b->out[i]);
	for (int i = 0; i < g->nwrt; i++)
		free(b->grad[i]);
	free(b->ws);
}

static void compare(const char *graph, const char *what, const morch_tensor_info *t,
                    const int64_t *sizes, const void *x, const void *y)
{
	int64_t n = morch_numel(t, sizes);
	if (memcmp(x, y, bytes_of(t, sizes)) != 0) {
		fprintf(stderr, "%s: %s '%s' depends on what its buffers held before the call\n",
		        graph, what, t->name);
		failures++;
	}
	for (int64_t i = 0; i < n; i++) {
		double v = t->dtype == MORCH_F64 ? ((const double *)x)[i] : ((const float *)x)[i];
		if (!isfinite(v)) {
			fprintf(stderr, "%s: %s '%s'[%lld] = %g is not finite\n", graph, what, t->name,
			        (long long)i, v);
			failures++;
			return;
		}
	}
}

static void run_graph(const morch_graph_info *g, const int64_t *sizes)
{
	const void *args[32];
	void *owned[32];
	if (g->nargs > 32 || g->nouts > 32 || g->nwrt > 32) {
		fprintf(stderr, "%s: too many tensors for this driver\n", g->name);
		exit(2);
	}
	for (int i = 0; i < g->nargs; i++) {
		args[i] = owned[i] = block(bytes_of(&g->args[i], sizes));
		fill_input(&g->args[i], sizes, owned[i], (unsigned)i);
	}
	void *up = NULL;
	if (g->upstream) {
		up = block(bytes_of(g->upstream, sizes));
		fill_input(g->upstream, sizes, up, 99);
	}
	Bufs zero, junk;
	run(g, sizes, args, up, &zero, 0);
	run(g, sizes, args, up, &junk, 0xff); /* float and double NaN */
	for (int i = 0; i < g->nouts; i++)
		compare(g->name, "output", &g->outs[i], sizes, zero.out[i], junk.out[i]);
	for (int i = 0; i < g->nwrt; i++)
		compare(g->name, "gradient", &g->grads[i], sizes, zero.grad[i], junk.grad[i]);
	release(g, &zero);
	release(g, &junk);

	if (g->grad) { /* the forward function on its own, into fresh buffers */
		void *out[32];
		size_t wsb = g->workspace_bytes(sizes);
		void *ws = NULL;
		if (wsb && posix_memalign(&ws, MORCH_ALIGN, wsb))
			exit(2);
		for (int i = 0; i < g->nouts; i++)
			out[i] = block(bytes_of(&g->outs[i], sizes));
		g->forward(sizes, args, out, ws);
		for (int i = 0; i < g->nouts; i++)
			free(out[i]);
		free(ws);
	}
	for (int i = 0; i < g->nargs; i++)
		free(owned[i]);
	free(up);
}

int main(void)
{
	int graphs = 0;
	for (int m = 0; modules[m]; m++)
		for (int k = 0; modules[m][k]; k++) {
			const morch_graph_info *g = modules[m][k];
			int64_t ones[MORCH_MAX_SIZES], grown[MORCH_MAX_SIZES];
			for (int i = 0; i < MORCH_MAX_SIZES; i++)
				ones[i] = 1, grown[i] = 3 + i;
			run_graph(g, ones);
			if (g->nsizes)
				run_graph(g, grown);
			graphs++;
		}
	printf("%d graphs ran, %d problems\n", graphs, failures);
	return failures != 0;
}
