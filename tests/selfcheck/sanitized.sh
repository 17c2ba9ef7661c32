#!/bin/sh
# sanitized.sh: the self-check program of every example and of every file of tests/torch (every
# op in f32, symbolic sizes, i32 labels, non-scalar grad targets with upstream arguments,
# grad(...) expressions) builds with the strict flags, runs clean under AddressSanitizer and
# UBSan (when $CC has them), and passes.
. "$top_srcdir/tests/selfcheck/common.sh"
set --
for src in "$top_srcdir"/examples/*/*.morch; do
	set -- "$@" "$(basename "$(dirname "$src")")_$(basename "$src" .morch):$src"
done
for f in $TORCH_FILES; do
	set -- "$@" "torch_$f:$top_srcdir/tests/torch/$f.morch"
done
check_all "$@"
