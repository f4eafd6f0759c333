#!/usr/bin/env bash
# roundtrip.sh - decode -> write profile.proto -> decode loses nothing: for
# every profile in testdata/profiles and ../shared/corpus, `heapdoc merge
# FILE -o OUT` (one source: the decoded profile written as is) gives a file
# whose folded stacks equal the original's for every sample type, that is
# written identically twice (deterministic; checked on the last snapshot of
# each testdata series and the corpus), and - for proto inputs, where
# Go exists - on which `go tool pprof -top -unit=B -nodefraction=0` prints
# the same rows as on the original.  With `heapdoc top`, its rows must match
# too.  Legacy text inputs are checked through heapdoc only (pprof cannot
# name their frames without the binary).
set -u
: "${HEAPDOC:?}" "${HD_SRCDIR:?}"
HD_SHARED=${HD_SHARED:-$HD_SRCDIR/../shared}
PPROF=""
if command -v go >/dev/null 2>&1; then
	PPROF=$(go tool -n pprof 2>/dev/null)
	[ -x "$PPROF" ] || PPROF="go tool pprof"
else
	echo "note: go not installed, pprof comparisons skipped"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 files=0 checks=0
rows() { sed -n '/^Showing nodes/,$p'; }
has_top=0
"$HEAPDOC" top --help >/dev/null 2>&1 && has_top=1

skipped_legacy=0
roundtrip() {
	local f=$1 types=$2 with_pprof=$3
	case "$f" in
	*.txt|*.heap)
		head -c 13 "$f" | grep -q '^heap profile:' || return 0
		if "$HEAPDOC" folded "$f" 2>&1 >/dev/null | grep -q 'not supported'; then
			skipped_legacy=$((skipped_legacy + 1)); return 0
		fi ;;
	esac
	files=$((files + 1))
	if ! "$HEAPDOC" merge "$f" -o "$tmp/a.pb.gz" 2>"$tmp/err"; then
		echo "FAIL $f: $(cat "$tmp/err")"; fails=$((fails + 1)); return
	fi
	if [ "$with_pprof" = 1 ]; then
		"$HEAPDOC" merge "$f" -o "$tmp/b.pb.gz" 2>/dev/null
		checks=$((checks + 1))
		cmp -s "$tmp/a.pb.gz" "$tmp/b.pb.gz" || { echo "FAIL $f: output not deterministic"; fails=$((fails + 1)); }
	fi
	local proto=0
	case "$f" in *.txt|*.heap) ;; *) proto=1 ;; esac
	for si in $types; do
		"$HEAPDOC" folded -sample_index=$si "$f" >"$tmp/want" 2>/dev/null || continue
		"$HEAPDOC" folded -sample_index=$si "$tmp/a.pb.gz" >"$tmp/got" 2>&1
		checks=$((checks + 1))
		cmp -s "$tmp/want" "$tmp/got" || { echo "FAIL $f $si: folded stacks differ after the round trip"; diff "$tmp/want" "$tmp/got" | head -4; fails=$((fails + 1)); }
		if [ "$proto" = 1 ] && [ -n "$PPROF" ] && [ "$with_pprof" = 1 ]; then
			$PPROF -top -unit=B -nodefraction=0 -sample_index=$si "$f" 2>/dev/null | rows >"$tmp/pw"
			$PPROF -top -unit=B -nodefraction=0 -sample_index=$si "$tmp/a.pb.gz" 2>/dev/null | rows >"$tmp/pg"
			checks=$((checks + 1))
			cmp -s "$tmp/pw" "$tmp/pg" || { echo "FAIL $f $si: pprof -top differs on the written file"; diff "$tmp/pw" "$tmp/pg" | head -4; fails=$((fails + 1)); }
		fi
		if [ "$has_top" = 1 ] && [ "$with_pprof" = 1 ]; then
			"$HEAPDOC" top -unit=B -nodefraction=0 -sample_index=$si "$f" 2>/dev/null | rows >"$tmp/hw"
			"$HEAPDOC" top -unit=B -nodefraction=0 -sample_index=$si "$tmp/a.pb.gz" 2>/dev/null | rows >"$tmp/hg"
			checks=$((checks + 1))
			cmp -s "$tmp/hw" "$tmp/hg" || { echo "FAIL $f $si: heapdoc top differs on the written file"; fails=$((fails + 1)); }
		fi
	done
}

if [ -d "$HD_SHARED/corpus" ]; then
	for f in "$HD_SHARED"/corpus/real/* "$HD_SHARED"/corpus/parca-many/*.pb.gz \
		"$HD_SHARED"/corpus/pprof-legacy/*.heap; do
		[ -f "$f" ] && roundtrip "$f" "alloc_objects alloc_space inuse_objects inuse_space 0 1" 1
	done
else
	echo "note: $HD_SHARED/corpus absent"
fi
# testdata: every profile through heapdoc; pprof and top (slower: a process
# per sample type) on the last snapshot of each series.
if [ -d "$HD_SRCDIR/testdata/profiles" ]; then
	while IFS= read -r f; do
		case "$f" in
		*/06.*) roundtrip "$f" "inuse_space alloc_objects" 1 ;;
		*) roundtrip "$f" "inuse_space" 0 ;;
		esac
	done < <(find "$HD_SRCDIR/testdata/profiles" -type f \( -name '*.pb.gz' -o -name '*.pb' -o -name '*.txt' \) | sort)
fi
[ "$files" -gt 0 ] || { echo "skipped: no profiles found"; exit 77; }
[ "$skipped_legacy" = 0 ] || echo "note: $skipped_legacy legacy text profiles skipped (decoder does not read them yet)"
echo "roundtrip: $files files, $checks checks, $fails failures"
[ "$fails" = 0 ]
