/* replay_main.c: a main for a libFuzzer harness without libFuzzer, so make check runs the same
 * harness code, built with the project's compiler and flags, on the corpus and the regressions.
 * Arguments are files or directories (every file in them, in name order). It prints each name
 * before running it, so a crash is followed by the input that caused it. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replayed;

/* The whole file in a buffer of exactly its size, so AddressSanitizer catches a read past it. */
static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: cannot open '%s': %s\n", path, strerror(errno));
		return 1;
	}
	uint8_t *data = NULL;
	size_t size = 0;
	int status = 1;
	if (fseek(f, 0, SEEK_END) == 0) {
		long n = ftell(f);
		if (n >= 0 && fseek(f, 0, SEEK_SET) == 0) {
			size = (size_t)n;
			data = malloc(size ? size : 1);
			if (data && fread(data, 1, size, f) == size)
				status = 0;
		}
	}
	fclose(f);
	if (status) {
		fprintf(stderr, "replay: cannot read '%s'\n", path);
	} else {
		printf("replay: %s\n", path);
		fflush(stdout);
		LLVMFuzzerTestOneInput(data, size);
		replayed++;
	}
	free(data);
	return status;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "replay: cannot open '%s': %s\n", dir, strerror(errno));
		return 1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	int status = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			char **bigger = realloc(names, cap * sizeof *names);
			if (!bigger) {
				status = 1;
				break;
			}
			names = bigger;
		}
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		if (!(names[n] = malloc(len))) {
			status = 1;
			break;
		}
		snprintf(names[n++], len, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (status)
		fprintf(stderr, "replay: out of memory\n");
	qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		if (!status)
			status = replay_file(names[i]);
		free(names[i]);
	}
	free(names);
	return status;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "Usage: %s FILE-OR-DIRECTORY...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: cannot open '%s': %s\n", argv[i], strerror(errno));
			return 1;
		}
		if (S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : replay_file(argv[i]))
			return 1;
	}
	printf("replay: %d inputs, no failure\n", replayed);
	return replayed ? 0 : 1;
}
