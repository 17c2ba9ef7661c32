#!/bin/sh
# sanitize.sh: the generated code of a representative set of graphs (the seed, an MLP with
# cross_entropy, reductions over every axis, stacked matrix products, and every other graph of
# tests/semantics) runs clean under AddressSanitizer and UBSan, at -O1 and at -O3; so do the
# graphs that other tests only compile or inspect (tests/errors/valid, tests/passes), in a driver
# of their own (their names may repeat those of the first set).
# san_driver.c calls each graph through its --reflect descriptor.
. "$top_srcdir/tests/semantics/common.sh"
need_sanitizers

# run_driver LABEL GRAPH.morch...: one driver for the graphs, built and run at each level.
run_driver() {
	label=$1
	shift
	sources= names=
	for m in "$@"; do
		base=$(basename "$m" .morch | tr -c 'A-Za-z0-9_\n' _) # the C name of its table
		"$MORCHGEN" $MORCHGEN_FLAGS --reflect -o "$tmp/$base.c" "$m" || die "morchgen --reflect $m"
		sources="$sources $tmp/$base.c"
		names="$names M($base)"
	done
	for level in -O1 -O3; do
		$CC -std=c99 $level -g $SANITIZE -Wall -Wextra -I"$tmp" "-DMODULES=$names" \
			"$sem/san_driver.c" $sources $rtsrc -o "$tmp/driver" -lm ||
			die "cannot build the driver of the $label graphs at $level"
		echo "$label, $level:"
		"$tmp/driver" || die "generated code misbehaved at $level (see above)"
	done
}

modules="$top_srcdir/examples/seed/seed.morch"
for m in mlp_ce reductions matmul3d ties stable labels symdims api elementwise; do
	modules="$modules $sem/$m.morch"
done
run_driver semantics $modules
run_driver "other tests'" "$top_srcdir"/tests/errors/valid/*.morch "$top_srcdir"/tests/passes/*.morch
