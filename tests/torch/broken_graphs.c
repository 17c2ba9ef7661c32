/* broken_graphs.c: hand-written reflected graphs for runner_check.py, which proves that the
 * runner catches what it claims to: writes past an output, a gradient or the workspace, a
 * changed input, a workspace read before it is written, a gradient accumulated. One correct graph shows the plain path, upstream gradient included, without
 * morchgen in the loop. */
#include <string.h>

#include "morchrt.h"

static const morch_dim three[] = { { 3, { 0 } } };
static const morch_dim n_by_2[] = { { 1, { 1 } }, { 2, { 0 } } };

static const morch_tensor_info x_arg[] = { { "x", MORCH_INPUT, MORCH_F32, 1, three } };
static const morch_tensor_info y_out[] = { { "y", MORCH_OUTPUT, MORCH_F32, 1, three } };
static const morch_tensor_info y_up[] = { { "y", MORCH_UPSTREAM, MORCH_F32, 1, three } };
static const morch_tensor_info x_grad[] = { { "x", MORCH_GRAD, MORCH_F32, 1, three } };
static const int wrt_x[] = { 0 };

static size_t no_workspace(const int64_t *sizes)
{
	(void)sizes;
	return 0;
}

static size_t sixteen_bytes(const int64_t *sizes)
{
	(void)sizes;
	return 16;
}

/* y = 2 x; d_x = 2 upstream */
static void twice(const int64_t *sizes, const void *const *args, void *const *outs, void *ws)
{
	(void)sizes;
	(void)ws;
	const float *x = args[0];
	float *y = outs[0];
	for (int i = 0; i < 3; i++)
		y[i] = 2 * x[i];
}

static void twice_grad(const int64_t *sizes, const void *const *args, void *const *outs,
                       const void *upstream, void *const *grads, void *ws)
{
	twice(sizes, args, outs, ws);
	const float *up = upstream;
	float *dx = grads[0];
	for (int i = 0; i < 3; i++)
		dx[i] = 2 * up[i];
}

static void writes_four(const int64_t *sizes, const void *const *args, void *const *outs,
                        void *ws)
{
	twice(sizes, args, outs, ws);
	((float *)outs[0])[3] = 0;
}

static void grad_writes_four(const int64_t *sizes, const void *const *args, void *const *outs,
                             const void *upstream, void *const *grads, void *ws)
{
	twice_grad(sizes, args, outs, upstream, grads, ws);
	((float *)grads[0])[3] = 0;
}

static void changes_input(const int64_t *sizes, const void *const *args, void *const *outs,
                          void *ws)
{
	twice(sizes, args, outs, ws);
	((float *)(void *)(uintptr_t)args[0])[1] += 1;
}

static void overruns_workspace(const int64_t *sizes, const void *const *args,
                               void *const *outs, void *ws)
{
	twice(sizes, args, outs, ws);
	memset(ws, 0, 17);
}

/* y = 2 x + ws[0] * 0: NaN when the workspace starts as NaN */
static void reads_workspace(const int64_t *sizes, const void *const *args, void *const *outs,
                            void *ws)
{
	twice(sizes, args, outs, ws);
	((float *)outs[0])[0] += *(float *)ws * 0;
}

/* d_x += 2 upstream: accumulates into the gradient instead of overwriting it */
static void accumulates(const int64_t *sizes, const void *const *args, void *const *outs,
                        const void *upstream, void *const *grads, void *ws)
{
	twice(sizes, args, outs, ws);
	const float *up = upstream;
	float *dx = grads[0];
	for (int i = 0; i < 3; i++)
		dx[i] += 2 * up[i];
}

/* x[N, 2] -> y = 2 x, to check sizes and shapes */
static const morch_tensor_info xn_arg[] = { { "x", MORCH_INPUT, MORCH_F32, 2, n_by_2 } };
static const morch_tensor_info yn_out[] = { { "y", MORCH_OUTPUT, MORCH_F32, 2, n_by_2 } };
static const char *const n_size[] = { "N" };

static void twice_n(const int64_t *sizes, const void *const *args, void *const *outs, void *ws)
{
	(void)ws;
	const float *x = args[0];
	float *y = outs[0];
	for (int64_t i = 0; i < 2 * sizes[0]; i++)
		y[i] = 2 * x[i];
}

/* x[3] -> y[3], with the gradient of y (an upstream) wrt x */
#define GRAPH(NAME, FORWARD, GRAD, WS)                                                    \
	static const morch_graph_info NAME = {                                                \
		#NAME, MORCH_F32, 0, NULL, 1, x_arg, 1, y_out, 1, y_up, 1, wrt_x, x_grad, WS,      \
		FORWARD, GRAD,                                                                     \
	}

GRAPH(ok_twice, twice, twice_grad, no_workspace);
GRAPH(output_overflow, writes_four, twice_grad, no_workspace);
GRAPH(grad_overflow, twice, grad_writes_four, no_workspace);
GRAPH(input_changed, changes_input, twice_grad, no_workspace);
GRAPH(workspace_overflow, overruns_workspace, twice_grad, sixteen_bytes);
GRAPH(workspace_read, reads_workspace, twice_grad, sixteen_bytes);
GRAPH(grad_accumulated, twice, accumulates, no_workspace);

static const morch_graph_info sized = {
	"sized", MORCH_F32, 1, n_size, 1, xn_arg, 1, yn_out, 0, NULL, 0, NULL, NULL,
	no_workspace, twice_n, NULL,
};

static const morch_graph_info *const broken[] = {
	&ok_twice, &output_overflow, &grad_overflow, &input_changed, &workspace_overflow,
	&workspace_read, &grad_accumulated, &sized, NULL,
};

const morch_graph_info *const *const runner_modules[] = { broken, NULL };
