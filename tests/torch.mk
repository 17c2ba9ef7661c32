# tests/torch.mk: parity with PyTorch. The graphs of tests/torch/*.morch and of the examples, in
# float and in double, compiled with morchgen --reflect into one generic runner that reads and
# writes .npy files; tests/torch/parity.py feeds it and compares with torch's autograd. The test
# is skipped (exit 77) where python3-torch is not installed.

TORCH_MORCH = \
	tests/torch/elementwise.morch \
	tests/torch/reductions.morch \
	tests/torch/linalg.morch \
	tests/torch/symbolic.morch \
	tests/torch/labels.morch \
	tests/torch/higher.morch \
	tests/torch/models.morch \
	tests/torch/second.morch \
	tests/torch/edges.morch

# the examples' graphs as they ship (the seed example is compiled as it is: it has its f64 twin)
TORCH_EXAMPLES = examples/mlp/mlp.morch examples/logreg/logreg.morch

TORCH_GENERATED = \
	tests/torch/torch_examples.morch \
	tests/torch/torch_examples.c tests/torch/torch_examples.h \
	tests/torch/torch_examples_f64.morch \
	tests/torch/torch_examples_f64.c tests/torch/torch_examples_f64.h \
	tests/torch/torch_parity.morch \
	tests/torch/torch_parity.c tests/torch/torch_parity.h \
	tests/torch/torch_parity_f64.morch \
	tests/torch/torch_parity_f64.c tests/torch/torch_parity_f64.h \
	tests/torch/seed_reflect.c tests/torch/seed_reflect.h \
	tests/torch/readme.c tests/torch/readme.h \
	tests/torch/readme_f64.morch tests/torch/readme_f64.c tests/torch/readme_f64.h

check_PROGRAMS += tests/torch/runner
tests_torch_runner_SOURCES = \
	tests/torch/runner.c tests/torch/modules.c \
	tests/torch/npy.c tests/torch/npy.h
nodist_tests_torch_runner_SOURCES = \
	tests/torch/torch_parity.c tests/torch/torch_parity.h \
	tests/torch/torch_parity_f64.c tests/torch/torch_parity_f64.h \
	tests/torch/torch_examples.c tests/torch/torch_examples.h \
	tests/torch/torch_examples_f64.c tests/torch/torch_examples_f64.h \
	tests/torch/seed_reflect.c tests/torch/seed_reflect.h
# the contract: generated C compiles cleanly as C99 with every warning an error
tests_torch_runner_CFLAGS = -std=c99 -Wall -Wextra -Werror
tests_torch_runner_LDADD = runtime/libmorchrt.la -lm
# a real executable, not a libtool wrapper script: it runs once per case
tests_torch_runner_LDFLAGS = -no-install

# readme.morch the way README.md says to use a .morch file: the .morch.c suffix rule (without
# --reflect), and a caller that uses the generated names and the documented argument order.
check_PROGRAMS += tests/torch/readme_run
tests_torch_readme_run_SOURCES = tests/torch/readme_main.c tests/torch/npy.c tests/torch/npy.h
nodist_tests_torch_readme_run_SOURCES = \
	tests/torch/readme.c tests/torch/readme.h \
	tests/torch/readme_f64.c tests/torch/readme_f64.h
tests_torch_readme_run_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir)/tests/torch
tests_torch_readme_run_CFLAGS = -std=c99 -Wall -Wextra -Werror
tests_torch_readme_run_LDADD = runtime/libmorchrt.la -lm
tests_torch_readme_run_LDFLAGS = -no-install
tests/torch/readme.c tests/torch/readme_f64.c: $(MORCHGEN_DEPS)
tests/torch/readme.h: tests/torch/readme.c
tests/torch/readme_f64.h: tests/torch/readme_f64.c
tests/torch/readme_run-readme_main.$(OBJEXT): tests/torch/readme.h tests/torch/readme_f64.h

# the .npy reader and writer on their own (no torch needed)
check_PROGRAMS += tests/torch/npy_test
tests_torch_npy_test_SOURCES = tests/torch/npy_test.c tests/torch/npy.c tests/torch/npy.h
tests_torch_npy_test_CFLAGS = -std=c99 -Wall -Wextra -Werror $(CMOCKA_CFLAGS)
tests_torch_npy_test_LDADD = $(CMOCKA_LIBS)
CLEANFILES += npy_test-scratch.npy

