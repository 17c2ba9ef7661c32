/* runner.c: runs any graph compiled with `morchgen --reflect` on arrays from .npy files.
 *
 *   runner GRAPH DIR [SIZE=VALUE]...   run GRAPH on DIR's files
 *   runner --list                      print every graph's name, one a line
 *
 * Reads DIR/NAME.npy for each input and param, and DIR/up_TARGET.npy (the upstream gradient)
 * when the graph's grad target is not a scalar. Calls G_forward, writing DIR/out_NAME.npy per
 * output, then G_grad, writing DIR/gout_NAME.npy (the outputs G_grad fills too) and
 * DIR/d_NAME.npy per gradient. Arrays must match the graph's types and shapes exactly.
 *
 * Beyond running, it checks what the contract promises callers: nothing is written past any
 * buffer or the workspace, inputs are left untouched, and neither the workspace nor the output
 * and gradient buffers need to hold anything before a call (it calls each function twice, with
 * them filled with NaN, then with another value, and the results must agree to the bit).
 * The graphs come from runner_modules (modules.c), so the same file serves any set of
 * generated modules.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morchrt.h"
#include "npy.h"

/* Every module's NULL-terminated graph table, then NULL. */
extern const morch_graph_info *const *const runner_modules[];

enum { GUARD = 64 }; /* bytes after each buffer that must stay as they were */
/* Result buffers and the workspace start as NaN (all ones), then, on a second call, as a
 * finite value (0x3C3C3C3C is about 0.0115 as a float). */
static const unsigned char GUARD_BYTE = 0xA5, FILL_BYTE = 0xFF, REFILL_BYTE = 0x3C;

