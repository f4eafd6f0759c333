#!/usr/bin/env bash
# `heapdoc trend` without a live process: the parca series of
# ../shared/corpus (8 identical snapshots, then 2: two observations), the
# snapshot order, the gate, and every documented error path.
# fail, expect, err_has and a scratch $TMP removed on exit: collect_lib.bash
# (its live-server helpers are not used here: no Go needed)
. "$(dirname "$0")/collect_lib.bash" || exit 1

# Errors first: they need no corpus.
expect 2 "$HEAPDOC" trend
err_has "no snapshots given"
err_one_line
expect 2 "$HEAPDOC" trend --format=xml x
err_has "unknown --format 'xml'"
err_one_line
expect 2 "$HEAPDOC" trend --min-r2 2 x
err_has "invalid --min-r2"
expect 2 "$HEAPDOC" trend --fail-on=shrinking x
err_has "unknown --fail-on"
expect 2 "$HEAPDOC" trend --min-growth 10MiB/fortnight x
err_has "invalid --min-growth"
expect 2 "$HEAPDOC" trend --limit lots x
expect 2 "$HEAPDOC" trend --form=json x
err_has "^heapdoc: trend: unknown option '--form=json' (see 'heapdoc trend --help')$"
err_one_line
expect 2 "$HEAPDOC" trend x --top
err_has "^heapdoc: trend: option '--top' needs a value (see 'heapdoc trend --help')$"
err_one_line
expect 1 "$HEAPDOC" trend "$TMP/missing.pb.gz"
err_has "cannot read '$TMP/missing.pb.gz': No such file or directory"
mkdir "$TMP/empty"
expect 1 "$HEAPDOC" trend "$TMP/empty"
err_has "no heap profiles in it"
printf '<html>not a profile</html>\n' >"$TMP/bad.pb.gz"
expect 1 "$HEAPDOC" trend "$TMP/bad.pb.gz"
err_has "cannot read '$TMP/bad.pb.gz'"
[ "$(wc -l <"$TMP/err")" = 1 ] || fail "more than one line: $(cat "$TMP/err")"
printf '\037\213\010\000garbage' >"$TMP/trunc.pb.gz"
expect 1 "$HEAPDOC" trend "$TMP/trunc.pb.gz"
err_has "cannot read '$TMP/trunc.pb.gz'"
# an error of the analysis: one "trend:" prefix, not two
small=$HD_SRCDIR/testdata/hostile/small.pb.gz
ctl=$HD_SRCDIR/testdata/hostile/control-sample-type.pb
expect 1 "$HEAPDOC" trend "$small" "$ctl"
err_has "^heapdoc: trend: profile '$small' has no sample type .x12nuse_space$"
# -sample_index as top takes it: a name ("inuse_" optional) or an index;
# one the profile lacks is a bad command line (2) with pprof's message
expect 2 "$HEAPDOC" trend -sample_index=nosuchtype "$small" "$small"
err_has '^heapdoc: trend: sample_index "nosuchtype" must be one of: \[alloc_objects alloc_space inuse_objects inuse_space\]$'
expect 2 "$HEAPDOC" trend --sample-index=4 "$small"
err_has '^heapdoc: trend: sample_index 4 is outside the range \[0..3\]$'
expect 0 "$HEAPDOC" trend -sample_index=1 "$small"
grep -q '^heapdoc trend: 1 snapshot, .*, alloc_space$' "$TMP/out" || fail "-sample_index=1 is not alloc_space: $(head -1 "$TMP/out")"
expect 0 "$HEAPDOC" trend --help
grep -q '3 --fail-on=growing and a site is growing' "$TMP/out" || fail "--help lacks exit codes"

corpus=$HD_SHARED/corpus/parca-many
if [ ! -d "$corpus" ]; then
	echo "SKIP: $corpus is absent (the corpus part of this test)"
	exit 77
fi
# Given newest first: ordered by profile time anyway.
files=$(ls "$corpus"/*.pb.gz | sort -r)
# shellcheck disable=SC2086
expect 0 "$HEAPDOC" trend --format=json $files
first=$(grep -o '"path": "[^"]*"' "$TMP/out" | head -1)
[ "$first" = "\"path\": \"$corpus/1644509272337470000.pb.gz\"" ] || fail "first profile is $first"
grep -q '"n_observations": 2,' "$TMP/out" || fail "identical snapshots not collapsed"
[ "$(grep -c '"epoch": 0,' "$TMP/out")" = 8 ] || fail "want 8 snapshots in epoch 0"
grep -q '"total": {"series": \[48928729, 48928729, 48928729, 48928729, 48928729, 48928729, 48928729, 48928729, 143698391, 143698391\], "verdict": "growing"' "$TMP/out" ||
	fail "total series: $(grep '"total"' "$TMP/out")"

expect 0 "$HEAPDOC" trend --top 2 "$corpus"
grep -q '^heapdoc trend: 10 snapshots, 2 GC publications, 2022-02-10 16:07:52.337 UTC' "$TMP/out" ||
	fail "header: $(head -3 "$TMP/out")"
grep -q '^  snapshots 1-8 are identical (no GC published new data between them): one observation$' "$TMP/out" ||
	fail "no collapse note"
grep -q '^  1\. growing    github.com/dgraph-io/badger/v3/skl.newArena ' "$TMP/out" ||
	fail "top site: $(sed -n 5,8p "$TMP/out")"
[ "$(grep -c '^  [0-9]\. ' "$TMP/out")" = 4 ] || fail "--top 2 shows 2 sites and 2 owners"

# The gate.
expect 3 "$HEAPDOC" trend --fail-on=growing "$corpus"
err_has "growing sites (--fail-on=growing), first github.com/dgraph-io/badger/v3/skl.newArena"
expect 0 "$HEAPDOC" trend --fail-on=growing --min-growth 1TiB/min "$corpus"
# debug=1 text snapshots (Go 1.26 prints runtime.mallocgc in them): the
# sites are the allocating code, pruned by the profile's drop_frames as
# pprof prunes them, and the same as the proto snapshots'.
series=$HD_SRCDIR/testdata/profiles/go1.26/lru_unbounded
if [ -f "$series/06.txt" ] && command -v jq >/dev/null; then
	expect 0 "$HEAPDOC" trend --format=json "$series"/*.txt
	jq -r '.findings[] | .site.function' "$TMP/out" >"$TMP/txt.sites"
	[ "$(head -1 "$TMP/txt.sites")" = main.newLRUEntry ] ||
		fail "text snapshots: first site $(head -1 "$TMP/txt.sites"), want main.newLRUEntry"
	expect 0 "$HEAPDOC" trend --format=json "$series"/*.pb.gz
	jq -r '.findings[] | .site.function' "$TMP/out" >"$TMP/pb.sites"
	[ "$(head -3 "$TMP/txt.sites")" = "$(head -3 "$TMP/pb.sites")" ] ||
		fail "text and proto snapshots name different sites: $(head -3 "$TMP/txt.sites" | tr '\n' ' ') / $(head -3 "$TMP/pb.sites" | tr '\n' ' ')"
fi
echo "PASS: trend on the corpus and its errors"
