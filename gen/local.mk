# gen/: morchgen, the compiler. parser.c/.h and lexer.c are built from parser.y and lexer.l
# (and shipped in release tarballs, so users of a release need no bison or flex).
# Everything but main.c is a convenience library, so unit tests can link the passes.
noinst_LTLIBRARIES += gen/libmorchgen.la
gen_libmorchgen_la_SOURCES = \
	gen/arena.c gen/util.h gen/bounds.h \
	gen/diag.c gen/diag.h gen/symtab.c gen/symtab.h \
	gen/ast.h gen/parser.y gen/lexer.l \
	gen/ir.h gen/ops.def gen/ir.c gen/shape.c \
	gen/build.c \
	gen/diff.c \
	gen/opt.h gen/opt.c gen/opt_fold.c gen/opt_algebra.c gen/opt_cse.c gen/opt_dce.c \
	gen/dump.c \
	gen/driver.h gen/driver.c \
	gen/schedule.h gen/schedule.c gen/plan.c \
	gen/emit.h gen/emit_internal.h gen/emit_c.c gen/emit_func.c gen/emit_loop.c \
	gen/emit_kernels.c gen/emit_matmul.c gen/emit_blas.c gen/emit_reflect.c gen/emit_names.c \
	gen/emit_text.c gen/emit_lines.c gen/emit_omp.c gen/emit_test.c gen/emit_vmath.c
# --emit=test writes selfcheck_rt.c, the checks, into every self-check program: it is compiled
# in as text, one string a line (each well under C99's minimum literal length).
nodist_gen_libmorchgen_la_SOURCES = gen/selfcheck_text.c
EXTRA_DIST += gen/selfcheck_rt.c
BUILT_SOURCES += gen/selfcheck_text.c
CLEANFILES += gen/selfcheck_text.c
gen/selfcheck_text.c: $(top_srcdir)/gen/selfcheck_rt.c
	$(AM_V_GEN)$(MKDIR_P) $(@D); \
	{ echo '/* selfcheck_text.c: made from selfcheck_rt.c by gen/local.mk. Do not edit. */'; \
	  echo 'extern const char *const selfcheck_text[];'; \
	  echo 'const char *const selfcheck_text[] = {'; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n",/' \
	    $(top_srcdir)/gen/selfcheck_rt.c; \
	  echo '	0,'; echo '};'; \
	} > $@-t && mv $@-t $@
gen_libmorchgen_la_CPPFLAGS = -I$(top_srcdir)/gen -I$(top_builddir)/gen
AM_YFLAGS = -d -Wall -Wno-yacc
BUILT_SOURCES += gen/parser.h

bin_PROGRAMS += gen/morchgen
gen_morchgen_SOURCES = gen/main.c
gen_morchgen_CPPFLAGS = -I$(top_srcdir)/gen -I$(top_builddir)/gen
gen_morchgen_LDADD = gen/libmorchgen.la
