#!/bin/sh
# grad_f32.sh: the same for the f32 twins of tests/grad's files (each 'graph G : f64' becomes
# 'graph G_f32'), checked against finite differences of the f64 reference with the f32
# tolerance. One graph is left out: the gradient of softmax(1000 x) saturates, and its f32
# gradient cancels (u_i - sum(p u)) to a few percent of the true one, which the self-check
# rightly reports (docs/selfcheck.md, "Limits").
. "$top_srcdir/tests/selfcheck/common.sh"
SAN=
set --
for f in $GRAD_FILES; do
	name=grad_${f}_f32
	twin "$top_srcdir/tests/grad/$f.morch" | sed '/^graph ax_softmax_big_f32 /d' >"$tmp/$name.morch"
	set -- "$@" "$name:$tmp/$name.morch"
done
check_all "$@"
