/* main.c: morchgen's command line. It reads the file, compiles it (driver.c) and emits C
 * (emit_c.c). Output goes to temporary files renamed into place only on success, so a failed run
 * never leaves a half-written file that make would take as up to date. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bounds.h"
#include "driver.h"
#include "emit.h"
#include "util.h"

static const char usage[] =
	"Usage: morchgen [OPTION]... FILE.morch\n"
	"Compile the graphs of FILE.morch to C: a .c file with G_forward (and G_grad when\n"
	"the graph asks for gradients) for each graph G, and a header declaring them.\n"
	"\n"
	"  -o, --output=OUT.c    write the C file to OUT.c (default: FILE.c)\n"
	"      --header=OUT.h    write the header to OUT.h (default: OUT.c with .h);\n"
	"                        the C file then includes it by its file name\n"
	"      --emit=KIND       what to write: c (default), ir (the graph after\n"
	"                        differentiation and optimization, as text, to standard\n"
	"                        output or -o), or test (a self-check program, FILE_test.c\n"
	"                        by default, that includes FILE.h or --header and checks\n"
	"                        every graph's gradients, outputs and workspace; see\n"
	"                        docs/selfcheck.md)\n"
	"  -O0, -O1, -O2, -O3    optimization level (default -O2; -O is -O2): -O0 emits\n"
	"                        the graph as built, one loop per node; -O1 and up run\n"
	"                        the optimizer's passes, fuse loops and share workspace\n"
	"      --dump-after=PASS print the IR after PASS (build, fold, algebra, cse, dce)\n"
	"                        to standard output and exit without writing C\n"
	"      --reflect         also emit G_info descriptors and a table of every graph\n"
	"                        (morch_graph_info in morchrt.h) for generic drivers\n"
	"      --line-directives emit #line directives, so compiler messages and\n"
	"                        debuggers show the .morch line each kernel computes\n"
	"      --openmp          mark loops over rows and matmul blocks with #pragma omp;\n"
	"                        the C builds with and without -fopenmp\n"
	"      --blas            call cblas_sgemm/cblas_dgemm for large matmuls; the C\n"
	"                        then includes <cblas.h> and links with a CBLAS\n"
	"  -h, --help            print this help and exit\n"
	"  -V, --version         print the version and exit\n"
	"\n"
	"Errors are reported as FILE:LINE:COL: error: TEXT, and the exit status is 1.\n"
	"FILE may be - for standard input.\n";

typedef struct Options {
	const char *input, *output, *header, *emit;
	bool reflect, line_directives, openmp, blas;
	int opt_level;
	const char *dump_after; /* "build" or a pass name, or NULL */
} Options;

static char *read_all(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "morchgen: cannot open '%s': %s\n", path, strerror(errno));
		return NULL;
	}
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (!buf) {
			fprintf(stderr, "morchgen: out of memory\n");
			break;
		}
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap || n > MAX_SOURCE_BYTES) /* one byte past the bound tells */
			break;
		cap = cap * 2 > MAX_SOURCE_BYTES + 1 ? MAX_SOURCE_BYTES + 1 : cap * 2;
		char *bigger = realloc(buf, cap);
		if (!bigger)
			free(buf);
		buf = bigger;
	}
	bool failed = !buf || ferror(f) || n > MAX_SOURCE_BYTES;
	if (buf && ferror(f))
		fprintf(stderr, "morchgen: cannot read '%s': %s\n", path, strerror(errno));
	else if (buf && n > MAX_SOURCE_BYTES)
		fprintf(stderr, "morchgen: '%s' is larger than %ld MiB, the limit for a source file\n",
		        path, MAX_SOURCE_BYTES >> 20);
	if (f != stdin)
		fclose(f);
	if (failed) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static char *replace_suffix(const char *path, const char *old, const char *new)
{
	size_t n = strlen(path), k = strlen(old);
	if (n > k && strcmp(path + n - k, old) == 0)
		n -= k;
	return arena_printf("%.*s%s", (int)n, path, new);
}

/* An identifier made of a file name: "my-ops.c" -> "my_ops" (upper for header guards). One that
 * would start with a digit or '_' (reserved at file scope) or be empty gets "m" in front. */
