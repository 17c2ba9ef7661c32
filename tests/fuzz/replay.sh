#!/bin/sh
# replay.sh: every input of the fuzz corpus and every regression, through the in-process
# harness (fuzz_compile.c) built with the project's compiler and flags; a sanitizer build
# sanitizes it too. The compiler's error messages for rejected inputs go to the log.
: "${top_srcdir:?run me from make check}" "${top_builddir:?run me from make check}"
set -e
replay=$top_builddir/tests/fuzz/replay
corpus=$top_srcdir/tests/fuzz/corpus
regressions=$top_srcdir/tests/fuzz/regressions
n=$(ls "$corpus" | wc -l)
if test "$n" -lt 10; then
	echo "replay.sh: the corpus $corpus has only $n inputs" >&2
	exit 1
fi
"$replay" "$corpus" "$regressions"
