# tests/: `make check`. Each layer keeps its rules in a fragment of its own.
# The environment of every test: the tools, and the sanitizers' settings. SANITIZER_FLAGS is empty
# unless ./configure --enable-sanitizers; a test that compiles generated C itself and runs it adds
# them, so every graph runs under ASan and UBSan there. ASAN_OPTIONS and UBSAN_OPTIONS make any
# report fatal, wherever the sanitizers are used (the caller's own options come last and win);
# leaks are checked where LeakSanitizer works (configure).
TEST_EXTENSIONS = .sh .py
AM_TESTS_ENVIRONMENT = \
	MORCHGEN='$(abs_top_builddir)/gen/morchgen$(EXEEXT)'; export MORCHGEN; \
	MORCHGEN_FLAGS='$(MORCHGEN_FLAGS)'; export MORCHGEN_FLAGS; \
	top_srcdir='$(abs_top_srcdir)'; export top_srcdir; \
	top_builddir='$(abs_top_builddir)'; export top_builddir; \
	CC='$(CC)'; export CC; \
	PYTHON3='$(PYTHON3)'; export PYTHON3; \
	LIBTOOL='$(abs_top_builddir)/libtool'; export LIBTOOL; \
	SANITIZER_FLAGS='$(SANITIZER_FLAGS)'; export SANITIZER_FLAGS; \
	ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=$(MORCH_DETECT_LEAKS)$${ASAN_OPTIONS:+:$$ASAN_OPTIONS}"; \
	export ASAN_OPTIONS; \
	UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1$${UBSAN_OPTIONS:+:$$UBSAN_OPTIONS}"; \
	export UBSAN_OPTIONS;
SH_LOG_COMPILER = $(SHELL)
PY_LOG_COMPILER = $(PYTHON3)

if HAVE_CMOCKA
include tests/unit.mk
include tests/errors.mk
include tests/grad.mk
include tests/semantics.mk
include tests/torch.mk
include tests/passes.mk
include tests/memcheck.mk
include tests/sizes.mk
include tests/limits.mk
include tests/selfcheck.mk
include tests/names.mk
include tests/matmul.mk
include tests/openmp.mk
include tests/blas.mk
include tests/vmath.mk
else
check-local:
	@echo "make check needs cmocka: apt-get install libcmocka-dev, then ./configure again" >&2
	@exit 1
endif
include tests/fuzz.mk