static const char *dir, *g_name; /* for paths and messages */
static char err[1024];

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 1, 2), noreturn))
#endif
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("runner: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* "[2, 3]" into buf. */
static const char *shape_str(char *buf, size_t size, int rank, const int64_t *shape)
{
	int n = snprintf(buf, size, "[");
	for (int i = 0; i < rank && n > 0 && (size_t)n < size; i++)
		n += snprintf(buf + n, size - (size_t)n, "%s%lld", i ? ", " : "", (long long)shape[i]);
	if (n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, "]");
	return buf;
}

static const char *path_of(const char *prefix, const char *name)
{
	static char buf[4096];
	if (snprintf(buf, sizeof buf, "%s/%s%s.npy", dir, prefix, name) >= (int)sizeof buf)
		die("path too long: %s/%s...", dir, prefix);
	return buf;
}

static npy_dtype npy_type(morch_dtype t)
{
	return t == MORCH_F32 ? NPY_F4 : t == MORCH_F64 ? NPY_F8 : NPY_I4;
}

/* A buffer for one tensor, filled with `fill` and followed by GUARD guard bytes. */
typedef struct Buffer {
	const morch_tensor_info *t;
	size_t bytes;
	unsigned char *p;
} Buffer;

static size_t tensor_bytes(const morch_tensor_info *t, const int64_t *sizes)
{
	return (size_t)morch_numel(t, sizes) * npy_dtype_size(npy_type(t->dtype));
}

static Buffer buffer_new(const morch_tensor_info *t, size_t bytes, unsigned char fill)
{
	Buffer b = { t, bytes, morch_alloc(bytes + GUARD) };
	if (!b.p)
		die("out of memory");
	memset(b.p, fill, bytes);
	memset(b.p + bytes, GUARD_BYTE, GUARD);
	return b;
}

static void buffer_check_guard(const Buffer *b, const char *fn)
{
	for (size_t i = 0; i < GUARD; i++)
		if (b->p[b->bytes + i] != GUARD_BYTE)
			die("%s_%s wrote past the end of %s", g_name, fn, b->t->name);
}

/* Reads an argument's file and checks its type and shape against the graph's. */
static Buffer read_tensor(const char *prefix, const morch_tensor_info *t, const int64_t *sizes)
{
	npy_array a;
	const char *path = path_of(prefix, t->name);
	if (!npy_read(path, &a, err, sizeof err))
		die("%s", err);
	if (a.dtype != npy_type(t->dtype))
		die("%s: dtype %s, but %s of %s is %s", path, npy_dtype_name(a.dtype), t->name, g_name,
		    npy_dtype_name(npy_type(t->dtype)));
	int64_t want[NPY_MAX_RANK];
	bool same = a.rank == t->rank;
	for (int i = 0; i < t->rank; i++) {
		want[i] = morch_dim_value(&t->dims[i], sizes);
		same = same && a.shape[i] == want[i];
	}
	if (!same) {
		char got_s[256], want_s[256];
		die("%s: shape %s, but %s of %s is %s for these sizes", path,
		    shape_str(got_s, sizeof got_s, a.rank, a.shape), t->name, g_name,
		    shape_str(want_s, sizeof want_s, t->rank, want));
	}
	Buffer b = buffer_new(t, tensor_bytes(t, sizes), 0);
	memcpy(b.p, a.data, b.bytes);
	npy_free(&a);
	return b;
}

static void write_tensor(const char *prefix, const Buffer *b, const int64_t *sizes)
{
	int64_t shape[NPY_MAX_RANK];
	for (int i = 0; i < b->t->rank; i++)
		shape[i] = morch_dim_value(&b->t->dims[i], sizes);
	if (!npy_write(path_of(prefix, b->t->name), npy_type(b->t->dtype), b->t->rank, shape, b->p,
	               err, sizeof err))
		die("%s", err);
}

static const morch_graph_info *find_graph(const char *name)
{
	for (int m = 0; runner_modules[m]; m++)
		for (int g = 0; runner_modules[m][g]; g++)
			if (strcmp(runner_modules[m][g]->name, name) == 0)
				return runner_modules[m][g];
	return NULL;
}

/* SIZE=VALUE arguments, each of the graph's sizes exactly once, each at least 1. */
static void parse_sizes(const morch_graph_info *g, int argc, char **argv, int64_t *sizes)
{
	bool given[MORCH_MAX_SIZES] = { false };
	for (int a = 0; a < argc; a++) {
		const char *eq = strchr(argv[a], '=');
		int i = 0;
		while (i < g->nsizes && !(eq && strncmp(g->sizes[i], argv[a], (size_t)(eq - argv[a])) == 0
		                          && g->sizes[i][eq - argv[a]] == 0))
			i++;
		if (i == g->nsizes || given[i])
			die("'%s' is not a size of %s, or is given twice", argv[a], g->name);
		char *end;
		long long v = strtoll(eq + 1, &end, 10);
		if (end == eq + 1 || *end || v < 1)
			die("size '%s' is not an integer at least 1", argv[a]);
		sizes[i] = v;
		given[i] = true;
	}
	for (int i = 0; i < g->nsizes; i++)
		if (!given[i])
			die("missing size %s=VALUE for %s", g->sizes[i], g->name);
}

/* Fresh buffers for a list of tensors, filled with `fill`. */
static Buffer *buffers_new(const morch_tensor_info *ts, int n, const int64_t *sizes,
                           unsigned char fill)
{
	Buffer *b = calloc((size_t)n + 1, sizeof *b);
	if (!b)
		die("out of memory");
	for (int i = 0; i < n; i++)
		b[i] = buffer_new(&ts[i], tensor_bytes(&ts[i], sizes), fill);
	return b;
}

static void **pointers(const Buffer *b, int n)
{
	void **p = calloc((size_t)n + 1, sizeof *p);
	if (!p)
		die("out of memory");
	for (int i = 0; i < n; i++)
		p[i] = b[i].p;
	return p;
}

static void buffers_free(Buffer *b, int n)
{
	for (int i = 0; i < n; i++)
		morch_free(b[i].p);
	free(b);
}

/* The arguments of a graph, read once, and a copy to see that no call changes them. */
typedef struct Args {
	const morch_graph_info *g;
	const int64_t *sizes;
	Buffer *in;
	unsigned char **copy;
	void **ptr;
	Buffer up; /* the upstream gradient, when the graph takes one */
} Args;

/* What one call wrote: the outputs, then the gradients when it was G_grad. */
typedef struct Results {
	Buffer *b;
	int n;
} Results;

/* Calls G_forward, or G_grad, with its workspace and results filled with `fill` beforehand,
 * and checks that it kept to its buffers and left its inputs alone. */
static Results call(const Args *a, bool grad, unsigned char fill)
{
	const morch_graph_info *g = a->g;
	const char *fn = grad ? "grad" : "forward";
	static const morch_tensor_info ws_info = { "the workspace", MORCH_INPUT, MORCH_F32, 0, NULL };
	Buffer ws = buffer_new(&ws_info, g->workspace_bytes(a->sizes), fill);
	Results r = { buffers_new(g->outs, g->nouts, a->sizes, fill), g->nouts };
	Buffer *grads = grad ? buffers_new(g->grads, g->nwrt, a->sizes, fill) : NULL;
	void **outp = pointers(r.b, g->nouts), **gradp = grad ? pointers(grads, g->nwrt) : NULL;
	if (grad)
		g->grad(a->sizes, (const void *const *)a->ptr, outp, a->up.p, gradp, ws.p);
	else
		g->forward(a->sizes, (const void *const *)a->ptr, outp, ws.p);
	buffer_check_guard(&ws, fn);
	for (int i = 0; i < g->nargs; i++)
		if (memcmp(a->in[i].p, a->copy[i], a->in[i].bytes) != 0)
			die("%s_%s changed its input %s", g->name, fn, a->in[i].t->name);
	if (grad) { /* one list: outputs, then gradients */
		r.b = realloc(r.b, sizeof *r.b * (size_t)(g->nouts + g->nwrt + 1));
		if (!r.b)
			die("out of memory");
		memcpy(r.b + g->nouts, grads, sizeof *grads * (size_t)g->nwrt);
		r.n += g->nwrt;
		free(grads);
	}
	for (int i = 0; i < r.n; i++)
		buffer_check_guard(&r.b[i], fn);
	morch_free(ws.p);
	free(outp);
	free(gradp);
	return r;
}

/* Calls twice, the buffers filled differently each time: a result that depends on what the
 * workspace or a result buffer held before the call shows as a difference. */
static Results call_twice(const Args *a, bool grad)
{
	Results r = call(a, grad, FILL_BYTE), again = call(a, grad, REFILL_BYTE);
	for (int i = 0; i < r.n; i++)
		if (memcmp(r.b[i].p, again.b[i].p, r.b[i].bytes) != 0)
			die("%s_%s: %s depends on what the buffers held before the call", a->g->name,
			    grad ? "grad" : "forward", r.b[i].t->name);
	buffers_free(again.b, again.n);
	return r;
}

static void run(const morch_graph_info *g, const int64_t *sizes)
{
	Args a = { g, sizes, calloc((size_t)g->nargs + 1, sizeof(Buffer)),
	           calloc((size_t)g->nargs + 1, sizeof(unsigned char *)), NULL, { 0 } };
	if (!a.in || !a.copy)
		die("out of memory");
	for (int i = 0; i < g->nargs; i++) {
		a.in[i] = read_tensor("", &g->args[i], sizes);
		if (!(a.copy[i] = malloc(a.in[i].bytes + 1)))
			die("out of memory");
		memcpy(a.copy[i], a.in[i].p, a.in[i].bytes);
	}
	a.ptr = pointers(a.in, g->nargs);

	Results r = call_twice(&a, false);
	for (int i = 0; i < r.n; i++)
		write_tensor("out_", &r.b[i], sizes);
	buffers_free(r.b, r.n);

	if (g->has_grad) {
		if (g->upstream)
			a.up = read_tensor("up_", g->upstream, sizes);
		r = call_twice(&a, true);
		for (int i = 0; i < r.n; i++)
			write_tensor(i < g->nouts ? "gout_" : "d_", &r.b[i], sizes);
		buffers_free(r.b, r.n);
		morch_free(a.up.p);
	}
	for (int i = 0; i < g->nargs; i++)
		free(a.copy[i]);
	free(a.copy);
	free(a.ptr);
	buffers_free(a.in, g->nargs);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (int m = 0; runner_modules[m]; m++)
			for (int g = 0; runner_modules[m][g]; g++)
				puts(runner_modules[m][g]->name);
		return 0;
	}
	if (argc < 3) {
		fputs("Usage: runner GRAPH DIR [SIZE=VALUE]...\n       runner --list\n", stderr);
		return 2;
	}
	const morch_graph_info *g = find_graph(argv[1]);
	if (!g)
		die("no graph named '%s' (runner --list names them)", argv[1]);
	dir = argv[2];
	g_name = g->name;
	int64_t sizes[MORCH_MAX_SIZES] = { 0 };
	parse_sizes(g, argc - 3, argv + 3, sizes);
	run(g, sizes);
	return 0;
}
