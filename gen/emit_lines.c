/* emit_lines.c: --line-directives. While the C is written, the emitter only marks where the
 * code of a .morch line begins (line_mark) and where the generated file's own code resumes
 * (line_unmark). emit_c writes to memory, and line_resolve turns the marks into #line
 * directives: every line of marked code is pinned to its .morch line (generated code does not
 * follow the source line by line, so one directive per block would drift), and after it the
 * file's own numbering is given back, which only the finished text knows. */
#include <stdlib.h>
#include <string.h>

#include "emit_internal.h"

/* Never otherwise in generated code: the emitter writes no preprocessor lines of its own here. */
#define MARK_SOURCE "#line morch-source "
#define MARK_RESUME "#line morch-resume"

const char *line_mark_text(const Emit *e, int morch_line)
{
	if (!e->opt->line_directives || morch_line < 1)
		return "";
	return arena_printf(MARK_SOURCE "%d\n", morch_line);
}

const char *line_unmark_text(const Emit *e)
{
	return e->opt->line_directives ? MARK_RESUME "\n" : "";
}

void line_mark(Emit *e, int morch_line)
{
	fputs(line_mark_text(e, morch_line), e->f);
}

void line_unmark(Emit *e)
{
	fputs(line_unmark_text(e), e->f);
}

void line_resolve(FILE *f, const char *text, const EmitOptions *opt)
{
	const char *source = c_string(strcmp(opt->source, "-") == 0 ? "<stdin>"
	                                                                      : opt->source);
	const char *self = c_string(opt->c_name);
	long out = 0;       /* lines written to f so far */
	int mapped = 0;     /* the .morch line of the current marked code, or 0 */
	bool named = false; /* the last directive named the .morch file: later ones need not */
	for (const char *p = text; *p;) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *q = p + strspn(p, "\t");
		if (strncmp(q, MARK_SOURCE, strlen(MARK_SOURCE)) == 0) {
			mapped = atoi(q + strlen(MARK_SOURCE));
		} else if (strncmp(q, MARK_RESUME, strlen(MARK_RESUME)) == 0) {
			if (mapped) { /* the line after the directive is the next one of f */
				fprintf(f, "#line %ld %s\n", out + 2, self);
				out++;
			}
			mapped = 0;
			named = false;
		} else {
			if (mapped && len > 0) {
				fprintf(f, "#line %d%s%s\n", mapped, named ? "" : " ", named ? "" : source);
				named = true;
				out++;
			}
			fwrite(p, 1, len, f);
			fputc('\n', f);
			out++;
		}
		p = end ? end + 1 : p + len;
	}
}
