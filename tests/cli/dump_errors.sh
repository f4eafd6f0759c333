#!/usr/bin/env bash
# `heapdoc dump` error paths: usage errors exit 2; every unreadable or
# non-profile input gives one line `heapdoc: cannot read 'FILE': ...` and
# exit 1 (other files are still dumped); limits from the command line.
set -u
: "${HEAPDOC:?set by ctest}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hd-dump-err.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }
# expect RC CMD...: runs, checks the exit code; stdout/stderr in $tmp.
expect() {
	local want=$1
	shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	[ "$rc" = "$want" ] || bad "$* exited $rc, want $want; stderr: $(cat "$tmp/err")"
}
err_is() {
	[ "$(cat "$tmp/err")" = "$1" ] || bad "stderr is '$(cat "$tmp/err")', want '$1'"
}

expect 2 "$HEAPDOC" dump
grep -q '^usage: heapdoc dump' "$tmp/err" || bad "no usage on stderr"
expect 0 "$HEAPDOC" dump --help
grep -q -- '--max-samples' "$tmp/out" || bad "--help does not list --max-samples"
expect 2 "$HEAPDOC" dump --bogus x
err_is "heapdoc: dump: unknown option '--bogus' (see 'heapdoc dump --help')"
expect 2 "$HEAPDOC" dump --max-sam=5 x
err_is "heapdoc: dump: unknown option '--max-sam=5' (see 'heapdoc dump --help')"
expect 2 "$HEAPDOC" dump --max-samples=abc x
err_is "heapdoc: dump: invalid value 'abc' for --max-samples"

: >"$tmp/empty"
expect 1 "$HEAPDOC" dump "$tmp/empty"
err_is "heapdoc: cannot read '$tmp/empty': empty file"
printf '<!DOCTYPE html>\n<html><body>404</body></html>\n' >"$tmp/page"
expect 1 "$HEAPDOC" dump "$tmp/page"
err_is "heapdoc: cannot read '$tmp/page': looks like an HTML page, not a profile"
expect 1 "$HEAPDOC" dump "$tmp/missing"
err_is "heapdoc: cannot read '$tmp/missing': No such file or directory"
printf '\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff\x01\x02' >"$tmp/cut.gz"
expect 1 "$HEAPDOC" dump "$tmp/cut.gz"
err_is "heapdoc: cannot read '$tmp/cut.gz': truncated gzip data (12 bytes) at offset 12"
printf '\x12\x05\x08' >"$tmp/short.pb"
expect 1 "$HEAPDOC" dump "$tmp/short.pb"
err_is "heapdoc: cannot read '$tmp/short.pb': length runs past the end of the data in profile at offset 0"
printf 'heap profile: 1: 8 [2: 16] @ heap/2\n1: 8 [2: 16] @ 0x11\nnonsense\n' >"$tmp/bad.txt"
expect 1 "$HEAPDOC" dump "$tmp/bad.txt"
err_is "heapdoc: cannot read '$tmp/bad.txt': line 3: malformed sample line (want 'count: bytes [count: bytes] @ addresses')"

# Limits: a second sample or a second frame is too many.
printf 'heap profile: 1: 8 [2: 16] @ heap/2\n1: 8 [2: 16] @ 0x11 0x21\n1: 8 [2: 16] @ 0x11\n' >"$tmp/two.txt"
expect 0 "$HEAPDOC" dump "$tmp/two.txt"
expect 1 "$HEAPDOC" dump --max-samples 1 "$tmp/two.txt"
err_is "heapdoc: cannot read '$tmp/two.txt': more than 1 samples (see --max-samples)"
expect 1 "$HEAPDOC" dump --max-stack-depth=1 "$tmp/two.txt"
err_is "heapdoc: cannot read '$tmp/two.txt': line 2: more than 1 frames (see --max-stack-depth)"
expect 1 "$HEAPDOC" dump --max-input 10 "$tmp/two.txt"
grep -q "input larger than 10 bytes" "$tmp/err" || bad "--max-input not applied: $(cat "$tmp/err")"

# One bad file among good ones: the good one is dumped, exit 1.
expect 1 "$HEAPDOC" dump "$tmp/two.txt" "$tmp/empty"
grep -q "^==> $tmp/two.txt <==" "$tmp/out" || bad "good file not dumped next to a bad one"
err_is "heapdoc: cannot read '$tmp/empty': empty file"

# Output errors are reported.
if [ -w /dev/full ]; then
	"$HEAPDOC" dump "$tmp/two.txt" >/dev/full 2>"$tmp/err"
	[ $? = 1 ] || bad "writing to /dev/full did not fail"
	grep -q "cannot write output" "$tmp/err" || bad "no write error message"
fi
[ $fail = 0 ] && echo "dump_errors: ok"
exit $fail
