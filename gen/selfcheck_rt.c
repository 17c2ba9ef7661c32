/* selfcheck_rt.c: the checking half of every program `morchgen --emit=test` writes. morchgen
 * embeds this file as text (gen/local.mk turns it into selfcheck_text.c); the emitted program
 * follows it with the graphs' descriptors, their input domains, an f64 reference of each grad
 * target, and a main() that calls morch_sc_main. See docs/selfcheck.md for what each check does. */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morchrt.h"

/* Where a real input's values are drawn, from the operations that consume it. */
enum morch_sc_kind { MORCH_SC_ANY, MORCH_SC_NONZERO, MORCH_SC_POSITIVE, MORCH_SC_LABELS };

typedef struct morch_sc_domain {
	int kind;
	morch_dim classes; /* MORCH_SC_LABELS: values are drawn from [0, classes) */
} morch_sc_domain;

typedef struct morch_sc_graph {
	const morch_graph_info *g;   /* the graph, through its own G_forward and G_grad */
	const morch_graph_info *ref; /* f64 copy of the grad target alone, or NULL without grad */
	const morch_sc_domain *domain;     /* per g->args */
	int target_out;              /* the grad target's index among g's outputs, or -1 */
} morch_sc_graph;

/* Guard bytes before and after every buffer; a multiple of MORCH_ALIGN so the buffer itself
 * stays aligned. */
#define MORCH_SC_GUARD 64
/* Inputs and what the graph writes get different patterns, so that copying past an input's end
 * into an output's guard shows. */
#define MORCH_SC_GUARD_IN 0xA5
#define MORCH_SC_GUARD_OUT 0x5A
#define MORCH_SC_MAX_REPORTS 4
#define MORCH_SC_ALL_BELOW 64 /* tensors up to this many elements are checked element by element */
#define MORCH_SC_SAMPLES 24   /* ... bigger ones at their 4 first, 4 last and this many random ones */
#define MORCH_SC_DRAWS 8      /* tries to find a point where the graph is finite */
#define MORCH_SC_DIRECTIONS 2 /* adjoint tests per size assignment */
#define MORCH_SC_NSIZES 3
#define MORCH_SC_ABS_FLOOR 1e-6 /* times the relative tolerance: gradients this small count as 0 */

/* Size assignments, each repeated cyclically over a graph's size names. */
static const int64_t morch_sc_size_rows[MORCH_SC_NSIZES][3] = { { 1, 1, 1 }, { 2, 3, 5 }, { 3, 1, 2 } };
/* Finite-difference steps: the first, then smaller ones before a mismatch is declared, so a
 * kink closer than the step to the point gives no false alarm. */
static const double morch_sc_steps[] = { 1e-5, 1e-6, 1e-7 };

/* ---- random numbers: splitmix64 ---- */

static uint64_t morch_sc_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15u);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

static double morch_sc_uniform(uint64_t *s, double lo, double hi)
{
	return lo + (hi - lo) * (double)(morch_sc_next(s) >> 11) / 9007199254740992.0;
}

static uint64_t morch_sc_seed_of(uint64_t seed, const char *name, int k)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */
	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211u;
	return h ^ (seed * 0x632BE59BD9B4E019u) ^ ((uint64_t)k << 48);
}

/* ---- guarded buffers ---- */

typedef struct morch_sc_buf {
	unsigned char *base, *data;
	size_t bytes;
	unsigned char guard;
} morch_sc_buf;

static void *morch_sc_alloc(size_t bytes)
{
	void *p = morch_alloc(bytes);
	if (!p) {
		fprintf(stderr, "selfcheck: out of memory\n");
		exit(2);
	}
	return p;
}

static void morch_sc_buf_new(morch_sc_buf *b, size_t bytes, unsigned char guard)
{
	b->bytes = bytes;
	b->guard = guard;
	b->base = morch_sc_alloc(bytes + 2 * MORCH_SC_GUARD);
	b->data = b->base + MORCH_SC_GUARD;
	memset(b->base, guard, MORCH_SC_GUARD);
	memset(b->data, 0, bytes);
	memset(b->data + bytes, guard, MORCH_SC_GUARD);
}

