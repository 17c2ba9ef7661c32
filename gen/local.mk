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
	gen/emit_kernels.c gen/emit_reflect.c gen/emit_names.c gen/emit_text.c \
	gen/emit_lines.c
gen_libmorchgen_la_CPPFLAGS = -I$(top_srcdir)/gen -I$(top_builddir)/gen
AM_YFLAGS = -d -Wall -Wno-yacc
BUILT_SOURCES += gen/parser.h

bin_PROGRAMS += gen/morchgen
gen_morchgen_SOURCES = gen/main.c
gen_morchgen_CPPFLAGS = -I$(top_srcdir)/gen -I$(top_builddir)/gen
gen_morchgen_LDADD = gen/libmorchgen.la
