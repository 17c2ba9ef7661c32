# examples/logreg/local.mk: multinomial logistic regression on the digits (examples/data, whose
# rules are in examples/mlp/local.mk).
noinst_PROGRAMS += examples/logreg/logreg
examples_logreg_logreg_SOURCES = examples/logreg/main.c
nodist_examples_logreg_logreg_SOURCES = examples/logreg/logreg.c examples/logreg/logreg.h
examples_logreg_logreg_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir)/examples/logreg -I$(top_srcdir)/examples/data
examples_logreg_logreg_LDADD = examples/data/libdigits.la runtime/libmorchrt.la -lm
BUILT_SOURCES += examples/logreg/logreg.c examples/logreg/logreg.h
CLEANFILES += examples/logreg/logreg.c examples/logreg/logreg.h
EXTRA_DIST += examples/logreg/logreg.morch examples/logreg/README.md
examples/logreg/logreg.c: $(MORCHGEN_DEPS)
examples/logreg/logreg.h: examples/logreg/logreg.c

# make check: the self-check of logreg.morch (docs/selfcheck.md).
check_PROGRAMS += examples/logreg/logreg_test
nodist_examples_logreg_logreg_test_SOURCES = examples/logreg/logreg_test.c examples/logreg/logreg.c \
	examples/logreg/logreg.h
examples_logreg_logreg_test_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir)/examples/logreg
examples_logreg_logreg_test_LDADD = runtime/libmorchrt.la -lm
TESTS += examples/logreg/logreg_test
CLEANFILES += examples/logreg/logreg_test.c
examples/logreg/logreg_test.c: examples/logreg/logreg.morch $(MORCHGEN_DEPS)
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(MORCHGEN_TEST) $@ $(srcdir)/examples/logreg/logreg.morch

# make check: trains with fixed settings and fails below 95% held-out accuracy.
TESTS += examples/logreg/accuracy.sh
EXTRA_DIST += examples/logreg/accuracy.sh
