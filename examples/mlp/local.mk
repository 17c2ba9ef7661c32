# examples/mlp/local.mk: the digits data set both digit examples share, and the MLP example.

# examples/data: the 8x8 digits, decompressed at build time into a C initializer (one row a
# line, a comma after each) that digits.c compiles in; gzip is the only tool it needs.
examples/data/digits.inc: $(top_srcdir)/examples/data/digits.csv.gz
	@$(MKDIR_P) $(@D)
	$(AM_V_GEN)gzip -dc $(top_srcdir)/examples/data/digits.csv.gz | sed 's/$$/,/' > $@-t && mv $@-t $@
BUILT_SOURCES += examples/data/digits.inc
CLEANFILES += examples/data/digits.inc
EXTRA_DIST += examples/data/digits.csv.gz examples/data/README.md examples/data/expect-accuracy.sh

# The data, the fixed split, options, seeded random numbers, a clock: what both trainers share.
noinst_LTLIBRARIES += examples/data/libdigits.la
examples_data_libdigits_la_SOURCES = \
	examples/data/digits.c examples/data/digits.h \
	examples/data/options.c examples/data/options.h \
	examples/data/rng.h \
	examples/data/stopwatch.c examples/data/stopwatch.h
examples_data_libdigits_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir)/examples/data

# examples/mlp: a 2-layer perceptron trained by SGD on the digits with mlp_grad.
noinst_PROGRAMS += examples/mlp/mlp
examples_mlp_mlp_SOURCES = examples/mlp/main.c
nodist_examples_mlp_mlp_SOURCES = examples/mlp/mlp.c examples/mlp/mlp.h
examples_mlp_mlp_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir)/examples/mlp -I$(top_srcdir)/examples/data
examples_mlp_mlp_LDADD = examples/data/libdigits.la runtime/libmorchrt.la -lm
BUILT_SOURCES += examples/mlp/mlp.c examples/mlp/mlp.h
CLEANFILES += examples/mlp/mlp.c examples/mlp/mlp.h
EXTRA_DIST += examples/mlp/mlp.morch examples/mlp/README.md
examples/mlp/mlp.c: $(MORCHGEN_DEPS)
examples/mlp/mlp.h: examples/mlp/mlp.c

# make check: the self-check of mlp.morch (docs/selfcheck.md).
check_PROGRAMS += examples/mlp/mlp_test
nodist_examples_mlp_mlp_test_SOURCES = examples/mlp/mlp_test.c examples/mlp/mlp.c \
	examples/mlp/mlp.h
examples_mlp_mlp_test_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir)/examples/mlp
examples_mlp_mlp_test_LDADD = runtime/libmorchrt.la -lm
TESTS += examples/mlp/mlp_test
CLEANFILES += examples/mlp/mlp_test.c
examples/mlp/mlp_test.c: examples/mlp/mlp.morch $(MORCHGEN_DEPS)
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(MORCHGEN_TEST) $@ $(srcdir)/examples/mlp/mlp.morch

# make check: trains with fixed settings and fails below 95% held-out accuracy.
TESTS += examples/mlp/accuracy.sh
EXTRA_DIST += examples/mlp/accuracy.sh
