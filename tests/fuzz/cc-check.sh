#!/bin/sh
# cc-check.sh: whatever morchgen accepts compiles without a warning. Each input of the fuzz
# corpus and each regression that morchgen accepts is compiled by morchgen at -O0, -O2 and
# -O2 --reflect --line-directives, and its C by $CC -std=c99 -O2 -Wall -Wextra -Werror -c.
: "${top_srcdir:?run me from make check}" "${MORCHGEN:?run me from make check}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# compile_one DIR FLAGS FILE: morchgen FLAGS and cc in DIR; prints FAIL and returns 1 on failure
compile_one() {
	if ! $MORCHGEN $MORCHGEN_FLAGS $2 -o "$1/x.c" "$3" ||
	   ! ${CC:-cc} -std=c99 -O2 -Wall -Wextra -Werror -I"$top_srcdir/runtime" \
	     -c "$1/x.c" -o "$1/x.o"; then
		echo "FAIL: $3 (morchgen $2)"
		return 1
	fi
}
mkdir "$tmp/0" "$tmp/1" "$tmp/2"
accepted=0 rejected=0 failed=0
for f in "$top_srcdir"/tests/fuzz/corpus/* "$top_srcdir"/tests/fuzz/regressions/*; do
	test -f "$f" || continue
	# MORCHGEN_FLAGS first: the level given here wins
	if ! $MORCHGEN $MORCHGEN_FLAGS -O0 -o "$tmp/x.c" "$f" 2>/dev/null; then
		rejected=$((rejected + 1))
		continue
	fi
	accepted=$((accepted + 1))
	# the three ways at once, each in its own directory: the C compiler takes most of the time
	compile_one "$tmp/0" -O0 "$f" & p0=$!
	compile_one "$tmp/1" -O2 "$f" & p1=$!
	compile_one "$tmp/2" "-O2 --reflect --line-directives" "$f" & p2=$!
	for p in $p0 $p1 $p2; do
		wait $p || failed=$((failed + 1))
	done
done
echo "cc-check.sh: $accepted inputs accepted (each compiled 3 ways), $rejected rejected, $failed failures"
if test "$accepted" -eq 0; then
	echo "cc-check.sh: no input of the corpus was accepted: nothing was checked" >&2
	exit 1
fi
test "$failed" -eq 0