static char *identifier(const char *file, bool upper)
{
	const char *b = base_name(file);
	const char *dot = strrchr(b, '.');
	size_t n = dot && dot != b ? (size_t)(dot - b) : strlen(b);
	const char *front = !n ? "m" : b[0] >= '0' && b[0] <= '9' ? "m_" : b[0] == '_' ? "m" : "";
	char *s = arena_printf("%s%.*s", front, (int)n, b);
	for (char *p = s; *p; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9');
		*p = !ok ? '_' : upper && *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
	}
	return s;
}

/* "dir/name" with dir resolved (symbolic links, "." and ".."), for a file that may not exist
 * yet; NULL when the directory cannot be resolved. */
static char *resolved(const char *path)
{
	const char *base = base_name(path);
	char *dir = base == path ? arena_strdup(".") : arena_printf("%.*s", (int)(base - path), path);
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		dir = arena_strdup(path), base = "";
	char *real = realpath(dir, NULL);
	if (!real)
		return NULL;
	char *r = arena_printf("%s/%s", real, base);
	free(real);
	return r;
}

/* Whether two paths name one file: the same string, the same inode when both exist, or the
 * same resolved path when neither exists yet. */
static bool same_file(const char *a, const char *b)
{
	if (strcmp(a, b) == 0)
		return true;
	struct stat sa, sb;
	bool ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
	if (ea && eb)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	if (ea || eb)
		return false;
	const char *ra = resolved(a), *rb = resolved(b);
	return ra && rb && strcmp(ra, rb) == 0;
}

/* A file written over the input, or over the other output, would silently lose it. */
typedef struct Target {
	const char *what, *path;
} Target;

static bool targets_distinct(const char *input, const Target *t, int n)
{
	for (int i = 0; i < n; i++) {
		if (strcmp(input, "-") != 0 && same_file(t[i].path, input)) {
			fprintf(stderr, "morchgen: cannot write the %s to '%s': it is the input file\n",
			        t[i].what, t[i].path);
			return false;
		}
		for (int j = 0; j < i; j++)
			if (same_file(t[i].path, t[j].path)) {
				fprintf(stderr, "morchgen: cannot write the %s to '%s': it is the %s '%s'\n",
				        t[i].what, t[i].path, t[j].what, t[j].path);
				return false;
			}
	}
	return true;
}

/* Standard output as written so far reached its file; reports an error when not. */
static bool stdout_ok(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return true;
	fprintf(stderr, "morchgen: error writing standard output: %s\n", strerror(errno));
	return false;
}

/* A file written beside its final name and renamed there by commit(). */
typedef struct Out {
	const char *path;
	char *tmp;
	FILE *f;
} Out;

static bool out_open(Out *o, const char *path)
{
	o->path = path;
	/* rename() onto a directory fails only in out_commit, when the other output may already be
	 * in place; refuse it before anything is written */
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "morchgen: cannot write '%s': %s\n", path, strerror(EISDIR));
		return false;
	}
	o->tmp = arena_printf("%s.tmpXXXXXX", path);
	int fd = mkstemp(o->tmp);
	if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
		fprintf(stderr, "morchgen: cannot write '%s': %s\n", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		o->tmp = NULL;
		return false;
	}
	return true;
}

static bool out_close(Out *o)
{
	if (!o->f)
		return true;
	bool ok = !ferror(o->f);
	ok &= fclose(o->f) == 0;
	o->f = NULL;
	if (!ok)
		fprintf(stderr, "morchgen: error writing '%s': %s\n", o->path, strerror(errno));
	return ok;
}

static void out_discard(Out *o)
{
	if (o->f)
		fclose(o->f);
	o->f = NULL;
	if (o->tmp)
		unlink(o->tmp);
	o->tmp = NULL;
}

static bool out_commit(Out *o)
{
	/* mkstemp makes the file 0600; give it the permissions a new file would get */
	mode_t mask = umask(0);
	umask(mask);
	chmod(o->tmp, 0666 & ~mask);
	if (rename(o->tmp, o->path) != 0) {
		fprintf(stderr, "morchgen: cannot write '%s': %s\n", o->path, strerror(errno));
		unlink(o->tmp);
		return false;
	}
	o->tmp = NULL;
	return true;
}

