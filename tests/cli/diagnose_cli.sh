#!/usr/bin/env bash
# heapdoc diagnose: formats, options and every documented error path, on the
# committed go1.26 cache_map series (a Swiss map that only grows).
set -u
: "${HEAPDOC:?}" "${HD_SRCDIR:?}"
series=$HD_SRCDIR/testdata/profiles/go1.26/cache_map
[ -d "$series" ] || { echo "skip: $series absent"; exit 77; }
command -v jq >/dev/null || { echo "skip: jq not installed"; exit 77; }
. "$HD_SRCDIR/tests/cli/lib.bash" # HD_SHARED, $tmp, fail, fsum
expect() { # expect CODE PATTERN-IN-STDERR -- ARGS...
	local code=$1 pat=$2
	shift 3
	"$HEAPDOC" "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	[ $rc -eq "$code" ] || fail "heapdoc $*: exit $rc, want $code ($(cat "$tmp/err"))"
	[ -z "$pat" ] || grep -q -- "$pat" "$tmp/err" || fail "heapdoc $*: stderr lacks '$pat': $(cat "$tmp/err")"
}

# JSON contract: the top-level keys and the fields of each finding
"$HEAPDOC" diagnose --format=json "$series"/*.pb.gz >"$tmp/d.json" || fail "json run failed"
jq -e '.go | has("map_impl") and has("evidence")' "$tmp/d.json" >/dev/null || fail "json: go object"
jq -e '.profiles | length == 6 and all(.[]; has("path") and has("time_nanos") and has("period"))' "$tmp/d.json" >/dev/null || fail "json: profiles"
jq -e '[.findings[] | has("site","owner","stack","kind","map_impl","verdict","inuse_bytes","alloc_bytes","inuse_objects","alloc_objects","series","estimate","evidence","advice","confidence")] | all' "$tmp/d.json" >/dev/null || fail "json: finding fields"
jq -e '.findings | map(.inuse_bytes) as $v | $v == ($v | sort | reverse)' "$tmp/d.json" >/dev/null || fail "json: ranking by in-use bytes"
jq -e '.profiles | map(.time_nanos) as $t | $t == ($t | sort)' "$tmp/d.json" >/dev/null || fail "json: snapshots in time order"
jq -e '[.findings[] | select(.site.function == "main.(*Cache).Put")][0] | .kind == "map" and .map_impl == "swiss" and .verdict == "growing" and (.series | length) == 6 and .stack[0] == "main.(*Cache).Put"' "$tmp/d.json" >/dev/null || fail "json: cache map finding"
# reversed arguments: same result (ordered by time)
"$HEAPDOC" diagnose --format=json $(ls "$series"/*.pb.gz | sort -r) >"$tmp/r.json"
cmp -s <(jq -c '.findings' "$tmp/d.json") <(jq -c '.findings' "$tmp/r.json") || fail "argument order changed the findings"
# one profile: single-snapshot verdicts
"$HEAPDOC" diagnose --format=json "$series/06.pb.gz" >"$tmp/one.json"
jq -e '[.findings[] | select(.site.function == "main.(*Cache).Put")][0].verdict == "retained"' "$tmp/one.json" >/dev/null || fail "single profile: cache map not retained"
# owners: every owner once, with its summed series and a verdict
jq -e '(.owners | length) > 0 and (.owners | map(.function) | length == (unique | length)) and ([.owners[] | select(.function == "main.(*Cache).Put")][0] | .verdict == "growing" and (.series | length) == 6)' "$tmp/d.json" >/dev/null || fail "json: owners"
# --go given: evidence says so
"$HEAPDOC" diagnose --format=json --go=1.22 "$series/06.pb.gz" >"$tmp/go.json"
jq -e '.go.map_impl == "classic" and (.go.evidence | test("given"))' "$tmp/go.json" >/dev/null || fail "--go=1.22 not honoured"
# default command and text output with the source line
"$HEAPDOC" --source-root="$HD_SRCDIR/testdata/gen/scenarios" "$series"/*.pb.gz >"$tmp/t.txt" 2>&1 || true
grep -q "GROWING map (swiss)" "$tmp/t.txt" || fail "text: no GROWING map (swiss) line"
grep -q "| c.items\[k\] = v\|| .*= " "$tmp/t.txt" || fail "text: source line not shown"
"$HEAPDOC" diagnose --top=1 "$series"/*.pb.gz | grep -q "more sites" || fail "--top=1: no 'more sites' line"
"$HEAPDOC" diagnose --format=markdown "$series"/*.pb.gz | grep -q "^| 1 | growing | " || fail "markdown table"
# --fail-on=growing gates with exit 3
expect 3 "" -- diagnose --fail-on=growing --format=json "$series"/*.pb.gz
# a directory stands for its profiles (the .txt twins are profiles too)
expect 0 "" -- diagnose --format=json --top=3 "$series"
# a MemProfileRate=1 profile gets the period note; one profile shows its pattern
rate1=$HD_SRCDIR/testdata/profiles/basic/go1.26-heap-rate1.pb.gz
if [ -f "$rate1" ]; then
	"$HEAPDOC" diagnose --format=json "$rate1" | jq -e '.notes | any(test("MemProfileRate = 1"))' >/dev/null || fail "rate-1 note missing"
fi
"$HEAPDOC" diagnose "$series/06.pb.gz" | grep -q "^#1 RETAINED (burst) object" || fail "single-profile pattern not shown"
# errors
expect 1 "cannot read '$tmp/missing.pb.gz'" -- diagnose "$tmp/missing.pb.gz"
# ... also with no command: a missing file is not an unknown command
expect 1 "^heapdoc: cannot read '$tmp/missing.pb.gz': No such file or directory$" -- "$tmp/missing.pb.gz"
expect 1 "^heapdoc: cannot read 'heap.pb.gz': No such file or directory$" -- heap.pb.gz
expect 2 "^heapdoc: unknown command 'tpo'" -- tpo "$series/06.pb.gz"
printf '<!DOCTYPE html><html>404</html>' >"$tmp/page.pb.gz"
expect 1 "cannot read '$tmp/page.pb.gz'" -- diagnose "$tmp/page.pb.gz"
expect 2 "invalid --go" -- diagnose --go=banana "$series/06.pb.gz"
expect 2 "invalid --format" -- diagnose --format=xml "$series/06.pb.gz"
expect 2 "invalid --top" -- diagnose --top=-1 "$series/06.pb.gz"
expect 2 "invalid --fail-on" -- diagnose --fail-on=stable "$series/06.pb.gz"
expect 2 "unknown option" -- diagnose --frobnicate "$series/06.pb.gz"
expect 2 "unknown option '--form=json'" -- diagnose --form=json "$series/06.pb.gz"
expect 2 "usage" -- diagnose
mkdir "$tmp/empty"
expect 1 "no profiles" -- diagnose "$tmp/empty"
expect 0 "" -- diagnose --help
echo "diagnose cli: $fails failures"
[ $fails -eq 0 ]
