#!/bin/sh
# blas.sh: morchgen --blas. Every graph of graphs.morch is generated with --blas (linked with the
# CBLAS configure found) and without; drive.c (tests/openmp) prints every output and gradient.
# Above the threshold the two agree within rounding and the CBLAS build's gradients match
# central finite differences; below it they are the same bits, and no CBLAS call is made (calls
# are counted by wrapping cblas_?gemm at link time, with GNU ld). Skipped without a CBLAS.
: "${MORCHGEN:?run through make check}" "${CC:?}" "${top_srcdir:?}" "${top_builddir:?}"
MORCHGEN_FLAGS=${MORCHGEN_FLAGS-}
# The drivers keep their buffers to the end (no frees): under --enable-sanitizers, ASan still
# checks every access, but LeakSanitizer would report those buffers.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"; export ASAN_OPTIONS
if [ "${HAVE_CBLAS-}" != yes ]; then
	echo "SKIP: configure found no CBLAS (apt-get install libopenblas-dev, then ./configure)"
	exit 77
fi
here="$top_srcdir/tests/blas"
rt="$top_srcdir/runtime/morchrt.c -I$top_srcdir/runtime -I$top_builddir -DHAVE_CONFIG_H"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/morch-blas.XXXXXX") || exit 99
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

mkdir "$tmp/plain" "$tmp/blas"
"$MORCHGEN" $MORCHGEN_FLAGS --reflect -o "$tmp/plain/g.c" "$here/graphs.morch" || die "morchgen"
"$MORCHGEN" $MORCHGEN_FLAGS --reflect --blas -o "$tmp/blas/g.c" "$here/graphs.morch" ||
	die "morchgen --blas"
grep -q '^#include <cblas.h>\|^	*cblas_[sd]gemm(' "$tmp/plain/g.c" &&
	fail "CBLAS in the C written without --blas"
grep -q '^#include <cblas.h>' "$tmp/blas/g.c" || fail "the --blas C does not include cblas.h"
# fixed sizes are decided when generating: fixed_big calls CBLAS unconditionally, fixed_small never
awk '/^static void fixed_big_forward_k/,/^}/' "$tmp/blas/g.c" | grep -q '^	cblas_dgemm(' ||
	fail "fixed_big's product is not an unconditional cblas_dgemm call"
awk '/^static void fixed_small_/,/^}/' "$tmp/blas/g.c" | grep -q 'cblas' &&
	fail "fixed_small (8^3) calls CBLAS"
$CC $WARN -I"$tmp/plain" "$top_srcdir/tests/openmp/drive.c" "$tmp/plain/g.c" $rt \
	-o "$tmp/plain/drive" -pthread -lm || die "cannot build the plain C"
$CC $WARN ${SANITIZER_FLAGS-} $CBLAS_CFLAGS -I"$tmp/blas" "$top_srcdir/tests/openmp/drive.c" \
	"$tmp/blas/g.c" $rt -o "$tmp/blas/drive" $CBLAS_LIBS -pthread -lm ||
	die "cannot build the --blas C with $CBLAS_LIBS"
for level in -O0 "-O3 -march=native"; do
	$CC -std=c99 -Wall -Wextra -Werror -Wshadow $level $CBLAS_CFLAGS -I"$tmp/blas" \
		-I"$top_srcdir/runtime" -c "$tmp/blas/g.c" -o "$tmp/level.o" || fail "the --blas C at $level"
done
# with the calls counted, where the linker can wrap them
counting=no
if $CC $WARN $CBLAS_CFLAGS -I"$tmp/blas" "$top_srcdir/tests/openmp/drive.c" "$tmp/blas/g.c" \
	"$here/count.c" $rt -o "$tmp/blas/count" -Wl,--wrap=cblas_sgemm,--wrap=cblas_dgemm \
	$CBLAS_LIBS -pthread -lm 2>/dev/null; then
	counting=yes
else
	echo "the linker cannot wrap cblas_?gemm: calls are not counted"
fi

