#!/usr/bin/env bash
# fuzz_coverage.sh - fuzz/coverage.sh reads a libFuzzer log: edges at
# INITED, the running maximum at every STEP executions, and the executions
# and seconds since the last new edge; a log without INITED and a missing
# log are said so.
set -u
: "${HD_SRCDIR:?set by ctest}"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail=0
expect() { # expect NAME WANT GOT
	if [ "$2" != "$3" ]; then
		printf 'FAIL: %s\n--- want\n%s\n--- got\n%s\n' "$1" "$2" "$3" >&2
		fail=1
	fi
}
# Loading the corpus (before INITED) counts no milestone; a line with a
# lower cov (another process's REDUCE) does not lower the maximum.
printf '%b' \
	'INFO: Seed: 1\n' \
	'#2048\tpulse  cov: 900 ft: 1 corp: 1/1b exec/s: 10 rss: 1Mb\n' \
	'#3000\tINITED cov: 1000 ft: 2 corp: 2/2b exec/s: 10 rss: 1Mb\n' \
	'#40000\tNEW    cov: 1005 ft: 3 corp: 3/3b lim: 9 exec/s: 20 rss: 1Mb L: 1/1 MS: 1 ChangeByte-\n' \
	'#60000\tREDUCE cov: 1003 ft: 3 corp: 3/3b lim: 9 exec/s: 20 rss: 1Mb L: 1/1 MS: 1 ChangeByte-\n' \
	'#99999\tNEW    cov: 1010 ft: 4 corp: 4/4b lim: 9 exec/s: 20 rss: 1Mb L: 1/1 MS: 1 ChangeByte-\n' \
	'#131072\tpulse  cov: 1010 ft: 4 corp: 4/4b lim: 9 exec/s: 25 rss: 1Mb\n' \
	'Done 131072 runs in 5243 second(s)\n' >"$t/a.log"
got=$(bash "$HD_SRCDIR/fuzz/coverage.sh" "$t/a.log" 2>&1)
expect "step 50000" "$t/a.log: 131072 executions; edges 1000 at INITED, 1010 now
  at every 50000 executions: 50000:1005 100000:1010
  last new edge at execution 99999: 31073 executions (about 1243 s) ago" "$got"
got=$(bash "$HD_SRCDIR/fuzz/coverage.sh" -s 40000 "$t/a.log" 2>&1)
expect "step 40000" "  at every 40000 executions: 40000:1005 80000:1005 120000:1010" \
	"$(printf '%s\n' "$got" | sed -n 2p)"
printf '#2048\tpulse  cov: 900 ft: 1 corp: 1/1b exec/s: 10 rss: 1Mb\n' >"$t/b.log"
got=$(bash "$HD_SRCDIR/fuzz/coverage.sh" "$t/b.log" 2>&1)
expect "no INITED" "$t/b.log: the corpus was never loaded (no INITED line)" "$got"
got=$(bash "$HD_SRCDIR/fuzz/coverage.sh" "$t/missing.log" 2>&1)
rc=$?
expect "missing log" "coverage: cannot read '$t/missing.log' (exit 1)" "$got (exit $rc)"
# A step that is not a positive number would never reach the next
# milestone: refused, as a usage error, for each kind.
for bad in 0 00 -5 x ""; do
	got=$(timeout 10 bash "$HD_SRCDIR/fuzz/coverage.sh" -s "$bad" "$t/a.log" 2>&1)
	rc=$?
	expect "step '$bad'" "coverage: STEP must be a positive number of executions, not '$bad' (exit 2)" \
		"$got (exit $rc)"
done
[ $fail = 0 ] && echo "fuzz_coverage: ok"
exit $fail
