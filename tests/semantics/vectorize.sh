#!/bin/sh
# vectorize.sh: GCC vectorizes every elementwise loop of generated code at -O3 (elementwise.morch):
# the loops are plain, restrict-qualified and unit-stride. Each elementwise node's innermost loop
# must show up as "loop vectorized" in -fopt-info-vec-optimized. Skips for compilers other
# than GCC, whose reports differ.
. "$top_srcdir/tests/semantics/common.sh"

if $CC -dM -E - </dev/null 2>/dev/null | grep -q '__clang__' ||
	! $CC -dM -E - </dev/null 2>/dev/null | grep -q '__GNUC__'; then
	skip "$CC is not GCC"
fi
"$MORCHGEN" $MORCHGEN_FLAGS -o "$tmp/ew.c" "$sem/elementwise.morch" || die "morchgen elementwise.morch"
$CC -std=c99 -O3 -fopt-info-vec-optimized -I"$top_srcdir/runtime" -c "$tmp/ew.c" \
	-o "$tmp/ew.o" 2>"$tmp/vec.log" || skip "$CC does not take -fopt-info-vec-optimized"

# The innermost loop line after each comment naming an elementwise op: "/* t7 = maximum(a, ..."
ops='neg|add|sub|mul|div|pow|maximum|minimum|relu|abs|step|sign|eq|gtmask|broadcast'
awk -v ops="$ops" '
	$0 ~ "^[ \t]*/\\* [A-Za-z_0-9]+ = (" ops ")\\(" { pending = 1; last = 0; note = $0; next }
	pending && /^[ \t]*for \(/ { last = NR; next }
	pending { if (last) print last " " note; pending = 0 }
' "$tmp/ew.c" >"$tmp/loops"

total=0 missed=0
while read -r line note; do
	total=$((total + 1))
	if ! grep -q "ew\.c:$line:[0-9]*:.*loop vectorized" "$tmp/vec.log"; then
		missed=$((missed + 1))
		echo "not vectorized: ew.c:$line, the loop of $note" >&2
	fi
done <"$tmp/loops"
echo "$((total - missed)) of $total elementwise loops vectorized"
[ "$total" -ge 40 ] || die "found only $total elementwise loops in ew.c: is the parsing right?"
[ "$missed" -eq 0 ] || {
	sed -n '1,200p' "$tmp/vec.log" >&2
	exit 1
}
