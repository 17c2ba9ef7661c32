/* stopwatch.c: a monotonic clock (POSIX), falling back to processor time (C99) elsewhere. */
#define _POSIX_C_SOURCE 200809L
#include "stopwatch.h"

#include <time.h>

double stopwatch_now(void)
{
#if defined(CLOCK_MONOTONIC)
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) == 0)
		return ts.tv_sec + ts.tv_nsec * 1e-9;
#endif
	return (double)clock() / CLOCKS_PER_SEC;
}
