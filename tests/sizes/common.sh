# common.sh: sourced by the tests of tests/sizes. Sets $here (this directory in the source
# tree), $tmp (a scratch directory removed on exit), $rtsrc (the runtime compiled in directly,
# so sanitizer builds need no libtool) and helpers.
: "${MORCHGEN:?run through make check}" "${CC:?}" "${top_srcdir:?}" "${top_builddir:?}"
MORCHGEN_FLAGS=${MORCHGEN_FLAGS-}
here="$top_srcdir/tests/sizes"
rtsrc="$top_srcdir/runtime/morchrt.c -I$top_srcdir/runtime -I$top_builddir -DHAVE_CONFIG_H"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/morch-sizes.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
WARN="-std=c99 -Wall -Wextra -Werror"
SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:${ASAN_OPTIONS:-}"
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export ASAN_OPTIONS UBSAN_OPTIONS

skip() {
	echo "SKIP: $*"
	exit 77
}

die() {
	echo "FAIL: $*" >&2
	exit 1
}

# True when $CC builds and runs a program under both sanitizers.
have_sanitizers() {
	printf 'int main(void) { return 0; }\n' >"$tmp/probe.c"
	$CC $SANITIZE "$tmp/probe.c" -o "$tmp/probe" >/dev/null 2>&1 && "$tmp/probe" >/dev/null 2>&1
}
