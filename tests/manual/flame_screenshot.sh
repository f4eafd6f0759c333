#!/usr/bin/env bash
# flame_screenshot.sh - the documented manual check that heapdoc's SVG flame
# graphs render in a browser: draws a flame graph, a differential one and
# one of hostile names, renders each in headless Chromium (no network, no
# profile dir reuse) with a search (?s=REGEX, which runs the inline script)
# and writes PNGs to look at.  Not part of `make check` (needs chromium;
# exits 77 without it).  Usage: tests/manual/flame_screenshot.sh [HEAPDOC] [OUTDIR]
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
HEAPDOC=${1:-${HEAPDOC:-$here/build/heapdoc}}
out=${2:-$(mktemp -d)}
HD_SHARED=${HD_SHARED:-$here/../shared}
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "skipped: chromium not installed (apt-get install chromium)"; exit 77; }
mkdir -p "$out"
shot() { # SVG PNG QUERY
	local prof
	prof=$(mktemp -d)
	timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --no-first-run --user-data-dir="$prof" \
		--window-size=1200,800 --screenshot="$2" "file://$1$3" >/dev/null 2>&1
	rm -rf "$prof"
	[ -s "$2" ] || { echo "FAIL: no screenshot $2"; exit 1; }
	echo "wrote $2"
}
many=$HD_SHARED/corpus/parca-many
real=$HD_SHARED/corpus/real/pyroscope-heap.pb.gz
hostile=$here/testdata/hostile/hostile-names.pb.gz
if [ -f "$real" ]; then
	"$HEAPDOC" flame "$real" -o "$out/heap.svg"
	shot "$out/heap.svg" "$out/heap.png" ""
	shot "$out/heap.svg" "$out/heap-search.png" "?s=grpc"
fi
if [ -d "$many" ]; then
	"$HEAPDOC" flame -diff_base "$(ls "$many"/*.pb.gz | sort | head -1)" \
		"$(ls "$many"/*.pb.gz | sort | tail -1)" -o "$out/diff.svg"
	shot "$out/diff.svg" "$out/diff.png" ""
fi
"$HEAPDOC" flame "$hostile" -o "$out/hostile.svg"
shot "$out/hostile.svg" "$out/hostile.png" ""
# A script injected through a name would have to run to change the title;
# dump the DOM after load and check the page is still ours.
prof=$(mktemp -d)
timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
	--disable-component-update --no-first-run --user-data-dir="$prof" \
	--dump-dom "file://$out/hostile.svg" >"$out/hostile.dom" 2>/dev/null || true
rm -rf "$prof"
[ "$(grep -c '<script' "$out/hostile.dom")" -le 1 ] || { echo "FAIL: extra script element in the DOM"; exit 1; }
echo "look at $out/*.png: frames with names, the search highlighting in magenta,"
echo "red/blue frames in diff.png, hostile names shown as text in hostile.png"
