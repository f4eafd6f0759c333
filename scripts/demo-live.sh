#!/usr/bin/env bash
# `make demo-live`: heapdoc watching a live Go process, end to end in about
# 30 seconds.  Starts testdata/gen/leakserver (net/http/pprof on 127.0.0.1,
# leaking 2 MiB/s at main.leak, plus a stable start-up table and garbage),
# takes 10 heap snapshots 2 s apart with `heapdoc collect`, and asks
# `heapdoc trend` which site grows, how fast, and when it reaches 1 GiB.
# Needs Go (to build the server) and a built heapdoc.
set -eu
heapdoc=${1:-build/heapdoc}
cd "$(dirname "$0")/.."
command -v go >/dev/null 2>&1 || { echo "demo-live: needs Go to build the demo server" >&2; exit 1; }
[ -x "$heapdoc" ] || { echo "demo-live: $heapdoc is missing (run make)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/heapdoc-demo.XXXXXX")
server=""
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
(cd testdata/gen/leakserver && GOTOOLCHAIN=local GOPROXY=off go build -o "$work/leakserver" .)
"$work/leakserver" -portfile "$work/url" -deadline 120s >/dev/null 2>&1 &
server=$!
for _ in $(seq 1 50); do [ -s "$work/url" ] && break; sleep 0.1; done
url=$(cat "$work/url")
echo "A Go server with net/http/pprof is running at $url; it leaks 2 MiB/s."
echo
echo "\$ heapdoc collect $url --every 2s --count 10 --gc --text -o snapshots/"
"$heapdoc" collect "$url" --every 2s --count 10 --gc --text -o "$work/snapshots"
echo
ls "$work/snapshots" | head -4
echo "..."
echo
echo "\$ heapdoc trend --limit 1GiB --top 3 snapshots/"
echo
"$heapdoc" trend --limit 1GiB --top 3 "$work/snapshots"
echo
echo "\$ heapdoc trend --fail-on=growing --min-growth=10MiB/h snapshots/   # as a CI gate"
set +e
"$heapdoc" trend --fail-on=growing --min-growth=10MiB/h "$work/snapshots" >/dev/null
echo "exit status $? (3: a site is growing)"
