# examples/: programs built with `make`, each from a .morch file through morchgen, the way a
# user's own Makefile would do it (see README.md, "Using morchgen in your build").

SUFFIXES = .morch

# The rule users copy: FILE.morch -> FILE.c and FILE.h.
.morch.c:
	@$(MKDIR_P) $(@D)
	$(AM_V_GEN)$(MORCHGEN) $(MORCHGEN_FLAGS) -o $@ $<

# The self-check users add to their make check (docs/selfcheck.md): FILE_test.c checks every
# graph of FILE.morch (gradients against finite differences, workspace bound, ...); it includes
# FILE.h and links with FILE.c and libmorchrt. Each example's rules name theirs.
MORCHGEN_TEST = $(MORCHGEN) $(MORCHGEN_FLAGS) --emit=test -o

# examples/seed: the seed notebook's graph, float and double.
noinst_PROGRAMS += examples/seed/seed
examples_seed_seed_SOURCES = examples/seed/main.c
nodist_examples_seed_seed_SOURCES = examples/seed/seed.c examples/seed/seed.h
examples_seed_seed_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir)/examples/seed
examples_seed_seed_LDADD = runtime/libmorchrt.la -lm
BUILT_SOURCES += examples/seed/seed.c examples/seed/seed.h
CLEANFILES += examples/seed/seed.c examples/seed/seed.h
EXTRA_DIST += examples/seed/seed.morch
examples/seed/seed.c: $(MORCHGEN_DEPS)
examples/seed/seed.h: examples/seed/seed.c

# make check: the self-check of seed.morch.
check_PROGRAMS += examples/seed/seed_test
nodist_examples_seed_seed_test_SOURCES = examples/seed/seed_test.c examples/seed/seed.c \
	examples/seed/seed.h
examples_seed_seed_test_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir)/examples/seed
examples_seed_seed_test_LDADD = runtime/libmorchrt.la -lm
TESTS += examples/seed/seed_test
CLEANFILES += examples/seed/seed_test.c
examples/seed/seed_test.c: examples/seed/seed.morch $(MORCHGEN_DEPS)
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(MORCHGEN_TEST) $@ $(srcdir)/examples/seed/seed.morch

include examples/mlp/local.mk
include examples/logreg/local.mk
