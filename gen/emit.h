/* emit.h: writing C from the IR. */
#ifndef MORCH_EMIT_H
#define MORCH_EMIT_H

#include <stdbool.h>
#include <stdio.h>

#include "ir.h"

typedef struct EmitOptions {
	const char *source;    /* the .morch file as given on the command line */
	const char *command;   /* the command line, for the banner */
	const char *c_name;    /* file name of the .c, for its banner */
	const char *header;    /* file name of the header: what the .c includes */
	bool reflect;          /* also emit G_info descriptors (see runtime/morchrt.h) */
	const char *module;    /* C identifier for the module's table of descriptors */
	const char *guard;     /* the header's include guard macro */
	int opt_level;         /* -O0 to -O3: 0 gives one kernel and one buffer per node; the IR
	                          is already optimized when it is 1 or more */
	bool line_directives;  /* #line directives: kernels' code points at its .morch lines */
	bool openmp;           /* #pragma omp on loops over rows and matmul blocks (--openmp) */
	bool blas;             /* large matmuls call cblas_?gemm (--blas) */
} EmitOptions;

/* Reports graphs whose public names (G_forward, G_info, ...) would collide with another
 * graph's or with what the generated code includes; false then. Call before emitting. */
bool check_graph_names(const Module *m);
/* Why #include "name" cannot name this header portably, or NULL when it can. */
const char *header_name_problem(const char *name);

/* False, with errors reported and nothing written, when the module cannot be emitted. */
bool emit_c(FILE *f, const Module *m, const EmitOptions *opt);
void emit_h(FILE *f, const Module *m, const EmitOptions *opt);
/* --emit=test: a self-check program for every graph of m (docs/selfcheck.md). It includes
 * opt->header, the graphs' header, and links with their C and libmorchrt. */
void emit_test(FILE *f, const Module *m, const EmitOptions *opt);

#endif