/* The command line as a shell would read it back: arguments with other characters than these
 * are quoted. */
static char *command_line(int argc, char **argv)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                            "0123456789_-+=.,/:@%";
	Str s = { 0 };
	str_add(&s, "morchgen");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (*a && strspn(a, plain) == strlen(a)) {
			str_add(&s, " %s", a);
			continue;
		}
		str_add(&s, " '");
		for (; *a; a++)
			str_add(&s, *a == '\'' ? "'\\''" : "%c", *a);
		str_add(&s, "'");
	}
	return (char *)str_get(&s);
}

static int write_c(const Module *m, const Options *o, int argc, char **argv)
{
	const char *cpath = o->output ? o->output : replace_suffix(base_name(o->input), ".morch", ".c");
	const char *hpath = o->header ? o->header : replace_suffix(cpath, ".c", ".h");
	EmitOptions eo = {
		.source = o->input,
		.command = command_line(argc, argv),
		.c_name = base_name(cpath),
		.header = base_name(hpath),
		.reflect = o->reflect,
		.module = identifier(cpath, false),
		.guard = arena_printf("%s_H_INCLUDED", identifier(hpath, true)),
		.opt_level = o->opt_level,
		.line_directives = o->line_directives,
		.openmp = o->openmp,
		.blas = o->blas,
	};
	const char *problem = header_name_problem(eo.header);
	if (problem) {
		fprintf(stderr, "morchgen: the C file cannot #include the header '%s': %s\n", eo.header,
		        problem);
		return 1;
	}
	Target t[] = { { "C file", cpath }, { "header", hpath } };
	if (!targets_distinct(o->input, t, 2))
		return 1;
	Out c = { 0 }, h = { 0 };
	if (!out_open(&c, cpath))
		return 1;
	if (!out_open(&h, hpath)) {
		out_discard(&c);
		return 1;
	}
	if (!emit_c(c.f, m, &eo)) {
		out_discard(&c);
		out_discard(&h);
		return 1;
	}
	emit_h(h.f, m, &eo);
	if (!out_close(&c) || !out_close(&h) || !out_commit(&c) || !out_commit(&h)) {
		out_discard(&c);
		out_discard(&h);
		return 1;
	}
	return 0;
}

static int write_ir(const Module *m, const Options *o)
{
	Out out = { 0 };
	FILE *f = stdout;
	if (o->output) {
		Target t = { "IR", o->output };
		if (!targets_distinct(o->input, &t, 1) || !out_open(&out, o->output))
			return 1;
		f = out.f;
	}
	for (int i = 0; i < m->ngraphs; i++)
		dump_graph(f, m->graph[i]);
	if (!o->output)
		return stdout_ok() ? 0 : 1;
	if (!out_close(&out) || !out_commit(&out)) {
		out_discard(&out);
		return 1;
	}
	return 0;
}

/* --emit=test: FILE_test.c, which includes the graphs' header (FILE.h unless --header says). */
static int write_test(const Module *m, const Options *o, int argc, char **argv)
{
	bool in = strcmp(o->input, "-") == 0;
	const char *path = o->output ? o->output
	                             : replace_suffix(base_name(o->input), ".morch", "_test.c");
	const char *header = o->header ? o->header
	                     : in ? replace_suffix(path, "_test.c", ".h")
	                          : replace_suffix(base_name(o->input), ".morch", ".h");
	EmitOptions eo = {
		.source = in ? "<stdin>" : o->input,
		.command = command_line(argc, argv),
		.c_name = base_name(path),
		.header = header,
		.module = identifier(header, false),
		.guard = arena_printf("%s_H_INCLUDED", identifier(header, true)),
		.opt_level = o->opt_level,
	};
	const char *problem = header_name_problem(header);
	if (problem) {
		fprintf(stderr, "morchgen: the self-check program cannot #include the header '%s': %s\n",
		        header, problem);
		return 1;
	}
	Target t = { "self-check program", path };
	Out out = { 0 };
	if (!targets_distinct(o->input, &t, 1) || !out_open(&out, path))
		return 1;
	emit_test(out.f, m, &eo);
	if (!out_close(&out) || !out_commit(&out)) {
		out_discard(&out);
		return 1;
	}
	return 0;
}

