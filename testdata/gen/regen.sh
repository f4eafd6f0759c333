#!/usr/bin/env bash
# regen.sh -- regenerate the Go-made test data of heapdoc:
#
#   testdata/profiles/go1.22/<scenario>/   every scenario, built with go1.22.12 (classic maps)
#   testdata/profiles/go1.26/<scenario>/   every scenario, built with go1.26.8  (swiss maps)
#   testdata/profiles/go1.24/<scenario>/   the map scenarios, built with go1.24.0 (first swiss)
#       each: 01..NN.pb.gz + 01..NN.txt (same moment) + truth-observed.json
#   testdata/profiles/basic/               small single profiles (see testdata/profiles/README.md)
#   testdata/profiles/sampling.txt         samples per truth site in the last snapshot (gen/check)
#   testdata/gen/scenarios/truth.json      static truth + the go1.26 counts
#   testdata/gomodel/go1.22.txt go1.24.txt go1.26.txt   runtime facts printed by gen/probes
#
# NOT run by the tests: the outputs are committed. Profiles are sampled at random
# (default MemProfileRate), so every run gives different (equally valid) files.
# It never downloads anything: GOPROXY=off, and the toolchains go1.22.12, go1.24.0
# must already be in the module cache (go1.26.8 may be the local go).
# Takes about 6 minutes (the go1.22 probes alone ~3.5 min).
#
# Usage: testdata/gen/regen.sh [all|scenarios [NAME...]|basic|probes|truth]   (default all)
#   scenarios NAME...  re-runs only the named scenarios (keeps the other series)
set -euo pipefail

gen=$(cd "$(dirname "$0")" && pwd)
td=$(dirname "$gen")
profiles=$td/profiles
gomodel=$td/gomodel
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT

export GOPROXY=off GOFLAGS=-buildvcs=false
TOOLCHAINS="go1.22.12 go1.24.0 go1.26.8"
MAP_SCENARIOS="cache_map lru_unbounded per_request_maps lookup_table map_fill_empty string_keys metric_cardinality"
SNAPSHOTS=6

local_go=$(GOTOOLCHAIN=local go env GOVERSION)
tc() { if [ "$local_go" = "$1" ]; then echo local; else echo "$1"; fi; }
short() { echo "$1" | sed -E 's/^(go[0-9]+\.[0-9]+).*/\1/'; }

# build <toolchain> <module dir under gen/> <output binary>
build() {
	(cd "$gen/$2" && GOTOOLCHAIN=$(tc "$1") go build -trimpath -o "$3" .)
}

vet() {
	local m
	for m in scenarios basic probes check; do
		(cd "$gen/$m" && GOTOOLCHAIN=local go vet .)
	done
}

# scenarios [NAME...]: all scenarios (default; the version directories are
# wiped first) or only the named ones (other series are kept).
scenarios() {
	local t v s list only=$*
	for t in go1.22.12 go1.26.8 go1.24.0; do
		v=$(short "$t")
		build "$t" scenarios "$bin/scen-$t"
		list=$("$bin/scen-$t" -list)
		[ "$v" = go1.24 ] && list=$MAP_SCENARIOS
		[ -z "$only" ] && rm -rf "${profiles:?}/$v"
		for s in $list; do
			case " ${only:-$s} " in *" $s "*) ;; *) continue ;; esac
			echo "regen: $t $s" >&2
			rm -rf "${profiles:?}/$v/$s"
			"$bin/scen-$t" -scenario "$s" -out "$profiles/$v/$s" -snapshots "$SNAPSHOTS"
		done
	done
	sampling
}

sampling() {
	build "$local_go" check "$bin/check"
	(cd "$profiles" && "$bin/check" -last go1.2[246]/*/ > sampling.txt) ||
		echo "regen: WARNING: some truth site was never sampled (see $profiles/sampling.txt)" >&2
}

truth() {
	build go1.26.8 scenarios "$bin/scen-truth"
	TRUTH_COUNTS_DIR=$profiles/go1.26 "$bin/scen-truth" -truth > "$gen/scenarios/truth.json"
	# The counts must not depend on the Go version.
	TRUTH_COUNTS_DIR=$profiles/go1.22 "$bin/scen-truth" -truth > "$bin/truth-go1.22.json"
	if ! cmp -s "$gen/scenarios/truth.json" "$bin/truth-go1.22.json"; then
		echo "regen: WARNING: go1.22 and go1.26 counts differ:" >&2
		diff "$gen/scenarios/truth.json" "$bin/truth-go1.22.json" | head -20 >&2 || true
	fi
}

basic() {
	local out=$profiles/basic
	rm -rf "$out"
	mkdir -p "$out"
	build go1.26.8 basic "$bin/basic-126"
	build go1.22.12 basic "$bin/basic-122"
	"$bin/basic-126" -mode heap -out "$out/go1.26-heap"
	gzip -dc "$out/go1.26-heap.pb.gz" > "$out/go1.26-heap.pb"
	"$bin/basic-126" -mode allocs -out "$out/go1.26-allocs"
	"$bin/basic-126" -mode rate1 -out "$out/go1.26-heap-rate1"
	"$bin/basic-126" -mode inlined -out "$out/go1.26-inlined"
	"$bin/basic-126" -mode deep -out "$out/go1.26-deep"
	"$bin/basic-122" -mode heap -out "$out/go1.22-heap"
	"$bin/basic-122" -mode deep -out "$out/go1.22-deep"
}

probes() {
	local t
	mkdir -p "$gomodel"
	for t in $TOOLCHAINS; do
		echo "regen: probes $t" >&2
		build "$t" probes "$bin/probes-$t"
		"$bin/probes-$t" > "$gomodel/$(short "$t").txt"
	done
}

what=${1:-all}
vet
case $what in
all) scenarios; truth; basic; probes ;;
scenarios) shift; scenarios "$@"; truth ;;
truth) truth ;;
basic) basic ;;
probes) probes ;;
*) echo "usage: $0 [all|scenarios [NAME...]|basic|probes|truth]" >&2; exit 2 ;;
esac
du -sh "$profiles" "$gomodel" >&2 || true
