#!/usr/bin/env bash
# hostile_limits.sh - inputs that attack memory and time, assembled at test
# time (too large to commit) from pieces in testdata/hostile/bomb/ and shell
# tools, cached in the build directory: a single-member gzip bomb inflating
# to 1.1 GiB (trailer honest, and lying), 134 million empty samples, a 112
# MiB string, a 10-million-frame stack.  Each must be refused with one line
# `heapdoc: cannot read 'FILE': ...` naming the limit, exit status 1, within
# a fixed time and peak-RSS budget (measured with /usr/bin/time); a
# 200,000-frame stack must work.  The limits and their defaults are
# struct hd_limits (heapdoc.h) and the --max-* options.
set -u
: "${HEAPDOC:?set by ctest}" "${HD_SRCDIR:?set by ctest}"
command -v perl >/dev/null && command -v gzip >/dev/null ||
	{ echo "SKIP: perl and gzip are needed to build the inputs"; exit 77; }
[ -x /usr/bin/time ] || { echo "SKIP: /usr/bin/time missing (scripts/deps.sh --all)"; exit 77; }
help=$("$HEAPDOC" --help 2>/dev/null)
cmd=""
for c in dump folded top diagnose; do
	grep -qE "^  $c " <<<"$help" && { cmd=$c; break; }
done
[ -n "$cmd" ] || { echo "SKIP: no profile-reading command built yet"; exit 77; }
pieces=$HD_SRCDIR/testdata/hostile/bomb
cache=${HD_BUILD:-${TMPDIR:-/tmp}}/hostile-big
mkdir -p "$cache"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

# Sanitizer builds keep freed memory in quarantine and shadow it, and run
# several times slower: budgets x3 (they catch hangs and blow-ups, they are
# not speed measurements).
slack=1
grep -qs 'HEAPDOC_SANITIZE:BOOL=ON' "${HD_BUILD:-/nonexistent}/CMakeCache.txt" && slack=3

# ---- inputs ----
# perl helpers: v = protobuf varint; raw protobuf pieces are gzip members,
# concatenated (a multi-member stream, which the decoder reads like Go).
perlv='sub v { my $x = shift; my $s = ""; while ($x >= 128) { $s .= chr(($x & 127) | 128); $x >>= 7 } $s . chr($x) }'
member() { gzip -1 -c -n; }

build() { # build NAME: writes $cache/NAME if missing
	local f=$cache/$1
	[ -s "$f" ] && return 0
	case $1 in
	bomb-honest.pb.gz | bomb-lying.pb.gz)
		local tail=tail-honest.bin
		[ "$1" = bomb-lying.pb.gz ] && tail=tail-lying.bin
		{
			cat "$pieces/head.bin"
			for ((i = 0; i < 70; i++)); do cat "$pieces/zeros-16MiB.deflate"; done
			cat "$pieces/$tail"
		} >"$f.tmp" ;;
	many-samples.pb.gz)
		# 2^27 samples with no values and no stack: 256 MiB of "\x12\x00".
		perl -e 'print "\x12\x00" x (8 << 20)' | member >"$tmp/m"
		for ((i = 0; i < 16; i++)); do cat "$tmp/m"; done >"$f.tmp" ;;
	bigstring.pb.gz)
		# string_table: "", then one string of 7 x 16 MiB.
		{
			perl -e "$perlv"'; print "\x32\x00\x32" . v(7 << 24)' | member
			perl -e 'print "A" x (16 << 20)' | member >"$tmp/a"
			for ((i = 0; i < 7; i++)); do cat "$tmp/a"; done
		} >"$f.tmp" ;;
	deepstack-*.pb.gz)
		# One sample whose stack is N times location 1 (packed ids).
		local n=${1#deepstack-}
		n=${n%.pb.gz}
		{
			perl -e "$perlv"'; my $n = shift;
				print "\x0a\x04\x08\x01\x10\x02";              # sample_type space/bytes
				print "\x22\x08\x08\x01\x22\x04\x08\x01\x10\x01"; # location 1: main.f:1
				print "\x2a\x04\x08\x01\x10\x03";              # function 1: main.f
				my $ids = "\x0a" . v($n);
				print "\x12" . v(length($ids) + $n + 2) . $ids;' "$n" | member
			perl -e 'print "\x01" x 1000000' | member >"$tmp/ones"
			for ((i = 0; i < n / 1000000; i++)); do cat "$tmp/ones"; done
			perl -e 'print "\x01" x ($ARGV[0] % 1000000)' "$n" | member
			perl -e 'print "\x10\x01", "\x32\x00", "\x32\x05space", "\x32\x05bytes", "\x32\x06main.f"' | member
		} >"$f.tmp" ;;
	*) echo "unknown input $1" >&2; return 1 ;;
	esac
	mv "$f.tmp" "$f"
}

