#!/usr/bin/env bash
# `heapdoc collect` against broken endpoints (testdata/gen/leakserver -mode):
# a server that dies halfway (earlier snapshots intact, error, resume), a
# slow one (timeout), an HTML 404 page, a truncated gzip, an endless body
# (size limit), a redirect to ftp://, a refused connection, Ctrl-C, and
# command-line errors.  After each: the documented exit code, a message
# naming the URL and what came back, and nothing partial on disk.
. "$(dirname "$0")/collect_lib.bash" || exit 1
need_go

empty_dir() {
	[ -z "$(ls -A "$1" 2>/dev/null | grep -v '^index.json$')" ] || fail "$1 is not empty: $(ls -A "$1")"
}

# HTML 404 page: status, content type and the page's start in one line.
start_server html -mode html404
expect 4 "$HEAPDOC" collect "$URL" --count 2 --every 100ms -o "$TMP/html"
err_has "cannot fetch '$URL/debug/pprof/heap': HTTP 404 Not Found, text/html"
err_has '<!DOCTYPE html> <html><head><title>404 Not Found'
[ "$(wc -l <"$TMP/err")" = 1 ] || fail "more than one line: $(cat "$TMP/err")"
empty_dir "$TMP/html"

# An HTML page with status 200 (a login page, a proxy): not a profile.
start_server html200 -mode html200
expect 4 "$HEAPDOC" collect "$URL" --count 2 --every 100ms -o "$TMP/html200"
err_has "cannot use '$URL/debug/pprof/heap': HTTP 200, text/html; charset=utf-8, 91 bytes of \"<!DOCTYPE html> <html><head><title>Login</title>"
err_has "looks like an HTML page, not a profile"
empty_dir "$TMP/html200"

# Truncated gzip with status 200: decoded before it is kept, so not kept.
start_server trunc -mode truncgzip
expect 4 "$HEAPDOC" collect "$URL" --count 2 --every 100ms -o "$TMP/trunc"
err_has "cannot use '$URL/debug/pprof/heap': HTTP 200"
err_has "bytes of a gzip stream: corrupt or truncated"
empty_dir "$TMP/trunc"

# Endless body: stopped at --max-size.
start_server endless -mode endless
expect 4 "$HEAPDOC" collect "$URL" --count 1 --max-size 1MiB -o "$TMP/endless"
err_has "response larger than 1048576 bytes"
empty_dir "$TMP/endless"

# Slow server: the timeout fires, retried once with backoff, then fails.
start_server slow -mode slow
t0=$(date +%s)
expect 4 "$HEAPDOC" collect "$URL" --count 1 --timeout 400ms --retries 1 -o "$TMP/slow"
[ $(($(date +%s) - t0)) -lt 10 ] || fail "timeout took too long"
err_has "timed out after 400 ms"
err_has "(after 2 attempts)"
empty_dir "$TMP/slow"

# Redirect to another scheme: refused.
start_server redir -mode redirect
expect 4 "$HEAPDOC" collect "$URL" --count 1 -o "$TMP/redir"
err_has "cannot fetch '$URL/debug/pprof/heap'"
err_has "only http and https"
empty_dir "$TMP/redir"

# Nothing listening: connection refused.
port=$(sed 's|.*:||' "$TMP/redir.url")
kill "$LAST_PID"
wait "$LAST_PID" 2>/dev/null
expect 4 "$HEAPDOC" collect "http://127.0.0.1:$port" --count 1 --retries 0 -o "$TMP/refused"
err_has "cannot fetch 'http://127.0.0.1:$port/debug/pprof/heap'"
err_has "connect to server"

