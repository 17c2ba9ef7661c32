/* readme_main.c: calls the graphs of readme.morch as README.md documents, not through
 * reflection: each function by its generated name, arguments in the documented order (sizes,
 * inputs and params, outputs, upstream gradient, gradients, workspace), a static workspace of G_WORKSPACE_BYTES
 * for fixed dims and morch_alloc() for a size given at run time. Same command line and files as
 * runner.c, so parity.py compares the results with PyTorch the same way:
 *
 *   readme_run GRAPH DIR [N=VALUE D=VALUE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morchrt.h"
#include "npy.h"
#include "readme.h"
#include "readme_f64.h"

static const char *dir;

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "readme_run: %s%s\n", what, detail);
	exit(1);
}

static const char *path_of(const char *name)
{
	static char buf[4096];
	if (snprintf(buf, sizeof buf, "%s/%s.npy", dir, name) >= (int)sizeof buf)
		die("path too long: ", dir);
	return buf;
}

/* DIR/NAME.npy into dst, which holds a tensor of the given type and shape. */
static void load(const char *name, npy_dtype t, int rank, const int64_t *shape, void *dst)
{
	char err[1024];
	npy_array a;
	if (!npy_read(path_of(name), &a, err, sizeof err))
		die(err, "");
	bool same = a.dtype == t && a.rank == rank;
	for (int i = 0; same && i < rank; i++)
		same = a.shape[i] == shape[i];
	if (!same)
		die(path_of(name), ": not of the graph's type and shape");
	memcpy(dst, a.data, a.count * npy_dtype_size(t));
	npy_free(&a);
}

static void save(const char *name, npy_dtype t, int rank, const int64_t *shape, const void *src)
{
	char err[1024];
	if (!npy_write(path_of(name), t, rank, shape, src, err, sizeof err))
		die(err, "");
}

static const int64_t X[] = { 6, 3 }, Y[] = { 6, 2 }, W[] = { 3, 2 };

static void least_squares_f32(void)
{
	float x[18], y[12], w[6], b, cost, r[12], d_w[6], d_b;
	static unsigned char ws[least_squares_WORKSPACE_BYTES] MORCH_ALIGNED;
	load("x", NPY_F4, 2, X, x);
	load("y", NPY_F4, 2, Y, y);
	load("w", NPY_F4, 2, W, w);
	load("b", NPY_F4, 0, NULL, &b);
	least_squares_forward(x, y, w, &b, &cost, r, ws);
	save("out_cost", NPY_F4, 0, NULL, &cost);
	save("out_r", NPY_F4, 2, Y, r);
	least_squares_grad(x, y, w, &b, &cost, r, d_w, &d_b, ws);
	save("gout_cost", NPY_F4, 0, NULL, &cost);
	save("gout_r", NPY_F4, 2, Y, r);
	save("d_w", NPY_F4, 2, W, d_w);
	save("d_b", NPY_F4, 0, NULL, &d_b);
}

static void least_squares_f64(void)
{
	double x[18], y[12], w[6], b, cost, r[12], d_w[6], d_b;
	static unsigned char ws[least_squares_f64_WORKSPACE_BYTES] MORCH_ALIGNED;
	load("x", NPY_F8, 2, X, x);
	load("y", NPY_F8, 2, Y, y);
	load("w", NPY_F8, 2, W, w);
	load("b", NPY_F8, 0, NULL, &b);
	least_squares_f64_forward(x, y, w, &b, &cost, r, ws);
	save("out_cost", NPY_F8, 0, NULL, &cost);
	save("out_r", NPY_F8, 2, Y, r);
	least_squares_f64_grad(x, y, w, &b, &cost, r, d_w, &d_b, ws);
	save("gout_cost", NPY_F8, 0, NULL, &cost);
	save("gout_r", NPY_F8, 2, Y, r);
	save("d_w", NPY_F8, 2, W, d_w);
	save("d_b", NPY_F8, 0, NULL, &d_b);
}

enum { MAX_N = 64, MAX_D = 8 };

static void least_squares_n_f32(int64_t n, int64_t d)
{
	const int64_t xs[] = { n, d }, ys[] = { n, 2 }, ws_[] = { d, 2 }, bs[] = { 2 };
	float x[MAX_N * MAX_D], y[MAX_N * 2], w[MAX_D * 2], b[2], cost, d_w[MAX_D * 2], d_b[2];
	void *ws = morch_alloc(least_squares_n_workspace_bytes(n, d));
	if (!ws)
		die("out of memory", "");
	load("x", NPY_F4, 2, xs, x);
	load("y", NPY_F4, 2, ys, y);
	load("w", NPY_F4, 2, ws_, w);
	load("b", NPY_F4, 1, bs, b);
	least_squares_n_forward(n, d, x, y, w, b, &cost, ws);
	save("out_cost", NPY_F4, 0, NULL, &cost);
	least_squares_n_grad(n, d, x, y, w, b, &cost, d_w, d_b, ws);
	save("gout_cost", NPY_F4, 0, NULL, &cost);
	save("d_w", NPY_F4, 2, ws_, d_w);
	save("d_b", NPY_F4, 1, bs, d_b);
	morch_free(ws);
}

