#!/bin/sh
# docs/check-examples.sh: the code blocks of docs/*.md are checked, so the pages cannot drift
# from what morchgen does. An HTML comment on the line before a fenced block says what to do:
#
#   <!-- check: morch NAME [reflect] [-On] -->  ```morch  saved as NAME.morch; morchgen (with
#                                         --reflect, -On if given) must accept it and its C
#                                         must compile with -std=c99 -Wall -Wextra -Werror
#   <!-- check: error FILE -->            ```morch  morchgen FILE must fail with status 1, write
#                                         no C file, and print exactly the next `stderr` block
#   <!-- check: stderr -->                ```text   that expected standard error
#   <!-- check: run NAME -->              ```c      a caller: compiled, linked with NAME.c and the
#                                         runtime, run; it checks its own results (exit status 0)
#   <!-- check: header NAME -->           ```c      every declaration line is a line of NAME.h
#   <!-- check: excerpt NAME [h] -->      ```c      the lines appear, contiguous and exact, in NAME.c
#                                         (or in NAME.h)
#   <!-- check: ir NAME [-On] -->         ```text   exactly `morchgen --emit=ir [-On] NAME.morch`
#   <!-- check: make NAME PROGRAM -->     ```make   a Makefile run in a directory with NAME.morch and
#                                         the last `run NAME` caller as main.c; PROGRAM must run
#   <!-- check: none REASON -->           any       not checked (a generic signature, say)
#
# A ```morch block without a comment is checked like `morch`; a ```c block without one is an
# error, so no C example goes unchecked. Expected values in callers come from the text (worked by
# hand), never from running morchgen.
#
# Environment (tests/local.mk): MORCHGEN, MORCHGEN_FLAGS, CC, SANITIZER_FLAGS, top_srcdir,
# top_builddir. SANITIZER_FLAGS (configure --enable-sanitizers) goes into every compile and link,
# so the callers run under ASan and UBSan there.
# MORCHGEN_FLAGS (configure's, say -O0) is passed where the C is compiled or run (`morch` blocks
# and the `make` Makefile), so the callers hold at every level. It is not passed to `error`
# blocks (the exact messages of the command the page shows) nor to `ir` blocks: the page shows
# what `morchgen --emit=ir NAME.morch` prints at the default level, and that is what is compared.
set -u
MORCHGEN_FLAGS=${MORCHGEN_FLAGS-}

: "${MORCHGEN:?MORCHGEN is not set (run through make check)}"
: "${top_srcdir:?}" "${top_builddir:?}"
CC=${CC:-cc}
SANITIZER_FLAGS=${SANITIZER_FLAGS-}
CFLAGS="-std=c99 -O2 -Wall -Wextra -Werror${SANITIZER_FLAGS:+ $SANITIZER_FLAGS}"

