#!/usr/bin/env bash
# parity_diff.sh - heapdoc's merge, -base, -diff_base, -normalize and -divide_by against
# `go tool pprof` on the parca-many series (../shared/corpus) and the
# snapshot series in testdata/profiles: the profile heapdoc writes must give
# the same `-top -unit=B -nodefraction=0` as pprof doing the operation
# itself, row for row, for every sample type, and the same -raw dump (every
# sample, location and function, pprof's ids included).  When `heapdoc top`
# exists its rows are compared too.  Skips (77) without Go or inputs.
set -u
: "${HEAPDOC:?}" "${HD_SRCDIR:?}"
HD_SHARED=${HD_SHARED:-$HD_SRCDIR/../shared}
command -v go >/dev/null 2>&1 || { echo "skipped: go not installed"; exit 77; }
# The pprof binary itself: `go tool pprof` costs ~0.8 s of go-command
# start-up per call, the binary ~10 ms.
PPROF=$(go tool -n pprof 2>/dev/null)
[ -x "$PPROF" ] || PPROF="go tool pprof"
pprof() { $PPROF "$@"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0

# rows of a pprof -top report from "Showing nodes" on (legend lines differ)
rows() { sed -n '/^Showing nodes/,$p'; }

# flat, cum and name of each row: a filtered profile written to a file has
# its own total (pprof's -focus keeps the unfiltered total), so percentages
# and the header differ while the rows must not.
cols() { sed -n '/^ *flat  flat%/,$p' | awk 'NR > 1 {$2 = ""; $3 = ""; $5 = ""; print}'; }

# check NAME PPROF_ARGS... -- HEAPDOC_ARGS...   (FILTERED=1: compare cols)
check() {
	local name=$1; shift
	local pargs=() hargs=()
	while [ "$1" != "--" ]; do pargs+=("$1"); shift; done
	shift
	hargs=("$@")
	if ! "$HEAPDOC" merge "${hargs[@]}" -o "$tmp/h.pb.gz" 2>"$tmp/err"; then
		echo "FAIL $name: heapdoc merge failed: $(cat "$tmp/err")"; fails=$((fails + 1)); return
	fi
	pprof -proto "${pargs[@]}" >"$tmp/p.pb.gz" 2>/dev/null
	checks=$((checks + 1))
	if [ "${FILTERED:-0}" = 0 ] &&
		! cmp -s <(pprof -raw "$tmp/h.pb.gz" 2>&1) <(pprof -raw "$tmp/p.pb.gz" 2>&1); then
		echo "FAIL $name: -raw dumps differ"; fails=$((fails + 1))
	fi
	for si in alloc_objects alloc_space inuse_objects inuse_space; do
		local filt=rows
		[ "${FILTERED:-0}" = 1 ] && filt=cols
		pprof -top -unit=B -nodefraction=0 -sample_index=$si "${pargs[@]}" 2>/dev/null | $filt >"$tmp/want"
		[ -s "$tmp/want" ] || continue
		pprof -top -unit=B -nodefraction=0 -sample_index=$si "$tmp/h.pb.gz" 2>/dev/null | $filt >"$tmp/got"
		checks=$((checks + 1))
		if ! cmp -s "$tmp/want" "$tmp/got"; then
			echo "FAIL $name $si: pprof -top of heapdoc's profile differs from pprof's own:"
			diff "$tmp/want" "$tmp/got" | head -5; fails=$((fails + 1))
		fi
		if [ "${FILTERED:-0}" = 0 ] && "$HEAPDOC" top --help >/dev/null 2>&1; then
			"$HEAPDOC" top -unit=B -nodefraction=0 -sample_index=$si "${pargs[@]}" 2>"$tmp/err" | rows >"$tmp/top"
			checks=$((checks + 1))
			if ! cmp -s "$tmp/want" "$tmp/top"; then
				echo "FAIL $name $si: heapdoc top differs from pprof:"
				diff "$tmp/want" "$tmp/top" | head -5; cat "$tmp/err"; fails=$((fails + 1))
			fi
		fi
	done
}

# check_raw NAME ARGS...: merge ARGS -o and pprof -proto ARGS give the same
# -raw dump (for options whose effect on values a -top of the written
# profile cannot show exactly: -divide_by truncates per sample).
check_raw() {
	local name=$1; shift
	checks=$((checks + 1))
	if ! "$HEAPDOC" merge "$@" -o "$tmp/h.pb.gz" 2>"$tmp/err"; then
		echo "FAIL $name: heapdoc merge failed: $(cat "$tmp/err")"; fails=$((fails + 1)); return
	fi
	pprof -proto "$@" >"$tmp/p.pb.gz" 2>/dev/null
	if ! cmp -s <(pprof -raw "$tmp/h.pb.gz" 2>&1) <(pprof -raw "$tmp/p.pb.gz" 2>&1); then
		echo "FAIL $name: -raw dumps differ"; fails=$((fails + 1))
	fi
}

series() {
	local dir=$1
	local files=()
	mapfile -t files < <(ls "$dir"/*.pb.gz 2>/dev/null | sort)
	[ "${#files[@]}" -ge 2 ] || return 1
	local first=${files[0]} last=${files[${#files[@]} - 1]} label
	label=${dir#"$HD_SRCDIR/"}
	check "$label merge-all" "${files[@]}" -- "${files[@]}"
	check_raw "$label -divide_by" -divide_by=3 -diff_base "$first" "$last"
	check "$label -base" -base "$first" "$last" -- -base "$first" "$last"
	check "$label -diff_base" -diff_base "$first" "$last" -- -diff_base "$first" "$last"
	FILTERED=1 check "$label -focus" -focus=runtime "$last" -- -focus=runtime "$last"
	FILTERED=1 check "$label -diff_base -ignore" -ignore=runtime -diff_base "$first" "$last" -- \
		-ignore=runtime -diff_base "$first" "$last"
	FILTERED=1 check "$label -hide" -hide=runtime -diff_base "$first" "$last" -- \
		-hide=runtime -diff_base "$first" "$last"
	FILTERED=1 check "$label -show" -show=main "$last" -- -show=main "$last"
	FILTERED=1 check "$label -show_from" -show_from=main "$last" -- -show_from=main "$last"
	FILTERED=1 check "$label -prune_from" -prune_from=runtime "$last" -- -prune_from=runtime "$last"
	# -taghide: pprof keeps samples that end up alike apart, heapdoc adds
	# them together (merge -o compacts), so the rows are compared, not -raw
	FILTERED=1 check "$label -taghide" -taghide=bytes "$last" -- -taghide=bytes "$last"
	FILTERED=1 check "$label -tagshow -diff_base" -tagshow=^b -diff_base "$first" "$last" -- \
		-tagshow=^b -diff_base "$first" "$last"
	check "$label -normalize -diff_base" -normalize -diff_base "$first" "$last" -- \
		-normalize -diff_base "$first" "$last"
	# Several bases: heapdoc sums them (pprof's library does too:
	# source.Base is a list), but pprof's command line keeps only the last
	# -base (GoFlags.StringList is one flag.String), so pprof gets the
	# bases merged into one file first.
	pprof -proto "$first" "${files[1]}" >"$tmp/bases.pb.gz" 2>/dev/null
	check "$label two bases" -base "$tmp/bases.pb.gz" "$last" -- \
		-base "$first" -base "${files[1]}" "$last"
	return 0
}

ran=0
if [ -d "$HD_SHARED/corpus/parca-many" ]; then
	series "$HD_SHARED/corpus/parca-many" && ran=1
else
	echo "note: $HD_SHARED/corpus/parca-many absent, corpus series not checked"
fi
# testdata: the cache_map series of every Go version (one series per
# version keeps the test fast; each check runs pprof about ten times).
if [ -d "$HD_SRCDIR/testdata/profiles" ]; then
	while IFS= read -r d; do
		series "$d" && ran=1
	done < <(find "$HD_SRCDIR/testdata/profiles" -mindepth 2 -maxdepth 2 -type d -name cache_map | sort)
fi
[ "$ran" = 1 ] || { echo "skipped: no snapshot series found"; exit 77; }
echo "parity_diff: $checks checks, $fails failures"
[ "$fails" = 0 ]
