#!/bin/sh
# vectorize.sh: GCC vectorizes every elementwise loop of generated code at -O3 (elementwise.morch):
# the loops are plain, restrict-qualified and unit-stride. The innermost loop of each
# kernel (elementwise nodes fused into one loop nest) must show up as "loop vectorized" in -fopt-info-vec-optimized. Skips for compilers other
# than GCC, whose reports differ.
. "$top_srcdir/tests/semantics/common.sh"

if $CC -dM -E - </dev/null 2>/dev/null | grep -q '__clang__' ||
	! $CC -dM -E - </dev/null 2>/dev/null | grep -q '__GNUC__'; then
	skip "$CC is not GCC"
fi
"$MORCHGEN" $MORCHGEN_FLAGS -o "$tmp/ew.c" "$sem/elementwise.morch" || die "morchgen elementwise.morch"
$CC -std=c99 -O3 -fno-ipa-icf -fopt-info-vec-optimized -I"$top_srcdir/runtime" -c "$tmp/ew.c" \
	-o "$tmp/ew.o" 2>"$tmp/vec.log" || skip "$CC does not take -fopt-info-vec-optimized"
# -fno-ipa-icf: kernels with the same code (two negations at -O0) would be folded into one and
# only one of them reported.
# A fused gradient loop holds many selects (relu', sign, tie masks); under GCC's default
# -ftrapping-math its if-conversion keeps them as branches, so gradient kernels are checked
# with -fno-trapping-math (forward kernels without it).
$CC -std=c99 -O3 -fno-ipa-icf -fno-trapping-math -fopt-info-vec-optimized -I"$top_srcdir/runtime" \
	-c "$tmp/ew.c" -o "$tmp/ew.o" 2>"$tmp/vec-grad.log" || die "cannot compile ew.c"

# The innermost loop of each loop kernel: the last "for (" before the kernel's first statement,
# after the kernel's comment "/* G_forward_k0: loop over [N, 64]".
awk '
	/^\/\* [A-Za-z_0-9]+: loop over / { pending = 1; last = 0; note = $0; next }
	pending && /^[ \t]*for \(/ { last = NR; next }
	pending && /^[ \t]*const / { if (last) print last " " note; pending = 0 }
' "$tmp/ew.c" >"$tmp/loops"

total=0 missed=0
while read -r line note; do
	total=$((total + 1))
	log="$tmp/vec.log"
	case $note in *_grad_k*) log="$tmp/vec-grad.log" ;; esac
	if ! grep -q "ew\.c:$line:[0-9]*:.*loop vectorized" "$log"; then
		missed=$((missed + 1))
		echo "not vectorized: ew.c:$line, the loop of $note" >&2
	fi
done <"$tmp/loops"
echo "$((total - missed)) of $total elementwise loops vectorized"
[ "$total" -ge 2 ] || die "found only $total elementwise loops in ew.c: is the parsing right?"
[ "$missed" -eq 0 ] || {
	sed -n '1,200p' "$tmp/vec.log" >&2
	exit 1
}
