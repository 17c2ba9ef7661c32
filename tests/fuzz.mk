# tests/fuzz.mk: fuzzing the compiler. See docs/reliability.md, "Fuzzing".
#   make fuzz [FUZZ_SECONDS=N]      libFuzzer on fuzz_compile.c: the whole compiler in process,
#                                   under AddressSanitizer, UndefinedBehaviorSanitizer and
#                                   LeakSanitizer
#   make fuzz-cc [FUZZ_SECONDS=N]   libFuzzer on fuzz_cc.c: accepted inputs' C through $(CC)
#   make fuzz-merge                 the inputs the fuzzers found, minimized into the corpus
# Crashes are written to tests/fuzz/regressions/ in the source tree, to be committed.
# make check replays the corpus and the regressions without clang:
#   replay.sh   fuzz_compile.c built with $(CC) and the project's flags (replay_main.c)
#   cc-check.sh every accepted input's C, at -O0, -O2 and -O2 --reflect, through
#               $(CC) -std=c99 -O2 -Wall -Wextra -Werror

FUZZ_CORPUS = tests/fuzz/corpus
FUZZ_REGRESSIONS = tests/fuzz/regressions

check_PROGRAMS += tests/fuzz/replay
tests_fuzz_replay_SOURCES = tests/fuzz/replay_main.c tests/fuzz/fuzz_compile.c \
	tests/fuzz/fuzz_run.c tests/fuzz/fuzz_run.h
tests_fuzz_replay_CPPFLAGS = -I$(top_srcdir)/gen -I$(top_builddir)/gen
tests_fuzz_replay_LDADD = gen/libmorchgen.la

FUZZ_TESTS = tests/fuzz/replay.sh tests/fuzz/cc-check.sh
TESTS += $(FUZZ_TESTS)
EXTRA_DIST += $(FUZZ_TESTS) tests/fuzz/fuzz_cc.c tests/fuzz/morch.dict tests/fuzz/README.md \
	$(FUZZ_CORPUS) $(FUZZ_REGRESSIONS)

# The libFuzzer builds: gen/'s sources compiled again, with clang and the sanitizers (gen/'s
# library is built with $(CC), which need not be clang).
FUZZ_CLANG = clang
FUZZ_SECONDS = 60
FUZZ_MAX_LEN = 4096
FUZZ_SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CLANG_FLAGS = -g -O1 $(FUZZ_SANITIZE) -DHAVE_CONFIG_H -I$(abs_top_builddir) \
	-I$(abs_top_srcdir)/gen -I$(abs_top_builddir)/gen -I$(abs_top_srcdir)/runtime
FUZZ_OPTIONS = -close_fd_mask=2 -print_final_stats=1 -max_len=$(FUZZ_MAX_LEN) -timeout=60 \
	-report_slow_units=60 \
	-dict=$(srcdir)/tests/fuzz/morch.dict -artifact_prefix=$(srcdir)/$(FUZZ_REGRESSIONS)/
FUZZ_HARNESS_DEPS = tests/fuzz/clang/gen.stamp tests/fuzz/fuzz_run.c tests/fuzz/fuzz_run.h

# The .y and .l become the .c files they generate, found in the build tree or, from a release
# tarball, in the source tree.
tests/fuzz/clang/gen.stamp: $(gen_libmorchgen_la_SOURCES) $(nodist_gen_libmorchgen_la_SOURCES) \
		gen/parser.c gen/lexer.c config.h
	@command -v $(FUZZ_CLANG) >/dev/null || \
	  { echo "make fuzz needs clang and libclang-rt-14-dev (or FUZZ_CLANG=...)" >&2; exit 1; }
	$(AM_V_GEN)rm -rf tests/fuzz/clang && $(MKDIR_P) tests/fuzz/clang && \
	srcs=; for f in $(gen_libmorchgen_la_SOURCES) $(nodist_gen_libmorchgen_la_SOURCES); do \
	  case $$f in *.[yl]) f=`echo $$f | sed 's/\.[yl]$$/.c/'`;; *.c) ;; *) continue;; esac; \
	  if test -f $$f; then srcs="$$srcs $(abs_top_builddir)/$$f"; \
	  else srcs="$$srcs $(abs_top_srcdir)/$$f"; fi; \
	done; \
	cd tests/fuzz/clang && $(FUZZ_CLANG) $(FUZZ_CLANG_FLAGS) -fsanitize=fuzzer-no-link -c $$srcs && \
	touch gen.stamp

