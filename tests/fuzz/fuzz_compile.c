/* fuzz_compile.c: the in-process harness. Every input goes through the whole compiler (lex,
 * parse, build, differentiate, optimize, emit C) in each variant of fuzz_run.c. Beyond the
 * sanitizers' checks, it requires that a rejected input got an error message and that compiling
 * the same input twice gives the same C (nothing carries over from one run to the next).
 * Built with libFuzzer by `make fuzz`, and with the project's compiler and replay_main.c by
 * `make check`. */
#include <string.h>

#include "fuzz_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_output(const FuzzOutput *a, const FuzzOutput *b)
{
	return a->clen == b->clen && a->hlen == b->hlen && memcmp(a->c, b->c, a->clen) == 0 &&
	       memcmp(a->h, b->h, a->hlen) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int i = 0; i < fuzz_nvariants; i++) {
		const FuzzVariant *v = &fuzz_variants[i];
		FuzzOutput first = { 0 }, again = { 0 };
		bool accepted = fuzz_compile(data, size, v, &first);
		if (fuzz_compile(data, size, v, &again) != accepted)
			fuzz_fail("accepted once and rejected once", v);
		if (accepted && !same_output(&first, &again))
			fuzz_fail("two runs wrote different C", v);
		fuzz_output_free(&first);
		fuzz_output_free(&again);
		if (!accepted)
			break; /* the optimizer and the emitter never see it: one rejection says it all */
	}
	return 0;
}
