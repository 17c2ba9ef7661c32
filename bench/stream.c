/* stream.c: memory bandwidth of the elementwise chain z = (x + y) * (x - y) + 0.5 * x * y over
 * CHAIN_N floats, as morchgen compiles it (bench/chain.morch: chain_forward writes z,
 * chainsum_forward returns sum(z)), against the STREAM triad a[i] = b[i] + s * c[i] and
 * hand-written loops, all compiled with the same flags in the same run.
 *
 * Bytes counted are those the computation must read plus those it must write: 12 per element
 * for the triad and the chain (two reads, one write), 8 for the sum (it writes one scalar).
 * The orchestrator turns times into GB/s; the per-call time is what is printed here.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>

#include "chain.h"
#include "timer.h"

#define CHAIN_N 16777216 /* as in chain.morch */

typedef struct {
	float *x, *y, *z, *a, *b, *c;
	void *ws;
} stream_ctx;

static void run_triad(void *p)
{
	stream_ctx *k = p;
	float *restrict a = k->a;
	const float *restrict b = k->b, *restrict c = k->c;
	const float s = 3.0f;
	for (long i = 0; i < CHAIN_N; i++)
		a[i] = b[i] + s * c[i];
	bench_sink = a[CHAIN_N / 2];
}

static void run_hand_chain(void *p)
{
	stream_ctx *k = p;
	const float *restrict x = k->x, *restrict y = k->y;
	float *restrict z = k->z;
	for (long i = 0; i < CHAIN_N; i++)
		z[i] = (x[i] + y[i]) * (x[i] - y[i]) + 0.5f * x[i] * y[i];
	bench_sink = z[CHAIN_N / 2];
}

static void run_hand_sum(void *p)
{
	stream_ctx *k = p;
	const float *restrict x = k->x, *restrict y = k->y;
	float acc = 0;
	for (long i = 0; i < CHAIN_N; i++)
		acc += (x[i] + y[i]) * (x[i] - y[i]) + 0.5f * x[i] * y[i];
	bench_sink = acc;
}

static void run_gen_chain(void *p)
{
	stream_ctx *k = p;
	chain_forward(k->x, k->y, k->z, k->ws);
	bench_sink = k->z[CHAIN_N / 2];
}

static void run_gen_sum(void *p)
{
	stream_ctx *k = p;
	float s;
	chainsum_forward(k->x, k->y, &s, k->ws);
	bench_sink = s;
}

int main(int argc, char **argv)
{
	bench_select(argc, argv);
	size_t bytes = sizeof(float) * (size_t)CHAIN_N;
	size_t wsb = chain_workspace_bytes() > chainsum_workspace_bytes() ? chain_workspace_bytes()
	                                                                   : chainsum_workspace_bytes();
	stream_ctx k = {
		.x = bench_alloc(bytes), .y = bench_alloc(bytes), .z = bench_alloc(bytes),
		.a = bench_alloc(bytes), .b = bench_alloc(bytes), .c = bench_alloc(bytes),
		.ws = bench_alloc(wsb),
	};
	bench_fill(k.x, CHAIN_N, -1, 1, 3);
	bench_fill(k.y, CHAIN_N, -1, 1, 4);
	bench_fill(k.a, CHAIN_N, 0, 1, 5);
	bench_fill(k.b, CHAIN_N, 0, 1, 6);
	bench_fill(k.c, CHAIN_N, 0, 1, 7);
	printf("INFO stream.n %d\n", CHAIN_N);
	printf("INFO stream.ws_bytes %zu\n", wsb);

	/* A checksum of z, which bench/run.py compares across the serial and --openmp builds. */
	chain_forward(k.x, k.y, k.z, k.ws);
	double zsum = 0;
	for (long i = 0; i < CHAIN_N; i++)
		zsum += k.z[i];
	printf("INFO stream.z_sum %.17g\n", zsum);
	if (bench_want("stream.triad"))
		bench_result("stream.triad", bench_time(run_triad, &k));
	if (bench_want("stream.gen.chain"))
		bench_result("stream.gen.chain", bench_time(run_gen_chain, &k));
	if (bench_want("stream.hand.chain"))
		bench_result("stream.hand.chain", bench_time(run_hand_chain, &k));
	if (bench_want("stream.gen.sum"))
		bench_result("stream.gen.sum", bench_time(run_gen_sum, &k));
	if (bench_want("stream.hand.sum"))
		bench_result("stream.hand.sum", bench_time(run_hand_sum, &k));
	return 0;
}
