#!/bin/sh
# examples.sh: every example program (examples/NAME/NAME, for each examples/NAME with a .morch
# graph) runs clean under valgrind memcheck: no invalid read or write, no use of uninitialized
# memory, no definite or indirect leak. morchgen compiling each example's graph is checked the
# same way. Skips (77) without valgrind, and in a sanitized build (valgrind and ASan cannot run
# one program together; ASan checks that build instead).
: "${top_srcdir:?run through make check}" "${top_builddir:?}" "${MORCHGEN:?}" "${LIBTOOL:?}"
MORCHGEN_FLAGS=${MORCHGEN_FLAGS-}

skip() {
	echo "SKIP: $*"
	exit 77
}
[ -z "${SANITIZER_FLAGS-}" ] || skip "a sanitized build (--enable-sanitizers): ASan checks it"
VALGRIND=${VALGRIND:-valgrind}
command -v "$VALGRIND" >/dev/null 2>&1 || skip "no $VALGRIND (apt-get install valgrind)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/morch-memcheck.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# The runs of each example: short trainings (one with a short last batch: 1500 = 214 * 7 + 2),
# --help, and a bad option (status 2), so the error paths are checked too. An example not listed
# here runs once as it is.
runs_of() {
	case $1 in
	mlp | logreg)
		printf '%s\n' '0|--epochs 2' '0|--epochs 1 --batch 7' '0|--help' '2|--batch 0' ;;
	*)
		echo '0|' ;;
	esac
}

failed=0
runs=0
# memcheck WANT_STATUS PROGRAM ARGS...: runs the program (a libtool wrapper or not) under
# memcheck; fails unless it exits with WANT_STATUS and valgrind reports no error.
memcheck() {
	want=$1
	shift
	runs=$((runs + 1))
	log="$tmp/vg.$runs.log"
	"$LIBTOOL" --mode=execute "$VALGRIND" --error-exitcode=1 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect --track-origins=yes --log-file="$log" \
		"$@" >"$tmp/out" 2>&1
	status=$?
	summary=$(grep 'ERROR SUMMARY:' "$log" 2>/dev/null | tail -1 | sed 's/^==[0-9]*== //')
	case $summary in
	'ERROR SUMMARY: 0 errors'*) errors=0 ;;
	*) errors=1 ;;
	esac
	if [ "$status" -eq "$want" ] && [ "$errors" -eq 0 ]; then
		echo "ok: $* (status $status, $summary)"
	else
		echo "FAIL: $*: status $status (want $want), ${summary:-no ERROR SUMMARY from valgrind}" >&2
		sed -n '1,40p' "$tmp/out" >&2
		cat "$log" >&2
		failed=1
	fi
}

found=0
for dir in "$top_srcdir"/examples/*/; do
	name=$(basename "$dir")
	ls "$dir"*.morch >/dev/null 2>&1 || continue # examples/data: no program of its own
	found=$((found + 1))
	for graph in "$dir"*.morch; do
		memcheck 0 "$MORCHGEN" $MORCHGEN_FLAGS -o "$tmp/$name.c" "$graph"
	done
	prog="$top_builddir/examples/$name/$name"
	if [ ! -x "$prog" ]; then
		echo "FAIL: $prog is not built (make builds every example)" >&2
		failed=1
		continue
	fi
	runs_of "$name" >"$tmp/runs"
	while IFS='|' read -r want args; do
		memcheck "$want" "$prog" $args </dev/null
	done <"$tmp/runs"
done
[ "$found" -ge 3 ] || { echo "FAIL: found $found examples in $top_srcdir/examples" >&2; exit 99; }
echo "$runs runs of $found examples under memcheck"
exit $failed
