#!/bin/sh
# api_files.sh: the files morchgen writes and what their objects contain (CONTRACT.md A2).
# Every check runs and reports; the test fails at the end if any did. Each morchgen run passes
# $MORCHGEN_FLAGS (see common.sh): the files and symbols are the contract at every level.
. "$top_srcdir/tests/semantics/common.sh"

failed=0
check() { # check DESCRIPTION COMMAND...: runs the command, reports the outcome
	what=$1
	shift
	if "$@" >"$tmp/check.log" 2>&1; then
		echo "ok: $what"
	else
		echo "FAIL: $what" >&2
		sed 's/^/    /' "$tmp/check.log" >&2
		failed=1
	fi
}

C99="-std=c99 -O2 -Wall -Wextra -Werror"
graphs="$sem/api.morch $sem/ties.morch $sem/stable.morch $sem/labels.morch $sem/symdims.morch
	$top_srcdir/examples/seed/seed.morch"

# Writable sections of an object: .data, .bss, their thread-local and small forms, and common
# symbols. Constant tables that hold pointers go to .data.rel.ro when compiling for PIE, which the
# loader makes read-only after relocation, so they are not mutable.
no_mutable_data() { # no_mutable_data FILE.o FILE.c
	if command -v "${OBJDUMP:-objdump}" >/dev/null 2>&1; then
		${OBJDUMP:-objdump} -t "$1" | awk '
			$0 ~ /[ \t](\.s?data|\.s?bss|\.tdata|\.tbss)(\.[^ \t]*)?[ \t]/ &&
			$0 !~ /\.data\.rel\.ro/ && $0 !~ / d  / { print; bad = 1 }
			/\*COM\*/ { print; bad = 1 }
			END { exit bad }'
	else # nm cannot tell .data.rel.ro from .data: without PIC, constants stay in .rodata
		$CC $C99 -fno-pic -I"$top_srcdir/runtime" -c "$2" -o "$1.nopic.o" || return 1
		# b B: .bss, d D: .data, C: common, g G s S: small data and bss on some targets
		! ${NM:-nm} "$1.nopic.o" | grep -E ' [bBdDcCgGsS] '
	fi
}

# The .c includes only standard headers, the runtime header and its own header.
std_headers='assert complex ctype errno fenv float inttypes iso646 limits locale math setjmp
	signal stdarg stdbool stddef stdint stdio stdlib string tgmath time wchar wctype'
includes_ok() { # includes_ok FILE.c OWN_HEADER
	grep -E '^[[:space:]]*#[[:space:]]*include' "$1" | while read -r _ name; do
		case $name in
		'"morchrt.h"' | "\"$2\"") ;;
		'<'*'.h>')
			h=${name#<}
			h=${h%.h>}
			case " $(echo $std_headers) " in
			*" $h "*) ;;
			*) echo "non-standard header $name" && exit 1 ;;
			esac
			;;
		*) echo "unexpected include $name" && exit 1 ;;
		esac
	done
}

# ---- every graph file, plain and with --reflect: compiles with the contract's flags, includes
# what it may, has a self-contained header, no mutable global state, and allocates nothing
mkdir "$tmp/all"
for m in $graphs; do
	base=$(basename "$m" .morch)
	for kind in plain reflect; do
		out="$tmp/all/$base-$kind"
		opt=
		[ $kind = reflect ] && opt=--reflect
		"$MORCHGEN" $MORCHGEN_FLAGS $opt -o "$out.c" "$m" || die "morchgen $opt $m"
		check "$base ($kind) compiles with $C99 -Wvla" \
			$CC $C99 -Wvla -I"$top_srcdir/runtime" -c "$out.c" -o "$out.o"
		[ -f "$out.o" ] || continue
		check "$base ($kind): nothing in .data, .bss or common" no_mutable_data "$out.o" "$out.c"
		check "$base ($kind): includes only standard headers, morchrt.h and $base-$kind.h" \
			includes_ok "$out.c" "$base-$kind.h"
		printf '#include "%s-%s.h"\n' "$base" $kind >"$out-only.c"
		check "$base ($kind): a TU including only the header compiles" \
			$CC $C99 -I"$tmp/all" $( [ $kind = reflect ] && echo "-I$top_srcdir/runtime" ) \
			-c "$out-only.c" -o "$out-only.o"
		check "$base ($kind): calls no allocator" \
			sh -c "! ${NM:-nm} -u '$out.o' | grep -E '(^| )_*(malloc|calloc|realloc|free|aligned_alloc|posix_memalign|alloca|morch_alloc)\$'"
	done
done

check "api.c includes its own header" grep -q '^#include "api-plain.h"$' "$tmp/all/api-plain.c"

