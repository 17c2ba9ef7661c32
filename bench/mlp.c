/* mlp.c: one SGD training step of bench/mlp784.morch (784-128-10, ReLU, cross-entropy) at
 * batch BATCH: mlp784_grad, then p -= lr * d_p for every param in plain C; and mlp784_forward
 * alone, for the grad / forward ratio. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>

#include "mlp784.h"
#include "timer.h"

#define BATCH 64
#define IN 784
#define HID 128
#define OUT 10

typedef struct {
	float *x, *w1, *b1, *w2, *b2, *d_w1, *d_b1, *d_w2, *d_b2, *logits, loss;
	int32_t *y;
	void *ws;
} mlp_ctx;

static void sgd(float *restrict p, const float *restrict d, int n, float lr)
{
	for (int i = 0; i < n; i++)
		p[i] -= lr * d[i];
}

static void run_step(void *p)
{
	mlp_ctx *m = p;
	mlp784_grad(BATCH, m->x, m->y, m->w1, m->b1, m->w2, m->b2, &m->loss, m->logits,
	            m->d_w1, m->d_b1, m->d_w2, m->d_b2, m->ws);
	const float lr = 1e-3f; /* small: thousands of steps on one batch must stay finite */
	sgd(m->w1, m->d_w1, IN * HID, lr);
	sgd(m->b1, m->d_b1, HID, lr);
	sgd(m->w2, m->d_w2, HID * OUT, lr);
	sgd(m->b2, m->d_b2, OUT, lr);
	bench_sink = m->loss;
}

static void run_forward(void *p)
{
	mlp_ctx *m = p;
	mlp784_forward(BATCH, m->x, m->y, m->w1, m->b1, m->w2, m->b2, &m->loss, m->logits, m->ws);
	bench_sink = m->loss;
}

int main(int argc, char **argv)
{
	bench_select(argc, argv);
	mlp_ctx m = {
		.x = bench_alloc(sizeof(float) * BATCH * IN), .y = bench_alloc(sizeof(int32_t) * BATCH),
		.w1 = bench_alloc(sizeof(float) * IN * HID), .b1 = bench_alloc(sizeof(float) * HID),
		.w2 = bench_alloc(sizeof(float) * HID * OUT), .b2 = bench_alloc(sizeof(float) * OUT),
		.d_w1 = bench_alloc(sizeof(float) * IN * HID), .d_b1 = bench_alloc(sizeof(float) * HID),
		.d_w2 = bench_alloc(sizeof(float) * HID * OUT), .d_b2 = bench_alloc(sizeof(float) * OUT),
		.logits = bench_alloc(sizeof(float) * BATCH * OUT),
		.ws = bench_alloc(mlp784_workspace_bytes(BATCH)),
	};
	bench_fill(m.x, BATCH * IN, 0, 1, 11);
	for (int i = 0; i < BATCH; i++)
		m.y[i] = (int32_t)((i * 7) % OUT);
	float a1 = sqrtf(6.0f / IN), a2 = sqrtf(6.0f / HID); /* He-uniform, as examples/mlp */
	bench_fill(m.w1, IN * HID, -a1, a1, 12);
	bench_fill(m.w2, HID * OUT, -a2, a2, 13);
	bench_fill(m.b1, HID, 0, 0, 14);
	bench_fill(m.b2, OUT, 0, 0, 15);

	/* The loss at the initial params: bench/run.py compares the --blas and --openmp builds'
	 * with the serial one's, so a wrong kernel there cannot post a time. */
	mlp784_forward(BATCH, m.x, m.y, m.w1, m.b1, m.w2, m.b2, &m.loss, m.logits, m.ws);
	printf("INFO mlp.loss0 %.9g\n", (double)m.loss);
	if (bench_want("mlp.gen.fwd"))
		bench_result("mlp.gen.fwd", bench_time(run_forward, &m));
	if (bench_want("mlp.gen.step"))
		bench_result("mlp.gen.step", bench_time(run_step, &m));
	printf("CHECK mlp.loss_finite %d\n", isfinite(m.loss) ? 0 : 1);
	return 0;
}
