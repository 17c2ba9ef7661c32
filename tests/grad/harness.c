/* harness.c: buffers, inputs and calls for graphs run through their reflection info. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

/* Guard bytes after every buffer catch writes past it; reading them gives huge values (about
 * 8e37 as float, 1e303 as double) that spoil any result they reach. Build with -DGUARD=0 to
 * leave out-of-bounds reads to AddressSanitizer instead. */
#ifndef GUARD
#define GUARD 64
#endif
static const size_t guard = GUARD;
enum { GUARD_BYTE = 0x7E };

/* ---- graphs ---- */

static const char *twin_suffix = "_f32";

const morch_graph_info *graph_find(const char *name)
{
	const morch_graph_info *const *const *lists[] = { grad_modules_f64, grad_modules_f32 };
	for (int l = 0; l < 2; l++)
		for (int m = 0; lists[l][m]; m++)
			for (int i = 0; lists[l][m][i]; i++)
				if (strcmp(lists[l][m][i]->name, name) == 0)
					return lists[l][m][i];
	return NULL;
}

void graph_each(bool f32, void (*fn)(const morch_graph_info *g, void *ctx), void *ctx)
{
	const morch_graph_info *const *const *mods = f32 ? grad_modules_f32 : grad_modules_f64;
	for (int m = 0; mods[m]; m++)
		for (int i = 0; mods[m][i]; i++)
			fn(mods[m][i], ctx);
}

int run_graph_tests(const char *group, bool f32, void (*test)(void **state),
                    bool (*select)(const morch_graph_info *g))
{
	const morch_graph_info *const *const *mods = f32 ? grad_modules_f32 : grad_modules_f64;
	size_t n = 0;
	for (int m = 0; mods[m]; m++)
		for (int i = 0; mods[m][i]; i++)
			n++;
	struct CMUnitTest *t = calloc(n + 1, sizeof *t);
	assert_non_null(t);
	n = 0;
	for (int m = 0; mods[m]; m++)
		for (int i = 0; mods[m][i]; i++)
			if (!select || select(mods[m][i]))
				t[n++] = (struct CMUnitTest){ mods[m][i]->name, test, NULL, NULL,
				                              (void *)mods[m][i] };
	int failed = _cmocka_run_group_tests(group, t, n, NULL, NULL);
	free(t);
	return failed;
}

int size_assignments(const morch_graph_info *g, int64_t sizes[][MORCH_MAX_SIZES])
{
	/* Each row is repeated cyclically over the graph's sizes. */
	static const int64_t rows[MAX_ASSIGNMENTS][4] = {
		{ 1, 1, 1, 1 }, { 2, 2, 2, 2 }, { 5, 3, 4, 2 }, { 33, 17, 7, 1 }, { 1, 7, 33, 17 },
	};
	if (g->nsizes == 0) {
		memset(sizes[0], 0, sizeof sizes[0]);
		return 1;
	}
	for (int k = 0; k < MAX_ASSIGNMENTS; k++) {
		memset(sizes[k], 0, sizeof sizes[k]);
		for (int i = 0; i < g->nsizes; i++)
			sizes[k][i] = rows[k][i % 4];
	}
	return MAX_ASSIGNMENTS;
}

/* ---- random numbers ---- */

uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15u);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

double rng_uniform(uint64_t *s, double lo, double hi)
{
	return lo + (hi - lo) * (double)(rng_next(s) >> 11) / 9007199254740992.0;
}

uint64_t graph_seed(const char *name, int k)
{
	size_t len = strlen(name), sl = strlen(twin_suffix);
	if (len > sl && strcmp(name + len - sl, twin_suffix) == 0)
		len -= sl;
	uint64_t h = 1469598103934665603u; /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 1099511628211u;
	return h + (uint64_t)k * 0x632BE59BD9B4E019u;
}

/* ---- tensors ---- */

static size_t elem_size(morch_dtype t)
{
	return t == MORCH_F64 ? sizeof(double) : t == MORCH_F32 ? sizeof(float) : sizeof(int32_t);
}

static void tensor_init(Tensor *t, const morch_tensor_info *info, const int64_t *sizes)
{
	memset(t, 0, sizeof *t);
	t->info = info;
	t->rank = info->rank;
	assert_true(t->rank <= MAX_RANK);
	t->n = 1;
	for (int d = 0; d < t->rank; d++) {
		t->dim[d] = morch_dim_value(&info->dims[d], sizes);
		t->n *= t->dim[d];
	}
	assert_int_equal(t->n, morch_numel(info, sizes));
	t->elem = elem_size(info->dtype);
	t->data = malloc((size_t)t->n * t->elem + guard);
	assert_non_null(t->data);
	memset(t->data, 0, (size_t)t->n * t->elem);
	memset(t->data + (size_t)t->n * t->elem, GUARD_BYTE, guard);
}