static int morch_sc_guards_intact(const morch_sc_buf *b)
{
	for (size_t i = 0; i < MORCH_SC_GUARD; i++)
		if (b->base[i] != b->guard || b->data[b->bytes + i] != b->guard)
			return 0;
	return 1;
}

static size_t morch_sc_elem(morch_dtype t)
{
	return t == MORCH_F64 ? sizeof(double) : t == MORCH_F32 ? sizeof(float) : sizeof(int32_t);
}

static double morch_sc_get(const void *p, morch_dtype t, int64_t i)
{
	switch (t) {
	case MORCH_F64: return ((const double *)p)[i];
	case MORCH_F32: return ((const float *)p)[i];
	case MORCH_I32: return ((const int32_t *)p)[i];
	}
	return 0;
}

/* Stores v and returns what was stored (v rounded to float in an f32 tensor). */
static double morch_sc_set(void *p, morch_dtype t, int64_t i, double v)
{
	switch (t) {
	case MORCH_F64: ((double *)p)[i] = v; break;
	case MORCH_F32: ((float *)p)[i] = (float)v; break;
	case MORCH_I32: ((int32_t *)p)[i] = (int32_t)v; break;
	}
	return morch_sc_get(p, t, i);
}

/* ---- the result of one check over every size assignment of one graph ---- */

typedef struct morch_sc_tally {
	const char *what;
	int numeric; /* errors are measured, not just counted */
	long count, failures;
	double worst; /* the largest error seen, as a fraction of its tolerance */
} morch_sc_tally;

