#!/bin/sh
# openmp.sh: morchgen --openmp. The graphs of graphs.morch and the benchmark's MLP are generated
# with and without --openmp; drive.c prints every output and gradient (%.17g, exact), and the
# --openmp file built with -fopenmp, run with OMP_NUM_THREADS=1 and 2, and built without
# -fopenmp must print exactly what the serial file prints: --openmp parallelizes only loops whose
# iterations are independent, so the bits are the same. Each graph runs at sizes below the
# threshold and above it; two threads calling G_grad at once on their own buffers must get the
# serial results too (reentrancy). Every build is warning-free under -std=c99 -Wall -Wextra
# -Werror, which includes -Wunknown-pragmas, at -O2 (with the sanitizers of ./configure
# --enable-sanitizers), -O0 and -O3 -march=native. Skipped when $CC has no OpenMP.
: "${MORCHGEN:?run through make check}" "${CC:?}" "${top_srcdir:?}" "${top_builddir:?}"
MORCHGEN_FLAGS=${MORCHGEN_FLAGS-}
# The drivers keep their buffers to the end (no frees): under --enable-sanitizers, ASan still
# checks every access, but LeakSanitizer would report those buffers.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"; export ASAN_OPTIONS
here="$top_srcdir/tests/openmp"
rt="$top_srcdir/runtime/morchrt.c -I$top_srcdir/runtime -I$top_builddir -DHAVE_CONFIG_H"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/morch-openmp.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
WARN="-std=c99 -Wall -Wextra -Werror -Wshadow -O2"
failures=0
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}
die() {
	echo "FAIL: $*" >&2
	exit 1
}

printf '#include <omp.h>\nint main(void) { return omp_get_max_threads() > 0 ? 0 : 1; }\n' \
	>"$tmp/probe.c"
if ! $CC -fopenmp "$tmp/probe.c" -o "$tmp/probe" >/dev/null 2>&1 || ! "$tmp/probe"; then
	echo "SKIP: $CC cannot build OpenMP programs (-fopenmp)"
	exit 77
fi

# build NAME SOURCE MORCHGEN-OPTIONS CFLAGS: $tmp/NAME/drive, running module g of SOURCE
build() {
	mkdir -p "$tmp/$1"
	"$MORCHGEN" $MORCHGEN_FLAGS --reflect $3 -o "$tmp/$1/g.c" "$2" || die "morchgen $3 $2"
	$CC $WARN $4 ${SANITIZER_FLAGS-} -I"$tmp/$1" "$here/drive.c" "$tmp/$1/g.c" $rt \
		-o "$tmp/$1/drive" -pthread -lm ||
		die "cannot build $2 generated with '$3', compiled with '$4'"
}

# check SOURCE, then lines of GRAPH SIZES... on standard input
check() {
	src=$1
	build serial "$src" "" ""
	build omp "$src" --openmp -fopenmp
	build ompoff "$src" --openmp ""
	for level in -O0 "-O3 -march=native"; do
		for omp in -fopenmp ""; do
			$CC -std=c99 -Wall -Wextra -Werror -Wshadow $level $omp -I"$tmp/omp" \
				-I"$top_srcdir/runtime" -c "$tmp/omp/g.c" -o "$tmp/level.o" ||
				fail "$src: the --openmp C at $level $omp"
		done
	done
	grep -q 'MORCH_OMP\|pragma omp\|omp parallel' "$tmp/serial/g.c" && fail "$src: OpenMP in the C written without --openmp"
	grep -q '^	*MORCH_OMP_FOR(' "$tmp/omp/g.c" || fail "$src: --openmp parallelized no loop"
	nm "$tmp/omp/drive" | grep -q GOMP_parallel ||
		fail "$src: the -fopenmp build has no parallel region"
	while read -r graph sizes; do
		"$tmp/serial/drive" "$graph" $sizes >"$tmp/want" || fail "$graph $sizes: serial run"
		for threads in 1 2; do
			OMP_NUM_THREADS=$threads "$tmp/omp/drive" -t "$graph" $sizes >"$tmp/got" ||
				fail "$graph $sizes: --openmp with $threads threads (see above)"
			cmp -s "$tmp/want" "$tmp/got" ||
				fail "$graph $sizes: --openmp with $threads threads differs from the serial code"
		done
		"$tmp/ompoff/drive" "$graph" $sizes >"$tmp/got" || fail "$graph $sizes: without -fopenmp"
		cmp -s "$tmp/want" "$tmp/got" ||
			fail "$graph $sizes: --openmp built without -fopenmp differs from the serial code"
	done
}

check "$here/graphs.morch" <<'LIST'
chain 3 3
chain 300 200
chain_f32 3 3
chain_f32 250 333
rows 2 5
rows 400 150
columns 3 4
columns 300 200
mid 2 3 4
mid 4 100 100
axes 3 2
axes 300 200
axes_f32 2 3 4
axes_f32 5 100 80
ce 3 4
ce 2000 20
mm 3 4 5
mm 256 128 200
LIST

# The benchmark's MLP (module g, so copied under that name): at N = 512 the ReLU's gradient
# and the rows of the update kernels are above the threshold.
cp "$top_srcdir/bench/mlp784.morch" "$tmp/g.morch"
sed 's/^graph mlp784 /graph g_mlp /' "$tmp/g.morch" >"$tmp/mlp.morch"
check "$tmp/mlp.morch" <<'LIST'
g_mlp 3
g_mlp 512
LIST

# Small graphs pay nothing: the seed graph at n = 3 gets no MORCH_OMP_FOR.
"$MORCHGEN" $MORCHGEN_FLAGS --openmp -o "$tmp/seed.c" "$top_srcdir/examples/seed/seed.morch" ||
	die "morchgen --openmp seed.morch"
awk '/^graph seed64/ { exit } { print }' "$top_srcdir/examples/seed/seed.morch" >"$tmp/seed3.morch"
"$MORCHGEN" $MORCHGEN_FLAGS --openmp -o "$tmp/seed3.c" "$tmp/seed3.morch" ||
	die "morchgen --openmp on the 3x3 seed graph"
grep -q '^	*MORCH_OMP_FOR(' "$tmp/seed3.c" && fail "the 3x3 seed graph got MORCH_OMP_FOR"

[ "$failures" -eq 0 ] || die "$failures failures"
echo "PASS: --openmp gives the serial results, bit for bit"
