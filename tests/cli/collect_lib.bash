# collect_lib.bash - sourced by tests/cli/collect*.sh and trend*.sh: builds
# the Go test servers (testdata/gen/leakserver) once per build directory,
# starts them on 127.0.0.1 with a free port, and cleans up.  Not a test
# itself (ctest only runs *.sh).  Skips (exit 77) with a message when Go is
# absent.
set -u
: "${HEAPDOC:?HEAPDOC must name the heapdoc binary}"
: "${HD_SRCDIR:?}"
HD_BUILD=${HD_BUILD:-$HD_SRCDIR/build}

skip() {
	echo "SKIP: $*"
	exit 77
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

need_go() {
	command -v go >/dev/null 2>&1 || skip "go is not installed: live collect tests need it"
	# A build cache even where HOME is unset (CI containers).
	[ -n "$(go env GOCACHE 2>/dev/null)" ] || export GOCACHE=$HD_BUILD/go-cache
	local src=$HD_SRCDIR/testdata/gen/leakserver
	LEAKSERVER=$HD_BUILD/leakserver
	TRENDCHECK=$HD_BUILD/trendcheck
	# Build once per build dir; concurrent tests each build to a temporary
	# name and rename, so a half-written binary is never run.
	if [ ! -x "$LEAKSERVER" ] || [ "$src/main.go" -nt "$LEAKSERVER" ]; then
		(cd "$src" && GOTOOLCHAIN=local GOPROXY=off GOFLAGS= go build -o "$LEAKSERVER.$$" .) ||
			fail "cannot build the leak server"
		mv -f "$LEAKSERVER.$$" "$LEAKSERVER"
	fi
	if [ ! -x "$TRENDCHECK" ] || [ "$src/trendcheck/main.go" -nt "$TRENDCHECK" ]; then
		(cd "$src" && GOTOOLCHAIN=local GOPROXY=off GOFLAGS= go build -o "$TRENDCHECK.$$" ./trendcheck) ||
			fail "cannot build trendcheck"
		mv -f "$TRENDCHECK.$$" "$TRENDCHECK"
	fi
}

# expect RC CMD...: runs CMD (stdout $TMP/out, stderr $TMP/err), checks the
# exit code; err_has TEXT: stderr contains TEXT; err_one_line: stderr is
# one line (a usage error is one line, as every other error).
expect() {
	local want=$1
	shift
	"$@" >"$TMP/out" 2>"$TMP/err"
	local rc=$?
	[ "$rc" = "$want" ] || fail "$* exited $rc, want $want; stderr: $(cat "$TMP/err")"
}
err_has() {
	grep -q -- "$1" "$TMP/err" || fail "stderr lacks '$1': $(cat "$TMP/err")"
}
err_one_line() {
	[ "$(wc -l <"$TMP/err")" = 1 ] || fail "stderr is not one line: $(cat "$TMP/err")"
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hd-collect.XXXXXX")
SERVER_PIDS=""
cleanup() {
	for p in $SERVER_PIDS; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

# start_server NAME ARGS...: runs the leak server, waits for its URL in
# $TMP/NAME.url (at most 10 s) and sets URL.  Servers stop by themselves
# after their -deadline (default 60 s here).
start_server() {
	local name=$1
	shift
	rm -f "$TMP/$name.url"
	"$LEAKSERVER" -portfile "$TMP/$name.url" -deadline 60s "$@" >"$TMP/$name.log" 2>&1 &
	SERVER_PIDS="$SERVER_PIDS $!"
	LAST_PID=$!
	for _ in $(seq 1 100); do
		[ -s "$TMP/$name.url" ] && break
		sleep 0.1
	done
	[ -s "$TMP/$name.url" ] || fail "server $name did not start: $(cat "$TMP/$name.log")"
	URL=$(cat "$TMP/$name.url")
}

# no_partial DIR: no temporary files left, every snapshot decodes.
no_partial() {
	local dir=$1
	if ls -A "$dir" | grep -q '^\.hd-tmp-'; then
		fail "temporary files left in $dir: $(ls -A "$dir")"
	fi
	for f in "$dir"/*.pb.gz "$dir"/*.txt; do
		[ -e "$f" ] || continue
		"$HEAPDOC" trend "$f" >/dev/null 2>&1 || fail "$f does not decode"
	done
}

# count DIR GLOB: number of files matching
count() {
	local n=0
	for f in "$1"/$2; do [ -e "$f" ] && n=$((n + 1)); done
	echo "$n"
}
