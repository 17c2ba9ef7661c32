/* driver.c: the pipeline as a plain list of passes: parse (lexer.l, parser.y), build and check
 * (build.c, which differentiates with diff.c), optimize (the `passes` table, opt*.c). Emitting is
 * left to the caller (emit_c.c), which may write to files or to memory. */
#include <string.h>

#include "ast.h"
#include "diag.h"
#include "driver.h"
#include "opt.h"

/* The optimizer, in order, QBE style: each pass records its rewrites, ir_compact applies them.
 * fold, algebra and cse enable each other, so the list runs in rounds to a fixed point. */
static const struct {
	const char *name;
	void (*run)(Graph *);
} passes[] = {
	{ "fold", pass_fold },
	{ "algebra", pass_algebra },
	{ "cse", pass_cse },
	{ "dce", pass_dce },
};
enum { NPASSES = sizeof passes / sizeof *passes, MAX_ROUNDS = 8 };

int driver_npasses(void)
{
	return NPASSES;
}

const char *driver_pass_name(int i)
{
	return passes[i].name;
}

/* Runs the passes on g; with dump set, prints g after the first run of that pass and returns
 * true (the caller stops before writing C). */
static bool optimize(Graph *g, int level, const char *dump, FILE *dump_to)
{
	if (dump && strcmp(dump, "build") == 0) {
		dump_graph(dump_to, g);
		return true;
	}
	if (level == 0)
		return false;
	ir_fill_uses(g);
	for (int round = 0; round < MAX_ROUNDS; round++) {
		int changed = g->nchanged;
		for (int i = 0; i < NPASSES; i++) {
			passes[i].run(g);
			ir_compact(g);
			ir_fill_uses(g);
			if (dump && strcmp(dump, passes[i].name) == 0) {
				dump_graph(dump_to, g);
				return true;
			}
		}
		if (g->nchanged == changed)
			break;
	}
	return false;
}

Module *compile_source(const char *file, const char *text, size_t len, int opt_level,
                       const char *dump, FILE *dump_to, bool *dumped)
{
	diag_set_source(file, text, len);
	GraphAst *ast = parse_source(text, len);
	Module *m = diag_errors() ? NULL : build_module(ast);
	if (!m || diag_errors())
		return NULL;
	bool any = false;
	for (int i = 0; i < m->ngraphs; i++)
		any |= optimize(m->graph[i], opt_level, dump, dump_to);
	if (dumped)
		*dumped = any;
	return m;
}