static void morch_sc_fail(morch_sc_tally *t, const char *where, const char *fmt, ...)
{
	if (t->failures++ >= MORCH_SC_MAX_REPORTS)
		return;
	va_list ap;
	va_start(ap, fmt);
	printf("  %s: %s: ", where, t->what);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

static void morch_sc_ratio(morch_sc_tally *t, double ratio)
{
	t->count++;
	if (ratio > t->worst || ratio != ratio)
		t->worst = ratio;
}

/* ---- one graph at one size assignment ---- */

typedef struct morch_sc_run {
	const morch_sc_graph *t;
	const morch_graph_info *g;
	int64_t sizes[MORCH_MAX_SIZES];
	char where[200];
	int64_t *nargs, *nouts, *ngrads, nup; /* elements */
	morch_sc_buf *arg, *out, *grad, up, ws;
	const void **argp;
	void **outp, **gradp;
	unsigned char **arg_copy;
	/* the f64 reference: the point x (real args as double, i32 args shared) and the target */
	double **x, *u;
	const void **refp;
	morch_sc_buf ref_out, ref_ws;
	void *ref_outp[1];
	int64_t ntarget;
	morch_sc_tally *guards;
} morch_sc_run;

static void *morch_sc_calloc(size_t n, size_t size)
{
	void *p = calloc(n + 1, size);
	if (!p) {
		fprintf(stderr, "selfcheck: out of memory\n");
		exit(2);
	}
	return p;
}

static morch_sc_run *morch_sc_run_new(const morch_sc_graph *t, const int64_t *sizes, morch_sc_tally *guards)
{
	const morch_graph_info *g = t->g;
	morch_sc_run *r = morch_sc_calloc(1, sizeof *r);
	r->t = t;
	r->g = g;
	r->guards = guards;
	memcpy(r->sizes, sizes, sizeof r->sizes);
	int len = snprintf(r->where, sizeof r->where, "%s", g->name);
	for (int i = 0; i < g->nsizes && len > 0 && len < (int)sizeof r->where; i++)
		len += snprintf(r->where + len, sizeof r->where - (size_t)len, "%s%s=%lld",
		                i ? "," : " ", g->sizes[i], (long long)sizes[i]);
	r->nargs = morch_sc_calloc((size_t)g->nargs, sizeof *r->nargs);
	r->nouts = morch_sc_calloc((size_t)g->nouts, sizeof *r->nouts);
	r->ngrads = morch_sc_calloc((size_t)g->nwrt, sizeof *r->ngrads);
	r->arg = morch_sc_calloc((size_t)g->nargs, sizeof *r->arg);
	r->out = morch_sc_calloc((size_t)g->nouts, sizeof *r->out);
	r->grad = morch_sc_calloc((size_t)g->nwrt, sizeof *r->grad);
	r->argp = morch_sc_calloc((size_t)g->nargs, sizeof *r->argp);
	r->outp = morch_sc_calloc((size_t)g->nouts, sizeof *r->outp);
	r->gradp = morch_sc_calloc((size_t)g->nwrt, sizeof *r->gradp);
	r->arg_copy = morch_sc_calloc((size_t)g->nargs + 1, sizeof *r->arg_copy);
	for (int i = 0; i < g->nargs; i++) {
		r->nargs[i] = morch_numel(&g->args[i], sizes);
		morch_sc_buf_new(&r->arg[i], (size_t)r->nargs[i] * morch_sc_elem(g->args[i].dtype), MORCH_SC_GUARD_IN);
		r->argp[i] = r->arg[i].data;
		r->arg_copy[i] = morch_sc_calloc(r->arg[i].bytes, 1);
	}
	for (int i = 0; i < g->nouts; i++) {
		r->nouts[i] = morch_numel(&g->outs[i], sizes);
		morch_sc_buf_new(&r->out[i], (size_t)r->nouts[i] * morch_sc_elem(g->outs[i].dtype), MORCH_SC_GUARD_OUT);
		r->outp[i] = r->out[i].data;
	}
	for (int i = 0; i < g->nwrt; i++) {
		r->ngrads[i] = morch_numel(&g->grads[i], sizes);
		morch_sc_buf_new(&r->grad[i], (size_t)r->ngrads[i] * morch_sc_elem(g->grads[i].dtype), MORCH_SC_GUARD_OUT);
		r->gradp[i] = r->grad[i].data;
	}
	r->nup = g->upstream ? morch_numel(g->upstream, sizes) : 0;
	morch_sc_buf_new(&r->up, (size_t)r->nup * morch_sc_elem(g->dtype), MORCH_SC_GUARD_IN);
	r->arg_copy[g->nargs] = morch_sc_calloc(r->up.bytes, 1);
	morch_sc_buf_new(&r->ws, g->workspace_bytes(sizes), MORCH_SC_GUARD_OUT);
	if (t->ref) {
		r->x = morch_sc_calloc((size_t)g->nargs, sizeof *r->x);
		r->refp = morch_sc_calloc((size_t)g->nargs, sizeof *r->refp);
		for (int i = 0; i < g->nargs; i++) {
			if (g->args[i].dtype == MORCH_I32) {
				r->refp[i] = r->arg[i].data;
			} else {
				r->x[i] = morch_sc_calloc((size_t)r->nargs[i], sizeof **r->x);
				r->refp[i] = r->x[i];
			}
		}
		r->ntarget = morch_numel(&t->ref->outs[0], sizes);
		r->u = morch_sc_calloc((size_t)r->ntarget, sizeof *r->u);
		morch_sc_buf_new(&r->ref_out, (size_t)r->ntarget * sizeof(double), MORCH_SC_GUARD_OUT);
		r->ref_outp[0] = r->ref_out.data;
		morch_sc_buf_new(&r->ref_ws, t->ref->workspace_bytes(sizes), MORCH_SC_GUARD_OUT);
	}
	return r;
}

static void morch_sc_run_free(morch_sc_run *r)
{
	const morch_graph_info *g = r->g;
	for (int i = 0; i < g->nargs; i++) {
		morch_free(r->arg[i].base);
		free(r->arg_copy[i]);
		if (r->x)
			free(r->x[i]);
	}
	for (int i = 0; i < g->nouts; i++)
		morch_free(r->out[i].base);
	for (int i = 0; i < g->nwrt; i++)
		morch_free(r->grad[i].base);
	free(r->arg_copy[g->nargs]);
	morch_free(r->up.base);
	morch_free(r->ws.base);
	morch_free(r->ref_out.base);
	morch_free(r->ref_ws.base);
	free(r->nargs); free(r->nouts); free(r->ngrads);
	free(r->arg); free(r->out); free(r->grad);
	free(r->argp); free(r->outp); free(r->gradp);
	free(r->arg_copy); free(r->x); free(r->refp); free(r->u);
	free(r);
}

/* Draws every input in its domain and a random upstream gradient. */
static void morch_sc_draw(morch_sc_run *r, uint64_t *rng)
{
	const morch_graph_info *g = r->g;
	for (int i = 0; i < g->nargs; i++) {
		const morch_sc_domain *d = &r->t->domain[i];
		int64_t classes = d->kind == MORCH_SC_LABELS ? morch_dim_value(&d->classes, r->sizes) : 1;
		for (int64_t k = 0; k < r->nargs[i]; k++) {
			double v;
			switch (d->kind) {
			case MORCH_SC_LABELS: v = (double)(morch_sc_next(rng) % (uint64_t)(classes > 0 ? classes : 1)); break;
			case MORCH_SC_POSITIVE: v = morch_sc_uniform(rng, 0.5, 2); break;
			case MORCH_SC_NONZERO: v = morch_sc_uniform(rng, 0.25, 1) * (morch_sc_next(rng) & 1 ? 1 : -1); break;
			default: v = morch_sc_uniform(rng, -1, 1); break;
			}
			v = morch_sc_set(r->arg[i].data, g->args[i].dtype, k, v);
			if (r->x && r->x[i])
				r->x[i][k] = v;
		}
		memcpy(r->arg_copy[i], r->arg[i].data, r->arg[i].bytes);
	}
	for (int64_t k = 0; k < r->nup; k++) {
		double v = morch_sc_set(r->up.data, g->dtype, k, morch_sc_uniform(rng, -1, 1));
		if (r->u)
			r->u[k] = v;
	}
	for (int64_t k = 0; r->u && !g->upstream && k < r->ntarget; k++)
		r->u[k] = 1;
	memcpy(r->arg_copy[g->nargs], r->up.data, r->up.bytes);
}

/* After a call: guards, inputs and upstream unchanged. */
static void morch_sc_after_call(morch_sc_run *r, const char *fn, int grads)
{
	const morch_graph_info *g = r->g;
	for (int i = 0; i < g->nargs; i++)
		if (!morch_sc_guards_intact(&r->arg[i]) || memcmp(r->arg_copy[i], r->arg[i].data, r->arg[i].bytes))
			morch_sc_fail(r->guards, r->where, "%s wrote to input '%s'", fn, g->args[i].name);
	if (!morch_sc_guards_intact(&r->up) || memcmp(r->arg_copy[g->nargs], r->up.data, r->up.bytes))
		morch_sc_fail(r->guards, r->where, "%s wrote to the upstream gradient", fn);
	for (int i = 0; i < g->nouts; i++)
		if (!morch_sc_guards_intact(&r->out[i]))
			morch_sc_fail(r->guards, r->where, "%s wrote outside output '%s'", fn, g->outs[i].name);
	for (int i = 0; grads && i < g->nwrt; i++)
		if (!morch_sc_guards_intact(&r->grad[i]))
			morch_sc_fail(r->guards, r->where, "%s wrote outside gradient '%s'", fn, g->grads[i].name);
	if (!morch_sc_guards_intact(&r->ws))
		morch_sc_fail(r->guards, r->where, "%s wrote outside its workspace of %zu bytes "
		        "(G_workspace_bytes)", fn, r->ws.bytes);
	r->guards->count++;
}

/* Outputs, gradients and workspace hold `poison` before a call: 0xFF is NaN, so a value read
 * before it is written shows. */
static void morch_sc_forward(morch_sc_run *r, unsigned char poison)
{
	for (int i = 0; i < r->g->nouts; i++)
		memset(r->out[i].data, poison, r->out[i].bytes);
	memset(r->ws.data, poison, r->ws.bytes);
	r->g->forward(r->sizes, r->argp, r->outp, r->ws.data);
	morch_sc_after_call(r, "forward", 0);
}

static void morch_sc_grad(morch_sc_run *r, unsigned char poison)
{
	for (int i = 0; i < r->g->nouts; i++)
		memset(r->out[i].data, poison, r->out[i].bytes);
	for (int i = 0; i < r->g->nwrt; i++)
		memset(r->grad[i].data, poison, r->grad[i].bytes);
	memset(r->ws.data, poison, r->ws.bytes);
	r->g->grad(r->sizes, r->argp, r->outp, r->up.data, r->gradp, r->ws.data);
	morch_sc_after_call(r, "grad", 1);
}

/* sum(u * target) at the point r->x, in double; *scale gets sum |u * target|, the size of its
 * rounding error. */
static double morch_sc_objective(morch_sc_run *r, double *scale)
{
	r->t->ref->forward(r->sizes, r->refp, r->ref_outp, r->ref_ws.data);
	const double *y = (const double *)r->ref_out.data;
	double sum = 0, abs_sum = 0;
	for (int64_t k = 0; k < r->ntarget; k++) {
		sum += r->u[k] * y[k];
		abs_sum += fabs(r->u[k] * y[k]);
	}
	if (scale)
		*scale = abs_sum;
	return sum;
}

static int morch_sc_finite_outputs(const morch_sc_run *r)
{
	for (int i = 0; i < r->g->nouts; i++)
		for (int64_t k = 0; k < r->nouts[i]; k++)
			if (!isfinite(morch_sc_get(r->out[i].data, r->g->outs[i].dtype, k)))
				return 0;
	return 1;
}

/* The derivative of the objective along dir (one array per wrt argument; element `elem` of
 * argument w alone when dir is NULL) by central differences with steps h and h/2 combined by
 * Richardson extrapolation (truncation error O(h^4)). *scale gets the largest rounding scale. */
static double morch_sc_fd(morch_sc_run *r, double *const *dir, int w, int64_t elem, double h, double *scale)
{
	const morch_graph_info *g = r->g;
	double d[2];
	*scale = 0;
	for (int s = 0; s < 2; s++) {
		double step = s ? h / 2 : h, f[2];
		for (int side = 0; side < 2; side++) {
			double t = side ? -step : step, sc;
			for (int v = 0; v < g->nwrt; v++) {
				double *x = r->x[g->wrt[v]];
				if (dir)
					for (int64_t k = 0; k < r->ngrads[v]; k++)
						x[k] += t * dir[v][k];
				else if (v == w)
					x[elem] += t;
			}
			f[side] = morch_sc_objective(r, &sc);
			if (sc > *scale)
				*scale = sc;
			for (int i = 0; i < g->nargs; i++)
				if (r->x[i])
					for (int64_t k = 0; k < r->nargs[i]; k++)
						r->x[i][k] = morch_sc_get(r->arg[i].data, g->args[i].dtype, k);
		}
		d[s] = (f[0] - f[1]) / (2 * step);
	}
	return (4 * d[1] - d[0]) / 3;
}

/* err / tol of the FD derivative against `an` at each step until one agrees; the smallest. */
static double morch_sc_compare(morch_sc_run *r, double *const *dir, int w, int64_t elem, double an,
                         double an_scale, double *fd_out)
{
	double rtol = r->g->dtype == MORCH_F64 ? 1e-6 : 1e-3, best = HUGE_VAL;
	for (size_t s = 0; s < sizeof morch_sc_steps / sizeof morch_sc_steps[0]; s++) {
		double scale, fd = morch_sc_fd(r, dir, w, elem, morch_sc_steps[s], &scale);
		/* relative to the derivative and the gradient's largest element, plus the rounding
		 * of the objective amplified by 1/h, plus an absolute floor: a target made by
		 * cancellation (a saturated loss near 0) hides the rounding of what it cancelled */
		double tol = rtol * (fabs(fd) + an_scale + MORCH_SC_ABS_FLOOR)
		             + 100 * DBL_EPSILON / morch_sc_steps[s] * scale;
		double ratio = fabs(fd - an) / tol;
		if (!(ratio >= best)) {
			best = ratio;
			*fd_out = fd;
		}
		if (ratio <= 1)
			break;
	}
	return best;
}

static void morch_sc_check_elements(morch_sc_run *r, morch_sc_tally *t, uint64_t *rng)
{
	const morch_graph_info *g = r->g;
	for (int w = 0; w < g->nwrt; w++) {
		int64_t n = r->ngrads[w];
		double gscale = 0;
		for (int64_t k = 0; k < n; k++)
			gscale = fmax(gscale, fabs(morch_sc_get(r->grad[w].data, g->dtype, k)));
		int64_t picks = n <= MORCH_SC_ALL_BELOW ? n : 8 + MORCH_SC_SAMPLES;
		for (int64_t p = 0; p < picks; p++) {
			int64_t k = n <= MORCH_SC_ALL_BELOW ? p : p < 4 ? p : p < 8 ? n - 1 - (p - 4)
			            : (int64_t)(morch_sc_next(rng) % (uint64_t)n);
			double an = morch_sc_get(r->grad[w].data, g->dtype, k), fd = 0;
			double ratio = morch_sc_compare(r, NULL, w, k, an, gscale, &fd);
			morch_sc_ratio(t, ratio);
			if (!(ratio <= 1))
				morch_sc_fail(t, r->where, "d %s / d %s[%lld]: grad gives %.10g, finite differences "
				        "%.10g", r->t->ref->outs[0].name, g->grads[w].name, (long long)k, an, fd);
		}
	}
}

/* The adjoint (dot-product) test: <u, (f(x + h v) - f(x - h v)) / 2h> against
 * <G_grad(x, u), v> for a random direction v over every wrt argument at once. */
static void morch_sc_check_adjoint(morch_sc_run *r, morch_sc_tally *t, uint64_t *rng)
{
	const morch_graph_info *g = r->g;
	double **v = morch_sc_calloc((size_t)g->nwrt, sizeof *v);
	double dot = 0, dot_abs = 0, fd = 0;
	for (int w = 0; w < g->nwrt; w++) {
		v[w] = morch_sc_calloc((size_t)r->ngrads[w], sizeof **v);
		for (int64_t k = 0; k < r->ngrads[w]; k++) {
			double an = morch_sc_get(r->grad[w].data, g->dtype, k);
			v[w][k] = morch_sc_uniform(rng, -1, 1);
			dot += an * v[w][k];
			dot_abs += fabs(an * v[w][k]);
		}
	}
	double ratio = morch_sc_compare(r, v, 0, 0, dot, dot_abs, &fd);
	morch_sc_ratio(t, ratio);
	if (!(ratio <= 1))
		morch_sc_fail(t, r->where, "<grad, v> is %.10g, <u, finite differences along v> %.10g", dot, fd);
	for (int w = 0; w < g->nwrt; w++)
		free(v[w]);
	free(v);
}

static unsigned char **morch_sc_copy_outputs(const morch_sc_run *r)
{
	unsigned char **c = morch_sc_calloc((size_t)r->g->nouts, sizeof *c);
	for (int i = 0; i < r->g->nouts; i++) {
		c[i] = morch_sc_calloc(r->out[i].bytes, 1);
		memcpy(c[i], r->out[i].data, r->out[i].bytes);
	}
	return c;
}

static void morch_sc_same_outputs(morch_sc_run *r, unsigned char **before, morch_sc_tally *t, const char *fn)
{
	for (int i = 0; i < r->g->nouts; i++) {
		if (memcmp(before[i], r->out[i].data, r->out[i].bytes) != 0)
			morch_sc_fail(t, r->where, "output '%s' of %s differs from forward's", r->g->outs[i].name, fn);
		free(before[i]);
	}
	free(before);
	t->count++;
}

/* The f64 reference of the grad target against G_forward's output: the finite differences
 * are taken of the same function. */
static void morch_sc_check_reference(morch_sc_run *r, morch_sc_tally *t)
{
	int o = r->t->target_out;
	double scale;
	morch_sc_objective(r, &scale);
	const double *y = (const double *)r->ref_out.data;
	double big = 0;
	for (int64_t k = 0; k < r->ntarget; k++)
		big = fmax(big, fabs(y[k]));
	double rtol = r->g->dtype == MORCH_F64 ? 1e-9 : 1e-4;
	for (int64_t k = 0; k < r->ntarget; k++) {
		double got = morch_sc_get(r->out[o].data, r->g->outs[o].dtype, k);
		/* the floor: an output small by cancellation keeps the rounding of its terms */
		double ratio = fabs(got - y[k]) / (rtol * (fabs(y[k]) + big + 0.01));
		morch_sc_ratio(t, ratio);
		if (!(ratio <= 1))
			morch_sc_fail(t, r->where, "'%s'[%lld] is %.10g, the f64 reference %.10g",
			        r->g->outs[o].name, (long long)k, got, y[k]);
	}
}

enum { MORCH_SC_T_DRAW, MORCH_SC_T_MEMORY, MORCH_SC_T_REPEAT, MORCH_SC_T_BITWISE, MORCH_SC_T_REF, MORCH_SC_T_FD, MORCH_SC_T_ADJOINT, MORCH_SC_NT };

static void morch_sc_check_run(morch_sc_run *r, morch_sc_tally *t, uint64_t *rng)
{
	const morch_graph_info *g = r->g;
	int found = 0;
	for (int d = 0; d < MORCH_SC_DRAWS && !found; d++) {
		morch_sc_draw(r, rng);
		morch_sc_forward(r, 0xFF);
		double scale, f = r->t->ref ? morch_sc_objective(r, &scale) : 0;
		found = morch_sc_finite_outputs(r) && isfinite(f);
	}
	t[MORCH_SC_T_DRAW].count++;
	if (!found) {
		morch_sc_fail(&t[MORCH_SC_T_DRAW], r->where, "no finite point in %d draws from the input domains",
		        MORCH_SC_DRAWS);
		return;
	}
	unsigned char **fwd = morch_sc_copy_outputs(r);
	morch_sc_forward(r, 0x7F);
	morch_sc_same_outputs(r, fwd, &t[MORCH_SC_T_REPEAT], "a second forward");
	if (!g->has_grad)
		return;
	fwd = morch_sc_copy_outputs(r);
	morch_sc_grad(r, 0xFF);
	morch_sc_same_outputs(r, fwd, &t[MORCH_SC_T_BITWISE], "grad");
	if (r->t->target_out >= 0)
		morch_sc_check_reference(r, &t[MORCH_SC_T_REF]);
	morch_sc_check_elements(r, &t[MORCH_SC_T_FD], rng);
	for (int k = 0; k < MORCH_SC_DIRECTIONS; k++)
		morch_sc_check_adjoint(r, &t[MORCH_SC_T_ADJOINT], rng);
}

static int morch_sc_report(const char *graph, const morch_sc_tally *t)
{
	if (!t->count && !t->failures)
		return 0;
	printf("%s %s: %s", t->failures ? "FAIL" : "PASS", graph, t->what);
	if (t->failures)
		printf(" (%ld failures)", t->failures);
	if (t->numeric)
		printf(" (%ld compared, worst error %.2g of tolerance)", t->count, t->worst);
	putchar('\n');
	return t->failures ? 1 : 0;
}

static void morch_sc_print_domain(const morch_graph_info *g, const morch_sc_domain *d)
{
	switch (d->kind) {
	case MORCH_SC_POSITIVE: printf("[0.5, 2]"); return;
	case MORCH_SC_NONZERO: printf("+-[0.25, 1]"); return;
	case MORCH_SC_LABELS: break;
	default: printf("[-1, 1]"); return;
	}
	printf("labels [0, ");
	const char *sep = "";
	if (d->classes.coef != 1)
		printf("%lld", (long long)d->classes.coef), sep = "*";
	for (int i = 0; i < g->nsizes; i++)
		for (int k = 0; k < d->classes.exp[i]; k++)
			printf("%s%s", sep, g->sizes[i]), sep = "*";
	printf("%s)", *sep ? "" : "1");
}

static int morch_sc_check_graph(const morch_sc_graph *s, uint64_t seed)
{
	const morch_graph_info *g = s->g;
	printf("---- %s (%s): inputs", g->name, g->dtype == MORCH_F64 ? "f64" : "f32");
	for (int i = 0; i < g->nargs; i++) {
		printf(" %s ", g->args[i].name);
		morch_sc_print_domain(g, &s->domain[i]);
		printf("%s", i + 1 < g->nargs ? "," : "");
	}
	if (g->nsizes) {
		printf("; sizes");
		for (int i = 0; i < g->nsizes; i++) {
			printf(" %s in {", g->sizes[i]);
			for (int k = 0; k < MORCH_SC_NSIZES; k++)
				printf("%s%lld", k ? ", " : "", (long long)morch_sc_size_rows[k][i % 3]);
			printf("}");
		}
	}
	printf("\n");
	morch_sc_tally t[MORCH_SC_NT] = {
		{ "a finite point in the input domains", 0, 0, 0, 0 },
		{ "guards around workspace, outputs and gradients intact, inputs unchanged", 0, 0, 0, 0 },
		{ "forward twice gives the same bytes", 0, 0, 0, 0 },
		{ "grad's outputs equal forward's bit for bit", 0, 0, 0, 0 },
		{ "f64 reference of the grad target agrees with forward", 1, 0, 0, 0 },
		{ "gradient against finite differences, element by element", 1, 0, 0, 0 },
		{ "adjoint test <u, J v> = <J^T u, v>", 1, 0, 0, 0 },
	};
	int nruns = g->nsizes ? MORCH_SC_NSIZES : 1;
	for (int k = 0; k < nruns; k++) {
		int64_t sizes[MORCH_MAX_SIZES] = { 0 };
		for (int i = 0; i < g->nsizes; i++)
			sizes[i] = morch_sc_size_rows[k][i % 3];
		uint64_t rng = morch_sc_seed_of(seed, g->name, k);
		morch_sc_run *r = morch_sc_run_new(s, sizes, &t[MORCH_SC_T_MEMORY]);
		morch_sc_check_run(r, t, &rng);
		morch_sc_run_free(r);
	}
	int failed = 0;
	for (int i = 0; i < MORCH_SC_NT; i++)
		failed |= morch_sc_report(g->name, &t[i]);
	if (!g->has_grad)
		printf("NOTE %s: no grad statement, so no gradient checks\n", g->name);
	return failed;
}

/* Usage: PROGRAM [SEED]. The seed is printed, so a failure can be reproduced. */
static int morch_sc_main(int argc, char **argv, const morch_sc_graph *const *graphs, const char *source)
{
	uint64_t seed = 1;
	if (argc > 2 || (argc == 2 && (argv[1][0] < '0' || argv[1][0] > '9'))) {
		fprintf(stderr, "usage: %s [SEED]\n", argv[0]);
		return 2;
	}
	if (argc == 2)
		seed = strtoull(argv[1], NULL, 10);
	printf("self-check of %s, seed %llu\n", source, (unsigned long long)seed);
	int failed = 0, n = 0;
	for (; graphs[n]; n++)
		failed += morch_sc_check_graph(graphs[n], seed);
	printf("%s: %d of %d graphs failed (seed %llu)\n", failed ? "FAIL" : "PASS", failed, n,
	       (unsigned long long)seed);
	return failed ? 1 : 0;
}
