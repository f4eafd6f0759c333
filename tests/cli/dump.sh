#!/usr/bin/env bash
# `heapdoc dump`: pprof's own canonical dumps of its legacy testdata
# (gobench.heap.string, cppbench.heap.string) reproduced byte for byte; the
# same profile raw and gzipped dumps the same; a debug=1 text profile gets
# its symbols from the # comments; several files and stdin; safe printing
# of hostile names.  Corpus checks skip (exit 77 at the end) when
# ../shared/corpus is absent.
set -u
: "${HEAPDOC:?set by ctest}" "${HD_SRCDIR:?set by ctest}" "${HD_SHARED:=$HD_SRCDIR/../shared}"
export TZ=UTC
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hd-dump.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }
corpus=$HD_SHARED/corpus
skipped=0

if [ -d "$corpus" ]; then
	for f in gobench cppbench; do
		if ! "$HEAPDOC" dump "$corpus/pprof-legacy/$f.heap" >"$tmp/$f.out" 2>"$tmp/err"; then
			bad "dump $f.heap failed: $(cat "$tmp/err")"
		elif ! diff -u "$corpus/pprof-legacy/$f.heap.string" "$tmp/$f.out" >"$tmp/diff"; then
			bad "dump $f.heap differs from pprof's $f.heap.string:"
			head -20 "$tmp/diff" >&2
		fi
	done
	og=$corpus/real/pyroscope-og-heap
	"$HEAPDOC" dump "$og.pb" >"$tmp/og1" || bad "dump og .pb failed"
	"$HEAPDOC" dump "$og.pb.gz" >"$tmp/og2" || bad "dump og .pb.gz failed"
	cmp -s "$tmp/og1" "$tmp/og2" || bad "og .pb and .pb.gz dump differently"
	[ "$(grep -c '^Locations$' "$tmp/og1")" = 1 ] || bad "og dump has no Locations section"
	# 1150 samples: count the value lines (a location list follows ': ').
	n=$(grep -cE '^( +-?[0-9]+){4}: ' "$tmp/og1")
	[ "$n" = 1150 ] || bad "og dump shows $n samples, want 1150"
	# stdin and several files: headers in tail(1) style
	"$HEAPDOC" dump - <"$og.pb.gz" >"$tmp/og3" || bad "dump - failed"
	cmp -s "$tmp/og1" "$tmp/og3" || bad "dump from stdin differs"
	"$HEAPDOC" dump "$corpus/pprof-legacy/gobench.heap" "$og.pb" >"$tmp/two" || bad "dump of two files failed"
	[ "$(head -1 "$tmp/two")" = "==> $corpus/pprof-legacy/gobench.heap <==" ] || bad "no header before the first dump"
	grep -qx "==> $og.pb <==" "$tmp/two" || bad "no header before the second dump"
	# A profile with a time prints it like Go's time.Time.String() in UTC.
	"$HEAPDOC" dump "$corpus/parca-many/1644509272337470000.pb.gz" >"$tmp/parca" || bad "dump parca failed"
	grep -qx 'Time: 2022-02-10 16:07:52.33747 +0000 UTC' "$tmp/parca" ||
		bad "parca Time line: $(grep '^Time' "$tmp/parca")"
else
	echo "corpus not found at $corpus: skipping the golden comparisons"
	skipped=1
fi

# A debug=1 text profile: locations named from the # comments.
txt=$HD_SRCDIR/testdata/profiles/go1.26/cache_map/01.txt
if [ -f "$txt" ]; then
	"$HEAPDOC" dump "$txt" >"$tmp/txt" || bad "dump of $txt failed"
	grep -qE '^ +[0-9]+: 0x[0-9a-f]+ M=1 main\.\(\*Cache\)\.Put heapdoc/testdata/gen/scenarios/cache_map\.go:33:0 s=0$' "$tmp/txt" ||
		bad "text profile location not symbolized from its # comments"
	grep -q 'runtime.mallocgc\|runtime.goexit' "$tmp/txt" && bad "hidden runtime frames kept in the text profile"
fi

# Hostile names: escaped, never raw control bytes on stdout.
names=$HD_SRCDIR/testdata/hostile/hostile-names.pb.gz
if [ -f "$names" ]; then
	"$HEAPDOC" dump "$names" >"$tmp/names" 2>"$tmp/err" || bad "dump of hostile names failed: $(cat "$tmp/err")"
	LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$tmp/names" && bad "raw control bytes in dump output"
	grep -qF '\x1b' "$tmp/names" || bad "ESC in a name not shown as \\x1b"
fi
printf 'heap profile: 1: 8 [2: 16] @ heap/2\n1: 8 [2: 16] @ 0x11\n#\t0x10\tmain.\x1bbad\xff+0x1\tf.go:1\n' >"$tmp/esc.txt"
"$HEAPDOC" dump "$tmp/esc.txt" >"$tmp/esc" || bad "dump of esc.txt failed"
grep -qF 'main.\x1bbad\xff f.go:1:0 s=0' "$tmp/esc" || bad "control/invalid UTF-8 bytes not escaped: $(grep M=1 "$tmp/esc")"
printf 'heap profile: 1: 8 [2: 16] @ heap/2\n1: 8 [2: 16] @ 0x11\n#\t0x10\tmain.caf\xc3\xa9+0x1\tf.go:1\n' >"$tmp/utf8.txt"
"$HEAPDOC" dump "$tmp/utf8.txt" | grep -qF "main.café f.go:1:0" || bad "valid UTF-8 was escaped"

[ $fail = 0 ] || exit 1
[ $skipped = 0 ] || exit 77
echo "dump: ok"
