/* main.c: grad_check runs every group, or those named on the command line
 * (fd, twin, ref, tie), and fails when any test of them fails. */
#include <stdio.h>
#include <string.h>

#include "checks.h"

static const struct {
	const char *name;
	int (*run)(void);
} groups[] = {
	{ "fd", fd_check },
	{ "twin", twin_check },
	{ "ref", ref_check },
	{ "tie", tie_check },
};

int main(int argc, char **argv)
{
	int failed = 0;
	for (size_t i = 0; i < sizeof groups / sizeof *groups; i++) {
		int wanted = argc < 2;
		for (int a = 1; a < argc; a++)
			wanted |= strcmp(argv[a], groups[i].name) == 0;
		if (wanted)
			failed += groups[i].run();
	}
	return failed ? 1 : 0;
}
