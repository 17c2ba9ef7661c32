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
