#!/bin/sh
# seed_example.sh: the built example examples/seed/seed prints the seed notebook's numbers in its
# layout (/work/shared/seed/README.md: the PyTorch float32 printout, and t = 12.530673342008164
# in double; the double gradients round to the same 5 decimals).
: "${top_builddir:?}" "${top_srcdir:?}"
prog="$top_builddir/examples/seed/seed"
if [ ! -x "$prog" ]; then
	echo "seed_example: $prog is not built" >&2
	exit 99
fi
out=$("$prog") || { echo "seed_example: $prog failed" >&2; exit 1; }
want=$(cat "$top_srcdir/tests/semantics/seed_example.expected")
if [ "$out" != "$want" ]; then
	echo "seed_example: output differs from seed_example.expected:" >&2
	printf '%s\n' "$out" | diff -u "$top_srcdir/tests/semantics/seed_example.expected" - >&2
	exit 1
fi
