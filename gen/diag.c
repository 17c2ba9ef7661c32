/* diag.c: error reporting. Errors are counted, not fatal, so one run shows several. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"

static const char *file_name = "<input>";
static const char *src;
static size_t src_len;
static int nerrors;

enum { MAX_ERRORS = 50 };

void diag_set_source(const char *filename, const char *text, size_t len)
{
	file_name = filename;
	src = text;
	src_len = len;
	nerrors = 0;
}

/* Quotes the line of an error with a caret under its column. A long line (a generated sum on
 * one line, a minified file) is shown as a window of QUOTE_WIDTH bytes around the column. */
static void quote_line(int line, int col)
{
	enum { QUOTE_WIDTH = 160 };
	if (!src || line < 1)
		return;
	const char *p = src, *end = src + src_len;
	for (int l = 1; l < line && p < end; p++)
		if (*p == '\n')
			l++;
	const char *e = memchr(p, '\n', (size_t)(end - p));
	if (!e)
		e = end;
	const char *from = p, *to = e;
	if (col - 1 > QUOTE_WIDTH / 2 && to - from > QUOTE_WIDTH)
		from = p + (col - 1 - QUOTE_WIDTH / 2 < e - p ? col - 1 - QUOTE_WIDTH / 2 : e - p);
	if (to - from > QUOTE_WIDTH)
		to = from + QUOTE_WIDTH;
	const char *before = from > p ? "... " : "", *after = to < e ? " ..." : "";
	fprintf(stderr, " %5d | %s%.*s%s\n", line, before, (int)(to - from), from, after);
	fprintf(stderr, "       | %s", from > p ? "    " : "");
	for (const char *c = from; c < p + col - 1 && c < to; c++)
		fputc(*c == '\t' ? '\t' : ' ', stderr);
	fputs("^\n", stderr);
}

void error_at(Loc loc, const char *fmt, ...)
{
	if (++nerrors > MAX_ERRORS)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s:%d:%d: error: ", file_name, loc.first_line, loc.first_column);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	quote_line(loc.first_line, loc.first_column);
	if (nerrors == MAX_ERRORS)
		fprintf(stderr, "%s: too many errors, stopping\n", file_name);
}

int diag_errors(void)
{
	return nerrors;
}
