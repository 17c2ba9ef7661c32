/* emit_blas.c: --blas. A matmul kernel above a size threshold becomes a call to
 * cblas_sgemm/cblas_dgemm (followed by its epilogue). */
#include "emit_internal.h"

bool emit_blas_matmul(Emit *e, const Kernel *k)
{
	(void)e, (void)k;
	return false; /* not yet: every matmul is emitted as C */
}
