/* fuzz_run.c: compile_source then emit_c and emit_h into memory streams, as morchgen's command
 * line does into files (gen/main.c), then arena_free_all, so each input starts afresh and
 * LeakSanitizer sees whatever the compiler allocated outside its arena. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <stdlib.h>

#include "diag.h"
#include "driver.h"
#include "emit.h"
#include "fuzz_run.h"
#include "util.h"

const FuzzVariant fuzz_variants[] = {
	{ 0, false, "-O0" },
	{ 2, false, "-O2" },
	{ 2, true, "-O2 --reflect --line-directives" },
};
const int fuzz_nvariants = sizeof fuzz_variants / sizeof *fuzz_variants;

_Noreturn void fuzz_fail(const char *what, const FuzzVariant *v)
{
	/* stdout: the harness may run with stderr closed (libFuzzer's -close_fd_mask=2) */
	printf("fuzz: %s (morchgen %s)\n", what, v->flags);
	fflush(stdout);
	abort();
}

/* False when emit_c refused the module (with errors reported, as morchgen exits 1 then). */
static bool emit_into(char **buf, size_t *len, const Module *m, const EmitOptions *eo,
                      bool header)
{
	bool emitted = true;
	FILE *f = open_memstream(buf, len);
	if (!f) {
		perror("fuzz: open_memstream");
		abort();
	}
	if (header)
		emit_h(f, m, eo);
	else
		emitted = emit_c(f, m, eo);
	if (ferror(f) | fclose(f)) {
		perror("fuzz: writing to memory");
		abort();
	}
	return emitted;
}

bool fuzz_compile(const uint8_t *data, size_t size, const FuzzVariant *v, FuzzOutput *out)
{
	Module *m = compile_source("fuzz.morch", (const char *)data, size, v->opt_level, NULL, NULL,
	                           NULL);
	if (m && !check_graph_names(m))
		m = NULL;
	if (!m) {
		bool reported = diag_errors() > 0;
		arena_free_all();
		if (!reported)
			fuzz_fail("rejected without an error message", v);
		return false;
	}
	EmitOptions eo = {
		.source = "fuzz.morch",
		.command = "morchgen fuzz.morch",
		.c_name = "fuzz.c",
		.header = "fuzz.h",
		.reflect = v->reflect,
		.module = "fuzz",
		.guard = "FUZZ_H_INCLUDED",
		.opt_level = v->opt_level,
		.line_directives = v->reflect,
	};
	if (!emit_into(&out->c, &out->clen, m, &eo, false)) {
		bool reported = diag_errors() > 0;
		free(out->c);
		out->c = NULL;
		arena_free_all();
		if (!reported)
			fuzz_fail("emitting refused without an error message", v);
		return false;
	}
	emit_into(&out->h, &out->hlen, m, &eo, true);
	/* the self-check program too (--emit=test), only for the sanitizers: it is not compared */
	char *test = NULL;
	size_t test_len = 0;
	FILE *f = open_memstream(&test, &test_len);
	if (!f) {
		perror("fuzz: open_memstream");
		abort();
	}
	emit_test(f, m, &eo);
	fclose(f);
	free(test);
	arena_free_all();
	return true;
}

void fuzz_output_free(FuzzOutput *out)
{
	free(out->c);
	free(out->h);
	out->c = out->h = NULL;
}