static size_t tensor_bytes(const Tensor *t)
{
	return (size_t)t->n * t->elem;
}

double tensor_get(const Tensor *t, int64_t i)
{
	switch (t->info->dtype) {
	case MORCH_F64: return ((const double *)t->data)[i];
	case MORCH_F32: return ((const float *)t->data)[i];
	case MORCH_I32: return ((const int32_t *)t->data)[i];
	}
	return 0;
}

void tensor_set(Tensor *t, int64_t i, double v)
{
	switch (t->info->dtype) {
	case MORCH_F64: ((double *)t->data)[i] = v; break;
	case MORCH_F32: ((float *)t->data)[i] = (float)v; break;
	case MORCH_I32: ((int32_t *)t->data)[i] = (int32_t)v; break;
	}
}

static bool guard_intact(const unsigned char *p)
{
	for (size_t i = 0; i < guard; i++)
		if (p[i] != GUARD_BYTE)
			return false;
	return true;
}

/* ---- runs ---- */

Run *run_new(const morch_graph_info *g, const int64_t *sizes)
{
	Run *r = calloc(1, sizeof *r);
	assert_non_null(r);
	r->g = g;
	memcpy(r->sizes, sizes, sizeof r->sizes);
	int len = snprintf(r->where, sizeof r->where, "graph %s", g->name);
	for (int i = 0; i < g->nsizes && len < (int)sizeof r->where; i++)
		len += snprintf(r->where + len, sizeof r->where - (size_t)len, "%s%s=%lld",
		                i ? " " : ", ", g->sizes[i], (long long)sizes[i]);
	r->arg = calloc((size_t)g->nargs + 1, sizeof *r->arg);
	r->out = calloc((size_t)g->nouts + 1, sizeof *r->out);
	r->grad = calloc((size_t)g->nwrt + 1, sizeof *r->grad);
	r->argp = calloc((size_t)g->nargs + 1, sizeof *r->argp);
	r->outp = calloc((size_t)g->nouts + 1, sizeof *r->outp);
	r->gradp = calloc((size_t)g->nwrt + 1, sizeof *r->gradp);
	assert_true(r->arg && r->out && r->grad && r->argp && r->outp && r->gradp);
	for (int i = 0; i < g->nargs; i++) {
		tensor_init(&r->arg[i], &g->args[i], sizes);
		r->argp[i] = r->arg[i].data;
	}
	for (int i = 0; i < g->nouts; i++) {
		tensor_init(&r->out[i], &g->outs[i], sizes);
		r->outp[i] = r->out[i].data;
	}
	for (int i = 0; i < g->nwrt; i++) {
		tensor_init(&r->grad[i], &g->grads[i], sizes);
		r->gradp[i] = r->grad[i].data;
	}
	if (g->upstream)
		tensor_init(&r->up, g->upstream, sizes);
	r->ws_bytes = g->workspace_bytes(sizes);
	if (r->ws_bytes) {
		r->ws = morch_alloc(r->ws_bytes + guard);
		assert_non_null(r->ws);
		assert_int_equal((uintptr_t)r->ws % MORCH_ALIGN, 0);
		memset(r->ws + r->ws_bytes, GUARD_BYTE, guard);
	}
	r->poison = 0xFF; /* NaN in every float and double */
	return r;
}

void run_free(Run *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->g->nargs; i++)
		free(r->arg[i].data);
	for (int i = 0; i < r->g->nouts; i++)
		free(r->out[i].data);
	for (int i = 0; i < r->g->nwrt; i++)
		free(r->grad[i].data);
	free(r->up.data);
	morch_free(r->ws);
	free(r->arg);
	free(r->out);
	free(r->grad);
	free(r->argp);
	free(r->outp);
	free(r->gradp);
	free(r);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* The number of classes of an i32 label input: its name ends in _C (a size name) or _5. */
static int64_t label_classes(const Run *r, const char *name)
{
	const char *tail = strrchr(name, '_');
	if (tail) {
		tail++;
		char *end;
		long long v = strtoll(tail, &end, 10);
		if (*tail && !*end && v > 0)
			return v;
		for (int i = 0; i < r->g->nsizes; i++)
			if (strcmp(r->g->sizes[i], tail) == 0)
				return r->sizes[i];
	}
	fail_msg("%s: i32 input '%s' must be named *_SIZE or *_NUMBER to give its label range",
	         r->where, name);
	return 0;
}

