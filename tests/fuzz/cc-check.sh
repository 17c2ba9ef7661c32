#!/bin/sh
# cc-check.sh: whatever morchgen accepts compiles without a warning. Each input of the fuzz
# corpus and each regression that morchgen accepts is compiled by morchgen at -O0, -O2 and
# -O2 --reflect, and its C by $CC -std=c99 -O2 -Wall -Wextra -Werror -c.
: "${top_srcdir:?run me from make check}" "${MORCHGEN:?run me from make check}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
accepted=0 rejected=0 failed=0
for f in "$top_srcdir"/tests/fuzz/corpus/* "$top_srcdir"/tests/fuzz/regressions/*; do
	test -f "$f" || continue
	# MORCHGEN_FLAGS first: the level given here wins
	if ! $MORCHGEN $MORCHGEN_FLAGS -O0 -o "$tmp/x.c" "$f" 2>/dev/null; then
		rejected=$((rejected + 1))
		continue
	fi
	accepted=$((accepted + 1))
	for flags in -O0 -O2 "-O2 --reflect"; do
		if ! $MORCHGEN $MORCHGEN_FLAGS $flags -o "$tmp/x.c" "$f" ||
		   ! ${CC:-cc} -std=c99 -O2 -Wall -Wextra -Werror -I"$top_srcdir/runtime" \
		     -c "$tmp/x.c" -o "$tmp/x.o"; then
			echo "FAIL: $f (morchgen $flags)"
			failed=$((failed + 1))
		fi
	done
done
echo "cc-check.sh: $accepted inputs accepted (each compiled 3 ways), $rejected rejected, $failed failures"
if test "$accepted" -eq 0; then
	echo "cc-check.sh: no input of the corpus was accepted: nothing was checked" >&2
	exit 1
fi
test "$failed" -eq 0
