/* npy.h: a small, strict reader and writer of numpy's .npy files.
 *
 * Only what a graph's tensors need: little-endian, C-ordered arrays of <f4, <f8 or <i4.
 * Anything else (big-endian or other types, Fortran order, object arrays, truncated or
 * trailing data) is rejected with a message, never guessed at. Used by the PyTorch parity
 * runner and meant for the general .npy runner too.
 */
#ifndef MORCH_NPY_H
#define MORCH_NPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NPY_MAX_RANK 32 /* numpy's own limit */

typedef enum npy_dtype { NPY_F4, NPY_F8, NPY_I4 } npy_dtype;

typedef struct npy_array {
	npy_dtype dtype;
	int rank;
	int64_t shape[NPY_MAX_RANK];
	size_t count; /* elements: the product of shape, 1 for a 0-d array */
	void *data;   /* count elements, in host byte order; malloc'd, freed by npy_free */
} npy_array;

/* "<f4", "<f8", "<i4". */
const char *npy_dtype_name(npy_dtype t);

/* Bytes per element. */
size_t npy_dtype_size(npy_dtype t);

/* Reads `path` into `a`. On failure returns false, leaves `a` empty (safe to npy_free), and
 * writes a one-line message naming the file into err[errsize]. */
bool npy_read(const char *path, npy_array *a, char *err, size_t errsize);

/* Writes count = prod(shape) elements of `data` (host byte order) to `path` as a version 1.0
 * .npy file. On failure returns false with a message in err. */
bool npy_write(const char *path, npy_dtype t, int rank, const int64_t *shape, const void *data,
               char *err, size_t errsize);

/* Releases a's data; a may be empty. */
void npy_free(npy_array *a);

#endif