void run_fill(Run *r, uint64_t seed)
{
	uint64_t s = seed;
	for (int i = 0; i < r->g->nargs; i++) {
		Tensor *t = &r->arg[i];
		const char *name = t->info->name;
		for (int64_t k = 0; k < t->n; k++) {
			double v;
			if (t->info->dtype == MORCH_I32)
				v = (double)(rng_next(&s) % (uint64_t)label_classes(r, name));
			else if (ends_with(name, "_pos"))
				v = rng_uniform(&s, 0.5, 2);
			else if (ends_with(name, "_nz"))
				v = rng_uniform(&s, 0.2, 1) * (rng_next(&s) & 1 ? 1 : -1);
			else
				v = rng_uniform(&s, -1, 1);
			tensor_set(t, k, v);
		}
	}
	if (r->up.data)
		for (int64_t k = 0; k < r->up.n; k++)
			tensor_set(&r->up, k, rng_uniform(&s, -1, 1));
}

/* Copies of the inputs, to see that a call leaves them alone. */
static unsigned char **snapshot(const Run *r)
{
	unsigned char **copy = calloc((size_t)r->g->nargs + 2, sizeof *copy);
	assert_non_null(copy);
	for (int i = 0; i < r->g->nargs; i++) {
		copy[i] = malloc(tensor_bytes(&r->arg[i]));
		assert_non_null(copy[i]);
		memcpy(copy[i], r->arg[i].data, tensor_bytes(&r->arg[i]));
	}
	if (r->up.data) {
		copy[r->g->nargs] = malloc(tensor_bytes(&r->up));
		assert_non_null(copy[r->g->nargs]);
		memcpy(copy[r->g->nargs], r->up.data, tensor_bytes(&r->up));
	}
	return copy;
}

static void check_after_call(Run *r, unsigned char **copy, const char *fn)
{
	const morch_graph_info *g = r->g;
	for (int i = 0; i < g->nargs; i++) {
		if (memcmp(copy[i], r->arg[i].data, tensor_bytes(&r->arg[i])) != 0)
			fail_msg("%s: %s changed input '%s'", r->where, fn, g->args[i].name);
		if (!guard_intact(r->arg[i].data + tensor_bytes(&r->arg[i])))
			fail_msg("%s: %s wrote past input '%s'", r->where, fn, g->args[i].name);
		free(copy[i]);
	}
	if (r->up.data) {
		if (memcmp(copy[g->nargs], r->up.data, tensor_bytes(&r->up)) != 0)
			fail_msg("%s: %s changed the upstream gradient", r->where, fn);
		free(copy[g->nargs]);
	}
	free(copy);
	for (int i = 0; i < g->nouts; i++)
		if (!guard_intact(r->out[i].data + tensor_bytes(&r->out[i])))
			fail_msg("%s: %s wrote past output %d ('%s')", r->where, fn, i, g->outs[i].name);
	if (strcmp(fn, "grad") == 0)
		for (int i = 0; i < g->nwrt; i++)
			if (!guard_intact(r->grad[i].data + tensor_bytes(&r->grad[i])))
				fail_msg("%s: grad wrote past gradient %d ('%s')", r->where, i,
				         g->grads[i].name);
	if (r->ws && !guard_intact(r->ws + r->ws_bytes))
		fail_msg("%s: %s wrote past its workspace of %zu bytes", r->where, fn, r->ws_bytes);
}

static void poison(Run *r, bool grads)
{
	for (int i = 0; i < r->g->nouts; i++)
		memset(r->out[i].data, r->poison, tensor_bytes(&r->out[i]));
	if (grads)
		for (int i = 0; i < r->g->nwrt; i++)
			memset(r->grad[i].data, r->poison, tensor_bytes(&r->grad[i]));
	if (r->ws)
		memset(r->ws, r->poison, r->ws_bytes);
}

void run_forward(Run *r)
{
	unsigned char **copy = snapshot(r);
	poison(r, false);
	r->g->forward(r->sizes, r->argp, r->outp, r->ws);
	check_after_call(r, copy, "forward");
}

void run_grad(Run *r)
{
	assert_non_null(r->g->grad);
	unsigned char **copy = snapshot(r);
	poison(r, true);
	r->g->grad(r->sizes, r->argp, r->outp, r->up.data, r->gradp, r->ws);
	check_after_call(r, copy, "grad");
}

