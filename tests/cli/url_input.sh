#!/usr/bin/env bash
# url_input.sh - an http(s) URL wherever a profile is read, as `go tool
# pprof http://host/debug/pprof/heap` takes one: top, diagnose (also as the
# default command), merge and trend fetch a live Go server's heap endpoint
# (testdata/gen/leakserver on 127.0.0.1); a 404 page, an HTML login page, a
# body over --max-input and a refused connection each end in one line
# naming the URL and the problem, with exit 1.  Skips without Go.
. "$(dirname "$0")/collect_lib.bash" || exit 1
need_go
command -v jq >/dev/null || skip "jq not installed"

# one_line_has RE: stderr is one line matching RE (grep basic syntax);
# expect and err_has come from collect_lib.bash
one_line_has() {
	[ "$(wc -l <"$TMP/err")" = 1 ] || fail "not one line: $(cat "$TMP/err")"
	grep -q -- "$1" "$TMP/err" || fail "stderr lacks '$1': $(cat "$TMP/err")"
}

start_server live -rate 4194304
heap=$URL/debug/pprof/heap
sleep 0.5 # let it leak something

expect 0 "$HEAPDOC" top -nodecount=5 "$heap"
grep -q '^Showing nodes accounting for' "$TMP/out" || fail "top: no report: $(head -3 "$TMP/out")"
grep -q '^Type: inuse_space' "$TMP/out" || fail "top: not a heap profile: $(head -3 "$TMP/out")"

expect 0 "$HEAPDOC" diagnose --format=json "$heap"
[ "$(jq '.observations' "$TMP/out")" = 1 ] || fail "diagnose: $(head -c 300 "$TMP/out")"
[ "$(jq '.findings | length' "$TMP/out")" -ge 1 ] || fail "diagnose: no findings"
jq -e --arg u "$heap" '.profiles[0].path == $u' "$TMP/out" >/dev/null ||
	fail "diagnose: the profile is not named by its URL: $(jq -c '.profiles' "$TMP/out")"
expect 0 "$HEAPDOC" "$heap"
grep -q 'main\.' "$TMP/out" || fail "default diagnose: $(head -5 "$TMP/out")"

# several fetches at once (the merge loader reads on worker threads)
expect 0 "$HEAPDOC" merge --threads 3 "$heap" "$heap" "$heap" "$heap" -o "$TMP/m.pb.gz"
expect 0 "$HEAPDOC" top "$TMP/m.pb.gz"
expect 0 "$HEAPDOC" trend "$heap" "$heap"

expect 1 "$HEAPDOC" top --max-input 1KiB "$heap"
one_line_has "cannot read '$heap': .*(see --max-input)"

start_server html -mode html404
expect 1 "$HEAPDOC" top "$URL/debug/pprof/heap"
one_line_has "cannot read '$URL/debug/pprof/heap': HTTP 404 Not Found"

start_server html200 -mode html200
expect 1 "$HEAPDOC" diagnose "$URL/debug/pprof/heap"
one_line_has "cannot read '$URL/debug/pprof/heap': looks like an HTML page"

expect 1 "$HEAPDOC" top http://127.0.0.1:1/debug/pprof/heap
one_line_has "cannot read 'http://127.0.0.1:1/debug/pprof/heap': .*(after 3 attempts)"
echo "url_input: ok"
