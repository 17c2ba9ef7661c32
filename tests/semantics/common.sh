# common.sh: sourced by the shell tests of tests/semantics. Sets $sem (this directory in the
# source tree), $tmp (a scratch directory removed on exit), $rtsrc (the runtime's sources
# compiled in directly, so sanitizer builds need no libtool), and helpers.
# $MORCHGEN_FLAGS (configure's, through tests/local.mk) goes, unquoted, after every "$MORCHGEN"
# whose output is compiled or run: these tests hold at every optimization level.
: "${MORCHGEN:?run through make check}" "${CC:?}" "${top_srcdir:?}" "${top_builddir:?}"
MORCHGEN_FLAGS=${MORCHGEN_FLAGS-}
sem="$top_srcdir/tests/semantics"
rtsrc="$top_srcdir/runtime/morchrt.c -I$top_srcdir/runtime -I$top_builddir -DHAVE_CONFIG_H"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/morch-semantics.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# Flags make knows and the environment does not (cmocka's).
if [ -f "$top_builddir/tests/semantics/build.env" ]; then
	. "$top_builddir/tests/semantics/build.env"
fi

skip() {
	echo "SKIP: $*"
	exit 77
}

die() {
	echo "FAIL: $*" >&2
	exit 1
}

# The sanitizers of the tests that always use them (sanitize.sh, labels_asan.sh). $SAN_CFLAGS
# (configure --enable-sanitizers, empty otherwise) goes into every other compile of generated
# code that is then run, so a sanitized build runs all of it under ASan and UBSan.
SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
SAN_CFLAGS=${SANITIZER_FLAGS-}
# Every report is fatal. tests/local.mk sets these (with leak checking where LeakSanitizer
# works); these defaults are for a run by hand, where leaks are not checked: LeakSanitizer needs
# ptrace, which some containers forbid.
ASAN_OPTIONS=${ASAN_OPTIONS-halt_on_error=1:abort_on_error=0:detect_leaks=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS UBSAN_OPTIONS

# Skips (77) unless $CC builds and runs a program under both sanitizers.
need_sanitizers() {
	printf 'int main(void) { return 0; }\n' >"$tmp/probe.c"
	$CC $SANITIZE "$tmp/probe.c" -o "$tmp/probe" >"$tmp/probe.log" 2>&1 && "$tmp/probe" \
		>>"$tmp/probe.log" 2>&1 ||
		skip "$CC cannot build and run programs with $SANITIZE (is libasan/libubsan installed?): $(head -3 "$tmp/probe.log")"
}
