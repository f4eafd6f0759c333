#!/usr/bin/env bash
# merge.sh - `heapdoc merge`: the parca-many series summed gives the totals
# known from the corpus README (independent of pprof), output is gzip
# profile.proto, deterministic, --raw is uncompressed, `-o -` writes stdout,
# filters and stack and label edits are written;
# error paths: no -o, no profile, unreadable input, -base with -diff_base,
# unwritable output (exit codes, one-line messages, no temporary file left).
set -u
: "${HEAPDOC:?}" "${HD_SRCDIR:?}"
. "$HD_SRCDIR/tests/cli/lib.bash" # HD_SHARED, $tmp, fail, fsum
# sum of the value column of folded output (one column)

small=$HD_SRCDIR/testdata/hostile/small.pb.gz
[ -f "$small" ] || { echo "skipped: $small absent"; exit 77; }

# --- errors ---
"$HEAPDOC" merge "$small" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc = 2 ] || fail "no -o: exit $rc, want 2"
grep -q "^heapdoc: merge: no output file" "$tmp/err" || fail "no -o message: $(cat "$tmp/err")"
"$HEAPDOC" merge -o "$tmp/x.pb.gz" 2>"$tmp/err"; rc=$?
[ $rc = 2 ] || fail "no profile: exit $rc"
grep -q "no profile given" "$tmp/err" || fail "no profile message"
"$HEAPDOC" merge "$small" "$tmp/missing.pb.gz" -o "$tmp/x.pb.gz" 2>"$tmp/err"; rc=$?
[ $rc = 1 ] || fail "missing input: exit $rc, want 1"
grep -q "^heapdoc: cannot read '$tmp/missing.pb.gz': No such file" "$tmp/err" || fail "missing input message: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/err")" = 1 ] || fail "missing input: message not one line"
[ ! -e "$tmp/x.pb.gz" ] || fail "output written although an input failed"
"$HEAPDOC" merge -base "$small" -diff_base "$small" "$small" -o "$tmp/x.pb.gz" 2>"$tmp/err"; rc=$?
[ $rc = 2 ] || fail "-base with -diff_base: exit $rc"
grep -q "cannot both be specified" "$tmp/err" || fail "-base/-diff_base message"
"$HEAPDOC" merge -normalize "$small" -o "$tmp/x.pb.gz" 2>"$tmp/err"; rc=$?
[ $rc = 2 ] || fail "-normalize without base: exit $rc"
"$HEAPDOC" merge "$HD_SRCDIR/testdata/hostile/truncated.pb.gz" "$small" -o "$tmp/x.pb.gz" 2>"$tmp/err"; rc=$?
[ $rc = 1 ] || fail "corrupt input: exit $rc"
grep -q "^heapdoc: cannot read '.*truncated.pb.gz': " "$tmp/err" || fail "corrupt input message: $(cat "$tmp/err")"
legacy=$HD_SHARED/corpus/pprof-legacy/cppbench.heap
if [ -f "$legacy" ] && "$HEAPDOC" folded "$legacy" >/dev/null 2>&1; then
	# a C++ heapz profile has types objects/space: nothing in common
	"$HEAPDOC" merge "$small" "$legacy" -o "$tmp/x.pb.gz" 2>"$tmp/err"; rc=$?
	[ $rc = 1 ] || fail "incompatible: exit $rc"
	grep -q "^heapdoc: cannot merge '$legacy' with the profiles before it: profiles have no sample type in common: \[alloc_objects/count .*\] and \[objects/count space/bytes\]$" "$tmp/err" ||
		fail "incompatible message: $(cat "$tmp/err")"
fi
mkdir "$tmp/dir"
"$HEAPDOC" merge "$small" -o "$tmp/dir" 2>"$tmp/err"; rc=$?
[ $rc = 1 ] || fail "output is a directory: exit $rc"
grep -q "^heapdoc: cannot write '$tmp/dir': " "$tmp/err" || fail "unwritable message: $(cat "$tmp/err")"
ls "$tmp" | grep -q 'tmp-' && fail "temporary file left behind: $(ls "$tmp")"
"$HEAPDOC" merge "$small" -o "$tmp/nodir/x.pb.gz" 2>"$tmp/err"; rc=$?
[ $rc = 1 ] || fail "missing directory: exit $rc"
"$HEAPDOC" merge --bogus "$small" -o "$tmp/x.pb.gz" 2>"$tmp/err"; rc=$?
[ $rc = 2 ] || fail "unknown option: exit $rc"
"$HEAPDOC" merge --help | grep -q "usage: heapdoc merge" || fail "--help"