# expect_refused NAME MAX_SECONDS MAX_RSS_MB WORD [OPTIONS...]
expect_refused() {
	local name=$1 max_s=$2 max_mb=$3 word=$4 f
	shift 4
	build "$name" || { bad "cannot build $name"; return; }
	f=$cache/$name
	local t0 t1 rc rss ms
	t0=$(date +%s%N)
	/usr/bin/time -f '%M' -o "$tmp/rss" "$HEAPDOC" "$cmd" "$@" "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	rss=$(($(tail -1 "$tmp/rss") / 1024))
	grep -v '^Command exited' "$tmp/err" >"$tmp/msg"
	echo "$name $*: exit $rc, ${ms} ms, peak RSS ${rss} MiB: $(cat "$tmp/msg")"
	[ "$rc" -eq 1 ] || bad "$name: exit $rc, want 1"
	[ "$(grep -c . "$tmp/msg")" -eq 1 ] || bad "$name: want exactly one line on stderr"
	grep -q "^heapdoc: cannot read '$f': ." "$tmp/msg" || bad "$name: message does not name the file"
	grep -qiE -- "$word" "$tmp/msg" || bad "$name: message does not match '$word'"
	[ ! -s "$tmp/out" ] || bad "$name: output on stdout"
	[ "$ms" -le $((max_s * 1000 * slack)) ] || bad "$name: took ${ms} ms (budget ${max_s} s)"
	[ "$rss" -le $((max_mb * slack)) ] || bad "$name: peak RSS ${rss} MiB (budget ${max_mb} MiB)"
}

# A bomb whose trailer tells the truth is refused before inflating.
expect_refused bomb-honest.pb.gz 5 64 'limit|max-decompressed'
# One that lies is counted in a fixed window (zlib) up to the limit and
# refused: it costs time up to the limit, never memory.
expect_refused bomb-lying.pb.gz 60 64 'limit|max-decompressed'
if "$HEAPDOC" "$cmd" --max-decompressed=64MiB "$HD_SRCDIR/testdata/hostile/small.pb.gz" >/dev/null 2>&1; then
	expect_refused bomb-lying.pb.gz 20 64 'limit|max-decompressed' --max-decompressed=64MiB
else
	echo "note: '$cmd' has no --max-decompressed option yet"
fi
# 134 million samples: above max_samples (100 million).
expect_refused many-samples.pb.gz 30 700 'limit|samples'
# A 112 MiB string: above max_string_bytes (64 MiB).
expect_refused bigstring.pb.gz 30 400 'limit|string'
# A 10-million-frame stack: above max_stack_depth (1 million).
expect_refused deepstack-10000000.pb.gz 30 300 'limit|stack|depth|frames'

# A 200,000-frame stack is legitimate and must work, in bounded time.
build deepstack-200000.pb.gz
t0=$(date +%s%N)
/usr/bin/time -f '%M' -o "$tmp/rss" "$HEAPDOC" "$cmd" "$cache/deepstack-200000.pb.gz" >/dev/null 2>"$tmp/err"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
echo "deepstack-200000.pb.gz: exit $rc, ${ms} ms, peak RSS $(($(tail -1 "$tmp/rss") / 1024)) MiB"
[ "$rc" -eq 0 ] || bad "200,000-frame stack: exit $rc: $(head -c 300 "$tmp/err")"
[ "$ms" -le $((30000 * slack)) ] || bad "200,000-frame stack took ${ms} ms"
exit $fail
