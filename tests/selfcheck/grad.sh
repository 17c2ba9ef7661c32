#!/bin/sh
# grad.sh: the self-check program of every file of tests/grad (f64 graphs of every op, at every
# kind of broadcast, axis and shape) builds with the strict flags and passes. The sanitizers
# already run over the same checker in sanitized.sh; here they would only slow the build.
. "$top_srcdir/tests/selfcheck/common.sh"
SAN=
set --
for f in $GRAD_FILES; do
	set -- "$@" "grad_$f:$top_srcdir/tests/grad/$f.morch"
done
check_all "$@"
