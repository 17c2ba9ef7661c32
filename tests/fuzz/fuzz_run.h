/* fuzz_run.h: the whole compiler run in process on one fuzz input, the C written to memory. */
#ifndef MORCH_FUZZ_RUN_H
#define MORCH_FUZZ_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One way of running morchgen: what -O0, -O2 and -O2 --reflect --line-directives give. */
typedef struct FuzzVariant {
	int opt_level;
	bool reflect;
	const char *flags; /* the same as morchgen options, for messages */
} FuzzVariant;

extern const FuzzVariant fuzz_variants[];
extern const int fuzz_nvariants;

/* The generated files, malloc'd (fuzz_output_free releases them). */
typedef struct FuzzOutput {
	char *c, *h;
	size_t clen, hlen;
} FuzzOutput;

/* Compiles `data` as the file fuzz.morch. Returns true and fills *out when morchgen accepts it;
 * false when it reports errors. Aborts when the compiler breaks a rule of its own: a rejection
 * without an error message. All compiler memory is released before it returns. */
bool fuzz_compile(const uint8_t *data, size_t size, const FuzzVariant *v, FuzzOutput *out);
void fuzz_output_free(FuzzOutput *out);

/* Prints why the input failed a check, and aborts, so libFuzzer keeps it as a crash. */
_Noreturn void fuzz_fail(const char *what, const FuzzVariant *v);

#endif
