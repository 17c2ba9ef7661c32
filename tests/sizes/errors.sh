#!/bin/sh
# errors.sh: sizes too large for generated code are located errors at generation time, never a
# wrapped or saturated number in a message or in the output. Each too-large/*.morch names its
# expected first line of stderr in a leading "# expect: LINE:COL: error: TEXT"; the workspace
# case, thousands of statements, is written here. Every case must exit 1, print nothing on
# standard output and leave no file behind.
. "$top_srcdir/tests/sizes/common.sh"

fails=0
# expect_error FILE EXPECTED [MORCHGEN ARGS...]
expect_error() {
	e_file=$1 e_want=$2
	shift 2
	mkdir "$tmp/out" || exit 99
	status=0
	(cd "$tmp/out" && "$MORCHGEN" "$@" "$e_file" >"$tmp/stdout" 2>"$tmp/stderr") || status=$?
	got=$(head -n 1 "$tmp/stderr")
	leftover=$(ls -A "$tmp/out")
	if [ "$status" -ne 1 ] || [ "$got" != "$e_want" ] || [ -s "$tmp/stdout" ] || [ -n "$leftover" ]
	then
		echo "FAIL: $e_file $* (exit $status, files: ${leftover:-none})"
		echo "  want: $e_want"
		echo "  got:  $got"
		fails=$((fails + 1))
	else
		echo "ok: $(basename "$e_file") $*"
	fi
	rm -rf "$tmp/out"
}

for f in "$here"/too-large/*.morch; do
	expect=$(sed -n '1s/^# expect: //p' "$f")
	[ -n "$expect" ] || die "$f has no '# expect:' line"
	expect_error "$f" "$f:$expect"
	expect_error "$f" "$f:$expect" -O0
done

# 4096 intermediates of 2^48 doubles, each in its own slot at -O0: 2^63 bytes of workspace, one
# past INT64_MAX and PTRDIFF_MAX (a size_t sum would wrap to 0 at 2^64 only later).
ws="$tmp/workspace.morch"
{
	echo "graph big : f64 {"
	echo "    input x[16777216, 16777216];"
	echo "    y0 = x + 1;"
	i=1
	while [ $i -le 4096 ]; do
		echo "    y$i = y$((i - 1)) + x;"
		i=$((i + 1))
	done
	echo "    output y4096;"
	echo "}"
} >"$ws"
# y0 is line 3 and y4095, the 4096th slot, line 4098; its '+' is at column 19
expect_error "$ws" "$ws:4098:19: error: the workspace of graph 'big' exceeds 9223372036854775807 bytes with this [16777216, 16777216] tensor" -O0

[ $fails -eq 0 ] || die "$fails cases failed"
