# bench/: `make bench`, not part of `make check`. Builds the C drivers with BENCH_CFLAGS (the
# generated and the hand-written C alike), then bench/run.py runs them, the PyTorch script and
# the compile-time benchmark, and prints one table (also kept in bench/results.txt).
# docs/benchmarks.md says what each row measures.
#
#   make bench                                  # -O3 -march=native
#   make bench BENCH_CFLAGS='-O2'               # other flags: the drivers are rebuilt
#   make bench BENCH_CC_TIMEOUT=600             # let cc finish on the big generated graphs
#   make bench CBLAS_LIBS=-lopenblas            # a CBLAS when configure found none
#
# Optional parts: the matmul driver calls CBLAS (and the MLP has a --blas build) only when
# CBLAS_LIBS is set (configure sets it, and CBLAS_CFLAGS, when it finds a CBLAS); the --openmp
# builds exist only when $(CC) links a program with BENCH_OPENMP_CFLAGS. A driver that cannot be
# built is removed, and bench/run.py prints why its rows are missing.
BENCH_CFLAGS = -O3 -march=native
BENCH_SEED_SIZES = 3 64 256 1024
BENCH_NODES = 100,280,1000,1400,5000
BENCH_CC_TIMEOUT = 30
BENCH_COMPILE = $(CC) $(BENCH_CFLAGS) -I$(top_srcdir)/runtime -I$(top_srcdir)/bench -Ibench
BENCH_OPENMP_CFLAGS = -fopenmp
BENCH_DRIVERS = bench/seed$(EXEEXT) bench/mlp$(EXEEXT) bench/stream$(EXEEXT) \
	bench/matmul$(EXEEXT) bench/vecfn$(EXEEXT)
# Built only when their library or compiler option is there (see above).
BENCH_OPTIONAL_DRIVERS = bench/mlp-blas$(EXEEXT) bench/matmul-omp$(EXEEXT) \
	bench/mlp-omp$(EXEEXT) bench/stream-omp$(EXEEXT)

bench: $(BENCH_DRIVERS) $(BENCH_OPTIONAL_DRIVERS)
	@test -n "$(PYTHON3)" || { echo "make bench needs Python 3: ./configure PYTHON3=/usr/bin/python3" >&2; exit 1; }
	$(PYTHON3) $(top_srcdir)/bench/run.py --builddir=$(top_builddir) --srcdir=$(top_srcdir) \
		--morchgen=$(MORCHGEN) --cc='$(CC)' --cflags='$(BENCH_CFLAGS)' --python='$(PYTHON3)' \
		--nodes=$(BENCH_NODES) --cc-timeout=$(BENCH_CC_TIMEOUT) --cblas-libs='$(CBLAS_LIBS)' \
		--openmp-cflags='$(BENCH_OPENMP_CFLAGS)' >bench/results.txt-t
	@mv bench/results.txt-t bench/results.txt && cat bench/results.txt

# The compiler and flags the drivers were built with; rewritten only when they change, so that
# `make bench BENCH_CFLAGS=...` rebuilds the drivers and a plain `make bench` does not.
bench/cflags: bench-force
	@$(MKDIR_P) bench
	@echo '$(CC) $(BENCH_CFLAGS) | $(CBLAS_CFLAGS) $(CBLAS_LIBS) | $(BENCH_OPENMP_CFLAGS)' >$@-t; if cmp -s $@-t $@; then rm -f $@-t; else mv $@-t $@; fi
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
bench/products.c: $(top_srcdir)/bench/products.morch $(MORCHGEN)
	@$(MKDIR_P) bench
	$(AM_V_GEN)$(MORCHGEN) -o $@ $(top_srcdir)/bench/products.morch
bench/vecfuncs.c: $(top_srcdir)/bench/vecfuncs.morch $(MORCHGEN)
	@$(MKDIR_P) bench
	$(AM_V_GEN)$(MORCHGEN) -o $@ $(top_srcdir)/bench/vecfuncs.morch
bench/seedn.h: bench/seedn.c
bench/chain.h: bench/chain.c
bench/mlp784.h: bench/mlp784.c
bench/products.h: bench/products.c
bench/vecfuncs.h: bench/vecfuncs.c

# The same graphs generated with --openmp (bench/omp/) and --blas (bench/blas/). Their headers
# declare the same functions as the serial ones, which the drivers may include instead.
bench/omp/products.c: $(top_srcdir)/bench/products.morch $(MORCHGEN)
	@$(MKDIR_P) bench/omp
	$(AM_V_GEN)$(MORCHGEN) --openmp -o $@ $(top_srcdir)/bench/products.morch
bench/omp/mlp784.c: $(top_srcdir)/bench/mlp784.morch $(MORCHGEN)
	@$(MKDIR_P) bench/omp
	$(AM_V_GEN)$(MORCHGEN) --openmp -o $@ $(top_srcdir)/bench/mlp784.morch
bench/omp/chain.c: $(top_srcdir)/bench/chain.morch $(MORCHGEN)
	@$(MKDIR_P) bench/omp
	$(AM_V_GEN)$(MORCHGEN) --openmp -o $@ $(top_srcdir)/bench/chain.morch
bench/blas/mlp784.c: $(top_srcdir)/bench/mlp784.morch $(MORCHGEN)
	@$(MKDIR_P) bench/blas
	$(AM_V_GEN)$(MORCHGEN) --blas -o $@ $(top_srcdir)/bench/mlp784.morch

