# tests/: `make check`. Each layer keeps its rules in a fragment of its own.
TEST_EXTENSIONS = .sh .py
AM_TESTS_ENVIRONMENT = \
	MORCHGEN='$(abs_top_builddir)/gen/morchgen$(EXEEXT)'; export MORCHGEN; \
	MORCHGEN_FLAGS='$(MORCHGEN_FLAGS)'; export MORCHGEN_FLAGS; \
	top_srcdir='$(abs_top_srcdir)'; export top_srcdir; \
	top_builddir='$(abs_top_builddir)'; export top_builddir; \
	CC='$(CC)'; export CC; \
	PYTHON3='$(PYTHON3)'; export PYTHON3;
SH_LOG_COMPILER = $(SHELL)
PY_LOG_COMPILER = $(PYTHON3)

if HAVE_CMOCKA
include tests/unit.mk
include tests/errors.mk
include tests/grad.mk
include tests/semantics.mk
include tests/torch.mk
include tests/passes.mk
include tests/names.mk
else
check-local:
	@echo "make check needs cmocka: apt-get install libcmocka-dev, then ./configure again" >&2
	@exit 1
endif
