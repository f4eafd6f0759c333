#!/usr/bin/env bash
# fuzz/seeds.sh - builds the seed corpus of every fuzz target in a work
# directory (never committed: fuzz/corpus-work/ is gitignored) from the
# small profiles the project already has: testdata/profiles (real Go
# profiles), testdata/hostile (crafted inputs, see testdata/hostile/gen),
# testdata/crashers, and the shared corpus in $HD_SHARED/corpus when present.
# SEED_MAX_KB (default 300) drops larger files, SEED_MAX_FILES keeps an
# evenly spread subset.  Each target gets its inputs in the form it reads
# (fuzz/fuzz_*.c): the raw proto target the inflated bytes, the gzip target
# a mode byte in front, the pipeline target an options byte in front (and
# some pairs of profiles joined by its separator, HD-SPLIT).
#
# usage: fuzz/seeds.sh WORKDIR      (creates WORKDIR/<target>/)
set -eu
work=${1:?usage: fuzz/seeds.sh WORKDIR}
cd "$(dirname "$0")/.."
shared=${HD_SHARED:-$PWD/../shared}
max_kb=${SEED_MAX_KB:-300}
for t in raw_proto gzip_proto legacy pipeline; do mkdir -p "$work/$t"; done

put() { # put TARGET PREFIX_BYTE(octal or "") FILE_OR_-
	local t=$1 prefix=$2 src=$3 tmp
	tmp=$(mktemp "$work/$t/.seed.XXXXXX")
	{ [ -n "$prefix" ] && printf "\\$prefix"; cat "$src"; } >"$tmp"
	mv "$tmp" "$work/$t/$(sha1sum <"$tmp" | cut -c1-16)"
}

sources=()
while IFS= read -r -d '' f; do sources+=("$f"); done < <(
	find testdata/profiles testdata/hostile testdata/crashers \
		"$shared/corpus/real" "$shared/corpus/parca-many" "$shared/corpus/pprof-legacy" \
		-type f -size -"${max_kb}"k ! -name '*.string' ! -name '*.json' ! -name '*.sh' \
		! -name '*.go' ! -name '*.md' -print0 2>/dev/null | sort -z)

# SEED_MAX_FILES: an evenly spread subset (smoke runs need a few seeds of
# each kind, not all of them).
max_files=${SEED_MAX_FILES:-0}
if [ "$max_files" -gt 0 ] && [ ${#sources[@]} -gt "$max_files" ]; then
	step=$(((${#sources[@]} + max_files - 1) / max_files))
	picked=()
	for ((i = 0; i < ${#sources[@]}; i += step)); do picked+=("${sources[i]}"); done
	sources=("${picked[@]}")
fi

raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
for f in "${sources[@]}"; do
	magic=$(head -c 2 "$f" | od -An -tx1 | tr -d ' \n')
	if [ "$magic" = 1f8b ]; then
		put gzip_proto 003 "$f"
		put pipeline 000 "$f"
		if gzip -dc "$f" >"$raw" 2>/dev/null; then
			put raw_proto "" "$raw"
			put gzip_proto 000 "$raw"
		fi
	elif head -c 64 "$f" | grep -qa '^heap'; then
		put legacy "" "$f"
		put pipeline 000 "$f"
		put raw_proto "" "$f"
	else
		put raw_proto "" "$f"
		put gzip_proto 000 "$f"
		put pipeline 020 "$f"
	fi
done
# The pipeline target reads a second profile after "HD-SPLIT" (the base of
# its merge, the second snapshot of its series): pairs of neighbouring
# seeds, so that profiles of different programs, Go versions, sample types
# and formats are combined from the start.
pairs=0
for ((i = 0; i + 1 < ${#sources[@]} && pairs < ${SEED_PAIRS:-24}; i += 2)); do
	a=${sources[i]} b=${sources[i + 1]}
	[ "$(stat -c %s "$a")" -lt 65536 ] && [ "$(stat -c %s "$b")" -lt 65536 ] || continue
	{ cat "$a"; printf 'HD-SPLIT'; cat "$b"; } >"$raw"
	put pipeline 000 "$raw"
	pairs=$((pairs + 1))
done
# and two that disagree on purpose: a unit (the merge's "units differ"
# error) and a sample type (the trend's missing type)
for b in control-unit.pb control-sample-type.pb; do
	[ -f testdata/hostile/$b ] || continue
	{ cat testdata/hostile/small.pb.gz; printf 'HD-SPLIT'; cat "testdata/hostile/$b"; } >"$raw"
	put pipeline 000 "$raw"
done
for t in raw_proto gzip_proto legacy pipeline; do
	echo "seeds: $t: $(find "$work/$t" -type f | wc -l) inputs" >&2
done
