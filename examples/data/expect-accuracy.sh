# expect-accuracy.sh: sourced by the digit examples' tests. expect_accuracy LO HI PROGRAM ARGS...
# runs PROGRAM (a trainer in the build tree) and fails unless its final held-out accuracy, in
# percent, is in [LO, HI].

expect_accuracy() {
	lo=$1 hi=$2 prog=$3
	shift 3
	out=$("$prog" "$@") || { echo "FAIL: $prog $* exited with status $?"; exit 1; }
	acc=$(printf '%s\n' "$out" | sed -n 's/^held-out accuracy: \([0-9.]*\)% .*/\1/p')
	if test -z "$acc"; then
		printf '%s\n' "$out"
		echo "FAIL: $prog $*: no 'held-out accuracy' line"
		exit 1
	fi
	if awk -v a="$acc" -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(a >= lo && a <= hi) }'; then
		echo "ok: $prog $*: held-out accuracy $acc% in [$lo, $hi]"
	else
		printf '%s\n' "$out"
		echo "FAIL: $prog $*: held-out accuracy $acc% not in [$lo, $hi]"
		exit 1
	fi
}

# The options: --help succeeds, a bad value fails with status 2.
expect_options() {
	prog=$1
	"$prog" --help | grep -q -- '--batch' || { echo "FAIL: $prog --help"; exit 1; }
	"$prog" --batch 0 >/dev/null 2>&1
	test $? -eq 2 || { echo "FAIL: $prog --batch 0 should exit with status 2"; exit 1; }
	"$prog" --no-such-option >/dev/null 2>&1
	test $? -eq 2 || { echo "FAIL: $prog --no-such-option should exit with status 2"; exit 1; }
	echo "ok: $prog options"
}