# --- small: merge with itself doubles every value ---
"$HEAPDOC" merge "$small" "$small" -o "$tmp/2.pb.gz" || fail "merge small small"
one=$("$HEAPDOC" folded -sample_index=0 "$small" | fsum)
two=$("$HEAPDOC" folded -sample_index=0 "$tmp/2.pb.gz" | fsum)
[ "$two" = $((one * 2)) ] && [ "$one" -gt 0 ] || fail "small+small: $two, want 2*$one"
[ "$(head -c 2 "$tmp/2.pb.gz" | od -An -tx1 | tr -d ' ')" = 1f8b ] || fail "output is not gzip"
"$HEAPDOC" merge --raw "$small" "$small" -o "$tmp/2.pb" || fail "--raw"
[ "$(head -c 2 "$tmp/2.pb" | od -An -tx1 | tr -d ' ')" != 1f8b ] || fail "--raw output is gzip"
cmp -s <("$HEAPDOC" folded "$tmp/2.pb") <("$HEAPDOC" folded "$tmp/2.pb.gz") || fail "--raw and gzip differ"
"$HEAPDOC" merge "$small" "$small" -o - >"$tmp/stdout.pb.gz" || fail "-o -"
cmp -s "$tmp/stdout.pb.gz" "$tmp/2.pb.gz" || fail "-o - differs from -o FILE"
[ "$(stat -c %a "$tmp/2.pb.gz")" != 600 ] || fail "output has mkstemp's 0600 mode"

# --- filtered profiles: pprof's filters applied to the written profile ---
"$HEAPDOC" merge -focus=main.handle "$small" -o "$tmp/focus.pb.gz" || fail "merge -focus"
cmp -s <("$HEAPDOC" folded "$tmp/focus.pb.gz") <("$HEAPDOC" folded -focus=main.handle "$small") ||
	fail "merge -focus differs from folded -focus"
"$HEAPDOC" folded "$tmp/focus.pb.gz" | grep -qv main.handle && fail "-focus kept other stacks"
# stack edits are written too: -hide removes the frames
"$HEAPDOC" merge -hide=main.main "$small" -o "$tmp/hide.pb.gz" || fail "merge -hide"
cmp -s <("$HEAPDOC" folded "$tmp/hide.pb.gz") <("$HEAPDOC" folded -hide=main.main "$small") ||
	fail "merge -hide differs from folded -hide"
"$HEAPDOC" folded "$tmp/hide.pb.gz" | grep -q main.main && fail "-hide kept main.main"
# and label edits: -taghide drops the bytes labels, the values stay
"$HEAPDOC" merge -taghide=bytes "$small" -o "$tmp/taghide.pb.gz" || fail "merge -taghide"
"$HEAPDOC" dump "$tmp/taghide.pb.gz" | grep -q "bytes:" && fail "-taghide kept the bytes labels"
"$HEAPDOC" dump "$small" | grep -q "bytes:" || fail "small.pb.gz has no bytes labels to hide"
cmp -s <("$HEAPDOC" top -nodefraction=0 "$tmp/taghide.pb.gz") <("$HEAPDOC" top -nodefraction=0 "$small") ||
	fail "merge -taghide changed the values"
"$HEAPDOC" merge -tagshow=nokey "$small" -o "$tmp/tagshow.pb.gz" 2>"$tmp/err" || fail "merge -tagshow"
grep -q "^heapdoc: warning: -tagshow expression matched no samples$" "$tmp/err" ||
	fail "merge -tagshow=nokey: no warning: $(cat "$tmp/err")"
"$HEAPDOC" merge -focus='(' "$small" -o "$tmp/bad.pb.gz" 2>"$tmp/err"; rc=$?
[ $rc = 2 ] || fail "merge bad regexp: exit $rc"

# --- the parca-many series: known totals ---
many=$HD_SHARED/corpus/parca-many
if [ -d "$many" ]; then
	"$HEAPDOC" merge "$many"/*.pb.gz -o "$tmp/all.pb.gz" || fail "merge parca-many"
	# README: first 8 snapshots 83487 51965338 73788 48928729, last 2
	# 112767 149359340 82373 143698391 (per type)
	i=0
	for want in $((8 * 83487 + 2 * 112767)) $((8 * 51965338 + 2 * 149359340)) \
		$((8 * 73788 + 2 * 82373)) $((8 * 48928729 + 2 * 143698391)); do
		got=$("$HEAPDOC" folded -sample_index=$i "$tmp/all.pb.gz" | fsum)
		[ "$got" = "$want" ] || fail "parca-many merged, type $i: $got, want $want"
		i=$((i + 1))
	done
	"$HEAPDOC" merge "$many"/*.pb.gz -o "$tmp/again.pb.gz"
	cmp -s "$tmp/all.pb.gz" "$tmp/again.pb.gz" || fail "merge output not deterministic"
	# merging is associative: (1..5) + (6..10) = all
	ls "$many"/*.pb.gz | sort | head -5 | xargs "$HEAPDOC" merge -o "$tmp/h1.pb.gz"
	ls "$many"/*.pb.gz | sort | tail -5 | xargs "$HEAPDOC" merge -o "$tmp/h2.pb.gz"
	"$HEAPDOC" merge "$tmp/h1.pb.gz" "$tmp/h2.pb.gz" -o "$tmp/h.pb.gz"
	cmp -s <("$HEAPDOC" folded "$tmp/h.pb.gz") <("$HEAPDOC" folded "$tmp/all.pb.gz") || fail "merge not associative"
else
	echo "note: $many absent, corpus checks skipped"
fi
[ "$fails" = 0 ] && echo "merge: ok"
[ "$fails" = 0 ]
