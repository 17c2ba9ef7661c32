#!/bin/sh
# mutate.sh: the self-check catches what it claims to. Each case corrupts one spot of the
# generated mutants.c with sed: the derivative of one op in G_grad (log, tanh, matmul, softmax,
# cross_entropy), the workspace bound, an output's bounds, a forward value. Then the sed must have
# changed the file, a derivative mutation must change the gradients dump_grads.c prints (so the
# test does not rely on the self-check to see that), and the self-check must fail, naming the
# check that should catch it. The unmutated file must pass first.
. "$top_srcdir/tests/selfcheck/common.sh"
SAN= # the corruptions write into guards on purpose; AddressSanitizer would stop them earlier

# The sed patterns know the fused code of the default level, so -O2 comes last and wins over
# MORCHGEN_FLAGS (a -O0 run of the suite still checks the self-check everywhere else).
"$MORCHGEN" $MORCHGEN_FLAGS -O2 --reflect -o "$tmp/mutants.c" "$here/mutants.morch" || die "morchgen"
"$MORCHGEN" $MORCHGEN_FLAGS -O2 --emit=test -o "$tmp/mutants_test.c" "$here/mutants.morch" ||
	die "morchgen --emit=test"
dump() {
	$CC -std=c99 -Wall -Wextra -Werror -I"$tmp" "$here/dump_grads.c" "$tmp/$1.c" $RTSRC \
		-o "$tmp/dump" -lm || die "cannot build dump_grads with $1.c"
	"$tmp/dump" >"$tmp/$1.grads" || die "dump_grads with $1.c"
}
build mutants
"$tmp/mutants_test" >"$tmp/clean.out" 2>&1 || { cat "$tmp/clean.out"; die "the unmutated graphs fail"; }
dump mutants

# The body of a kernel of G_grad that writes gradient D, as a sed address.
grad_kernel() {
	echo "/^static void $1_grad_k[0-9]*(.*\\*restrict $2[,)]/,/^}/"
}
cases=0
# mutant NAME GRAPH SED-SCRIPT EXPECTED [grad]: "grad" when the mutation must change a gradient.
mutant() {
	name=$1 graph=$2 script=$3 expected=$4 kind=${5-}
	sed -e "$script" "$tmp/mutants.c" >"$tmp/$name.c"
	cmp -s "$tmp/mutants.c" "$tmp/$name.c" && die "$name: '$script' no longer changes mutants.c"
	if [ "$kind" = grad ]; then
		dump "$name"
		cmp -s "$tmp/mutants.grads" "$tmp/$name.grads" &&
			die "$name: '$script' did not change the gradients of $graph"
	fi
	$CC $STRICT -I"$tmp" "$tmp/mutants_test.c" "$tmp/$name.c" $RTSRC -o "$tmp/$name" -lm ||
		die "$name: cannot build"
	"$tmp/$name" >"$tmp/$name.out" 2>&1
	status=$?
	[ $status -eq 1 ] || { cat "$tmp/$name.out"; die "$name: exit status $status, not 1"; }
	grep -q "^FAIL $graph: $expected" "$tmp/$name.out" ||
		{ cat "$tmp/$name.out"; die "$name: no 'FAIL $graph: $expected' line"; }
	if grep '^FAIL' "$tmp/$name.out" | grep -v "^FAIL $graph:\|^FAIL: 1 of" >"$tmp/others"; then
		cat "$tmp/others"
		die "$name: graphs other than $graph failed"
	fi
	echo "$name: $(grep "^FAIL $graph: $expected" "$tmp/$name.out")"
	cases=$((cases + 1))
}

fd="gradient against finite differences"
mutant log m_log "$(grad_kernel m_log d_x)s| / | * |" "$fd" grad
mutant tanh m_tanh "$(grad_kernel m_tanh d_x)s|1\\.0 - |1.5 - |" "$fd" grad
mutant matmul m_matmul "$(grad_kernel m_matmul d_a)s|acc += |acc -= |" "$fd" grad
mutant softmax m_softmax "$(grad_kernel m_softmax d_x)s| - | + |" "$fd" grad
mutant cross_entropy m_ce "$(grad_kernel m_ce d_z)s| - | + |" "$fd" grad
mutant adjoint m_tanh "$(grad_kernel m_tanh d_x)s|1\\.0 - |1.5 - |" "adjoint test"
mutant workspace m_ws '/^size_t m_ws_workspace_bytes/,/^}/s|return \([0-9][0-9]*\);|return \1 - 64;|' \
	"guards around workspace"
mutant output_bound m_tanh '/^static void m_tanh_forward_k/,/^}/s|i0 < 5;|i0 < 6;|' \
	"guards around workspace"
mutant forward_value m_tanh '/^static void m_tanh_forward_k/,/^}/s|tanh(|sinh(|' \
	"grad's outputs equal forward's bit for bit"
echo "$cases mutations caught"
