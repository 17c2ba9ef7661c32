/* timer.h: the timing helper every bench driver shares.
 *
 * bench_time(fn, ctx) calls fn(ctx) in a loop sized to take about BENCH_LOOP_S seconds, repeats
 * that loop BENCH_REPS times (3 when one call alone takes over two loops' time) and returns the
 * median time per call, in microseconds: the machine is small and noisy, so the median of
 * several loops is what gets compared.
 * bench_result prints one line for the orchestrator (bench/run.py):
 *     RESULT <key> <microseconds per call>
 * bench_want(key): a driver given keys on its command line times only those (bench/run.py runs
 * the --openmp builds that way, one key per thread count); with none it times everything.
 */
#ifndef BENCH_TIMER_H
#define BENCH_TIMER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_LOOP_S 0.2
#define BENCH_REPS 5

static double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double bench_time(void (*fn)(void *), void *ctx)
{
	/* Warm up with one call; unless that alone took a whole loop, double the count until a
	 * loop takes a quarter of one, and scale to a full loop from there. */
	double t0 = bench_now();
	fn(ctx);
	double once = bench_now() - t0;
	long iters = 1;
	if (once < BENCH_LOOP_S) {
		double t;
		for (long n = 1;; n *= 2) {
			t0 = bench_now();
			for (long i = 0; i < n; i++)
				fn(ctx);
			t = bench_now() - t0;
			if (t >= BENCH_LOOP_S / 4) {
				iters = (long)(n * BENCH_LOOP_S / t);
				break;
			}
		}
		if (iters < 1)
			iters = 1;
	}

	double per_call[BENCH_REPS];
	int reps = once > 2 * BENCH_LOOP_S ? 3 : BENCH_REPS; /* slow calls: 3 loops are enough */
	for (int r = 0; r < reps; r++) {
		t0 = bench_now();
		for (long i = 0; i < iters; i++)
			fn(ctx);
		per_call[r] = (bench_now() - t0) / (double)iters;
	}
	qsort(per_call, (size_t)reps, sizeof per_call[0], bench_cmp);
	return per_call[reps / 2] * 1e6;
}

static void bench_result(const char *key, double us)
{
	printf("RESULT %s %.6g\n", key, us);
	fflush(stdout);
}

/* A 64-byte aligned block (the generated code's workspace alignment), or exit. */
static void *bench_alloc(size_t bytes)
{
	void *p = NULL;
	if (posix_memalign(&p, 64, bytes ? bytes : 64) != 0) {
		fprintf(stderr, "bench: out of memory (%zu bytes)\n", bytes);
		exit(1);
	}
	return p;
}

/* Fills x[0..n) with values in [lo, hi) from a fixed linear congruential sequence. */
static void bench_fill(float *x, size_t n, float lo, float hi, unsigned seed)
{
	unsigned s = seed * 2654435761u + 1;
	for (size_t i = 0; i < n; i++) {
		s = s * 1664525u + 1013904223u;
		x[i] = lo + (hi - lo) * (float)(s >> 8) / 16777216.0f;
	}
}

static int bench_argc;
static char **bench_argv;

static inline void bench_select(int argc, char **argv)
{
	bench_argc = argc, bench_argv = argv;
}

static inline int bench_want(const char *key)
{
	if (bench_argc < 2)
		return 1;
	for (int i = 1; i < bench_argc; i++)
		if (strcmp(bench_argv[i], key) == 0)
			return 1;
	return 0;
}

/* A sink the compiler cannot see through, so results are never dead code. */
static volatile float bench_sink;

#endif
