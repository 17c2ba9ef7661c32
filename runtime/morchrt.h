/* morchrt.h: the morch runtime, what generated code and its callers need for buffers.
 *
 * Generated functions allocate nothing: the caller passes a workspace of G_workspace_bytes()
 * bytes, aligned to MORCH_ALIGN. On a hosted system morch_alloc() gives one; on a
 * microcontroller a static buffer does (MORCH_ALIGNED, and G_WORKSPACE_BYTES when every dim of
 * the graph is a number).
 */
#ifndef MORCHRT_H
#define MORCHRT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Every workspace, and every buffer inside one, starts on a multiple of this. */
#define MORCH_ALIGN 64

#if defined(__GNUC__) || defined(__clang__)
#define MORCH_ALIGNED __attribute__((aligned(MORCH_ALIGN)))
#else
#define MORCH_ALIGNED
#endif

/* n rounded up to a multiple of MORCH_ALIGN. */
static inline size_t morch_align_up(size_t n)
{
	return (n + (MORCH_ALIGN - 1)) & ~(size_t)(MORCH_ALIGN - 1);
}

/* The most bytes of one tensor or one workspace, so element counts fit int64_t and byte counts
 * and offsets fit size_t and ptrdiff_t: the least of the three maxima. Generated functions
 * refuse sizes beyond it (G_workspace_bytes returns SIZE_MAX, which it never reaches). */
#if PTRDIFF_MAX <= INT64_MAX && PTRDIFF_MAX < SIZE_MAX
#define MORCH_MAX_BYTES ((size_t)PTRDIFF_MAX)
#elif INT64_MAX < SIZE_MAX
#define MORCH_MAX_BYTES ((size_t)INT64_MAX)
#else
#define MORCH_MAX_BYTES (SIZE_MAX - 1)
#endif

/* The size checks of generated code, in portable C (nothing here can overflow): SIZE_MAX
 * stands for "too large" and passes through, so a chain of calls checks a whole product or
 * sum. n * k when n is at most MORCH_MAX_BYTES, k is at least 1 and the product is at most
 * MORCH_MAX_BYTES; else SIZE_MAX. */
static inline size_t morch_size_mul(size_t n, int64_t k)
{
	if (n > MORCH_MAX_BYTES || k < 1 || (n && (uint64_t)k > MORCH_MAX_BYTES / n))
		return SIZE_MAX;
	return n * (size_t)k;
}

/* total + n rounded up to MORCH_ALIGN when both and the sum are at most MORCH_MAX_BYTES; else
 * SIZE_MAX. */
static inline size_t morch_size_add_aligned(size_t total, size_t n)
{
	if (total > MORCH_MAX_BYTES || n > MORCH_MAX_BYTES - (MORCH_ALIGN - 1))
		return SIZE_MAX;
	n = morch_align_up(n);
	return n > MORCH_MAX_BYTES - total ? SIZE_MAX : total + n;
}

/* A block of at least `bytes` bytes aligned to MORCH_ALIGN, or NULL when out of memory.
 * morch_alloc(0) returns a valid pointer that must still be freed. */
void *morch_alloc(size_t bytes);

/* Releases what morch_alloc returned; NULL is ignored. */
void morch_free(void *p);

/* The runtime's version, "MAJOR.MINOR.PATCH". */
const char *morch_version(void);

/* ---- Reflection: what morchgen --reflect emits beside each graph G as G_info ----
 * A program can then call any graph through one interface: the generic test driver, the
 * self-check and the .npy runner do. Dims are monomials over the graph's size names:
 * coef * prod(sizes[i] ** exp[i]). */

#define MORCH_MAX_SIZES 16

typedef enum morch_dtype { MORCH_F32, MORCH_F64, MORCH_I32 } morch_dtype;
typedef enum morch_role { MORCH_INPUT, MORCH_PARAM, MORCH_OUTPUT, MORCH_UPSTREAM, MORCH_GRAD } morch_role;

typedef struct morch_dim {
	int64_t coef;
	unsigned char exp[MORCH_MAX_SIZES];
} morch_dim;

typedef struct morch_tensor_info {
	const char *name;     /* the name in the .morch file */
	morch_role role;
	morch_dtype dtype;
	int rank;
	const morch_dim *dims;
} morch_tensor_info;

typedef struct morch_graph_info {
	const char *name;
	morch_dtype dtype;             /* of every real tensor */
	int nsizes;
	const char *const *sizes;      /* size names, in argument order */
	int nargs;
	const morch_tensor_info *args; /* inputs and params, in declaration order */
	int nouts;
	const morch_tensor_info *outs;
	int has_grad;
	const morch_tensor_info *upstream; /* the grad target's upstream gradient, or NULL */
	int nwrt;
	const int *wrt;                /* index in args of each gradient */
	const morch_tensor_info *grads;
	size_t (*workspace_bytes)(const int64_t *sizes);
	void (*forward)(const int64_t *sizes, const void *const *args, void *const *outs,
	                void *ws);
	void (*grad)(const int64_t *sizes, const void *const *args, void *const *outs,
	             const void *upstream, void *const *grads, void *ws); /* NULL without grad */
} morch_graph_info;

/* The number of elements of a tensor for the given sizes. */
int64_t morch_numel(const morch_tensor_info *t, const int64_t *sizes);

/* The value of one dim for the given sizes. */
int64_t morch_dim_value(const morch_dim *d, const int64_t *sizes);

#ifdef __cplusplus
}
#endif

#endif
