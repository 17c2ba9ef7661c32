#!/bin/sh
# check.sh: the run-time size check (check_test.c over sizes.morch), built warning-free and run
# plainly, then under AddressSanitizer and UBSan (which catch signed overflow in the check
# itself); the graph without size names gets no check function at all.
. "$top_srcdir/tests/sizes/common.sh"

"$MORCHGEN" $MORCHGEN_FLAGS -o "$tmp/sizes.c" "$here/sizes.morch" || die "morchgen sizes.morch"
grep -q 'fixed_check_sizes' "$tmp/sizes.c" && die "the graph without size names has a check"
grep -q 'static size_t one_check_sizes(int64_t N)' "$tmp/sizes.c" ||
	die "no one_check_sizes in the generated code"

$CC $WARN -O2 -I"$tmp" "$here/check_test.c" "$tmp/sizes.c" $rtsrc -o "$tmp/check" -lm ||
	die "cannot build check_test.c"
"$tmp/check" || die "the size check misbehaves (see above)"

if have_sanitizers; then
	$CC $WARN -O1 -g $SANITIZE -I"$tmp" "$here/check_test.c" "$tmp/sizes.c" $rtsrc \
		-o "$tmp/check-san" -lm || die "cannot build check_test.c with sanitizers"
	"$tmp/check-san" || die "the size check misbehaves under the sanitizers (see above)"
else
	echo "sanitizers unavailable: only the plain build ran"
fi
