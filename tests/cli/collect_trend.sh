#!/usr/bin/env bash
# End to end on a live process: a Go server (testdata/gen/leakserver) leaks
# 4 MiB/s at main.leak on 127.0.0.1; `heapdoc collect` takes a series with
# gc=1 and the debug=1 text form; `heapdoc trend` must name main.leak as the
# only growing site at the right order of magnitude (1..16x of 240 MiB/min
# measured), explain the MemStats, and act as a CI gate.
. "$(dirname "$0")/collect_lib.bash" || exit 1
need_go

rate=$((4 << 20)) # bytes/s
start_server leak -rate "$rate" -memprofilerate 4096
dir=$TMP/series
"$HEAPDOC" collect "$URL" --every 300ms --count 8 --gc --text -o "$dir" 2>"$TMP/collect.err" ||
	fail "collect failed: $(cat "$TMP/collect.err")"
[ "$(count "$dir" '*.pb.gz')" = 8 ] || fail "want 8 proto snapshots: $(ls "$dir")"
[ "$(count "$dir" '*.txt')" = 8 ] || fail "want 8 text snapshots: $(ls "$dir")"
[ "$(grep -c '"time_nanos"' "$dir/index.json")" = 8 ] || fail "index: $(cat "$dir/index.json")"
grep -q "\"url\": \"$URL\"" "$dir/index.json" || fail "index lacks the url"
# Not a terminal: no progress line, nothing on stderr.
[ ! -s "$TMP/collect.err" ] || fail "collect printed on a non-terminal: $(cat "$TMP/collect.err")"
no_partial "$dir"

# JSON: the contract, checked by a Go program.
"$HEAPDOC" trend --format=json "$dir" >"$TMP/trend.json" || fail "trend --format=json failed"
per_min=$((rate * 60))
"$TRENDCHECK" -growing main.leak -min-rate $((per_min / 4)) -max-rate $((per_min * 4)) \
	-snapshots 8 -memstats -kind slice "$TMP/trend.json" || fail "trend JSON check failed"

# Text: the leak ranks first, MemStats are explained.
"$HEAPDOC" trend "$dir" >"$TMP/trend.txt" || fail "trend failed"
grep -q '^  1\. growing    main\.leak ' "$TMP/trend.txt" || fail "text: $(head -20 "$TMP/trend.txt")"
grep -q 'where Sys goes, largest first' "$TMP/trend.txt" || fail "no MemStats breakdown"
grep -q '^      kind slice: ' "$TMP/trend.txt" || fail "no container kind from diagnose"
grep -q 'obtained from the OS (Sys)' "$TMP/trend.txt" || fail "no MemStats summary"

# A limit gives a projection.
GOMEMLIMIT=1GiB "$HEAPDOC" trend --limit 2GiB "$dir" >"$TMP/limit.txt" || fail "trend --limit failed"
grep -q '^limit 2.0 GiB: reached in ' "$TMP/limit.txt" || fail "no projection: $(head -5 "$TMP/limit.txt")"
grep -q 'at this rate the process reaches the 2.0 GiB limit in' "$TMP/limit.txt" || fail "no site projection"
! grep -q '(limit from GOMEMLIMIT' "$TMP/limit.txt" || fail "--limit must override GOMEMLIMIT"
GOMEMLIMIT=1GiB "$HEAPDOC" trend "$dir" >"$TMP/gml.txt" || fail "trend with GOMEMLIMIT failed"
grep -q '^(limit from GOMEMLIMIT in the environment)' "$TMP/gml.txt" || fail "GOMEMLIMIT ignored"
grep -q '^limit 1.0 GiB: reached in ' "$TMP/gml.txt" || fail "GOMEMLIMIT not used"

# The gate: exit 3 on a growing site, 0 when the threshold is above the rate.
"$HEAPDOC" trend --fail-on=growing "$dir" >/dev/null 2>"$TMP/gate.err"
rc=$?
[ $rc = 3 ] || fail "--fail-on=growing exited $rc, want 3"
grep -q 'growing site.*main\.leak' "$TMP/gate.err" || fail "gate message: $(cat "$TMP/gate.err")"
"$HEAPDOC" trend --fail-on=growing --min-growth=100GiB/h "$dir" >/dev/null ||
	fail "--min-growth=100GiB/h should pass the gate"
# On a terminal (script(1) gives one), a progress line; then it is cleared.
if command -v script >/dev/null 2>&1; then
	script -qec "'$HEAPDOC' collect '$URL' --every 200ms --count 2 -o '$TMP/tty'" /dev/null >"$TMP/tty.out" 2>&1 ||
		fail "collect on a terminal failed: $(cat "$TMP/tty.out")"
	grep -q 'heapdoc: collect: snapshot 1 of 2, .* next in 0\.[0-9]s' "$TMP/tty.out" ||
		fail "no progress line on a terminal: $(od -c "$TMP/tty.out" | head)"
	grep -q 'heapdoc: collect: 2 snapshots in ' "$TMP/tty.out" || fail "no final line on a terminal"
	"$HEAPDOC" collect "$URL" --every 200ms --count 3 -q -o "$TMP/tty" 2>"$TMP/q.err" || fail "collect -q failed"
	[ ! -s "$TMP/q.err" ] || fail "-q printed: $(cat "$TMP/q.err")"
else
	echo "note: script(1) absent, progress line not tested"
fi
echo "PASS: collect + trend on a live leaking server"
