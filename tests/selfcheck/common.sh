# common.sh: sourced by the tests of tests/selfcheck. Sets $here (this directory in the source
# tree), $tmp (a scratch directory removed on exit), $SAN (the sanitizer flags when $CC can use
# them, else empty) and the helpers below. $MORCHGEN_FLAGS (configure's, through tests/local.mk)
# goes, unquoted, after every "$MORCHGEN": the self-checks hold at every optimization level.
: "${MORCHGEN:?run through make check}" "${CC:?}" "${top_srcdir:?}" "${top_builddir:?}"
MORCHGEN_FLAGS=${MORCHGEN_FLAGS-}
here="$top_srcdir/tests/selfcheck"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/morch-selfcheck.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# What users are told the generated program compiles with; the runtime is compiled in directly,
# so sanitizer builds need no libtool.
STRICT="-std=c99 -O1 -g -Wall -Wextra -Werror"
RTSRC="$top_srcdir/runtime/morchrt.c -I$top_srcdir/runtime -I$top_builddir -DHAVE_CONFIG_H"

skip() {
	echo "SKIP: $*"
	exit 77
}

die() {
	echo "FAIL: $*" >&2
	exit 1
}

# AddressSanitizer and UBSan when $CC builds and runs a program with them; leak checking needs
# ptrace, which some containers forbid.
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:${ASAN_OPTIONS:-}"
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export ASAN_OPTIONS UBSAN_OPTIONS
printf 'int main(void) { return 0; }\n' >"$tmp/probe.c"
if ! { $CC $SAN "$tmp/probe.c" -o "$tmp/probe" && "$tmp/probe"; } >"$tmp/probe.log" 2>&1; then
	echo "NOTE: $CC cannot build programs with sanitizers; building without them"
	SAN=
fi

# gen NAME FILE.morch [MORCHGEN OPTION]...: $tmp/NAME.c and .h, and $tmp/NAME_test.c.
gen() {
	name=$1 src=$2
	shift 2
	"$MORCHGEN" $MORCHGEN_FLAGS "$@" -o "$tmp/$name.c" "$src" || die "morchgen $src"
	"$MORCHGEN" $MORCHGEN_FLAGS --emit=test --header="$name.h" -o "$tmp/${name}_test.c" "$src" ||
		die "morchgen --emit=test $src"
}

# build NAME [C FILE]: $tmp/NAME_test from NAME_test.c and the graphs' C (default NAME.c), with
# $STRICT and $SAN (set SAN= for a quicker build).
build() {
	$CC $STRICT $SAN -I"$tmp" "$tmp/$1_test.c" "$tmp/${2:-$1}.c" $RTSRC -o "$tmp/$1_test" -lm ||
		die "cannot build the self-check of $1 with $STRICT $SAN"
}

# check_all NAME:FILE.morch...: builds and runs the self-check of each file; fails if one fails.
check_all() {
	n=0 failed=
	for pair in "$@"; do
		name=${pair%%:*} file=${pair#*:}
		gen "$name" "$file"
		build "$name"
		n=$((n + 1))
		if ! "$tmp/${name}_test" >"$tmp/$name.out" 2>&1; then
			cat "$tmp/$name.out"
			failed="$failed $name"
		fi
		grep '^PASS:\|^FAIL:' "$tmp/$name.out" | sed "s|^|$name: |"
	done
	[ -z "$failed" ] || die "self-checks failed:$failed"
	echo "$n self-check programs passed"
}

# The test graphs, named: the build writes more .morch files beside them in an in-tree build.
TORCH_FILES="edges elementwise higher labels linalg models readme reductions second symbolic"
GRAD_FILES="axis broadcast elementwise fixed higher labels matmul misc reduce shape ties"

# The f32 twin of a file of f64 graphs: each 'graph G : f64' becomes 'graph G_f32'.
twin() {
	sed -e 's/^\(graph  *[A-Za-z_][A-Za-z0-9_]*\) *: *f64/\1_f32/' "$1"
}
