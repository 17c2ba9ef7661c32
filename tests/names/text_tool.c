/* text_tool.c: prints what emit_text.c makes of standard input, for text.py: `text_tool
 * string` a C string literal (c_string), `text_tool comment` text for inside a comment
 * (comment_text). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit_internal.h"

int main(int argc, char **argv)
{
	static char in[1 << 16];
	size_t n = fread(in, 1, sizeof in - 1, stdin);
	in[n] = 0;
	if (argc != 2 || strlen(in) != n) {
		fputs("usage: text_tool string|comment < TEXT (no NUL bytes)\n", stderr);
		return 2;
	}
	const char *out = strcmp(argv[1], "string") == 0 ? c_string(in) : comment_text(in);
	fputs(out, stdout);
	arena_free_all();
	return fflush(stdout) == 0 ? 0 : 1;
}