# Killed halfway: 3 profiles served, then the process exits.
start_server die -mode exitafter -exit-after 3 -rate 1048576
die_url=$URL
expect 4 "$HEAPDOC" collect "$URL" --count 6 --every 200ms --retries 1 -o "$TMP/die"
err_has "cannot fetch '$URL/debug/pprof/heap'"
[ "$(count "$TMP/die" '*.pb.gz')" = 3 ] || fail "want 3 snapshots kept: $(ls -A "$TMP/die")"
[ "$(grep -c '"time_nanos"' "$TMP/die/index.json")" = 3 ] || fail "index: $(cat "$TMP/die/index.json")"
no_partial "$TMP/die"
# Restarted on the same address: collect resumes into the same DIR.
wait "$LAST_PID" 2>/dev/null
start_server die2 -addr "${die_url#http://}" -rate 1048576
[ "$URL" = "$die_url" ] || fail "restart got $URL, not $die_url"
expect 0 "$HEAPDOC" collect "$URL" --count 6 --every 200ms -o "$TMP/die"
err_has "resuming '$TMP/die': 3 snapshots already there"
[ "$(count "$TMP/die" '*.pb.gz')" = 6 ] || fail "want 6 after resume: $(ls -A "$TMP/die")"
[ "$(grep -c '"time_nanos"' "$TMP/die/index.json")" = 6 ] || fail "index after resume"
no_partial "$TMP/die"
# Another URL cannot resume it.
expect 1 "$HEAPDOC" collect "http://127.0.0.1:1" --count 7 -o "$TMP/die"
err_has "holds snapshots of '$URL'"

# Ctrl-C: stops cleanly, keeps what it has, exits 130 (0 with --interrupt-ok).
for mode in plain ok; do
	flag=""
	want=130
	[ $mode = ok ] && flag=--interrupt-ok && want=0
	"$HEAPDOC" collect "$URL" --count 0 --every 150ms $flag -o "$TMP/int-$mode" 2>"$TMP/err" &
	pid=$!
	sleep 1.2
	kill -INT $pid
	wait $pid
	rc=$?
	[ $rc = $want ] || fail "SIGINT ($mode): exit $rc, want $want"
	err_has "interrupted;"
	n=$(count "$TMP/int-$mode" '*.pb.gz')
	[ "$n" -ge 2 ] || fail "SIGINT ($mode): only $n snapshots"
	[ "$(grep -c '"time_nanos"' "$TMP/int-$mode/index.json")" = "$n" ] || fail "index disagrees after SIGINT"
	no_partial "$TMP/int-$mode"
done

# Command-line errors: exit 2, one message.
expect 2 "$HEAPDOC" collect "ftp://127.0.0.1/x" -o "$TMP/x"
err_has "only http:// and https://"
expect 2 "$HEAPDOC" collect "$URL"
err_has "no output directory"
expect 2 "$HEAPDOC" collect "$URL" -o "$TMP/x" --every 5parsecs
err_has "invalid --every"
expect 2 "$HEAPDOC" collect "$URL" -o "$TMP/x" --max-size lots
expect 2 "$HEAPDOC" collect "$URL" -o "$TMP/x" --count -1
err_has "invalid --count '-1'"
err_one_line
expect 2 "$HEAPDOC" collect "$URL" -o "$TMP/x" --retries many
err_has "invalid --retries"
expect 2 "$HEAPDOC" collect "$URL" "$URL" -o "$TMP/x"
err_has "more than one URL"
# whole option names only
expect 2 "$HEAPDOC" collect "$URL" -o "$TMP/x" --ev 1s
err_has "^heapdoc: collect: unknown option '--ev' (see 'heapdoc collect --help')$"
err_one_line
expect 2 "$HEAPDOC" collect -o "$TMP/x"
err_has "^heapdoc: collect: no URL given (see 'heapdoc collect --help')$"
err_one_line
# DIR cannot be created: exit 1.
expect 1 "$HEAPDOC" collect "$URL" --count 1 -o "$TMP/no/such/parent"
err_has "cannot create directory '$TMP/no/such/parent': No such file or directory"
# A directory of other files is not taken over.
mkdir -p "$TMP/foreign" && echo hi >"$TMP/foreign/notes.txt"
expect 1 "$HEAPDOC" collect "$URL" --count 1 -o "$TMP/foreign"
err_has "holds files that are not a heapdoc series"
expect 0 "$HEAPDOC" collect --help
grep -q '130 interrupted' "$TMP/out" || fail "--help does not document exit 130"
echo "PASS: collect fault handling"
