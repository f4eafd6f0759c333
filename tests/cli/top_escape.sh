#!/usr/bin/env bash
# top_escape.sh - names from a profile are untrusted: a function called
# "main.ESC[31mRED..." (testdata/hostile/hostile-names.pb.gz, with newlines,
# NUL, OSC and invalid UTF-8 in names too) must reach the terminal escaped
# as \xNN, in top, traces and peek, and stay valid, escaped JSON with
# --format=json.  HTML in names is plain text here (no markup context).
set -u
: "${HEAPDOC:?}" "${HD_SRCDIR:?}"
prof=$HD_SRCDIR/testdata/hostile/hostile-names.pb.gz
[ -f "$prof" ] || { echo "skipped: $prof absent"; exit 77; }
. "$HD_SRCDIR/tests/cli/lib.bash" # HD_SHARED, $tmp, fail, fsum

# raw control bytes other than newline (and peek's legend tabs)
raw_controls() { LC_ALL=C tr -d '\n\t' <"$1" | LC_ALL=C grep -c '[[:cntrl:]]'; }

for cmd in "top" "top -lines" "traces" "peek ."; do
	# shellcheck disable=SC2086
	if ! "$HEAPDOC" $cmd "$prof" >"$tmp/out" 2>"$tmp/err"; then
		fail "heapdoc $cmd failed: $(cat "$tmp/err")"; continue
	fi
	[ "$(raw_controls "$tmp/out")" = 0 ] || fail "$cmd: raw control bytes in the output"
	LC_ALL=C grep -q $'\xff' "$tmp/out" && fail "$cmd: raw invalid UTF-8 in the output"
	grep -qF 'main.\x1b[31mRED\x1b[0m\x1b]0;pwned\x07' "$tmp/out" ||
		fail "$cmd: ESC name not shown escaped"
	grep -qF 'main.new\x0aline\x0dcarriage\x09tab\x00nul' "$tmp/out" ||
		fail "$cmd: newline/CR/tab/NUL name not shown escaped"
	grep -qF 'main.bad\xff\xfeutf8\xc3' "$tmp/out" || fail "$cmd: invalid UTF-8 not shown as \\xNN"
	grep -qF 'main.<script>alert(1)</script>' "$tmp/out" || fail "$cmd: HTML name altered"
done

"$HEAPDOC" top --format=json "$prof" >"$tmp/json" || fail "json: heapdoc failed"
[ "$(raw_controls "$tmp/json")" = 0 ] || fail "json: raw control bytes"
grep -qF '"name": "main.\u001b[31mRED\u001b[0m\u001b]0;pwned\u0007"' "$tmp/json" ||
	fail "json: ESC name not escaped as \\u001b"
grep -qF '"name": "main.bad\ufffd\ufffdutf8\ufffd"' "$tmp/json" || fail "json: invalid UTF-8 not \\ufffd"
grep -qF '"name": "main.\"quoted\"&amp;'"'"'single'"'"'"' "$tmp/json" || fail "json: quotes not escaped"
if command -v go >/dev/null 2>&1; then
	[ -n "$(go env GOCACHE 2>/dev/null)" ] || export GOCACHE=${HD_BUILD:-$tmp}/go-cache
	cat >"$tmp/valid.go" <<'GO'
package main

import (
	"encoding/json"
	"os"
)

func main() {
	b, _ := os.ReadFile(os.Args[1])
	var v map[string]any
	if json.Unmarshal(b, &v) != nil || v["rows"] == nil {
		os.Exit(1)
	}
}
GO
	go run "$tmp/valid.go" "$tmp/json" || fail "json: not valid JSON"
fi
echo "top_escape: $fails failures"
[ $fails -eq 0 ]