tests/fuzz/fuzz-compile: tests/fuzz/fuzz_compile.c $(FUZZ_HARNESS_DEPS)
	$(AM_V_CCLD)$(FUZZ_CLANG) $(FUZZ_CLANG_FLAGS) -fsanitize=fuzzer -o $@ \
	  $(srcdir)/tests/fuzz/fuzz_compile.c $(srcdir)/tests/fuzz/fuzz_run.c tests/fuzz/clang/*.o -lm
tests/fuzz/fuzz-cc: tests/fuzz/fuzz_cc.c $(FUZZ_HARNESS_DEPS)
	$(AM_V_CCLD)$(FUZZ_CLANG) $(FUZZ_CLANG_FLAGS) -fsanitize=fuzzer -o $@ \
	  $(srcdir)/tests/fuzz/fuzz_cc.c $(srcdir)/tests/fuzz/fuzz_run.c tests/fuzz/clang/*.o -lm

# New inputs go to a work directory in the build tree; the corpus in the source tree is only
# read (fuzz-merge folds the work into it). The last lines are libFuzzer's final figures.
FUZZ_RUN = run() { \
	  harness=$$1; work=tests/fuzz/work-$$1; shift; $(MKDIR_P) $$work $(srcdir)/$(FUZZ_REGRESSIONS); \
	  echo "fuzzing $$harness for $(FUZZ_SECONDS) s; new inputs in $$work, crashes in $(srcdir)/$(FUZZ_REGRESSIONS)/"; \
	  UBSAN_OPTIONS=print_stacktrace=1 tests/fuzz/$$harness $(FUZZ_OPTIONS) "$$@" \
	    -max_total_time=$(FUZZ_SECONDS) $$work $(srcdir)/$(FUZZ_CORPUS); status=$$?; \
	  echo "corpus: `ls $$work | wc -l` inputs found in $$work; regressions: `ls $(srcdir)/$(FUZZ_REGRESSIONS) | grep -v README | wc -l` files"; \
	  exit $$status; }; run

fuzz: tests/fuzz/fuzz-compile
	@$(FUZZ_RUN) fuzz-compile
fuzz-cc: tests/fuzz/fuzz-cc
	@MORCH_FUZZ_CC='$(CC)' MORCH_FUZZ_RUNTIME='$(abs_top_srcdir)/runtime'; \
	export MORCH_FUZZ_CC MORCH_FUZZ_RUNTIME; $(FUZZ_RUN) fuzz-cc
fuzz-merge: tests/fuzz/fuzz-compile
	@$(MKDIR_P) tests/fuzz/work-fuzz-compile tests/fuzz/work-fuzz-cc && rm -rf tests/fuzz/merged && \
	$(MKDIR_P) tests/fuzz/merged && \
	tests/fuzz/fuzz-compile -merge=1 -close_fd_mask=2 -max_len=$(FUZZ_MAX_LEN) tests/fuzz/merged \
	  $(srcdir)/$(FUZZ_CORPUS) tests/fuzz/work-fuzz-compile tests/fuzz/work-fuzz-cc && \
	rm -f $(srcdir)/$(FUZZ_CORPUS)/* && mv tests/fuzz/merged/* $(srcdir)/$(FUZZ_CORPUS)/ && \
	echo "corpus: `ls $(srcdir)/$(FUZZ_CORPUS) | wc -l` inputs, `cat $(srcdir)/$(FUZZ_CORPUS)/* | wc -c` bytes"
.PHONY: fuzz fuzz-cc fuzz-merge

clean-local: clean-fuzz
clean-fuzz:
	rm -rf tests/fuzz/clang tests/fuzz/merged tests/fuzz/work-fuzz-compile tests/fuzz/work-fuzz-cc
.PHONY: clean-fuzz
CLEANFILES += tests/fuzz/fuzz-compile tests/fuzz/fuzz-cc
