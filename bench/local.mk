# bench/: `make bench`, not part of `make check`. Builds three C drivers with BENCH_CFLAGS (the
# generated and the hand-written C alike), then bench/run.py runs them, the PyTorch script and
# the compile-time benchmark, and prints one table (also kept in bench/results.txt).
# docs/benchmarks.md says what each row measures.
#
#   make bench                                  # -O3 -march=native
#   make bench BENCH_CFLAGS='-O2'               # other flags: the drivers are rebuilt
#   make bench BENCH_CC_TIMEOUT=600             # let cc finish on the big generated graphs
BENCH_CFLAGS = -O3 -march=native
BENCH_SEED_SIZES = 3 64 256 1024
BENCH_NODES = 100,280,1000,1400,5000
BENCH_CC_TIMEOUT = 30
BENCH_COMPILE = $(CC) $(BENCH_CFLAGS) -I$(top_srcdir)/runtime -I$(top_srcdir)/bench -Ibench
BENCH_DRIVERS = bench/seed$(EXEEXT) bench/mlp$(EXEEXT) bench/stream$(EXEEXT)

bench: $(BENCH_DRIVERS)
	@test -n "$(PYTHON3)" || { echo "make bench needs Python 3: ./configure PYTHON3=/usr/bin/python3" >&2; exit 1; }
	$(PYTHON3) $(top_srcdir)/bench/run.py --builddir=$(top_builddir) --srcdir=$(top_srcdir) \
		--morchgen=$(MORCHGEN) --cc='$(CC)' --cflags='$(BENCH_CFLAGS)' --python='$(PYTHON3)' \
		--nodes=$(BENCH_NODES) --cc-timeout=$(BENCH_CC_TIMEOUT) >bench/results.txt-t
	@mv bench/results.txt-t bench/results.txt && cat bench/results.txt

# The compiler and flags the drivers were built with; rewritten only when they change, so that
# `make bench BENCH_CFLAGS=...` rebuilds the drivers and a plain `make bench` does not.
bench/cflags: bench-force
	@$(MKDIR_P) bench
	@echo '$(CC) $(BENCH_CFLAGS)' >$@-t; if cmp -s $@-t $@; then rm -f $@-t; else mv $@-t $@; fi
.PHONY: bench bench-force

# The seed graph at each size of BENCH_SEED_SIZES (bench/seed.c lists the same sizes).
bench/seedn.morch: $(top_srcdir)/bench/local.mk
	@$(MKDIR_P) bench
	$(AM_V_GEN)for n in $(BENCH_SEED_SIZES); do \
		printf 'graph seed_n%s {\n    input a[%s, %s];\n    param b[%s, %s];\n' $$n $$n $$n $$n $$n; \
		printf '    t = sum(1 / (1 + exp(-a)) @ b);\n    output t;\n    grad t wrt a, b;\n}\n'; \
	done >$@-t && mv $@-t $@
bench/seedn.c: bench/seedn.morch $(MORCHGEN)
	$(AM_V_GEN)$(MORCHGEN) -o $@ bench/seedn.morch
bench/chain.c: $(top_srcdir)/bench/chain.morch $(MORCHGEN)
	@$(MKDIR_P) bench
	$(AM_V_GEN)$(MORCHGEN) -o $@ $(top_srcdir)/bench/chain.morch
bench/mlp784.c: $(top_srcdir)/bench/mlp784.morch $(MORCHGEN)
	@$(MKDIR_P) bench
	$(AM_V_GEN)$(MORCHGEN) -o $@ $(top_srcdir)/bench/mlp784.morch
bench/seedn.h: bench/seedn.c
bench/chain.h: bench/chain.c
bench/mlp784.h: bench/mlp784.c

# One driver per benchmark family: its own source plus the generated C, in one compiler call.
bench/seed$(EXEEXT): $(top_srcdir)/bench/seed.c $(top_srcdir)/bench/timer.h bench/seedn.c bench/seedn.h bench/cflags
	$(AM_V_CCLD)$(BENCH_COMPILE) -o $@ $(top_srcdir)/bench/seed.c bench/seedn.c -lm
bench/mlp$(EXEEXT): $(top_srcdir)/bench/mlp.c $(top_srcdir)/bench/timer.h bench/mlp784.c bench/mlp784.h bench/cflags
	$(AM_V_CCLD)$(BENCH_COMPILE) -o $@ $(top_srcdir)/bench/mlp.c bench/mlp784.c -lm
bench/stream$(EXEEXT): $(top_srcdir)/bench/stream.c $(top_srcdir)/bench/timer.h bench/chain.c bench/chain.h bench/cflags
	$(AM_V_CCLD)$(BENCH_COMPILE) -o $@ $(top_srcdir)/bench/stream.c bench/chain.c -lm

EXTRA_DIST += \
	bench/timer.h bench/seed.c bench/mlp.c bench/stream.c \
	bench/chain.morch bench/mlp784.morch \
	bench/run.py bench/torch_bench.py bench/gen_chain.py
# bench/compile-*: the graphs of the compile-time benchmark, their C, headers and objects.
CLEANFILES += $(BENCH_DRIVERS) bench/cflags bench/results.txt bench/results.txt-t \
	bench/seedn.morch bench/seedn.c bench/seedn.h bench/chain.c bench/chain.h \
	bench/mlp784.c bench/mlp784.h bench/compile-*
