/* drive.c: runs one graph of the module it is linked with (morchgen --reflect, module `g`) and
 * prints what it computed, for tests/openmp and tests/blas.
 *
 *   drive GRAPH SIZE...      fills the arguments (deterministic values), calls G_forward and,
 *                            when the graph has one, G_grad; prints every output and gradient,
 *                            one value a line with %.17g (exact, so equal text is equal bits)
 *   drive -t GRAPH SIZE...   also: two threads call G_grad at once, each on its own outputs,
 *                            gradients and workspace, a few times; each result must equal the
 *                            first call's to the bit (reentrancy)
 *   drive -f GRAPH SIZE...   also: each gradient against central finite differences of
 *                            sum(u * output 0) (the grad target), for f64 graphs
 * Exit status 1 on any failure.
 */
#define _POSIX_C_SOURCE 200112L
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morchrt.h"

extern const morch_graph_info *const g_graphs[];

static size_t elem_size(morch_dtype t)
{
	return t == MORCH_F64 ? sizeof(double) : t == MORCH_F32 ? sizeof(float) : sizeof(int32_t);
}

static void *block(size_t bytes)
{
	void *p = calloc(bytes ? bytes : 1, 1);
	if (!p) {
		perror("calloc");
		exit(2);
	}
	return p;
}

static double get(morch_dtype t, const void *p, int64_t i)
{
	return t == MORCH_F64 ? ((const double *)p)[i] : t == MORCH_F32 ? ((const float *)p)[i]
	                                                                 : ((const int32_t *)p)[i];
}

static void set(morch_dtype t, void *p, int64_t i, double v)
{
	if (t == MORCH_F64)
		((double *)p)[i] = v;
	else if (t == MORCH_F32)
		((float *)p)[i] = (float)v;
	else
		((int32_t *)p)[i] = (int32_t)v;
}

/* Reals in [-1, 1) from a fixed sequence; labels 0 and 1 alternately. */
static void fill(const morch_tensor_info *t, const int64_t *sizes, void *p, unsigned salt)
{
	uint64_t s = 0x9e3779b97f4a7c15u * (salt + 1);
	for (int64_t i = 0; i < morch_numel(t, sizes); i++) {
		s = s * 6364136223846793005u + 1442695040888963407u;
		double v = (double)(s >> 11) / 9007199254740992.0 * 2 - 1;
		set(t->dtype, p, i, t->dtype == MORCH_I32 ? (double)(i % 2) : v);
	}
}

/* The buffers of one call. */
typedef struct Call {
	const morch_graph_info *g;
	const int64_t *sizes;
	const void **args;
	void **outs, **grads;
	void *up, *ws;
} Call;

static Call call_new(const morch_graph_info *g, const int64_t *sizes, const void **args,
                     void *up)
{
	Call c = { g, sizes, args, NULL, NULL, up, NULL };
	c.outs = block(sizeof *c.outs * (size_t)(g->nouts + 1));
	c.grads = block(sizeof *c.grads * (size_t)(g->nwrt + 1));
	for (int i = 0; i < g->nouts; i++)
		c.outs[i] = block((size_t)morch_numel(&g->outs[i], sizes) * elem_size(g->outs[i].dtype));
	for (int i = 0; i < g->nwrt; i++)
		c.grads[i] =
		        block((size_t)morch_numel(&g->grads[i], sizes) * elem_size(g->grads[i].dtype));
	c.ws = block(g->workspace_bytes(sizes));
	return c;
}

static void call_grad(Call *c)
{
	c->g->grad(c->sizes, c->args, c->outs, c->up, c->grads, c->ws);
}

static bool same_bytes(const Call *a, const Call *b)
{
	const morch_graph_info *g = a->g;
	for (int i = 0; i < g->nouts; i++)
		if (memcmp(a->outs[i], b->outs[i],
		           (size_t)morch_numel(&g->outs[i], a->sizes) * elem_size(g->outs[i].dtype)))
			return false;
	for (int i = 0; i < g->nwrt; i++)
		if (memcmp(a->grads[i], b->grads[i],
		           (size_t)morch_numel(&g->grads[i], a->sizes) * elem_size(g->grads[i].dtype)))
			return false;
	return true;
}

static void print_tensor(const char *what, const morch_tensor_info *t, const int64_t *sizes,
                         const void *p)
{
	printf("%s %s\n", what, t->name);
	for (int64_t i = 0; i < morch_numel(t, sizes); i++)
		printf("%.17g\n", get(t->dtype, p, i));
}

typedef struct Worker {
	Call c;
	const Call *want;
	int bad;
} Worker;

static void *worker(void *arg)
{
	Worker *w = arg;
	for (int i = 0; i < 4; i++) {
		call_grad(&w->c);
		w->bad += !same_bytes(&w->c, w->want);
	}
	return NULL;
}

