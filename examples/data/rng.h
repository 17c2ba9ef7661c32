/* rng.h: a small deterministic random number generator (splitmix64), so that a seed gives the
 * same run on every machine, whatever its C library's rand(). */
#ifndef RNG_H
#define RNG_H

#include <stdint.h>

typedef struct rng_state {
	uint64_t s;
} rng_state;

static inline rng_state rng_seed(uint64_t seed)
{
	rng_state r = { seed };
	return r;
}

static inline uint64_t rng_next(rng_state *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static inline double rng_uniform(rng_state *r)
{
	return (rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform in [0, n), for n well below 2^53. */
static inline int rng_below(rng_state *r, int n)
{
	return (int)(rng_uniform(r) * n);
}

/* Fisher-Yates. */
static inline void rng_shuffle(rng_state *r, int *a, int n)
{
	for (int i = n - 1; i > 0; i--) {
		int j = rng_below(r, i + 1);
		int t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
}

#endif
