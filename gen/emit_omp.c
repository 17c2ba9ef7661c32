/* emit_omp.c: --openmp. A loop whose iterations are independent (each writes elements no other
 * iteration writes or reads, and no accumulator lives across iterations) is preceded by
 * MORCH_OMP_FOR(work), a macro of the generated file's prelude: `#pragma omp parallel for` with
 * -fopenmp, nothing without it. Each iteration runs the same code as the serial loop, so the
 * results are the serial results to the bit. Threads start only when the loop's work (the
 * number of inner steps it runs) reaches OMP_MIN_WORK; work known at generation time below
 * that gets no macro at all, so small graphs read and run as without --openmp. */
#include "emit_internal.h"

void emit_omp_prelude(FILE *f, const EmitOptions *opt)
{
	if (!opt->openmp)
		return;
	fprintf(f, "\n/* --openmp: the loop after MORCH_OMP_FOR(work) runs on OpenMP threads when "
	           "built with\n * -fopenmp and work, its number of inner steps, is at least %d "
	           "(below that, threads\n * cost more than they save); without -fopenmp it is "
	           "nothing. MORCH_OMP_FOR_IF(cond) is the same with threads when cond holds. */\n"
	           "#ifdef _OPENMP\n#define MORCH_PRAGMA(text) _Pragma(#text)\n"
	           "#define MORCH_OMP_FOR(work) MORCH_PRAGMA(omp parallel for if ((work) >= %d))\n"
	           "#define MORCH_OMP_FOR_IF(cond) MORCH_PRAGMA(omp parallel for if (cond))\n"
	           "#else\n#define MORCH_OMP_FOR(work)\n#define MORCH_OMP_FOR_IF(cond)\n#endif\n",
	        OMP_MIN_WORK, OMP_MIN_WORK);
}

void emit_omp_for(Emit *e, Dim work)
{
	if (!e->opt->openmp || (dim_is_const(&work) && work.coef < OMP_MIN_WORK))
		return;
	line(e, "MORCH_OMP_FOR(%s)", dim_c(e, work));
}
