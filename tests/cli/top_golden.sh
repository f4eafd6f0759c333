#!/usr/bin/env bash
# top_golden.sh - golden outputs of `heapdoc top`, `traces` and `peek` on
# the committed profiles of testdata/profiles.  The cases and how their
# expected outputs were made are in tests/cli/agg-golden/cases.txt: the
# text ones are `go tool pprof`'s own output for the same options, so this
# test pins pprof parity even where Go is not installed.  TZ=UTC for the
# Time: legend line.
set -u
: "${HEAPDOC:?}" "${HD_SRCDIR:?}"
golden=$HD_SRCDIR/tests/cli/agg-golden
profiles=$HD_SRCDIR/testdata/profiles
[ -d "$profiles/basic" ] || { echo "skipped: $profiles/basic absent"; exit 77; }
export TZ=UTC
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 n=0
while IFS='|' read -r name args; do
	case $name in '#'* | '') continue ;; esac
	n=$((n + 1))
	want=$golden/$name.txt
	[ -f "$want" ] || want=$golden/$name.json
	# shellcheck disable=SC2086
	(cd "$profiles" && "$HEAPDOC" $args) >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL $name: exit $rc: $(cat "$tmp/err")"; fails=$((fails + 1)); continue
	fi
	if ! cmp -s "$want" "$tmp/out"; then
		echo "FAIL $name: heapdoc $args"
		diff "$want" "$tmp/out" | head -20 | sed 's/^/    /'
		fails=$((fails + 1))
	fi
done <"$golden/cases.txt"
echo "top_golden: $n cases, $fails failures"
[ $fails -eq 0 ]