# bench/openmp says "yes" when $(CC) compiles and links an OpenMP program with
# BENCH_OPENMP_CFLAGS.
bench/openmp: bench/cflags
	@printf '#include <omp.h>\nint main(void) { return omp_get_max_threads() > 0 ? 0 : 1; }\n' >bench/openmp-probe.c
	@if $(CC) $(BENCH_CFLAGS) $(BENCH_OPENMP_CFLAGS) -o bench/openmp-probe$(EXEEXT) bench/openmp-probe.c >/dev/null 2>&1; \
	then echo yes; else echo no; fi >$@; rm -f bench/openmp-probe.c bench/openmp-probe$(EXEEXT)
BENCH_IF_OPENMP = if test "`cat bench/openmp`" = yes; then
BENCH_IF_CBLAS = if test -n '$(CBLAS_LIBS)'; then

# One driver per benchmark family: its own source plus the generated C, in one compiler call.
bench/seed$(EXEEXT): $(top_srcdir)/bench/seed.c $(top_srcdir)/bench/timer.h bench/seedn.c bench/seedn.h bench/cflags
	$(AM_V_CCLD)$(BENCH_COMPILE) -o $@ $(top_srcdir)/bench/seed.c bench/seedn.c -lm
bench/mlp$(EXEEXT): $(top_srcdir)/bench/mlp.c $(top_srcdir)/bench/timer.h bench/mlp784.c bench/mlp784.h bench/cflags
	$(AM_V_CCLD)$(BENCH_COMPILE) -o $@ $(top_srcdir)/bench/mlp.c bench/mlp784.c -lm
bench/stream$(EXEEXT): $(top_srcdir)/bench/stream.c $(top_srcdir)/bench/timer.h bench/chain.c bench/chain.h bench/cflags
	$(AM_V_CCLD)$(BENCH_COMPILE) -o $@ $(top_srcdir)/bench/stream.c bench/chain.c -lm
bench/matmul$(EXEEXT): $(top_srcdir)/bench/matmul.c $(top_srcdir)/bench/timer.h bench/products.c bench/products.h bench/cflags
	$(AM_V_CCLD)$(BENCH_IF_CBLAS) \
		$(BENCH_COMPILE) -DBENCH_CBLAS $(CBLAS_CFLAGS) -o $@ $(top_srcdir)/bench/matmul.c bench/products.c $(CBLAS_LIBS) -lm; \
	else $(BENCH_COMPILE) -o $@ $(top_srcdir)/bench/matmul.c bench/products.c -lm; fi
bench/vecfn$(EXEEXT): $(top_srcdir)/bench/vecfn.c $(top_srcdir)/bench/timer.h bench/vecfuncs.c bench/vecfuncs.h bench/cflags
	$(AM_V_CCLD)$(BENCH_COMPILE) -o $@ $(top_srcdir)/bench/vecfn.c bench/vecfuncs.c -lm
bench/mlp-blas$(EXEEXT): $(top_srcdir)/bench/mlp.c $(top_srcdir)/bench/timer.h bench/blas/mlp784.c bench/mlp784.h bench/cflags
	$(AM_V_CCLD)$(BENCH_IF_CBLAS) \
		$(BENCH_COMPILE) -Ibench/blas $(CBLAS_CFLAGS) -o $@ $(top_srcdir)/bench/mlp.c bench/blas/mlp784.c $(CBLAS_LIBS) -lm; \
	else rm -f $@; fi
bench/matmul-omp$(EXEEXT): $(top_srcdir)/bench/matmul.c $(top_srcdir)/bench/timer.h bench/omp/products.c bench/products.h bench/openmp
	$(AM_V_CCLD)$(BENCH_IF_OPENMP) \
		$(BENCH_COMPILE) $(BENCH_OPENMP_CFLAGS) -Ibench/omp -o $@ $(top_srcdir)/bench/matmul.c bench/omp/products.c -lm; \
	else rm -f $@; fi
bench/mlp-omp$(EXEEXT): $(top_srcdir)/bench/mlp.c $(top_srcdir)/bench/timer.h bench/omp/mlp784.c bench/mlp784.h bench/openmp
	$(AM_V_CCLD)$(BENCH_IF_OPENMP) \
		$(BENCH_COMPILE) $(BENCH_OPENMP_CFLAGS) -Ibench/omp -o $@ $(top_srcdir)/bench/mlp.c bench/omp/mlp784.c -lm; \
	else rm -f $@; fi
bench/stream-omp$(EXEEXT): $(top_srcdir)/bench/stream.c $(top_srcdir)/bench/timer.h bench/omp/chain.c bench/chain.h bench/openmp
	$(AM_V_CCLD)$(BENCH_IF_OPENMP) \
		$(BENCH_COMPILE) $(BENCH_OPENMP_CFLAGS) -Ibench/omp -o $@ $(top_srcdir)/bench/stream.c bench/omp/chain.c -lm; \
	else rm -f $@; fi

EXTRA_DIST += \
	bench/timer.h bench/seed.c bench/mlp.c bench/stream.c bench/matmul.c bench/vecfn.c \
	bench/chain.morch bench/mlp784.morch bench/products.morch bench/vecfuncs.morch \
	bench/run.py bench/torch_bench.py bench/gen_chain.py
# bench/compile-*: the graphs of the compile-time benchmark, their C, headers and objects.
CLEANFILES += $(BENCH_DRIVERS) $(BENCH_OPTIONAL_DRIVERS) bench/cflags bench/openmp \
	bench/openmp-probe.c bench/openmp-probe$(EXEEXT) bench/results.txt bench/results.txt-t \
	bench/seedn.morch bench/seedn.c bench/seedn.h bench/chain.c bench/chain.h \
	bench/mlp784.c bench/mlp784.h bench/products.c bench/products.h \
	bench/vecfuncs.c bench/vecfuncs.h bench/compile-* \
	bench/omp/products.c bench/omp/products.h bench/omp/mlp784.c bench/omp/mlp784.h \
	bench/omp/chain.c bench/omp/chain.h bench/blas/mlp784.c bench/blas/mlp784.h
