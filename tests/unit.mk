# tests/unit.mk: cmocka unit tests of morchgen's passes, linked against gen/libmorchgen.la.
UNIT_TESTS = tests/unit/test_parser tests/unit/test_shapes tests/unit/test_opt
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)

UNIT_CPPFLAGS = -I$(top_srcdir)/gen -I$(top_builddir)/gen -I$(top_srcdir)/tests/unit
UNIT_HARNESS = tests/unit/harness.c tests/unit/harness.h

tests_unit_test_parser_SOURCES = tests/unit/test_parser.c $(UNIT_HARNESS)
tests_unit_test_parser_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_parser_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_parser_LDADD = gen/libmorchgen.la $(CMOCKA_LIBS)

tests_unit_test_shapes_SOURCES = tests/unit/test_shapes.c $(UNIT_HARNESS)
tests_unit_test_shapes_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_shapes_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_shapes_LDADD = gen/libmorchgen.la $(CMOCKA_LIBS)

tests_unit_test_opt_SOURCES = tests/unit/test_opt.c $(UNIT_HARNESS)
tests_unit_test_opt_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_opt_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_opt_LDADD = gen/libmorchgen.la $(CMOCKA_LIBS)
