#!/usr/bin/env bash
# top_errors.sh - every documented error of the report commands (top,
# traces, tags, tree, peek, list) and of their shared options: the exit code (2 bad command
# line, 1 unreadable input or output) and a one-line message naming the
# problem; plus --help, pprof's warnings, -o, stdin and summing profiles.
set -u
: "${HEAPDOC:?}" "${HD_SRCDIR:?}"
prof=$HD_SRCDIR/testdata/profiles/basic/go1.26-heap.pb.gz
[ -f "$prof" ] || { echo "skipped: $prof absent"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 n=0

# expect CODE PATTERN ARGS...: exit code CODE, one stderr line matching PATTERN
expect() {
	local code=$1 pattern=$2; shift 2
	n=$((n + 1))
	"$HEAPDOC" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	local rc=$?
	if [ $rc -ne "$code" ]; then
		echo "FAIL heapdoc $*: exit $rc, want $code ($(head -c 300 "$tmp/err"))"
		fails=$((fails + 1)); return
	fi
	if [ -n "$pattern" ] && ! grep -qE -- "$pattern" "$tmp/err"; then
		echo "FAIL heapdoc $*: stderr does not match '$pattern': $(cat "$tmp/err")"
		fails=$((fails + 1)); return
	fi
	if [ "$code" -ne 0 ] && [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
		echo "FAIL heapdoc $*: want one line on stderr, got: $(cat "$tmp/err")"
		fails=$((fails + 1))
	fi
}

for cmd in top traces tags tree; do
	expect 2 "^heapdoc: $cmd: no profile given" $cmd
	expect 2 "unknown option '-bogus'" $cmd -bogus "$prof"
	# whole names only, as Go's flag package: pprof's -tags report must
	# not become -tagshow eating the profile, nor -nodec -nodecount
	expect 2 "unknown option '-tags'" $cmd -tags "$prof"
	expect 2 "unknown option '-nodec=3'" $cmd -nodec=3 "$prof"
	expect 2 "unknown option '--foc'" $cmd --foc main "$prof"
	expect 0 "" $cmd -nodecount 3 "$prof"
	expect 0 "" $cmd --focus=main -o /dev/null "$prof"
	expect 2 "option '-focus' needs a value" $cmd "$prof" -focus
	expect 2 "invalid value '2' for -nodefraction" $cmd -nodefraction=2 "$prof"
	expect 2 "invalid value 'abc' for -nodecount" $cmd -nodecount abc "$prof"
	expect 2 "unknown format 'xml'" $cmd --format=xml "$prof"
	expect 2 "conflicting options set" $cmd -lines -files "$prof"
	expect 2 "conflicting options set: -flat and -cum" $cmd -flat -cum "$prof"
	expect 2 "invalid boolean value 'maybe' for -cum" $cmd -cum=maybe "$prof"
	expect 2 "-base and -diff_base flags cannot both be specified" $cmd -base "$prof" -diff_base "$prof" "$prof"
	expect 2 "must have base profile to normalize by" $cmd -normalize "$prof"
	expect 2 "invalid focus regexp '\(': missing closing parenthesis" $cmd -focus='(' "$prof"
	expect 2 'sample_index "nope" must be one of: \[alloc_objects alloc_space inuse_objects inuse_space\]' $cmd -sample_index=nope "$prof"
	expect 2 "sample_index 7 is outside the range \[0..3\]" $cmd -sample_index 7 "$prof"
	expect 2 "tagfocus: number out of range" $cmd -tagfocus=bytes=99999999999999999999 "$prof"
	expect 2 "invalid size 'lots' for --max-input" $cmd --max-input=lots "$prof"
	expect 1 "^heapdoc: cannot read '$tmp/missing.pb.gz': No such file or directory" $cmd "$tmp/missing.pb.gz"
	expect 1 "^heapdoc: cannot read '.*text-garbage.pb'" $cmd "$HD_SRCDIR/testdata/hostile/text-garbage.pb"
	expect 1 "input larger than 100 bytes \(see --max-input\)" $cmd --max-input=100 "$prof"
	expect 1 "cannot write '$tmp/no/such/dir/out.txt'" $cmd -o "$tmp/no/such/dir/out.txt" "$prof"
	expect 0 "" $cmd --help
	grep -q "usage: heapdoc $cmd" "$tmp/out" || { echo "FAIL $cmd --help: no usage line"; fails=$((fails + 1)); }
	grep -q -- "--max-input SIZE.*default 1GiB" "$tmp/out" || { echo "FAIL $cmd --help: limits not documented"; fails=$((fails + 1)); }
	grep -q "exit status" "$tmp/out" || { echo "FAIL $cmd --help: exit codes not documented"; fails=$((fails + 1)); }
	expect 0 "warning: -focus expression matched no samples" $cmd -focus=no_such_function "$prof"
	expect 0 "warning: -tagignore expression matched no samples" $cmd -tagignore=bytes=1kb:2kb "$prof"
	expect 0 "Multiple value selections, ignoring -alloc_space" $cmd -sample_index=0 -alloc_space "$prof"
done
expect 2 "^heapdoc: peek: no profile given" peek main
expect 2 "invalid peek regexp '\['" peek '[' "$prof"
expect 1 "^heapdoc: peek: no matches found for regexp: zzz_none" peek zzz_none "$prof"
expect 0 "" peek --help
expect 2 "^heapdoc: list: no profile given" list main
expect 2 "invalid list regexp '\['" list '[' "$prof"
expect 1 "^heapdoc: list: no matches found for regexp: zzz_none" list zzz_none "$prof"
expect 0 "" list --help
expect 0 "" list -source_path=/nonexistent keepBlobs "$prof"
grep -q "^ Error: could not find file .* on path /nonexistent$" "$tmp/out" ||
	{ echo "FAIL list: no 'could not find file' line"; fails=$((fails + 1)); }

# -o writes the file and nothing to stdout; '-' reads stdin; profiles sum.
n=$((n + 1))
"$HEAPDOC" top -o "$tmp/report.txt" "$prof" >"$tmp/stdout" &&
	[ ! -s "$tmp/stdout" ] && cmp -s "$tmp/report.txt" <("$HEAPDOC" top "$prof") ||
	{ echo "FAIL -o: report not written as on stdout"; fails=$((fails + 1)); }
n=$((n + 1))
"$HEAPDOC" top - <"$prof" | cmp -s - <("$HEAPDOC" top "$prof") ||
	{ echo "FAIL stdin: differs from the file"; fails=$((fails + 1)); }
n=$((n + 1))
one=$("$HEAPDOC" top --json "$prof" | sed -n 's/^  "total": \([0-9]*\),$/\1/p')
two=$("$HEAPDOC" top --json "$prof" "$prof" | sed -n 's/^  "total": \([0-9]*\),$/\1/p')
[ -n "$one" ] && [ "$two" = $((one * 2)) ] ||
	{ echo "FAIL two profiles: total $two, want 2 x $one"; fails=$((fails + 1)); }

echo "top_errors: $n checks, $fails failures"
[ $fails -eq 0 ]
