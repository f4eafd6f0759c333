#!/usr/bin/env bash
# parity_top.sh - `heapdoc top` against `go tool pprof -top`, the parity
# oracle.  For every profile in testdata/profiles and the shared corpus
# (../shared/corpus: pyroscope, parca, go.nomappings.crash, parca-many/*),
# for every sample type, at -functions and -lines granularity, with
# -nodefraction=0 and with the default 0.005: pprof's -unit=B text and
# heapdoc's --format=json must give the same total, shown sum, dropped node
# count and cutoff, and the same rows (name, inline label, flat, cum) in the
# same order (tests/parity/cmptop.go).  The default report (pprof's unit,
# default sample type) must also match byte for byte, for -top, -traces
# and -peek.  pprof runs with -symbolize=none: these profiles carry their
# symbols, and symbolization only costs time.  Skips (77) without Go or
# without any input profile.
set -u
: "${HEAPDOC:?}" "${HD_SRCDIR:?}"
HD_SHARED=${HD_SHARED:-$HD_SRCDIR/../shared}
command -v go >/dev/null 2>&1 || { echo "skipped: go not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A build cache even where HOME is unset (CI containers).
[ -n "$(go env GOCACHE 2>/dev/null)" ] || export GOCACHE=${HD_BUILD:-$tmp}/go-cache

files=()
if [ -d "$HD_SRCDIR/testdata/profiles" ]; then
	while IFS= read -r f; do
		files+=("$f")
	done < <(find "$HD_SRCDIR/testdata/profiles" -type f \( -name '*.pb.gz' -o -name '*.pb' \) | sort)
fi
corpus=$HD_SHARED/corpus
for f in real/pyroscope-heap.pb.gz real/parca-alloc_objects.pb.gz real/pyroscope-og-heap.pb \
	real/pyroscope-og-heap.pb.gz real/pprof-go.nomappings.crash.pb.gz parca-many/*.pb.gz; do
	for g in "$corpus"/$f; do
		[ -f "$g" ] && files+=("$g")
	done
done
if [ ${#files[@]} -eq 0 ]; then
	echo "skipped: no profiles in testdata/profiles or $corpus"
	exit 77
fi
[ -d "$corpus" ] || echo "note: $corpus absent, corpus profiles not checked"

# The pprof that `go tool pprof` runs, called directly: the go command's
# own start-up costs more than the report on small profiles.
PPROF=$(go tool -n pprof 2>/dev/null)
[ -x "$PPROF" ] || PPROF="go tool pprof"
export PPROF

if ! go build -o "$tmp/cmptop" "$HD_SRCDIR/tests/parity/cmptop.go" 2>"$tmp/build.err"; then
	echo "FAIL: cannot build the comparator:"; cat "$tmp/build.err"; exit 1
fi

# check_file FILE WORKDIR: every comparison for one profile; prints one
# line per failure and a final "checks N" line.
check_file() {
	local f=$1 w=$2 n=0 si gran nf pairs=()
	# The number of sample types, from heapdoc's out-of-range message.
	local types
	types=$("$HEAPDOC" top -sample_index=999999 "$f" 2>&1 >/dev/null |
		sed -n 's/.*outside the range \[0\.\.\([0-9]*\)\].*/\1/p')
	if [ -z "$types" ]; then
		echo "FAIL $f: heapdoc cannot read it: $("$HEAPDOC" top "$f" 2>&1 >/dev/null)"
		echo "checks 1"; return
	fi
	for ((si = 0; si <= types; si++)); do
		for gran in -functions -lines; do
			for nf in -nodefraction=0 -nodefraction=0.005; do
				n=$((n + 1))
				local tag="$w/$si$gran$nf"
				$PPROF -top -symbolize=none -unit=B $nf -sample_index=$si $gran "$f" \
					>"$tag.txt" 2>/dev/null
				if ! "$HEAPDOC" top --format=json $nf -sample_index=$si $gran "$f" >"$tag.json" 2>"$w/h.err"; then
					echo "FAIL $f si=$si $gran $nf: heapdoc failed: $(cat "$w/h.err")"; continue
				fi
				pairs+=("$tag.txt" "$tag.json")
			done
		done
	done
	if [ ${#pairs[@]} -gt 0 ] && ! "$w/../cmptop" "${pairs[@]}" >"$w/diff" 2>&1; then
		echo "FAIL $f:"; sed "s|$w/||" "$w/diff" | head -12 | sed 's/^/    /'
	fi
	# Byte-for-byte text: pprof's defaults.
	local what
	for what in top traces "peek main\\.|runtime\\.mallocgc"; do
		n=$((n + 1))
		local cmd=${what%% *} re=
		if [ "$cmd" = peek ]; then
			re=${what#peek }
			$PPROF -peek "$re" -symbolize=none "$f" >"$w/p.txt" 2>/dev/null
			"$HEAPDOC" peek "$re" "$f" >"$w/h.txt" 2>/dev/null
		else
			$PPROF -$cmd -symbolize=none "$f" >"$w/p.txt" 2>/dev/null
			"$HEAPDOC" $cmd "$f" >"$w/h.txt" 2>"$w/h.err"
		fi
		if ! cmp -s "$w/p.txt" "$w/h.txt"; then
			echo "FAIL $f $cmd text differs from pprof's:"
			diff "$w/p.txt" "$w/h.txt" | head -8 | sed 's/^/    /'
		fi
	done
	rm -f "$w"/*
	echo "checks $n"
}

export -f check_file
export HEAPDOC
jobs=$(nproc 2>/dev/null || echo 2)
i=0
for f in "${files[@]}"; do
	i=$((i + 1))
	mkdir -p "$tmp/w$i"
	printf '%s\0%s\0' "$f" "$tmp/w$i"
done | xargs -0 -n 2 -P "$jobs" bash -c 'check_file "$0" "$1"' >"$tmp/out"

checks=$(awk '$1 == "checks" {s += $2} END {print s + 0}' "$tmp/out")
fails=$(grep -c '^FAIL' "$tmp/out")
grep -v '^checks' "$tmp/out"
echo "parity_top: ${#files[@]} profiles, $checks comparisons, $fails failures"
[ "$fails" -eq 0 ]
