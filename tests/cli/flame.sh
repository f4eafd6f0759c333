#!/usr/bin/env bash
# flame.sh - `heapdoc flame`: the SVG is well-formed XML (xmllint, when
# installed), self-contained (no http(s) reference), carries one script of
# ours only even with hostile names, draws at most --max-frames frames,
# honours --minwidth and --title, is deterministic, and a differential graph
# is produced with -diff_base.  Error paths for bad options.
set -u
: "${HEAPDOC:?}" "${HD_SRCDIR:?}"
. "$HD_SRCDIR/tests/cli/lib.bash" # HD_SHARED, $tmp, fail, fsum
small=$HD_SRCDIR/testdata/hostile/small.pb.gz
hostile=$HD_SRCDIR/testdata/hostile/hostile-names.pb.gz
[ -f "$small" ] || { echo "skipped: $small absent"; exit 77; }
xml() {
	if command -v xmllint >/dev/null 2>&1; then
		xmllint --noout "$1" || fail "$1 is not well-formed XML"
	fi
}
frames() { grep -c '<g class="f"' "$1"; }

"$HEAPDOC" flame "$small" -o "$tmp/s.svg" || fail "flame small"
xml "$tmp/s.svg"
grep -q '<title>main.alloc' "$tmp/s.svg" || fail "frame main.alloc missing"
grep -Eq '(href|src)="https?:' "$tmp/s.svg" && fail "external reference in the SVG"
"$HEAPDOC" flame "$small" >"$tmp/s2.svg" && cmp -s "$tmp/s.svg" "$tmp/s2.svg" || fail "stdout output differs / not deterministic"
"$HEAPDOC" flame --title 'T<&>' "$small" | grep -q '>T&lt;&amp;&gt;<' || fail "--title not escaped"

if [ -f "$hostile" ]; then
	"$HEAPDOC" flame "$hostile" -o "$tmp/h.svg" || fail "flame hostile"
	xml "$tmp/h.svg"
	[ "$(grep -c '<script' "$tmp/h.svg")" = 1 ] || fail "hostile names produced a script element"
	grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$tmp/h.svg" || fail "<script> name not shown as text"
	LC_ALL=C grep -q $'[\x01-\x08\x0b\x0c\x0e-\x1f]' "$tmp/h.svg" && fail "control bytes in the SVG"
fi

R=$HD_SHARED/corpus/real/pyroscope-heap.pb.gz
if [ -f "$R" ]; then
	"$HEAPDOC" flame "$R" -o "$tmp/p.svg" || fail "flame pyroscope"
	xml "$tmp/p.svg"
	grep -q 'alloc_space, total 2180208886994 bytes' "$tmp/p.svg" || fail "subtitle total"
	"$HEAPDOC" flame --max-frames 100 "$R" -o "$tmp/c.svg"
	n=$(frames "$tmp/c.svg")
	[ "$n" -le 101 ] && [ "$n" -ge 50 ] || fail "--max-frames 100 drew $n frames"
	a=$(frames "$tmp/p.svg")
	b=$("$HEAPDOC" flame --minwidth 1% "$R" | grep -c '<g class="f"')
	[ "$b" -lt "$a" ] || fail "--minwidth 1% did not drop frames ($b vs $a)"
	[ "$(stat -c %s "$tmp/c.svg")" -lt 200000 ] || fail "100 frames but $(stat -c %s "$tmp/c.svg") bytes"
fi
many=$HD_SHARED/corpus/parca-many
if [ -d "$many" ]; then
	first=$(ls "$many"/*.pb.gz | sort | head -1); last=$(ls "$many"/*.pb.gz | sort | tail -1)
	"$HEAPDOC" flame -diff_base "$first" "$last" -o "$tmp/d.svg" || fail "differential flame"
	xml "$tmp/d.svg"
	grep -q 'Differential Flame Graph' "$tmp/d.svg" || fail "not differential"
	grep -q 'fill="rgb(255,65,65)"' "$tmp/d.svg" || fail "no pure-growth frame"
fi

for bad in "--minwidth 0" "--minwidth x" "--max-frames 0" "--width 10"; do
	# shellcheck disable=SC2086
	"$HEAPDOC" flame $bad "$small" >/dev/null 2>"$tmp/err"; rc=$?
	[ $rc = 2 ] || fail "flame $bad: exit $rc"
	[ "$(wc -l <"$tmp/err")" = 1 ] || fail "flame $bad: message not one line"
done
"$HEAPDOC" flame --help | grep -q "max-frames" || fail "--help lacks the size bound"
[ "$fails" = 0 ] && echo "flame: ok"
[ "$fails" = 0 ]