static int run(const Options *o, int argc, char **argv)
{
	size_t len;
	char *text = read_all(o->input, &len);
	if (!text)
		return 1;
	bool dumped = false;
	Module *m = compile_source(strcmp(o->input, "-") == 0 ? "<stdin>" : o->input, text, len,
	                           o->opt_level, o->dump_after, stdout, &dumped);
	int status = 1;
	if (m && dumped)
		status = stdout_ok() ? 0 : 1;
	else if (m && check_graph_names(m))
		status = strcmp(o->emit, "ir") == 0     ? write_ir(m, o)
		         : strcmp(o->emit, "test") == 0 ? write_test(m, o, argc, argv)
		                                        : write_c(m, o, argc, argv);
	free(text);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "header", required_argument, NULL, 'H' },
		{ "emit", required_argument, NULL, 'E' },
		{ "reflect", no_argument, NULL, 'R' },
		{ "line-directives", no_argument, NULL, 'L' },
		{ "openmp", no_argument, NULL, 'P' },
		{ "blas", no_argument, NULL, 'B' },
		{ "dump-after", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	Options o = { .emit = "c", .opt_level = 2 };
	int c;
	while ((c = getopt_long(argc, argv, "o:O::hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o.output = optarg; break;
		case 'H': o.header = optarg; break;
		case 'E': o.emit = optarg; break;
		case 'R': o.reflect = true; break;
		case 'L': o.line_directives = true; break;
		case 'P': o.openmp = true; break;
		case 'B': o.blas = true; break;
		case 'D': o.dump_after = optarg; break;
		case 'O':
			if (!optarg) {
				o.opt_level = 2;
			} else if (optarg[0] >= '0' && optarg[0] <= '3' && !optarg[1]) {
				o.opt_level = optarg[0] - '0';
			} else {
				fprintf(stderr, "morchgen: unknown optimization level '-O%s' (-O0 to -O3)\n",
				        optarg);
				return 1;
			}
			break;
		case 'h': fputs(usage, stdout); return stdout_ok() ? 0 : 1;
		case 'V': printf("morchgen %s\n", PACKAGE_VERSION); return stdout_ok() ? 0 : 1;
		default: fputs("Try 'morchgen --help'.\n", stderr); return 1;
		}
	}
	if (strcmp(o.emit, "c") != 0 && strcmp(o.emit, "ir") != 0 && strcmp(o.emit, "test") != 0) {
		fprintf(stderr, "morchgen: unknown --emit kind '%s' (c, ir or test)\n", o.emit);
		return 1;
	}
	if (o.dump_after) {
		bool known = strcmp(o.dump_after, "build") == 0;
		for (int i = 0; i < driver_npasses(); i++)
			known |= strcmp(o.dump_after, driver_pass_name(i)) == 0;
		if (!known) {
			fprintf(stderr, "morchgen: unknown pass '%s' for --dump-after (build", o.dump_after);
			for (int i = 0; i < driver_npasses(); i++)
				fprintf(stderr, ", %s", driver_pass_name(i));
			fprintf(stderr, ")\n");
			return 1;
		}
		if (o.opt_level == 0 && strcmp(o.dump_after, "build") != 0) {
			fprintf(stderr, "morchgen: --dump-after=%s needs the optimizer, which -O0 turns "
			        "off\n", o.dump_after);
			return 1;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "morchgen: %s\nTry 'morchgen --help'.\n",
		        optind == argc ? "no input file" : "more than one input file");
		return 1;
	}
	o.input = argv[optind];
	if (strcmp(o.input, "-") == 0 && !o.output && strcmp(o.emit, "ir") != 0 && !o.dump_after) {
		fprintf(stderr, "morchgen: reading standard input needs -o OUT.c\n");
		return 1;
	}
	int status = run(&o, argc, argv);
	arena_free_all();
	return status;
}
