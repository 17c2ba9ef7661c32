/* fuzz_cc.c: the C compiler harness. Whatever morchgen accepts must give C that a C99 compiler
 * takes without a warning: each accepted input is written, in each variant of fuzz_run.c, to a
 * temporary directory and compiled there with
 *     $MORCH_FUZZ_CC -std=c99 -O2 -Wall -Wextra -Werror -I$MORCH_FUZZ_RUNTIME -c fuzz.c
 * (a child process per file, so it is slow: `make fuzz-cc`). A warning or error aborts, and the
 * compiler's messages are left in cc.log in that directory. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz_run.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char workdir[] = "/tmp/morch-fuzz-cc.XXXXXX";
static char *command;

static void write_file(const char *name, const char *text, size_t len)
{
	char path[sizeof workdir + 16];
	snprintf(path, sizeof path, "%s/%s", workdir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		abort();
	}
}

static void remove_workdir(void)
{
	static const char *const files[] = { "fuzz.c", "fuzz.h", "fuzz.o", "cc.log" };
	char path[sizeof workdir + 16];
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		snprintf(path, sizeof path, "%s/%s", workdir, files[i]);
		unlink(path);
	}
	rmdir(workdir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	const char *cc = getenv("MORCH_FUZZ_CC"), *rt = getenv("MORCH_FUZZ_RUNTIME");
	if (!rt) {
		fputs("fuzz-cc: set MORCH_FUZZ_RUNTIME to the directory of morchrt.h\n", stderr);
		exit(2);
	}
	if (!mkdtemp(workdir)) {
		perror(workdir);
		exit(2);
	}
	atexit(remove_workdir);
	const char *fmt = "cd '%s' && %s -std=c99 -O2 -Wall -Wextra -Werror -I'%s' -c fuzz.c "
	                  ">cc.log 2>&1";
	size_t len = strlen(fmt) + strlen(workdir) + strlen(cc ? cc : "cc") + strlen(rt) + 1;
	command = malloc(len);
	if (!command)
		abort();
	snprintf(command, len, fmt, workdir, cc ? cc : "cc", rt);
	return 0;
}

/* sh -c COMMAND in a child, so that neither the compiler nor the shell share the fuzzer's
 * memory; the result is whether it exited with status 0. */
static bool run_cc(void)
{
	pid_t pid = fork();
	if (pid < 0) {
		perror("fuzz-cc: fork");
		abort();
	}
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	int status;
	pid_t r;
	while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		continue; /* libFuzzer's timer for -timeout interrupts the wait */
	if (r != pid) {
		perror("fuzz-cc: waitpid");
		abort();
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The compiler's messages, on stdout: the fuzzer may run with stderr closed. */
static void show_log(void)
{
	char path[sizeof workdir + 16], line[512];
	snprintf(path, sizeof path, "%s/cc.log", workdir);
	FILE *f = fopen(path, "r");
	printf("fuzz-cc: the C does not compile cleanly (%s in %s):\n", command, workdir);
	while (f && fgets(line, sizeof line, f))
		fputs(line, stdout);
	if (f)
		fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int i = 0; i < fuzz_nvariants; i++) {
		const FuzzVariant *v = &fuzz_variants[i];
		FuzzOutput out = { 0 };
		if (!fuzz_compile(data, size, v, &out))
			return 0;
		write_file("fuzz.c", out.c, out.clen);
		write_file("fuzz.h", out.h, out.hlen);
		fuzz_output_free(&out);
		if (!run_cc()) {
			show_log();
			fuzz_fail("generated C with warnings or errors", v);
		}
	}
	return 0;
}
