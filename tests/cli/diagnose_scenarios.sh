#!/usr/bin/env bash
# Scenario suite: for every committed series testdata/profiles/<go>/<scenario>/
# (written by testdata/gen/scenarios with known truth in truth-observed.json),
# run `heapdoc diagnose --format=json` on the six proto snapshots and assert,
# per truth site: kind, map_impl (per Go version), owner (the first frame
# outside the standard library - the brief's definition), verdict (truth
# verdict, verdict_also or verdict_by_version), and for maps/slices that the
# true live count lies within the estimate's stated bounds.  Run on profile
# evidence only (sites whose kind only the source line can tell are then
# exempt), and for those scenarios again with --source-root.
# The debug=1 text snapshots of every series are checked the same way, but
# for the verdicts (the text format has no times).
# Exit 77 (skipped) when the profiles or jq are absent.
set -u
: "${HEAPDOC:?}" "${HD_SRCDIR:?}"
command -v jq >/dev/null || { echo "skip: jq not installed (scripts/deps.sh)"; exit 77; }
root=${HD_PROFILES:-$HD_SRCDIR/testdata/profiles}
dirs=$(ls -d "$root"/go1.*/*/ 2>/dev/null)
[ -n "$dirs" ] || { echo "skip: no scenario series under $root"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
checks=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

for dir in $dirs; do
	dir=${dir%/}
	scen=$(basename "$dir")
	gov=$(basename "$(dirname "$dir")")   # go1.22 / go1.24 / go1.26
	truth=$dir/truth-observed.json
	[ -f "$truth" ] || { fail "$dir: no truth-observed.json"; continue; }
	ls "$dir"/*.pb.gz >/dev/null 2>&1 || continue
	# with --source-root only where the source line is the deciding evidence
	# (a concatenated string the size of a plain object): the test stays fast
	modes=plain
	jq -e '[.sites[] | select(.shape == "concat")] | length > 0' "$truth" >/dev/null && modes="plain source"
	for mode in $modes; do
		args=(--format=json --top=0)
		[ $mode = source ] && args+=(--source-root="$HD_SRCDIR/testdata/gen/scenarios")
		out=$tmp/$gov-$scen-$mode.json
		if ! "$HEAPDOC" diagnose "${args[@]}" "$dir"/*.pb.gz >"$out" 2>"$tmp/err"; then
			fail "$gov/$scen: diagnose failed: $(cat "$tmp/err")"
			continue
		fi
		# one jq program checks every truth site of this run (jq start-up is
		# the cost of this test, so it runs once per series and mode)
		res=$(jq -r --arg gov "$gov" --arg mode "$mode" --arg pre "$gov/$scen" \
			--slurpfile t "$truth" -f "$HD_SRCDIR/tests/cli/diagnose_scenarios.jq" "$out")
		checks=$((checks + $(grep -c '^CHECK' <<<"$res")))
		while IFS= read -r l; do
			[ -n "$l" ] && fail "$l"
		done < <(grep '^FAIL ' <<<"$res" | sed 's/^FAIL //')
		# the run-wide map implementation, where the scenario has a map
		want=$(jq -r --arg v "$gov" '[.sites[] | select(.kind == "map") | .map_impl[$v]] | .[0] // "null"' "$truth")
		if [ "$want" != null ]; then
			got=$(jq -r '.go.map_impl // "null"' "$out")
			checks=$((checks + 1))
			[ "$got" = "$want" ] || fail "$gov/$scen ($mode): go.map_impl $got, want $want"
		fi
	done
	# the debug=1 text snapshots of the same moments: the same sites, kinds,
	# owners and estimates (the text has no times, so no verdicts)
	if ls "$dir"/*.txt >/dev/null 2>&1; then
		out=$tmp/$gov-$scen-text.json
		if ! "$HEAPDOC" diagnose --format=json --top=0 "$dir"/*.txt >"$out" 2>"$tmp/err"; then
			fail "$gov/$scen: diagnose of the .txt snapshots failed: $(cat "$tmp/err")"
			continue
		fi
		res=$(jq -r --arg gov "$gov" --arg mode text --arg pre "$gov/$scen" \
			--slurpfile t "$truth" -f "$HD_SRCDIR/tests/cli/diagnose_scenarios.jq" "$out")
		checks=$((checks + $(grep -c '^CHECK' <<<"$res")))
		while IFS= read -r l; do
			[ -n "$l" ] && fail "$l"
		done < <(grep '^FAIL ' <<<"$res" | sed 's/^FAIL //')
	fi
done
echo "diagnose scenarios: $checks checks, $fails failures"
[ $fails -eq 0 ]
