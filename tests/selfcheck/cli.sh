#!/bin/sh
# cli.sh: morchgen --emit=test on the command line, and the program's own: default file names,
# --header, standard input, errors, the seed argument, graphs without a grad statement.
. "$top_srcdir/tests/selfcheck/common.sh"
SAN=
cd "$tmp" || exit 99

"$MORCHGEN" --help | grep -q 'test (a self-check program' || die "--help does not list --emit=test"
"$MORCHGEN" --emit=bogus x.morch 2>err && die "--emit=bogus accepted"
grep -q "unknown --emit kind 'bogus' (c, ir or test)" err || die "--emit=bogus: $(cat err)"

# Default names: FILE_test.c, which includes FILE.h.
cat >two.morch <<'M'
graph lin { input x[N, 3]; param w[3, 2]; y = x @ w; output y; grad y wrt w; }
graph plain : f64 { input a[4]; b = exp(a) * 2; output b; }
M
"$MORCHGEN" $MORCHGEN_FLAGS two.morch && "$MORCHGEN" $MORCHGEN_FLAGS --emit=test two.morch ||
	die "morchgen two.morch"
[ -f two_test.c ] || die "no two_test.c"
grep -q '^#include "two.h"$' two_test.c || die "two_test.c does not include two.h"
build two
./two_test >out || { cat out; die "two_test failed"; }
grep -q '^NOTE plain: no grad statement' out || die "no note for a graph without grad"
grep -q '^PASS plain: forward twice gives the same bytes' out || die "plain not checked"
grep -q '^PASS lin: adjoint test' out || die "lin: no adjoint test"
grep -q '^PASS: 0 of 2 graphs failed (seed 1)$' out || die "summary: $(tail -1 out)"

# The seed: printed, reproducible, changeable; anything else is a usage error.
./two_test 1 >same && cmp -s out same || die "seed 1 is not reproducible"
./two_test 42 >other || die "seed 42 failed"
grep -q '^self-check of two.morch, seed 42$' other || die "seed 42 not printed"
cmp -s out other && die "seed 42 gives the same run as seed 1"
./two_test bad 2>err && die "a bad argument was accepted"
grep -q 'usage:' err || die "no usage message"

# Standard input: -o is required, the header is named after it unless --header says.
"$MORCHGEN" --emit=test - <two.morch 2>err && die "--emit=test - without -o accepted"
grep -q 'needs -o' err || die "stdin without -o: $(cat err)"
"$MORCHGEN" --emit=test -o piped_test.c - <two.morch || die "stdin"
grep -q '^#include "piped.h"$' piped_test.c || die "piped_test.c does not include piped.h"
"$MORCHGEN" --emit=test --header=sub/two.h -o hdr_test.c two.morch || die "--header"
grep -q '^#include "sub/two.h"$' hdr_test.c || die "--header is not what hdr_test.c includes"

# An input no domain makes finite: a failure, said so, not a crash or a pass.
printf 'graph nowhere : f64 { input x[3]; t = sum(log(x - 3)); output t; grad t wrt x; }\n' >nowhere.morch
gen nowhere nowhere.morch
build nowhere
./nowhere_test >out && die "log(x - 3) passed"
grep -q '^FAIL nowhere: a finite point in the input domains' out || { cat out; die "log(x - 3)"; }

# The program's own names cannot meet the user's: a graph named like its prefix, inputs named
# like its macros, functions and main's arguments (these broke the build before they were
# prefixed morch_sc_).
cat >clash.morch <<'M'
graph sc : f64 {
    input SC_GUARD[3]; param sc_main[3]; param memcpy[3]; input argc[3]; input main[3];
    input stderr[3]; input sc_graph[3];
    t = sum(exp(SC_GUARD) * sc_main + memcpy * argc * main * stderr * sc_graph);
    output t;
    grad t wrt sc_main, memcpy;
}
M
gen clash clash.morch
build clash
./clash_test >out || { cat out; die "clash_test failed"; }
grep -q '^PASS: 0 of 1 graphs failed' out || die "clash: $(tail -1 out)"

# A compile error: the cproc-style message, status 1, and no file left behind.
printf 'graph g { input x[2]; output y; }\n' >bad.morch
"$MORCHGEN" --emit=test bad.morch 2>err && die "bad.morch accepted"
grep -q '^bad.morch:1:[0-9]*: error: ' err || die "bad.morch: $(cat err)"
[ ! -e bad_test.c ] || die "bad_test.c written for a file with errors"
ls | grep -q 'tmp' && die "a temporary file was left: $(ls)"
echo "ok"
