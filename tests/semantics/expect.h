/* expect.h: comparisons for the semantics tests, with messages that name the element.
 *
 * Include after <cmocka.h>. Every check takes the expected value computed in the test itself
 * (by hand or by a naive reference), never one produced by morch.
 */
#ifndef SEMANTICS_EXPECT_H
#define SEMANTICS_EXPECT_H

#include <math.h>
#include <stddef.h>
#include <string.h>

/* |got - want| <= atol + rtol * |want|; NaN matches only NaN, an infinity only itself. */
static inline int sem_close(double got, double want, double atol, double rtol)
{
	if (isnan(want) || isnan(got))
		return isnan(want) && isnan(got);
	if (isinf(want) || isinf(got))
		return got == want;
	return fabs(got - want) <= atol + rtol * fabs(want);
}

static inline void sem_expect_close(const char *what, size_t i, double got, double want,
                                    double atol, double rtol, const char *file, int line)
{
	if (!sem_close(got, want, atol, rtol)) {
		print_error("%s[%zu] = %.17g, expected %.17g (atol %g, rtol %g)\n", what, i, got, want,
		            atol, rtol);
		_fail(file, line);
	}
}

/* One value, or n values of float or double arrays against a double array. */
#define expect_close(what, got, want, atol, rtol) \
	sem_expect_close(what, 0, (double)(got), (double)(want), atol, rtol, __FILE__, __LINE__)

#define expect_close_n(what, got, want, n, atol, rtol)                                       \
	do {                                                                                   \
		for (size_t sem_i_ = 0; sem_i_ < (size_t)(n); sem_i_++)                        \
			sem_expect_close(what, sem_i_, (double)(got)[sem_i_], (double)(want)[sem_i_], \
			                 atol, rtol, __FILE__, __LINE__);                              \
	} while (0)

/* Exact equality (ties give exact halves): -0.0 equals 0.0. */
#define expect_exact_n(what, got, want, n) expect_close_n(what, got, want, n, 0.0, 0.0)

#endif