static void least_squares_n_f64(int64_t n, int64_t d)
{
	const int64_t xs[] = { n, d }, ys[] = { n, 2 }, ws_[] = { d, 2 }, bs[] = { 2 };
	double x[MAX_N * MAX_D], y[MAX_N * 2], w[MAX_D * 2], b[2], cost, d_w[MAX_D * 2], d_b[2];
	void *ws = morch_alloc(least_squares_n_f64_workspace_bytes(n, d));
	if (!ws)
		die("out of memory", "");
	load("x", NPY_F8, 2, xs, x);
	load("y", NPY_F8, 2, ys, y);
	load("w", NPY_F8, 2, ws_, w);
	load("b", NPY_F8, 1, bs, b);
	least_squares_n_f64_forward(n, d, x, y, w, b, &cost, ws);
	save("out_cost", NPY_F8, 0, NULL, &cost);
	least_squares_n_f64_grad(n, d, x, y, w, b, &cost, d_w, d_b, ws);
	save("gout_cost", NPY_F8, 0, NULL, &cost);
	save("d_w", NPY_F8, 2, ws_, d_w);
	save("d_b", NPY_F8, 1, bs, d_b);
	morch_free(ws);
}

static const int64_t RX[] = { 4, 3 }, RY[] = { 4, 2 }, RB[] = { 2 };

static void residuals_f32(void)
{
	float x[12], y[8], w[6], b[2], r[8], up[8], d_w[6], d_b[2];
	static unsigned char ws[residuals_WORKSPACE_BYTES + 1] MORCH_ALIGNED; /* +1: may be 0 */
	load("x", NPY_F4, 2, RX, x);
	load("y", NPY_F4, 2, RY, y);
	load("w", NPY_F4, 2, W, w);
	load("b", NPY_F4, 1, RB, b);
	load("up_r", NPY_F4, 2, RY, up);
	residuals_forward(x, y, w, b, r, ws);
	save("out_r", NPY_F4, 2, RY, r);
	residuals_grad(x, y, w, b, r, up, d_w, d_b, ws);
	save("gout_r", NPY_F4, 2, RY, r);
	save("d_w", NPY_F4, 2, W, d_w);
	save("d_b", NPY_F4, 1, RB, d_b);
}

static void residuals_f64(void)
{
	double x[12], y[8], w[6], b[2], r[8], up[8], d_w[6], d_b[2];
	static unsigned char ws[residuals_f64_WORKSPACE_BYTES + 1] MORCH_ALIGNED;
	load("x", NPY_F8, 2, RX, x);
	load("y", NPY_F8, 2, RY, y);
	load("w", NPY_F8, 2, W, w);
	load("b", NPY_F8, 1, RB, b);
	load("up_r", NPY_F8, 2, RY, up);
	residuals_f64_forward(x, y, w, b, r, ws);
	save("out_r", NPY_F8, 2, RY, r);
	residuals_f64_grad(x, y, w, b, r, up, d_w, d_b, ws);
	save("gout_r", NPY_F8, 2, RY, r);
	save("d_w", NPY_F8, 2, W, d_w);
	save("d_b", NPY_F8, 1, RB, d_b);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fputs("Usage: readme_run GRAPH DIR [N=VALUE D=VALUE]\n", stderr);
		return 2;
	}
	dir = argv[2];
	const char *g = argv[1];
	bool sized = strncmp(g, "least_squares_n", 15) == 0;
	long long n = 0, d = 0;
	if (sized && (argc != 5 || sscanf(argv[3], "N=%lld", &n) != 1 || n < 1 || n > MAX_N
	              || sscanf(argv[4], "D=%lld", &d) != 1 || d < 1 || d > MAX_D))
		die("N=1..64 D=1..8, in that order, are needed by ", g);
	if (!sized && argc != 3)
		die("no sizes are taken by ", g);
	if (strcmp(g, "least_squares") == 0)
		least_squares_f32();
	else if (strcmp(g, "least_squares_f64") == 0)
		least_squares_f64();
	else if (strcmp(g, "least_squares_n") == 0)
		least_squares_n_f32(n, d);
	else if (strcmp(g, "least_squares_n_f64") == 0)
		least_squares_n_f64(n, d);
	else if (strcmp(g, "residuals") == 0)
		residuals_f32();
	else if (strcmp(g, "residuals_f64") == 0)
		residuals_f64();
	else
		die("no graph named ", g);
	return 0;
}
