#!/bin/sh
# golden.sh: the optimizer's rewrites, one .morch file per pass. NAME.PASS.expected is
# `morchgen --dump-after=PASS NAME.morch` and NAME.ir.expected the final `--emit=ir`; each was
# checked by hand, rewrite by rewrite, against the comments at the top of gen/opt_*.c. Also:
# -O0 prints the graph as built (so it differs from the default wherever a pass rewrites), and
# the options' errors.
# Environment (tests/local.mk): MORCHGEN, top_srcdir.
: "${MORCHGEN:?MORCHGEN is not set (run through make check)}" "${top_srcdir:?}"
dir="$top_srcdir/tests/passes"
work=$(mktemp -d "${TMPDIR:-/tmp}/morch-passes.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

for want in "$dir"/*.expected; do
	base=${want##*/}
	name=${base%%.*}
	pass=${base#"$name".}
	pass=${pass%.expected}
	if [ "$pass" = ir ]; then
		set -- --emit=ir
	else
		set -- --dump-after="$pass"
	fi
	if ! "$MORCHGEN" "$@" "$dir/$name.morch" >"$work/got" 2>"$work/err"; then
		fail "morchgen $* $name.morch failed:"
		cat "$work/err"
	elif ! diff -u "$want" "$work/got" >"$work/diff"; then
		fail "morchgen $* $name.morch differs from $base (- expected, + morchgen):"
		cat "$work/diff"
	fi
done

for src in "$dir"/*.morch; do
	name=${src##*/}
	"$MORCHGEN" -O0 --emit=ir "$src" >"$work/o0" || fail "morchgen -O0 --emit=ir $name failed"
	"$MORCHGEN" --dump-after=build "$src" >"$work/build" || fail "--dump-after=build $name failed"
	"$MORCHGEN" --emit=ir "$src" >"$work/o2" || fail "morchgen --emit=ir $name failed"
	"$MORCHGEN" -O --emit=ir "$src" >"$work/o" || fail "morchgen -O --emit=ir $name failed"
	cmp -s "$work/o0" "$work/build" || fail "$name: -O0 --emit=ir is not the graph as built"
	cmp -s "$work/o0" "$work/o2" && fail "$name: the optimizer changed nothing"
	cmp -s "$work/o" "$work/o2" || fail "$name: -O is not the default -O2"
	for level in 1 3; do # all levels run the same passes for now
		"$MORCHGEN" -O$level --emit=ir "$src" >"$work/ol" || fail "-O$level $name failed"
		cmp -s "$work/ol" "$work/o2" || fail "$name: -O$level differs from -O2"
	done
done

# Standard input needs no -o when no C is written.
"$MORCHGEN" --dump-after=build - <"$dir/dce.morch" >"$work/stdin" ||
	fail "--dump-after=build - failed"
"$MORCHGEN" --dump-after=build "$dir/dce.morch" | cmp -s - "$work/stdin" ||
	fail "--dump-after=build of standard input differs from the file's"


# Errors: status 1, a message naming what is wrong, and no output on stdout.
expect_error() {
	msg=$1
	shift
	"$MORCHGEN" "$@" >"$work/out" 2>"$work/err"
	status=$?
	[ "$status" -eq 1 ] || fail "morchgen $* exited with $status, not 1"
	[ -s "$work/out" ] && fail "morchgen $* wrote to standard output"
	grep -Fq -- "$msg" "$work/err" || { fail "morchgen $*: no '$msg' in:"; cat "$work/err"; }
}
expect_error "unknown pass 'nope' for --dump-after (build, fold, algebra, cse, dce)" \
	--dump-after=nope "$dir/dce.morch"
expect_error "unknown optimization level '-O4'" -O4 --emit=ir "$dir/dce.morch"
expect_error "unknown optimization level '-Ofast'" -Ofast --emit=ir "$dir/dce.morch"
expect_error "--dump-after=fold needs the optimizer" -O0 --dump-after=fold "$dir/dce.morch"

# --dump-after writes no C.
(cd "$work" && cp "$dir/dce.morch" . && "$MORCHGEN" --dump-after=cse dce.morch >/dev/null) ||
	fail "--dump-after=cse failed"
[ -e "$work/dce.c" ] && fail "--dump-after wrote dce.c"

echo "$failures failed"
[ "$failures" -eq 0 ]