# the runner's own checks, on hand-written graphs that break the rules (runner_check.py)
check_PROGRAMS += tests/torch/runner_selftest
tests_torch_runner_selftest_SOURCES = tests/torch/runner.c tests/torch/broken_graphs.c \
	tests/torch/npy.c tests/torch/npy.h
tests_torch_runner_selftest_CFLAGS = -std=c99 -Wall -Wextra -Werror
tests_torch_runner_selftest_LDADD = runtime/libmorchrt.la
tests_torch_runner_selftest_LDFLAGS = -no-install

TESTS += tests/torch/npy_test tests/torch/runner_check.py tests/torch/parity.py
EXTRA_DIST += $(TORCH_MORCH) tests/torch/readme.morch \
	tests/torch/parity.py tests/torch/cases.py tests/torch/runner_check.py
CLEANFILES += $(TORCH_GENERATED)

# One file of many, so one module holds their graphs (names are unique across the files).
# Made again when the Makefile changes, as the list may have.
TORCH_CAT = for f in $$files; do cat $(srcdir)/$$f || exit 1; done > $@-t && mv $@-t $@
tests/torch/torch_parity.morch: $(TORCH_MORCH) Makefile
	@$(MKDIR_P) $(@D)
	$(AM_V_GEN)files='$(TORCH_MORCH)'; $(TORCH_CAT)
tests/torch/torch_examples.morch: $(TORCH_EXAMPLES) Makefile
	@$(MKDIR_P) $(@D)
	$(AM_V_GEN)files='$(TORCH_EXAMPLES)'; $(TORCH_CAT)

# The double twin of every graph: `graph NAME {` becomes `graph NAME_f64 : f64 {`.
TORCH_TO_F64 = \
	sed 's/^graph \([A-Za-z_][A-Za-z0-9_]*\) *{/graph \1_f64 : f64 {/' $$in > $@-t && \
	if grep '^graph' $@-t | grep -v ': f64 {' >&2; then \
		echo "$@: write each graph header as 'graph NAME {' on a line of its own" >&2; \
		rm -f $@-t; exit 1; \
	fi && mv $@-t $@
tests/torch/torch_parity_f64.morch: tests/torch/torch_parity.morch
	$(AM_V_GEN)in=tests/torch/torch_parity.morch; $(TORCH_TO_F64)
tests/torch/torch_examples_f64.morch: tests/torch/torch_examples.morch
	$(AM_V_GEN)in=tests/torch/torch_examples.morch; $(TORCH_TO_F64)
tests/torch/readme_f64.morch: tests/torch/readme.morch
	@$(MKDIR_P) $(@D)
	$(AM_V_GEN)in=$(srcdir)/tests/torch/readme.morch; $(TORCH_TO_F64)

tests/torch/torch_parity.c: tests/torch/torch_parity.morch $(MORCHGEN_DEPS)
	$(AM_V_GEN)$(MORCHGEN) $(MORCHGEN_FLAGS) --reflect -o $@ tests/torch/torch_parity.morch
tests/torch/torch_parity_f64.c: tests/torch/torch_parity_f64.morch $(MORCHGEN_DEPS)
	$(AM_V_GEN)$(MORCHGEN) $(MORCHGEN_FLAGS) --reflect -o $@ tests/torch/torch_parity_f64.morch
tests/torch/torch_examples.c: tests/torch/torch_examples.morch $(MORCHGEN_DEPS)
	$(AM_V_GEN)$(MORCHGEN) $(MORCHGEN_FLAGS) --reflect -o $@ tests/torch/torch_examples.morch
tests/torch/torch_examples_f64.c: tests/torch/torch_examples_f64.morch $(MORCHGEN_DEPS)
	$(AM_V_GEN)$(MORCHGEN) $(MORCHGEN_FLAGS) --reflect -o $@ tests/torch/torch_examples_f64.morch
tests/torch/seed_reflect.c: $(top_srcdir)/examples/seed/seed.morch $(MORCHGEN_DEPS)
	@$(MKDIR_P) $(@D)
	$(AM_V_GEN)$(MORCHGEN) $(MORCHGEN_FLAGS) --reflect -o $@ $(top_srcdir)/examples/seed/seed.morch
tests/torch/torch_parity.h: tests/torch/torch_parity.c
tests/torch/torch_parity_f64.h: tests/torch/torch_parity_f64.c
tests/torch/torch_examples.h: tests/torch/torch_examples.c
tests/torch/torch_examples_f64.h: tests/torch/torch_examples_f64.c
tests/torch/seed_reflect.h: tests/torch/seed_reflect.c