/* sum(u * output 0), the grad target; u is 1 for a scalar target. */
static double objective(const morch_graph_info *g, const int64_t *sizes, const void **args,
                        Call *c, const void *up)
{
	g->forward(sizes, args, c->outs, c->ws);
	double f = 0;
	for (int64_t i = 0; i < morch_numel(&g->outs[0], sizes); i++)
		f += (up ? get(g->dtype, up, i) : 1) * get(g->outs[0].dtype, c->outs[0], i);
	return f;
}

static int finite_differences(const morch_graph_info *g, const int64_t *sizes,
                              const void **args, Call *c, const void *up)
{
	int bad = 0;
	Call tmp = call_new(g, sizes, args, NULL);
	for (int w = 0; w < g->nwrt; w++) {
		const morch_tensor_info *t = &g->args[g->wrt[w]];
		double *x = (double *)args[g->wrt[w]];
		int64_t n = morch_numel(t, sizes), step = n > 24 ? n / 24 : 1;
		for (int64_t k = 0; k < n; k += step) {
			const double h = 1e-5, x0 = x[k];
			x[k] = x0 + h;
			double fp = objective(g, sizes, args, &tmp, up);
			x[k] = x0 - h;
			double fm = objective(g, sizes, args, &tmp, up);
			x[k] = x0;
			double fd = (fp - fm) / (2 * h), got = get(g->dtype, c->grads[w], k);
			if (!(fabs(fd - got) <= 1e-6 * (1 + fabs(fd)))) {
				fprintf(stderr, "%s: d%s[%lld] = %.17g, finite differences %.17g\n", g->name,
				        t->name, (long long)k, got, fd);
				bad++;
			}
		}
	}
	return bad;
}

int main(int argc, char **argv)
{
	bool threads = false, fd = false;
	int a = 1;
	for (; a < argc && argv[a][0] == '-'; a++) {
		threads |= strcmp(argv[a], "-t") == 0;
		fd |= strcmp(argv[a], "-f") == 0;
	}
	if (a >= argc) {
		fprintf(stderr, "usage: drive [-t] [-f] GRAPH SIZE...\n");
		return 2;
	}
	const morch_graph_info *g = NULL;
	for (int i = 0; g_graphs[i]; i++)
		if (strcmp(g_graphs[i]->name, argv[a]) == 0)
			g = g_graphs[i];
	if (!g || argc - a - 1 != g->nsizes) {
		fprintf(stderr, "drive: no graph %s with %d sizes\n", argv[a], argc - a - 1);
		return 2;
	}
	int64_t sizes[MORCH_MAX_SIZES];
	for (int i = 0; i < g->nsizes; i++)
		sizes[i] = atoll(argv[a + 1 + i]);
	const void **args = block(sizeof *args * (size_t)(g->nargs + 1));
	for (int i = 0; i < g->nargs; i++) {
		void *p = block((size_t)morch_numel(&g->args[i], sizes) * elem_size(g->args[i].dtype));
		fill(&g->args[i], sizes, p, (unsigned)i);
		args[i] = p;
	}
	void *up = NULL;
	if (g->upstream) {
		up = block((size_t)morch_numel(g->upstream, sizes) * elem_size(g->dtype));
		fill(g->upstream, sizes, up, 99);
	}
	Call c = call_new(g, sizes, args, up);
	g->forward(sizes, args, c.outs, c.ws);
	for (int i = 0; i < g->nouts; i++)
		print_tensor("forward", &g->outs[i], sizes, c.outs[i]);
	if (!g->has_grad)
		return 0;
	call_grad(&c);
	for (int i = 0; i < g->nouts; i++)
		print_tensor("grad-output", &g->outs[i], sizes, c.outs[i]);
	for (int i = 0; i < g->nwrt; i++)
		print_tensor("gradient", &g->grads[i], sizes, c.grads[i]);
	int bad = 0;
	if (threads) {
		Worker w[2];
		pthread_t t[2];
		for (int i = 0; i < 2; i++) {
			w[i] = (Worker){ call_new(g, sizes, args, up), &c, 0 };
			if (pthread_create(&t[i], NULL, worker, &w[i])) {
				perror("pthread_create");
				return 2;
			}
		}
		for (int i = 0; i < 2; i++) {
			pthread_join(t[i], NULL);
			if (w[i].bad)
				fprintf(stderr, "%s: thread %d got other results than the first call\n",
				        g->name, i);
			bad += w[i].bad;
		}
	}
	if (fd && g->dtype == MORCH_F64)
		bad += finite_differences(g, sizes, args, &c, up);
	return bad ? 1 : 0;
}
