#!/bin/sh
# sanitize.sh: the generated code of a representative set of graphs (the seed, an MLP with
# cross_entropy, reductions over every axis, stacked matrix products, and every other graph of
# tests/semantics) runs clean under AddressSanitizer and UBSan, at -O1 and at -O3.
# san_driver.c calls each graph through its --reflect descriptor.
. "$top_srcdir/tests/semantics/common.sh"
need_sanitizers

modules="$top_srcdir/examples/seed/seed.morch"
for m in mlp_ce reductions matmul3d ties stable labels symdims api; do
	modules="$modules $sem/$m.morch"
done
sources= names=
for m in $modules; do
	base=$(basename "$m" .morch)
	"$MORCHGEN" $MORCHGEN_FLAGS --reflect -o "$tmp/$base.c" "$m" || die "morchgen --reflect $m"
	sources="$sources $tmp/$base.c"
	names="$names M($base)"
done

for level in -O1 -O3; do
	$CC -std=c99 $level -g $SANITIZE -Wall -Wextra -I"$tmp" "-DMODULES=$names" \
		"$sem/san_driver.c" $sources $rtsrc -o "$tmp/driver" -lm ||
		die "cannot build the driver at $level"
	echo "$level:"
	"$tmp/driver" || die "generated code misbehaved at $level (see above)"
done
