/* options.c: parses the trainers' options, `--name VALUE` or `--name=VALUE`. */
#include "options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f, const char *prog, const char *about, const train_options *def)
{
	fprintf(f, "Usage: %s [OPTION]...\n%s\n\n", prog, about);
	fprintf(f, "  -b, --batch=N     examples per SGD step (default %d)\n", def->batch);
	fprintf(f, "  -e, --epochs=N    passes over the 1500 training rows (default %d)\n", def->epochs);
	fprintf(f, "  -l, --lr=RATE     learning rate at the first epoch (default %g)\n", def->lr);
	fprintf(f, "      --lr-end=RATE learning rate at the last epoch, reached linearly\n");
	fprintf(f, "                    (default %g)\n", def->lr_end);
	fprintf(f, "  -s, --seed=N      seed of the initial weights and the row order (default %llu)\n",
		(unsigned long long)def->seed);
	fprintf(f, "  -h, --help        print this help and exit\n\n");
	fprintf(f, "It prints the loss and held-out accuracy after each epoch, then the final\n"
		   "held-out accuracy on the 297 rows it never trains on and the training time.\n");
}

/* The value of option `name` at argv[*i]: after '=' or in the next argument. NULL when this
 * argument is another option. */
static const char *value_of(const char *shortname, const char *name, int argc, char **argv, int *i, int *missing)
{
	const char *arg = argv[*i];
	size_t len = strlen(name);
	*missing = 0;
	if (strncmp(arg, name, len) == 0 && arg[len] == '=')
		return arg + len + 1;
	if (strcmp(arg, name) != 0 && strcmp(arg, shortname) != 0)
		return NULL;
	if (*i + 1 >= argc) {
		*missing = 1;
		return NULL;
	}
	return argv[++*i];
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_rate(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0) || v > 1e6)
		return -1;
	*out = v;
	return 0;
}

int options_parse(train_options *opt, int argc, char **argv, const char *about)
{
	const train_options def = *opt;
	const char *prog = argc > 0 ? argv[0] : "train";
	if (strrchr(prog, '/'))
		prog = strrchr(prog, '/') + 1;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		int missing, bad = 0;
		long n;
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			usage(stdout, prog, about, &def);
			return 0;
		} else if ((v = value_of("-b", "--batch", argc, argv, &i, &missing))) {
			bad = parse_long(v, 1, 1 << 20, &n);
			opt->batch = (int)n;
		} else if (!missing && (v = value_of("-e", "--epochs", argc, argv, &i, &missing))) {
			bad = parse_long(v, 0, 1 << 20, &n);
			opt->epochs = (int)n;
		} else if (!missing && (v = value_of("-l", "--lr", argc, argv, &i, &missing))) {
			bad = parse_rate(v, &opt->lr);
		} else if (!missing && (v = value_of("--lr-end", "--lr-end", argc, argv, &i, &missing))) {
			bad = parse_rate(v, &opt->lr_end);
		} else if (!missing && (v = value_of("-s", "--seed", argc, argv, &i, &missing))) {
			char *end;
			errno = 0;
			opt->seed = strtoull(v, &end, 10);
			bad = errno || end == v || *end || *v == '-';
		} else {
			if (missing)
				fprintf(stderr, "%s: option '%s' needs a value\n", prog, arg);
			else
				fprintf(stderr, "%s: unknown option '%s'\n", prog, arg);
			fprintf(stderr, "Try '%s --help'.\n", prog);
			return 2;
		}
		if (bad) {
			fprintf(stderr, "%s: bad value '%s' for %s\n", prog, v, arg);
			return 2;
		}
	}
	return -1;
}
