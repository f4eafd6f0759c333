#!/usr/bin/env bash
# folded.sh - `heapdoc folded`: format (root first, ';'-separated, value
# last, sorted), totals equal to the corpus README's for each sample type,
# the default sample type, -lines, hostile names written safely (no control
# bytes, ';' escaped), -o writes a file, error paths.
set -u
: "${HEAPDOC:?}" "${HD_SRCDIR:?}"
. "$HD_SRCDIR/tests/cli/lib.bash" # HD_SHARED, $tmp, fail, fsum
small=$HD_SRCDIR/testdata/hostile/small.pb.gz
hostile=$HD_SRCDIR/testdata/hostile/hostile-names.pb.gz
[ -f "$small" ] || { echo "skipped: $small absent"; exit 77; }

"$HEAPDOC" folded "$small" >"$tmp/out" || fail "folded small"
grep -qvE '^[^ ;][^;]*(;[^;]+)* -?[0-9]+$' "$tmp/out" && fail "bad line format: $(grep -vE '^[^ ;][^;]*(;[^;]+)* -?[0-9]+$' "$tmp/out" | head -2)"
LC_ALL=C sort -c "$tmp/out" || fail "lines not sorted"
grep -q '^main.main;main.alloc 512$' "$tmp/out" || fail "expected stack missing: $(cat "$tmp/out")"
"$HEAPDOC" folded -lines "$small" | grep -q '^main.main [^ ;]*:[0-9]*;' || fail "-lines frames lack file:line"
# pprof's filters apply (agg's view): -focus keeps stacks through a match,
# -hide removes frames, -ignore drops stacks
"$HEAPDOC" folded -focus=main.handle "$small" >"$tmp/focus"
[ -s "$tmp/focus" ] && ! grep -v 'main.handle' "$tmp/focus" | grep -q . || fail "-focus: $(cat "$tmp/focus")"
"$HEAPDOC" folded -ignore=main.handle "$small" | grep -q 'main.handle' && fail "-ignore kept main.handle"
"$HEAPDOC" folded -hide=main.main "$small" | grep -q 'main.main' && fail "-hide kept main.main"
total=$("$HEAPDOC" folded "$small" | fsum)
hidden=$("$HEAPDOC" folded -hide=main.main "$small" | fsum)
[ "$total" = "$hidden" ] || fail "-hide changed the total: $hidden vs $total"
"$HEAPDOC" folded "$small" -o "$tmp/f.txt" && cmp -s "$tmp/f.txt" "$tmp/out" || fail "-o FILE"

if [ -f "$hostile" ]; then
	"$HEAPDOC" folded "$hostile" >"$tmp/h" || fail "folded hostile"
	LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n' <"$tmp/h") && fail "control bytes in output"
	grep -q 'main.semi\\x3bcolon' "$tmp/h" || fail "';' in a name not escaped"
	grep -q '\\x1b\[31m' "$tmp/h" || fail "ESC not shown as \\x1b"
	iconv -f UTF-8 -t UTF-8 "$tmp/h" >/dev/null 2>&1 || fail "output is not valid UTF-8"
fi

R=$HD_SHARED/corpus/real
if [ -d "$R" ]; then
	# README totals: pyroscope heap 18245264435 2180208886994 1911643 541672846
	i=0
	for want in 18245264435 2180208886994 1911643 541672846; do
		got=$("$HEAPDOC" folded -sample_index=$i "$R/pyroscope-heap.pb.gz" | fsum)
		[ "$got" = "$want" ] || fail "pyroscope heap type $i: $got, want $want"
		i=$((i + 1))
	done
	got=$("$HEAPDOC" folded -inuse_objects "$R/pyroscope-heap.pb.gz" | fsum)
	[ "$got" = 1911643 ] || fail "-inuse_objects: $got"
	# default_sample_type of parca alloc_objects.pb.gz is alloc_space
	got=$("$HEAPDOC" folded "$R/parca-alloc_objects.pb.gz" | fsum)
	[ "$got" = 116044559690 ] || fail "default sample type: $got"
else
	echo "note: corpus absent, totals not checked"
fi

"$HEAPDOC" folded -sample_index=nosuch "$small" 2>"$tmp/err"; rc=$?
[ $rc = 2 ] || fail "bad sample index: exit $rc"
grep -q 'sample_index "nosuch" must be one of' "$tmp/err" || fail "bad sample index message: $(cat "$tmp/err")"
"$HEAPDOC" folded 2>"$tmp/err"; rc=$?
[ $rc = 2 ] || fail "no profile: exit $rc"
"$HEAPDOC" folded --minwidth 0.1 "$small" 2>"$tmp/err"; rc=$?
[ $rc = 2 ] || fail "flame-only option accepted by folded: exit $rc"
"$HEAPDOC" folded "$tmp/none" 2>"$tmp/err"; rc=$?
[ $rc = 1 ] || fail "missing file: exit $rc"
grep -q "^heapdoc: cannot read '$tmp/none'" "$tmp/err" || fail "missing file message"
[ "$fails" = 0 ] && echo "folded: ok"
[ "$fails" = 0 ]