# ---- the header is self-contained (no -I for the runtime unless --reflect needs morchrt.h),
# guarded against double inclusion, and valid C++ with C linkage
mkdir "$tmp/h"
"$MORCHGEN" $MORCHGEN_FLAGS -o "$tmp/h/api.c" "$sem/api.morch" || die "morchgen api.morch"
printf '#include "api.h"\n' >"$tmp/h/only.c"
check "a TU including only api.h compiles" $CC $C99 -I"$tmp/h" -c "$tmp/h/only.c" -o "$tmp/h/only.o"
printf '#include "api.h"\n#include "api.h"\nint main(void) { return direct_workspace_bytes() != 0; }\n' \
	>"$tmp/h/twice.c"
check "api.h included twice compiles" $CC $C99 -I"$tmp/h" -c "$tmp/h/twice.c" -o "$tmp/h/twice.o"
cp "$tmp/all/api-reflect.h" "$tmp/h/api_reflect.h"
printf '#include "api_reflect.h"\n' >"$tmp/h/only_reflect.c"
check "a TU including only the --reflect header compiles (with -I runtime)" \
	$CC $C99 -I"$tmp/h" -I"$top_srcdir/runtime" -c "$tmp/h/only_reflect.c" -o "$tmp/h/r.o"

CXX=${CXX:-g++}
if command -v "$CXX" >/dev/null 2>&1; then
	cat >"$tmp/h/use.cc" <<-'EOF'
	// C++ calls the C functions: links only if the header gives them C linkage.
	#include "api.h"
	int main()
	{
		const float x[4] = { 1, 2, 3, 4 };
		float y[4];
		direct_forward(x, y, nullptr);
		return y[3] == 8 ? 0 : 1;
	}
	EOF
	check "api.h passes $CXX -fsyntax-only" \
		$CXX -std=c++11 -Wall -Wextra -Werror -fsyntax-only -I"$tmp/h" "$tmp/h/use.cc"
	check "the --reflect header passes $CXX -fsyntax-only" \
		$CXX -std=c++11 -Wall -Wextra -Werror -fsyntax-only -x c++ -I"$tmp/h" \
		-I"$top_srcdir/runtime" "$tmp/h/only_reflect.c"
	# run, so with the sanitizers of a sanitized build (the objects checked above are plain:
	# instrumentation adds data and calls of its own)
	if $CC $C99 $SAN_CFLAGS -I"$top_srcdir/runtime" -c "$tmp/h/api.c" -o "$tmp/h/api.o"; then
		check "C++ links against the generated C object and runs it" \
			sh -c "$CXX $SAN_CFLAGS -I'$tmp/h' '$tmp/h/use.cc' '$tmp/h/api.o' -o '$tmp/h/use' -lm && '$tmp/h/use'"
	fi
else
	echo "note: no C++ compiler ($CXX), C++ checks left out"
fi

# ---- --header H: the header goes to H only, and the .c includes H's file name
mkdir "$tmp/hdr" "$tmp/hdr/inc" "$tmp/hdr/src"
"$MORCHGEN" $MORCHGEN_FLAGS --header "$tmp/hdr/inc/api_decls.h" -o "$tmp/hdr/src/out.c" \
	"$sem/api.morch" || die "morchgen --header"
check "--header writes H" test -f "$tmp/hdr/inc/api_decls.h"
check "--header writes no header beside the .c" test ! -e "$tmp/hdr/src/out.h"
check "--header writes nothing else" \
	sh -c "test \"\$(ls '$tmp/hdr/src' '$tmp/hdr/inc' | tr '\n' ' ')\" = \"$tmp/hdr/inc: api_decls.h  $tmp/hdr/src: out.c \""
check "the .c includes H by its file name" grep -q '^#include "api_decls.h"$' "$tmp/hdr/src/out.c"
check "the .c includes no other header of its own" includes_ok "$tmp/hdr/src/out.c" api_decls.h
check "the .c compiles with -I for H's directory" \
	$CC $C99 -I"$tmp/hdr/inc" -I"$top_srcdir/runtime" -c "$tmp/hdr/src/out.c" -o "$tmp/hdr/out.o"
"$MORCHGEN" $MORCHGEN_FLAGS --header="$tmp/hdr/inc/eq.h" -o "$tmp/hdr/eq.c" "$sem/api.morch" ||
	die "morchgen --header="
check "--header=H works too" grep -q '^#include "eq.h"$' "$tmp/hdr/eq.c"

# ---- determinism: the same command twice writes the same bytes
mkdir "$tmp/det"
for run in 1 2; do
	for m in $graphs; do
		base=$(basename "$m" .morch)
		"$MORCHGEN" $MORCHGEN_FLAGS --reflect -o "$tmp/det/$base.c" "$m" || die "morchgen $m"
		cp "$tmp/det/$base.c" "$tmp/det/$base.c.$run"
		cp "$tmp/det/$base.h" "$tmp/det/$base.h.$run"
	done
done
for m in $graphs; do
	base=$(basename "$m" .morch)
	check "$base.c is the same twice" cmp "$tmp/det/$base.c.1" "$tmp/det/$base.c.2"
	check "$base.h is the same twice" cmp "$tmp/det/$base.h.1" "$tmp/det/$base.h.2"
done

exit $failed
