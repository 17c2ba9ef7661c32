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

# make check: trains with fixed settings and fails below 95% held-out accuracy.
TESTS += examples/logreg/accuracy.sh
EXTRA_DIST += examples/logreg/accuracy.sh
