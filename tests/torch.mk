# tests/torch.mk: parity with PyTorch. The graphs of tests/torch/*.morch, in float and in double,
# and the seed example, compiled with morchgen --reflect into one generic runner that reads and
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
	tests/torch/edges.morch \
	tests/torch/readme.morch

TORCH_GENERATED = \
	tests/torch/torch_parity.morch \
	tests/torch/torch_parity.c tests/torch/torch_parity.h \
	tests/torch/torch_parity_f64.morch \
	tests/torch/torch_parity_f64.c tests/torch/torch_parity_f64.h \
	tests/torch/seed_reflect.c tests/torch/seed_reflect.h

check_PROGRAMS += tests/torch/runner
tests_torch_runner_SOURCES = \
	tests/torch/runner.c tests/torch/modules.c \
	tests/torch/npy.c tests/torch/npy.h
nodist_tests_torch_runner_SOURCES = \
	tests/torch/torch_parity.c tests/torch/torch_parity.h \
	tests/torch/torch_parity_f64.c tests/torch/torch_parity_f64.h \
	tests/torch/seed_reflect.c tests/torch/seed_reflect.h
# the contract: generated C compiles cleanly as C99 with every warning an error
tests_torch_runner_CFLAGS = -std=c99 -Wall -Wextra -Werror
tests_torch_runner_LDADD = runtime/libmorchrt.la -lm
# a real executable, not a libtool wrapper script: it runs once per case
tests_torch_runner_LDFLAGS = -no-install

TESTS += tests/torch/parity.py
EXTRA_DIST += $(TORCH_MORCH) tests/torch/parity.py tests/torch/cases.py
CLEANFILES += $(TORCH_GENERATED)

# One file of every graph, so one module holds them (graph names are unique across files).
tests/torch/torch_parity.morch: $(TORCH_MORCH)
	@$(MKDIR_P) $(@D)
	$(AM_V_GEN)for f in $(TORCH_MORCH); do cat $(srcdir)/$$f || exit 1; done > $@-t && mv $@-t $@

# The double twin of every graph: `graph NAME {` becomes `graph NAME_f64 : f64 {`.
tests/torch/torch_parity_f64.morch: tests/torch/torch_parity.morch
	$(AM_V_GEN)sed 's/^graph \([A-Za-z_][A-Za-z0-9_]*\) *{/graph \1_f64 : f64 {/' \
		tests/torch/torch_parity.morch > $@-t && \
	if grep '^graph' $@-t | grep -v ': f64 {' >&2; then \
		echo "$@: write each graph header as 'graph NAME {' on a line of its own" >&2; \
		rm -f $@-t; exit 1; \
	fi && mv $@-t $@

tests/torch/torch_parity.c: tests/torch/torch_parity.morch $(MORCHGEN)
	$(AM_V_GEN)$(MORCHGEN) --reflect -o $@ tests/torch/torch_parity.morch
tests/torch/torch_parity_f64.c: tests/torch/torch_parity_f64.morch $(MORCHGEN)
	$(AM_V_GEN)$(MORCHGEN) --reflect -o $@ tests/torch/torch_parity_f64.morch
tests/torch/seed_reflect.c: $(top_srcdir)/examples/seed/seed.morch $(MORCHGEN)
	@$(MKDIR_P) $(@D)
	$(AM_V_GEN)$(MORCHGEN) --reflect -o $@ $(top_srcdir)/examples/seed/seed.morch
tests/torch/torch_parity.h: tests/torch/torch_parity.c
tests/torch/torch_parity_f64.h: tests/torch/torch_parity_f64.c
tests/torch/seed_reflect.h: tests/torch/seed_reflect.c