work=$(mktemp -d "${TMPDIR:-/tmp}/morch-docs.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
mkdir "$work/blocks" "$work/err"

failures=0
checked=0
fail() {
	echo "FAIL: $where: $*"
	failures=$((failures + 1))
}

# The runtime, compiled from source with the build's config.h (no libtool needed to link).
if ! $CC $CFLAGS -DHAVE_CONFIG_H -I"$top_builddir" -I"$top_srcdir/runtime" \
	-c "$top_srcdir/runtime/morchrt.c" -o "$work/morchrt.o"; then
	echo "cannot compile the runtime"
	exit 99
fi

# Split the pages into numbered blocks and a manifest: number|language|annotation|file:line.
awk -v dir="$work/blocks" '
	FNR == 1 { ann = ""; inblock = 0 }
	!inblock && /^ *<!-- check: .* -->$/ {
		ann = $0
		sub(/^ *<!-- check: /, "", ann)
		sub(/ -->$/, "", ann)
		next
	}
	!inblock && /^ *```/ {
		# a fence may be indented (inside a list item): strip that much from its lines
		indent = $0
		sub(/```.*/, "", indent)
		indent = length(indent)
		lang = substr($0, indent + 4)
		n++
		file = sprintf("%s/%03d", dir, n)
		printf "" > file
		printf "%03d|%s|%s|%s:%d\n", n, lang, ann, FILENAME, FNR > (dir "/manifest")
		inblock = 1
		ann = ""
		next
	}
	inblock && /^ *```$/ { inblock = 0; close(file); next }
	inblock {
		line = $0
		for (i = 0; i < indent && substr(line, 1, 1) == " "; i++)
			line = substr(line, 2)
		print line > file
		next
	}
	/[^ \t]/ { ann = "" }
' "$top_srcdir"/docs/*.md || exit 99

# Generates NAME.c and NAME.h from NAME.morch and compiles the C.
generate() {
	name=$1
	shift
	if ! (cd "$work" && "$MORCHGEN" $MORCHGEN_FLAGS "$@" -o "$name.c" "$name.morch") \
		>"$work/out" 2>&1; then
		fail "morchgen rejected $name.morch:"
		cat "$work/out"
		return 1
	fi
	if ! $CC $CFLAGS -I"$top_srcdir/runtime" -c "$work/$name.c" -o "$work/$name.o" \
		>"$work/out" 2>&1; then
		fail "the C generated from $name.morch does not compile:"
		cat "$work/out"
		return 1
	fi
}

# A check of generated files needs its morch block earlier on the same page, compiled.
need() {
	[ -f "$work/$1.o" ] || { fail "no morch block named '$1' before this one, or it failed"; return 1; }
}

trimmed() {
	sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$1"
}

last_error=
anon=0
while IFS='|' read -r num lang ann where; do
	block="$work/blocks/$num"
	where=${where#"$top_srcdir"/}
	set -- $ann
	kind=${1:-}
	name=${2:-}
	[ -z "$kind" ] && [ "$lang" = morch ] && { anon=$((anon + 1)); kind=morch; name=anon$anon; }
	case $kind in
	none)
		continue ;;
	'')
		[ "$lang" = c ] && fail "a C block without a check annotation"
		continue ;;
	esac
	checked=$((checked + 1))
	case $kind in
	morch)
		if [ -f "$work/$name.morch" ]; then
			fail "two morch blocks are named '$name'"
			continue
		fi
		cp "$block" "$work/$name.morch"
		if [ $# -ge 2 ]; then shift 2; else set --; fi # an anonymous block has no words
		flags=
		for w in "$@"; do
			[ "$w" = reflect ] && w=--reflect
			flags="$flags $w"
		done
		generate "$name" $flags ;;
	error)
		rm -f "$work/err/"*
		cp "$block" "$work/err/$name"
		(cd "$work/err" && "$MORCHGEN" "$name") >/dev/null 2>"$work/stderr"
		status=$?
		last_error=$where
		[ "$status" -eq 1 ] || fail "morchgen $name exited with $status, not 1"
		ls "$work/err/"*.c >/dev/null 2>&1 && fail "morchgen $name wrote a C file"
		cp "$work/stderr" "$work/last-stderr" ;;
	stderr)
		if [ -z "$last_error" ]; then
			fail "a stderr block without an error block before it"
			continue
		fi
		diff -u "$block" "$work/last-stderr" >"$work/out" ||
			{ fail "the messages differ from what morchgen prints (- page, + morchgen):"; cat "$work/out"; }
		last_error= ;;
	run)
		need "$name" || continue
		cp "$block" "$work/$name.main.c"
		if ! $CC $CFLAGS -I"$work" -I"$top_srcdir/runtime" -o "$work/prog" \
			"$work/$name.main.c" "$work/$name.o" "$work/morchrt.o" -lm >"$work/out" 2>&1; then
			fail "the caller does not compile:"
			cat "$work/out"
			continue
		fi
		"$work/prog" >"$work/out" 2>&1 || { fail "the caller failed:"; cat "$work/out"; } ;;
	header)
		need "$name" || continue
		trimmed "$work/$name.h" >"$work/h"
		grep -v -e '^[[:space:]]*$' -e '^[[:space:]]*/\*' -e '^[[:space:]]*\*' "$block" |
			while IFS= read -r l; do
				l=$(printf '%s\n' "$l" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//')
				grep -Fqx -- "$l" "$work/h" || echo "$l"
			done >"$work/out"
		[ -s "$work/out" ] && { fail "not in $name.h:"; cat "$work/out"; } ;;
	excerpt)
		need "$name" || continue
		ext=${3:-c}
		awk 'NR == FNR { want[n++] = $0; next }
			{ line[m++] = $0 }
			END {
				for (i = 0; i + n <= m; i++) {
					for (k = 0; k < n && line[i + k] == want[k]; k++)
						;
					if (k == n)
						exit 0
				}
				exit 1
			}' "$block" "$work/$name.$ext" || fail "not an exact excerpt of $name.$ext" ;;
	ir)
		need "$name" || continue
		shift 2
		(cd "$work" && "$MORCHGEN" --emit=ir "$@" "$name.morch") >"$work/ir" 2>&1
		diff -u "$block" "$work/ir" >"$work/out" ||
			{ fail "the IR differs (- page, + morchgen):"; cat "$work/out"; } ;;
	make)
		need "$name" || continue
		program=${3:-app}
		rm -rf "$work/make"
		mkdir "$work/make"
		cp "$block" "$work/make/Makefile"
		cp "$work/$name.morch" "$work/make/"
		[ -f "$work/$name.main.c" ] && cp "$work/$name.main.c" "$work/make/main.c"
		# The outer make's MAKEFLAGS would pass its own variables down: start clean. The page's
		# Makefile runs $(MORCHGEN) as a command only (no prerequisite), so the flags go in it.
		if ! (cd "$work/make" && unset MAKEFLAGS MFLAGS MAKELEVEL &&
			make MORCHGEN="$MORCHGEN${MORCHGEN_FLAGS:+ $MORCHGEN_FLAGS}" \
				CC="$CC${SANITIZER_FLAGS:+ $SANITIZER_FLAGS}" \
				CPPFLAGS="-I$top_srcdir/runtime" LDLIBS="$work/morchrt.o -lm" &&
			"./$program") >"$work/out" 2>&1; then
			fail "the Makefile does not build and run $program:"
			cat "$work/out"
		fi ;;
	*)
		fail "unknown check '$kind'" ;;
	esac
done <"$work/blocks/manifest"

[ -n "$last_error" ] && { where=$last_error; fail "an error block without a stderr block after it"; }

# Links between the pages: the page exists and the #anchor is one of its headings (GitHub's
# rule: lower case, punctuation dropped, spaces to hyphens).
(cd "$top_srcdir/docs" && awk '
	function anchor(h) {
		sub(/^#+ /, "", h)
		h = tolower(h)
		gsub(/[^a-z0-9 _-]/, "", h)
		gsub(/ /, "-", h)
		return h
	}
	/^```/ { fence = !fence; next }
	!fence && /^#+ / { have[FILENAME "#" anchor($0)] = 1 }
	!fence {
		line = $0
		while (match(line, /\]\([^)]*\)/)) {
			target = substr(line, RSTART + 2, RLENGTH - 3)
			line = substr(line, RSTART + RLENGTH)
			if (target ~ /^[a-z]+:/)
				continue
			page = target
			sub(/#.*/, "", page)
			if (page == "")
				page = FILENAME
			want[++n] = page (target ~ /#/ ? "#" substr(target, index(target, "#") + 1) : "")
			from[n] = FILENAME ":" FNR
		}
	}
	END {
		for (i = 1; i <= n; i++) {
			page = want[i]
			sub(/#.*/, "", page)
			if ((getline dummy < page) < 0)
				printf "%s: no page %s\n", from[i], page
			else if (want[i] ~ /#/ && !(want[i] in have))
				printf "%s: no heading for %s\n", from[i], want[i]
		}
	}' *.md) >"$work/links"
where=docs
[ -s "$work/links" ] && { fail "broken links:"; cat "$work/links"; }
[ "$checked" -gt 0 ] || { echo "no checked blocks found in $top_srcdir/docs"; exit 99; }
echo "$checked blocks checked, $failures failed"
[ "$failures" -eq 0 ]
