#!/bin/sh
# determinism.sh: morchgen's output depends on its input and options alone. Every .morch file of
# examples/ and tests/ (error cases too: their messages and exit status count) is compiled from
# two working directories at different paths with the same relative command line, under
# different locales, TMPDIR, umask and environment sizes (which move the stack and the heap),
# and every output file, standard output, standard error and exit status must be byte for byte
# the same. Then valgrind's memcheck, when installed, runs morchgen on a few graphs: no
# uninitialized memory may reach the output.
. "$top_srcdir/tests/sizes/common.sh"

a="$tmp/first/work" b="$tmp/second/much/deeper/work"
for d in "$a" "$b"; do
	mkdir -p "$d/out" "$d.tmp" || exit 99
	(cd "$top_srcdir" && find examples tests -name '*.morch' -print) >"$tmp/list" || exit 99
	while read -r f; do
		mkdir -p "$d/src/$(dirname "$f")" && cp "$top_srcdir/$f" "$d/src/$f" || exit 99
	done <"$tmp/list"
done
[ -s "$tmp/list" ] || die "no .morch files found"

# run DIR OPTIONS FILE: runs morchgen in DIR, keeping what it printed and its exit status
run() {
	r_dir=$1 r_opts=$2 r_file=$3
	r_out=out/$(echo "$r_file" | tr '/' '_' | sed 's/\.morch$//')
	(
		cd "$r_dir" || exit 99
		status=0
		if [ "$r_dir" = "$a" ]; then
			env -i PATH="$PATH" LC_ALL=C TMPDIR="$r_dir.tmp" \
				"$MORCHGEN" $r_opts -o "$r_out.c" "src/$r_file" >"$r_out.stdout" 2>"$r_out.stderr" ||
				status=$?
		else
			umask 077
			env LC_ALL=C.UTF-8 LANG=C.UTF-8 TZ=Asia/Kolkata TMPDIR="$r_dir.tmp" \
				PADDING="$padding" MALLOC_PERTURB_=165 \
				"$MORCHGEN" $r_opts -o "$r_out.c" "src/$r_file" >"$r_out.stdout" 2>"$r_out.stderr" ||
				status=$?
		fi
		echo "$status" >"$r_out.status"
	)
}

padding=$(awk 'BEGIN { for (i = 0; i < 3000; i++) printf "x" }')
diffs=0
# the error cases once; the graphs that compile with every option as well
grep -v '^tests/errors/cases/' "$tmp/list" >"$tmp/valid"
for opts in "" "-O0 --reflect --line-directives"; do
	list="$tmp/list"
	[ -z "$opts" ] || list="$tmp/valid"
	while read -r f; do
		run "$a" "$opts" "$f"
		run "$b" "$opts" "$f"
	done <"$list"
	for x in "$a"/out/*; do
		y="$b/out/${x##*/}"
		if ! cmp -s "$x" "$y"; then
			echo "FAIL: morchgen $opts: ${x##*/} differs between the two runs"
			diffs=$((diffs + 1))
		fi
	done
	[ "$(ls "$a/out" | wc -l)" -eq "$(ls "$b/out" | wc -l)" ] ||
		{ echo "FAIL: morchgen $opts: different files were written"; diffs=$((diffs + 1)); }
	n=$(ls "$a/out" | wc -l)
	echo "morchgen $opts: $n files compared"
	rm -f "$a"/out/* "$b"/out/*
done
[ $diffs -eq 0 ] || die "$diffs outputs differ"
[ -z "$(find "$a.tmp" "$b.tmp" -mindepth 1)" ] || die "morchgen left files in TMPDIR"

# A sanitized morchgen cannot run under valgrind (ASan wants to be the first library loaded);
# that build checks its memory with the sanitizers instead.
if [ -n "${SANITIZER_FLAGS:-}" ]; then
	echo "sanitized build: valgrind not run"
elif command -v valgrind >/dev/null 2>&1; then
	for f in examples/mlp/mlp.morch tests/sizes/sizes.morch tests/semantics/api.morch; do
		(cd "$a" && valgrind -q --error-exitcode=9 --track-origins=yes "$MORCHGEN" \
			--reflect --line-directives -o out/v.c "src/$f" >"$tmp/vg.log" 2>&1) ||
			die "valgrind reports errors in morchgen $f: $(cat "$tmp/vg.log")"
	done
	echo "valgrind: no errors"
else
	echo "valgrind missing: memcheck not run"
fi
