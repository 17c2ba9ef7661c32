#!/bin/sh
# vmath.sh: the inline float exp, log and tanh of generated code (docs/vmath.md). morchgen compiles
# vmath.morch; the float graphs must call morch_expf, morch_logf, morch_tanhf and no libm exp, log
# or tanh, the double graph libm's exp. accuracy.c then runs the graphs over a dense grid of
# floats against libm in double, built at -O0, -O2 and -O3 -march=native with FMA contraction
# (the three ways a compiler may evaluate the same C), and once under ASan and UBSan; built with
# -DMORCH_LIBM_MATH it must call libm's functions instead. With GCC, the loops calling each function
# must vectorize at -O3.
: "${MORCHGEN:?run through make check}" "${CC:?}" "${top_srcdir:?}" "${top_builddir:?}"
MORCHGEN_FLAGS=${MORCHGEN_FLAGS-}
here="$top_srcdir/tests/vmath"
rtsrc="$top_srcdir/runtime/morchrt.c -I$top_srcdir/runtime -I$top_builddir -DHAVE_CONFIG_H"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/morch-vmath.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
WARN="-std=c99 -Wall -Wextra -Wshadow -Werror"
SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

die() {
	echo "FAIL: $*" >&2
	exit 1
}

"$MORCHGEN" $MORCHGEN_FLAGS -o "$tmp/vmath.c" "$here/vmath.morch" || die "morchgen vmath.morch"

# calls: the body of kernel $1 (its first line to the next blank line)
body() {
	sed -n "/^static void $1_forward_k0(/,/^}/p" "$tmp/vmath.c"
}
for g in vexp:morch_expf vlog:morch_logf vtanh:morch_tanhf vsigmoid:morch_expf; do
	body "${g%%:*}" | grep -q "${g#*:}(" || die "${g%%:*} does not call ${g#*:}"
done
grep -q 'morch_expf(x\[i0 \* 8 + i1\] - mx)' "$tmp/vmath.c" && grep -q 'morch_logf(sm)' "$tmp/vmath.c" ||
	die "log_softmax does not call morch_expf and morch_logf"
body vexp64 | grep -q '= exp(ld0)' || die "the double graph does not call libm's exp"
grep -En '[^_](exp|log|tanh)f\(' "$tmp/vmath.c" && die "libm float calls are left (above)"
[ "$(grep -c '^static inline float morch_expf(float x)$' "$tmp/vmath.c")" = 1 ] ||
	die "morch_expf is not defined exactly once"

# A file without exp, log or tanh gets none of them
printf 'graph g {\n    input x[4];\n    y = sqrt(x) + abs(x);\n    output y;\n}\n' >"$tmp/none.morch"
"$MORCHGEN" $MORCHGEN_FLAGS -o "$tmp/none.c" "$tmp/none.morch" || die "morchgen none.morch"
grep -q 'morch_\(exp\|log\|tanh\)f\|string\.h' "$tmp/none.c" && die "none.c has inline math it does not use"

run() { # run NAME DENSITY CFLAGS...: builds accuracy.c with the flags and runs it
	name=$1 density=$2
	shift 2
	echo "== $name: $*"
	$CC $WARN "$@" -I"$tmp" "$here/accuracy.c" "$tmp/vmath.c" $rtsrc -o "$tmp/acc-$name" -lm ||
		die "cannot build accuracy.c with $*"
	"$tmp/acc-$name" "$density" || die "accuracy at $* (see above)"
}
run O0 64 -O0
run O2 4 -O2
if $CC -O3 -march=native -ffp-contract=fast -c -x c /dev/null -o /dev/null 2>/dev/null; then
	run O3native 1 -O3 -march=native -ffp-contract=fast
else
	run O3 1 -O3
fi
# -DMORCH_LIBM_MATH: libm's functions instead, which must then be what the program calls (not
# run: glibc's own tanhf is 2.1 ulp off near 0.23, beyond the limit the inline one meets)
$CC $WARN -O2 -DMORCH_LIBM_MATH -I"$tmp" "$here/accuracy.c" "$tmp/vmath.c" $rtsrc \
	-o "$tmp/acc-libm" -lm || die "cannot build accuracy.c with -DMORCH_LIBM_MATH"
for f in expf logf tanhf; do
	${NM:-nm} "$tmp/acc-libm" | grep -q " U $f" || die "-DMORCH_LIBM_MATH does not call libm's $f"
done
printf 'int main(void) { return 0; }\n' >"$tmp/probe.c"
if $CC $SANITIZE "$tmp/probe.c" -o "$tmp/probe" >/dev/null 2>&1 && "$tmp/probe"; then
	run sanitized 256 -O1 -g $SANITIZE
else
	echo "sanitizers unavailable: no sanitized run"
fi

# vectorization: GCC reports each vectorized loop by its line; the kernels' loops must be there
if $CC -O3 -fopt-info-vec-optimized -c "$tmp/vmath.c" -I"$tmp" -I"$top_srcdir/runtime" -o "$tmp/v.o" \
	2>"$tmp/vec.txt" && grep -q 'loop vectorized' "$tmp/vec.txt"; then
	for g in vexp vlog vtanh vsigmoid; do
		n=$(grep -n "^static void ${g}_forward_k0(" "$tmp/vmath.c" | cut -d: -f1)
		n=$((n + 2)) # the for line
		grep -q "vmath.c:$n:[0-9]*: optimized: loop vectorized" "$tmp/vec.txt" ||
			die "the loop of ${g}_forward_k0 (line $n) does not vectorize at -O3"
	done
	echo "the loops of vexp, vlog, vtanh and vsigmoid vectorize at -O3"
else
	echo "not GCC (no -fopt-info-vec-optimized): vectorization not checked"
fi
