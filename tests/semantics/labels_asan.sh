#!/bin/sh
# labels_asan.sh: labels_test.c under AddressSanitizer and UBSan, so that a label outside
# [0, C) that indexes the logits is reported, not just a wrong number.
. "$top_srcdir/tests/semantics/common.sh"
need_sanitizers
"$MORCHGEN" $MORCHGEN_FLAGS -o "$tmp/labels.c" "$sem/labels.morch" || die "morchgen labels.morch"
$CC -std=c99 -O1 -g $SANITIZE -Wall -Wextra -I"$tmp" -I"$sem" ${CMOCKA_CFLAGS:-} \
	"$sem/labels_test.c" "$tmp/labels.c" $rtsrc -o "$tmp/labels_test" \
	${CMOCKA_LIBS:--lcmocka} -lm || die "cannot build labels_test"
"$tmp/labels_test" || die "labels_test failed (see the sanitizer report above)"
