# tests/semantics.mk: edge cases of the contract that finite differences cannot check (ties,
# overflow, bad labels, symbolic sizes, the shape of the generated C API), each with expected
# values worked out by hand or from PyTorch's documented behaviour, never by running morch.
#
# The cmocka programs link code generated from tests/semantics/*.morch by the .morch.c rule of
# examples/local.mk; the shell tests run morchgen and the compiler themselves (sanitizers, nm,
# g++, -fopt-info), so a missing tool is a skip rather than a build failure.

SEM_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir)/tests/semantics -I$(top_srcdir)/tests/semantics \
	$(CMOCKA_CFLAGS)
SEM_LDADD = runtime/libmorchrt.la $(CMOCKA_LIBS) -lm

# Generated from tests/semantics/NAME.morch: NAME.c and NAME.h.
SEM_GENERATED = \
	tests/semantics/ties.c tests/semantics/ties.h \
	tests/semantics/stable.c tests/semantics/stable.h \
	tests/semantics/symdims.c tests/semantics/symdims.h \
	tests/semantics/api.c tests/semantics/api.h
BUILT_SOURCES += $(SEM_GENERATED)
CLEANFILES += $(SEM_GENERATED)
tests/semantics/ties.c tests/semantics/stable.c: $(MORCHGEN_DEPS)
tests/semantics/symdims.c tests/semantics/api.c: $(MORCHGEN_DEPS)
tests/semantics/ties.h: tests/semantics/ties.c
tests/semantics/stable.h: tests/semantics/stable.c
tests/semantics/symdims.h: tests/semantics/symdims.c
tests/semantics/api.h: tests/semantics/api.c

# 1. The seed graph's numbers, from the example's own generated code.
check_PROGRAMS += tests/semantics/seed_test
tests_semantics_seed_test_SOURCES = tests/semantics/seed_test.c tests/semantics/expect.h
nodist_tests_semantics_seed_test_SOURCES = examples/seed/seed.c examples/seed/seed.h
tests_semantics_seed_test_CPPFLAGS = $(SEM_CPPFLAGS) -I$(top_builddir)/examples/seed
tests_semantics_seed_test_LDADD = $(SEM_LDADD)

# 2. Subgradients at ties.
check_PROGRAMS += tests/semantics/ties_test
tests_semantics_ties_test_SOURCES = tests/semantics/ties_test.c tests/semantics/expect.h
nodist_tests_semantics_ties_test_SOURCES = tests/semantics/ties.c tests/semantics/ties.h
tests_semantics_ties_test_CPPFLAGS = $(SEM_CPPFLAGS)
tests_semantics_ties_test_LDADD = $(SEM_LDADD)

# 3. Softmax and friends near +-1000.
check_PROGRAMS += tests/semantics/stable_test
tests_semantics_stable_test_SOURCES = tests/semantics/stable_test.c tests/semantics/expect.h
nodist_tests_semantics_stable_test_SOURCES = tests/semantics/stable.c tests/semantics/stable.h
tests_semantics_stable_test_CPPFLAGS = $(SEM_CPPFLAGS)
tests_semantics_stable_test_LDADD = $(SEM_LDADD)

# 4. Bad labels, under AddressSanitizer: built by the script, which skips when the sanitizer
# runtime is missing. build.env hands the shell tests the flags configure found.
tests/semantics/build.env: Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && { \
	  echo "CMOCKA_CFLAGS='$(CMOCKA_CFLAGS)'"; \
	  echo "CMOCKA_LIBS='$(CMOCKA_LIBS)'"; \
	} >$@
CLEANFILES += tests/semantics/build.env
tests/semantics/labels_asan.log: tests/semantics/build.env

# 5. Symbolic sizes.
check_PROGRAMS += tests/semantics/symdims_test
tests_semantics_symdims_test_SOURCES = tests/semantics/symdims_test.c tests/semantics/expect.h
nodist_tests_semantics_symdims_test_SOURCES = tests/semantics/symdims.c tests/semantics/symdims.h
tests_semantics_symdims_test_CPPFLAGS = $(SEM_CPPFLAGS)
tests_semantics_symdims_test_LDADD = $(SEM_LDADD)

# 6. The generated C API: calling conventions here, files and symbols in api_files.sh.
check_PROGRAMS += tests/semantics/api_test
tests_semantics_api_test_SOURCES = tests/semantics/api_test.c tests/semantics/expect.h
nodist_tests_semantics_api_test_SOURCES = tests/semantics/api.c tests/semantics/api.h
tests_semantics_api_test_CPPFLAGS = $(SEM_CPPFLAGS)
tests_semantics_api_test_CFLAGS = $(AM_CFLAGS) -pthread
tests_semantics_api_test_LDADD = $(SEM_LDADD) -lpthread

# 7. Sanitizers over the generated code of many graphs, at -O1 and -O3 (sanitize.sh).
# 8. GCC vectorizes the elementwise loops (vectorize.sh).
# 9. The seed and MLP examples keep their kernel counts and workspace (budget.sh).

TESTS += \
	tests/semantics/seed_test \
	tests/semantics/seed_example.sh \
	tests/semantics/ties_test \
	tests/semantics/stable_test \
	tests/semantics/labels_asan.sh \
	tests/semantics/symdims_test \
	tests/semantics/api_test \
	tests/semantics/api_files.sh \
	tests/semantics/sanitize.sh \
	tests/semantics/vectorize.sh \
	tests/semantics/budget.sh

EXTRA_DIST += \
	tests/semantics/ties.morch tests/semantics/stable.morch \
	tests/semantics/symdims.morch tests/semantics/api.morch \
	tests/semantics/seed_example.sh tests/semantics/seed_example.expected \
	tests/semantics/common.sh \
	tests/semantics/labels.morch tests/semantics/labels_test.c tests/semantics/labels_asan.sh \
	tests/semantics/api_files.sh \
	tests/semantics/mlp_ce.morch tests/semantics/reductions.morch tests/semantics/matmul3d.morch \
	tests/semantics/san_driver.c tests/semantics/sanitize.sh \
	tests/semantics/elementwise.morch tests/semantics/vectorize.sh tests/semantics/budget.sh
