#!/bin/sh
# lines.sh: --line-directives. The C of each statement of lines.morch carries #line directives
# to that statement's line, so compiler messages name it (a -Wfloat-equal warning from the max
# on line 7 is reported at lines.morch:7) and, after gcc -E, the code of each kernel comes from
# the right .morch line while the generated file's own functions keep their true line numbers.
# The output still compiles warning-free, computes bit-identical values, and without its #line
# lines is byte for byte the output without the option.
. "$top_srcdir/tests/sizes/common.sh"

cp "$here/lines.morch" "$tmp/lines.morch" || exit 99
cd "$tmp" || exit 99
mkdir plain || exit 99
"$MORCHGEN" $MORCHGEN_FLAGS -o plain/lines.c lines.morch || die "morchgen"
"$MORCHGEN" $MORCHGEN_FLAGS --line-directives -o lines.c lines.morch || die "morchgen --line-directives"
# the banners name the command line, which differs
grep -v '^ \* Command: ' lines.h >a.h && grep -v '^ \* Command: ' plain/lines.h >b.h || exit 99
cmp -s a.h b.h || die "--line-directives changed the header"
grep -q '^#line [0-9]* "lines.morch"$' lines.c || die "no #line directive names lines.morch"
grep -v -e '^#line ' -e '^ \* Command: ' lines.c >a.c
grep -v '^ \* Command: ' plain/lines.c >b.c || exit 99
cmp -s a.c b.c || die "--line-directives changed more than #line lines"
grep -q '^#line' plain/lines.c && die "#line directives without the option"

# compiler messages point at the .morch line
$CC -std=c99 -Wfloat-equal -I"$top_srcdir/runtime" -c lines.c -o warn.o 2>warn.log ||
	die "cannot compile with -Wfloat-equal: $(cat warn.log)"
grep -q '^lines\.morch:7:[0-9]*: warning:.*float-equal' warn.log ||
	die "the -Wfloat-equal warning of max (line 7) is not reported at lines.morch:7: $(cat warn.log)"
grep -v '^lines\.morch:7:' warn.log | grep -q 'warning:' &&
	die "warnings reported elsewhere than line 7: $(cat warn.log)"

# gcc -E: the line each output line comes from, FILE:LINE<TAB>TEXT
$CC -E -I"$top_srcdir/runtime" lines.c >pre.i || die "cannot preprocess lines.c"
awk '/^# [0-9]+ "/ { line = $2; file = $3; gsub(/"/, "", file); next }
	{ print file ":" line "\t" $0; line++ }' pre.i >where.txt
where() { # the FILE:LINE of the first preprocessed line outside the header that contains $1
	grep -v '^lines\.h:' where.txt | grep -F -- "$1" | head -n 1 | cut -f 1
}
# (the calls in kernels: the inline morch_tanhf and morch_expf are the generated file's own)
[ "$(where '= morch_tanhf(')" = lines.morch:5 ] ||
	die "tanh does not come from line 5: $(where '= morch_tanhf(')"
[ "$(where 'sm += morch_expf(')" = lines.morch:6 ] ||
	die "softmax does not come from line 6: $(where 'sm += morch_expf(')"
for fn in lines_forward lines_grad lines_workspace_bytes; do
	want=lines.c:$(grep -n "^[a-z_ ]*$fn(" lines.c | head -n 1 | cut -d: -f 1)
	got=$(where " $fn(int64_t N")
	[ "$got" = "$want" ] || die "$fn is at $want but the preprocessor says $got"
done
# every .morch line mentioned is a line of a statement that computes (5 to 8)
bad=$(grep -o '^lines\.morch:[0-9]*' where.txt | sort -u | grep -v -x 'lines\.morch:[5-8]')
[ -z "$bad" ] || die "code attributed to lines without computation: $bad"

# warning-free, and the same numbers to the bit
$CC $WARN -O2 -I"$tmp" "$here/lines_driver.c" lines.c $rtsrc -o with -lm ||
	die "the --line-directives output does not compile warning-free"
$CC $WARN -O2 -I"$tmp/plain" "$here/lines_driver.c" plain/lines.c $rtsrc -o without -lm ||
	die "the plain output does not compile"
./with >with.out && ./without >without.out || die "a driver failed"
cmp -s with.out without.out || die "--line-directives changed the values"

# debuggers: with objdump, the line table of lines.o names lines.morch
if command -v objdump >/dev/null 2>&1; then
	$CC -std=c99 -g -O0 -I"$top_srcdir/runtime" -c lines.c -o dbg.o || die "gcc -g"
	objdump --dwarf=decodedline dbg.o | grep -q 'lines\.morch' ||
		die "the debug line table does not name lines.morch"
else
	echo "objdump missing: the debug line table is not checked"
fi
echo "ok"
