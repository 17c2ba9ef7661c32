#!/bin/sh
# run.sh: check.c over matmul.morch and its f32 twin, the generated C built warning-free at
# -O0, -O2 (generic x86-64 when that is the host) and -O3 -march=native, with --openmp built
# with and without -fopenmp (threads must not change a bit of any result), and under ASan and
# UBSan. Every build runs the same checks against naive loops in double (see check.c).
: "${MORCHGEN:?run through make check}" "${CC:?}" "${top_srcdir:?}" "${top_builddir:?}"
MORCHGEN_FLAGS=${MORCHGEN_FLAGS-}
here="$top_srcdir/tests/matmul"
rtsrc="$top_srcdir/runtime/morchrt.c -I$top_srcdir/runtime -I$top_builddir -DHAVE_CONFIG_H"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/morch-matmul.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
WARN="-std=c99 -Wall -Wextra -Wshadow -Werror"
SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:${ASAN_OPTIONS:-}"
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export ASAN_OPTIONS UBSAN_OPTIONS
OMP_NUM_THREADS=2
export OMP_NUM_THREADS

die() {
	echo "FAIL: $*" >&2
	exit 1
}

# gen DIR [morchgen options]: matmul.c and matmul_f32.c (with headers) in DIR.
gen() {
	dir=$1
	shift
	mkdir -p "$dir"
	sed -e 's/^\(graph  *[A-Za-z_][A-Za-z0-9_]*\) *: *f64/\1_f32/' "$here/matmul.morch" \
		>"$dir/matmul_f32.morch"
	"$MORCHGEN" $MORCHGEN_FLAGS "$@" -o "$dir/matmul.c" "$here/matmul.morch" &&
		"$MORCHGEN" $MORCHGEN_FLAGS "$@" -o "$dir/matmul_f32.c" "$dir/matmul_f32.morch" ||
		die "morchgen $* matmul.morch"
}

# run NAME DIR [cc flags]: builds check.c with DIR's code and runs it; its hash in NAME.hash.
run() {
	name=$1 dir=$2
	shift 2
	$CC $WARN "$@" -I"$dir" -I"$here" "$here/check.c" "$dir/matmul.c" "$dir/matmul_f32.c" \
		$rtsrc -o "$tmp/$name" -lm || die "cannot build check.c ($name: $*)"
	"$tmp/$name" $quick >"$tmp/$name.out" 2>&1
	status=$?
	cat "$tmp/$name.out"
	[ $status -eq 0 ] || die "$name: checks failed ($*)"
	grep '^results hash' "$tmp/$name.out" >"$tmp/$name.hash"
}

cc_takes() {
	printf 'int main(void) { return 0; }\n' >"$tmp/probe.c"
	$CC "$@" "$tmp/probe.c" -o "$tmp/probe" >/dev/null 2>&1 && "$tmp/probe" >/dev/null 2>&1
}

gen "$tmp/plain"
gen "$tmp/omp" --openmp
quick=
run o2 "$tmp/plain" -O2
if cc_takes -O3 -march=native; then
	run native "$tmp/plain" -O3 -march=native
fi
run omp-off "$tmp/omp" -O2
cmp -s "$tmp/o2.hash" "$tmp/omp-off.hash" || die "--openmp without -fopenmp changed results"
if cc_takes -fopenmp; then
	run omp-on "$tmp/omp" -O2 -fopenmp
	cmp -s "$tmp/o2.hash" "$tmp/omp-on.hash" || die "two threads changed results"
else
	echo "no -fopenmp: the threaded build did not run"
fi
quick=quick
run o0 "$tmp/plain" -O0
if cc_takes $SANITIZE; then
	run san "$tmp/plain" -O1 -g $SANITIZE
	if cc_takes -fopenmp $SANITIZE; then
		run san-omp "$tmp/omp" -O1 -g -fopenmp $SANITIZE
	fi
else
	echo "sanitizers unavailable: only the plain builds ran"
fi
