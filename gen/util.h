/* util.h: the arena every allocation of morchgen comes from, and a few string helpers. */
#ifndef MORCH_UTIL_H
#define MORCH_UTIL_H

#include <stdarg.h>
#include <stddef.h>

/* Memory lives until arena_free_all(), so error paths cannot leak. Out of memory exits. */
void *arena_alloc(size_t size); /* zeroed */
void *arena_grow(void *old, size_t oldsize, size_t newsize);
char *arena_strdup(const char *s);
char *arena_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void arena_free_all(void);

/* A string built piece by piece in the arena, in amortized linear time. */
typedef struct Str {
	char *s;
	size_t len, cap;
} Str;
void str_add(Str *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *str_get(const Str *b); /* "" while empty */

/* Appends to a growing array: ARRAY_PUSH(g->arg, g->nargs, g->capargs, value). */
#define ARRAY_PUSH(ptr, n, cap, value)                                                     \
	do {                                                                               \
		if ((n) == (cap)) {                                                        \
			size_t ncap_ = (cap) ? 2 * (size_t)(cap) : 16;                     \
			(ptr) = arena_grow((ptr), sizeof *(ptr) * (size_t)(cap),           \
			                   sizeof *(ptr) * ncap_);                         \
			(cap) = (int)ncap_;                                                \
		}                                                                          \
		(ptr)[(n)++] = (value);                                                    \
	} while (0)

#define unreachable(msg) internal_error(__FILE__, __LINE__, msg)
_Noreturn void internal_error(const char *file, int line, const char *msg);

#endif
