#!/usr/bin/env bash
# Scenario suite: for every committed series testdata/profiles/<go>/<scenario>/
# (written by testdata/gen/scenarios with known truth in truth-observed.json),
# run `heapdoc diagnose --format=json` on the six proto snapshots and assert,
# per truth site: kind, map_impl (per Go version), owner (the first frame
# outside the standard library - the brief's definition), verdict (truth
# verdict, verdict_also or verdict_by_version), and for maps/slices that the
# true live count lies within the estimate's stated bounds.  Run twice: with
# --source-root (source lines add evidence) and without (profile evidence
# only; sites whose kind only the source line can tell are then exempt).
# The debug=1 text snapshots must diagnose without error.
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
	for mode in source plain; do
		args=(--format=json --top=0)
		[ $mode = source ] && args+=(--source-root="$HD_SRCDIR/testdata/gen/scenarios")
		out=$tmp/$gov-$scen-$mode.json
		if ! "$HEAPDOC" diagnose "${args[@]}" "$dir"/*.pb.gz >"$out" 2>"$tmp/err"; then
			fail "$gov/$scen: diagnose failed: $(cat "$tmp/err")"
			continue
		fi
		nsites=$(jq '.sites | length' "$truth")
		for ((i = 0; i < nsites; i++)); do
			site=$(jq -c ".sites[$i]" "$truth")
			id=$(jq -r .id <<<"$site")
			fn=$(jq -r .function <<<"$site")
			kind=$(jq -r .kind <<<"$site")
			shape=$(jq -r '.shape // ""' <<<"$site")
			impl=$(jq -r --arg v "$gov" '.map_impl[$v] // "null"' <<<"$site")
			verdicts=$(jq -r --arg v "$gov" '[.verdict] + (.verdict_also // []) + [(.verdict_by_version // {})[$v] // empty] | join(" ")' <<<"$site")
			# the finding: leaf = function, or a stdlib leaf listed in std_leaf with this owner
			f=$(jq -c --arg fn "$fn" --argjson leaf "$(jq -c '.std_leaf // []' <<<"$site")" '
				[.findings[] | select(if ($leaf | length) == 0 then .site.function == $fn
					else (.owner.function == $fn and (.site.function as $s | $leaf | index($s)))
					end)]
				| sort_by(-.alloc_bytes) | .[0] // empty' "$out")
			checks=$((checks + 1))
			if [ -z "$f" ]; then
				fail "$gov/$scen/$id ($mode): no finding for $fn"
				continue
			fi
			got_kind=$(jq -r .kind <<<"$f")
			if [ "$got_kind" != "$kind" ]; then
				# a string concatenation into one small object cannot be told
				# from a plain object by its size: only the source line says so
				if ! [ $mode = plain ] || ! [ "$shape" = concat ] || ! [ "$got_kind" = object ]; then
					fail "$gov/$scen/$id ($mode): kind $got_kind, want $kind"
				fi
			fi
			got_impl=$(jq -r '.map_impl // "null"' <<<"$f")
			[ "$got_impl" = "$impl" ] || [ "$kind" != map ] ||
				fail "$gov/$scen/$id ($mode): map_impl $got_impl, want $impl"
			owner=$(jq -r .owner.function <<<"$f")
			[ "$owner" = "$fn" ] || fail "$gov/$scen/$id ($mode): owner $owner, want $fn"
			v=$(jq -r .verdict <<<"$f")
			case " $verdicts " in *" $v "*) ;; *) fail "$gov/$scen/$id ($mode): verdict $v, want one of: $verdicts" ;; esac
			# estimates: the true live count of the last snapshot within the bounds
			live=$(jq -r --arg id "$id" '.series[-1].sites[$id] | (.peak // .live)' "$truth")
			unit=$(jq -r .estimate.unit <<<"$f")
			lo=$(jq -r .estimate.count_min <<<"$f")
			hi=$(jq -r .estimate.count_max <<<"$f")
			if [ "$kind" = map ] && [ "$got_kind" = map ] && [ "$v" != transient ] && [ "$live" != null ] && [ "$live" -gt 0 ]; then
				# stated bounds: entries within [count_min/2, count_max]
				if [ "$unit" != entries ] || [ $((live * 2)) -lt "$lo" ] || [ "$live" -gt "$hi" ]; then
					fail "$gov/$scen/$id ($mode): $live live entries outside estimate [$lo/2, $hi] ($unit)"
				fi
			fi
			if [ "$kind" = slice ] && [ "$shape" = growth-chain ] && [ "$v" = growing ]; then
				len=$(jq -r --arg id "$id" '.series[-1].sites[$id].len // .series[-1].sites[$id].live' "$truth")
				# capacity >= length, and within 2x of it (growth step <= 2x)
				if [ "$unit" != elements ] || [ "$hi" -lt "$len" ] || [ "$lo" -gt $((len * 2)) ]; then
					fail "$gov/$scen/$id ($mode): length $len outside capacity estimate [$lo, $hi] ($unit)"
				fi
			fi
		done
		# the run-wide map implementation, where the scenario has a map
		want=$(jq -r --arg v "$gov" '[.sites[] | select(.kind == "map") | .map_impl[$v]] | .[0] // "null"' "$truth")
		if [ "$want" != null ]; then
			got=$(jq -r '.go.map_impl // "null"' "$out")
			checks=$((checks + 1))
			[ "$got" = "$want" ] || fail "$gov/$scen ($mode): go.map_impl $got, want $want"
		fi
	done
	# the debug=1 text snapshots of the same moments are diagnosed too
	if ls "$dir"/*.txt >/dev/null 2>&1; then
		checks=$((checks + 1))
		if "$HEAPDOC" diagnose --format=json --top=0 "$dir"/*.txt >"$tmp/txt.json" 2>"$tmp/err"; then
			[ "$(jq '.findings | length' "$tmp/txt.json")" -gt 0 ] ||
				fail "$gov/$scen: no findings from the text snapshots"
		elif grep -q "not supported" "$tmp/err"; then
			echo "note: $gov/$scen: text snapshots not checked: $(cat "$tmp/err")"
		else
			fail "$gov/$scen: diagnose of the .txt snapshots failed: $(cat "$tmp/err")"
		fi
	fi
done
echo "diagnose scenarios: $checks checks, $fails failures"
[ $fails -eq 0 ]