# near WANT GOT TOLERANCE: every value within TOLERANCE * (1 + |want|), the names the same
near() {
	paste -d ' ' "$1" "$2" | awk -v tol="$3" '
		$1 ~ /^[a-z]/ { if ($1 != $3 || $2 != $4) { print "tensor " $2 " against " $4; bad++ } next }
		{ d = $1 - $2; if (d < 0) d = -d; a = $1 < 0 ? -$1 : $1
		  if (!(d <= tol * (1 + a))) { if (bad++ < 5) print "line " NR ": " $1 " against " $2 } }
		END { exit bad ? 1 : 0 }'
}

# graph, tolerance (f64 or f32), sizes below the threshold, sizes above it
while read -r graph tol small big; do
	for which in small big; do
		if [ $which = small ]; then sizes=$small; else sizes=$big; fi
		sizes=$(echo "$sizes" | tr , ' ')
		"$tmp/plain/drive" "$graph" $sizes >"$tmp/want" || fail "$graph $sizes: plain run"
		fd=
		[ $which = big ] && [ "$tol" = 1e-10 ] && fd=-f
		"$tmp/blas/drive" $fd "$graph" $sizes >"$tmp/got" ||
			fail "$graph $sizes: the --blas build failed its checks (see above)"
		if [ $which = small ]; then
			cmp -s "$tmp/want" "$tmp/got" ||
				fail "$graph $sizes: below the threshold --blas differs from the plain C"
		else
			near "$tmp/want" "$tmp/got" "$tol" ||
				fail "$graph $sizes: --blas differs from the plain C beyond rounding"
		fi
		if [ $counting = yes ]; then
			"$tmp/blas/count" "$graph" $sizes 2>"$tmp/calls" >/dev/null ||
				fail "$graph $sizes: counting run"
			if [ $which = small ]; then
				grep -q 'cblas calls' "$tmp/calls" && fail "$graph $sizes: CBLAS called below the threshold"
			else
				grep -q 'cblas calls: [1-9]' "$tmp/calls" || fail "$graph $sizes: CBLAS never called"
			fi
		fi
	done
done <<'LIST'
nn 1e-10 3,4,5 70,60,80
ta 1e-10 5,4,3 60,70,80
tb 1e-10 3,4,5 70,60,80
tab 1e-10 4,3,5 60,70,80
b3 1e-10 2,3,4,5 3,70,60,80
b3_shared 1e-10 2,3,4,5 3,70,60,80
b3_t 1e-10 2,4,3,5 3,60,70,80
nn_f32 1e-4 3,4,5 70,60,80
tab_f32 1e-4 4,3,2,5 60,70,3,80
names 1e-10 3,4,5 70,60,80
LIST
# graph order of sizes: as the drive prints them on a mismatch ("no graph ... with N sizes")

# fixed sizes: fixed_big is CBLAS, fixed_small plain C at any call
"$tmp/plain/drive" fixed_big >"$tmp/want" && "$tmp/blas/drive" -f fixed_big >"$tmp/got" ||
	fail "fixed_big runs"
near "$tmp/want" "$tmp/got" 1e-10 || fail "fixed_big: --blas differs beyond rounding"
"$tmp/plain/drive" fixed_small >"$tmp/want" && "$tmp/blas/drive" fixed_small >"$tmp/got" ||
	fail "fixed_small runs"
cmp -s "$tmp/want" "$tmp/got" || fail "fixed_small: --blas changed a product below the threshold"

# a file whose matmuls are all small needs no cblas.h
printf 'graph tiny { input a[4, 4]; y = a @ a; output y; }\n' >"$tmp/tiny.morch"
"$MORCHGEN" --blas -o "$tmp/tiny.c" "$tmp/tiny.morch" || die "morchgen --blas tiny"
grep -q cblas "$tmp/tiny.c" && fail "tiny.c includes or calls CBLAS"

[ "$failures" -eq 0 ] || die "$failures failures"
echo "PASS: --blas agrees with the plain C and with finite differences"