double run_objective(Run *r, double *scale)
{
	run_forward(r);
	const Tensor *o = &r->out[0];
	double sum = 0, abs_sum = 0;
	for (int64_t k = 0; k < o->n; k++) {
		double term = tensor_get(o, k) * (r->up.data ? tensor_get(&r->up, k) : 1);
		sum += term;
		abs_sum += term < 0 ? -term : term;
	}
	if (scale)
		*scale = abs_sum;
	return sum;
}

/* ---- checks every graph gets ---- */

static bool same_dims(const Tensor *a, const Tensor *b)
{
	if (a->rank != b->rank)
		return false;
	for (int d = 0; d < a->rank; d++)
		if (a->dim[d] != b->dim[d])
			return false;
	return true;
}

/* A .morch file of tests/grad that breaks the driver's conventions is a test bug. */
static void check_convention(const Run *r)
{
	const morch_graph_info *g = r->g;
	assert_true(g->nouts >= 1);
	if (!g->has_grad)
		return;
	assert_non_null(g->grad);
	if (g->upstream) {
		if (!same_dims(&r->up, &r->out[0]) || strcmp(g->upstream->name, g->outs[0].name) != 0)
			fail_msg("%s: the grad target must be output 0 (upstream '%s', output 0 '%s')",
			         r->where, g->upstream->name, g->outs[0].name);
	} else if (g->outs[0].rank != 0) {
		fail_msg("%s: a scalar grad target must be output 0, not '%s'", r->where,
		         g->outs[0].name);
	}
	for (int i = 0; i < g->nwrt; i++) {
		assert_true(g->wrt[i] >= 0 && g->wrt[i] < g->nargs);
		if (strcmp(g->grads[i].name, g->args[g->wrt[i]].name) != 0 ||
		    !same_dims(&r->grad[i], &r->arg[g->wrt[i]]))
			fail_msg("%s: gradient %d ('%s') does not match argument %d ('%s')", r->where, i,
			         g->grads[i].name, g->wrt[i], g->args[g->wrt[i]].name);
	}
}

static unsigned char *copy_of(const Tensor *t)
{
	unsigned char *c = malloc(tensor_bytes(t));
	assert_non_null(c);
	memcpy(c, t->data, tensor_bytes(t));
	return c;
}

/* Compares the bytes of tensors with earlier copies; reports the first difference. */
static void expect_same(const Run *r, const Tensor *t, int n, unsigned char **before,
                        const char *what)
{
	for (int i = 0; i < n; i++) {
		if (memcmp(before[i], t[i].data, tensor_bytes(&t[i])) == 0)
			continue;
		int64_t k = 0;
		while (memcmp(before[i] + (size_t)k * t[i].elem, t[i].data + (size_t)k * t[i].elem,
		              t[i].elem) == 0)
			k++;
		Tensor old = t[i];
		old.data = before[i];
		fail_msg("%s: %s: '%s'[%lld] is %.17g, then %.17g", r->where, what, t[i].info->name,
		         (long long)k, tensor_get(&old, k), tensor_get(&t[i], k));
	}
}

static void free_copies(unsigned char **c, int n)
{
	for (int i = 0; i < n; i++)
		free(c[i]);
	free(c);
}

void run_contract_checks(Run *r)
{
	const morch_graph_info *g = r->g;
	check_convention(r);
	/* Forward twice, the workspace and outputs holding different garbage each time. */
	r->poison = 0xFF;
	run_forward(r);
	unsigned char **fwd = calloc((size_t)g->nouts, sizeof *fwd);
	assert_non_null(fwd);
	for (int i = 0; i < g->nouts; i++)
		fwd[i] = copy_of(&r->out[i]);
	r->poison = 0x7F;
	run_forward(r);
	expect_same(r, r->out, g->nouts, fwd, "forward twice (workspace not assumed zeroed)");
	if (g->has_grad) {
		r->poison = 0xFF;
		run_grad(r);
		expect_same(r, r->out, g->nouts, fwd, "outputs of grad differ from forward");
		unsigned char **grads = calloc((size_t)g->nwrt + 1, sizeof *grads);
		assert_non_null(grads);
		for (int i = 0; i < g->nwrt; i++)
			grads[i] = copy_of(&r->grad[i]);
		r->poison = 0x41; /* finite garbage: about 12 as float, 2.3e6 as double */
		run_grad(r);
		expect_same(r, r->grad, g->nwrt, grads,
		            "grad twice (gradients overwritten, workspace not assumed zeroed)");
		free_copies(grads, g->nwrt);
	}
	free_copies(fwd, g->nouts);
	r->poison = 0xFF;
}
