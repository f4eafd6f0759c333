#!/usr/bin/env bash
# pprof_style.sh - `heapdoc [OPTIONS] -top PROFILE...`: pprof's output
# format flags (-top, -text, -traces, -peek RE, -list RE, -tree, -tags, -raw,
# -proto)
# anywhere on a command line without a command run the matching command with the other
# arguments, byte for byte what the command itself prints; two formats, a
# -peek without its regexp and format flags after "--" are handled as pprof
# and the shell would have them.
set -u
: "${HEAPDOC:?}" "${HD_SRCDIR:?}"
d=$HD_SRCDIR/testdata/profiles/basic
a=$d/go1.22-heap.pb.gz b=$d/go1.26-allocs.pb.gz
[ -f "$a" ] && [ -f "$b" ] || { echo "skipped: testdata absent"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 n=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# same "PPROF-STYLE ARGS" "COMMAND ARGS": both exit 0 with identical stdout
same() {
	n=$((n + 1))
	# shellcheck disable=SC2086
	"$HEAPDOC" $1 >"$tmp/p.out" 2>"$tmp/p.err" || { fail "heapdoc $1: exit $? ($(head -1 "$tmp/p.err"))"; return; }
	# shellcheck disable=SC2086
	"$HEAPDOC" $2 >"$tmp/c.out" 2>"$tmp/c.err" || { fail "heapdoc $2: exit $?"; return; }
	[ -s "$tmp/c.out" ] || { fail "heapdoc $2 printed nothing"; return; }
	cmp -s "$tmp/p.out" "$tmp/c.out" || fail "heapdoc $1 differs from heapdoc $2"
}

same "-top $a" "top $a"
same "-text -lines $a" "top -lines $a"
same "-lines -base $b -top -nodecount=5 $a" "top -lines -base $b -nodecount=5 $a"
same "-sample_index=alloc_space -traces $a" "traces -sample_index=alloc_space $a"
same "-peek main $a" "peek main $a"
same "-cum -peek runtime\\.m $a" "peek runtime\\.m -cum $a"
same "-symbolize=none -top $a" "top $a"
same "-raw $a" "dump $a"
same "-tags -tagfocus=bytes=1kb: $a" "tags -tagfocus=bytes=1kb: $a"
same "-nodecount=3 -tree $a" "tree -nodecount=3 $a"
same "-list main\\. -trim_path=heapdoc $a" "list main\\. -trim_path=heapdoc $a"
# Go's flag package also takes -flag=value and --flag for -peek and -list
same "-peek=main $a" "peek main $a"
same "--list=keep -trim_path=heapdoc $a" "list keep -trim_path=heapdoc $a"
same "--peek main -lines $a" "peek main -lines $a"
same "-proto $a $b" "merge $a $b -o -"
same "-proto -diff_base $b $a" "merge -diff_base $b $a -o -"
# -proto writes what pprof would read back: a gzip'd profile.proto
n=$((n + 1))
"$HEAPDOC" -proto "$a" "$a" >"$tmp/m.pb.gz" && "$HEAPDOC" top -unit=B "$tmp/m.pb.gz" >"$tmp/m.top" ||
	fail "-proto output does not read back"
[ "$(head -c 2 "$tmp/m.pb.gz" | od -An -tx1 | tr -d ' ')" = 1f8b ] || fail "-proto output is not gzip"
# ... or to the file -o/-output names, as pprof's -output
for o in "-o $tmp/o1.pb.gz" "-output=$tmp/o1.pb.gz" "--output $tmp/o1.pb.gz"; do
	n=$((n + 1))
	rm -f "$tmp/o1.pb.gz"
	# shellcheck disable=SC2086
	"$HEAPDOC" -proto "$a" $o "$a" >"$tmp/o1.out" || { fail "-proto $o: exit $?"; continue; }
	[ ! -s "$tmp/o1.out" ] || fail "-proto $o wrote to stdout"
	cmp -s "$tmp/o1.pb.gz" "$tmp/m.pb.gz" || fail "-proto $o: not the same profile"
done

# expect CODE PATTERN ARGS...: exit CODE, one stderr line matching PATTERN
expect() {
	local code=$1 pattern=$2; shift 2
	n=$((n + 1))
	"$HEAPDOC" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	local rc=$?
	[ $rc -eq "$code" ] || { fail "heapdoc $*: exit $rc, want $code"; return; }
	grep -qE -- "$pattern" "$tmp/err" || fail "heapdoc $*: stderr '$(cat "$tmp/err")' does not match '$pattern'"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "heapdoc $*: want one line on stderr"
}
expect 2 "^heapdoc: must set at most one output format \(-top and -traces\)$" -top -traces "$a"
expect 2 "^heapdoc: must set at most one output format \(-raw and -proto\)$" -raw "$a" -proto
expect 2 "^heapdoc: option '-peek' needs a value" "$a" -peek
# pprof's formats heapdoc lacks: what to use instead
expect 2 "^heapdoc: pprof's -svg is not supported: .*heapdoc flame" -svg "$a"
expect 2 "^heapdoc: pprof's -weblist is not supported: .*heapdoc list REGEX" "$a" -weblist main
expect 2 "^heapdoc: option '-list' needs a value" "$a" -list
expect 2 "^heapdoc: pprof's -http is not supported: .*no web UI" -http=:8080 "$a"
expect 2 "^heapdoc: must set at most one output format \(-tags and -top\)$" -tags -top "$a"
expect 2 "^heapdoc: pprof's -dot is not supported: .*heapdoc tree" -dot "$a"
# after "--" a format flag is a file name: diagnose reads it (and fails)
expect 1 "cannot read '-top'" -- -top
# the commands' own checks still apply
expect 2 "unknown option '-bogus'" -top -bogus "$a"
expect 2 "unknown option" -raw -lines "$a"
# --top=N stays diagnose's
n=$((n + 1))
"$HEAPDOC" --top=1 "$a" >"$tmp/diag" 2>&1 || fail "--top=1 (diagnose) failed: $(head -1 "$tmp/diag")"

echo "pprof_style: $n checks, $fails failures"
[ "$fails" -eq 0 ]
