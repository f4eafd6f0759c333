#!/usr/bin/env bash
# hostile_truncate.sh - a small valid profile (testdata/hostile/small.pb,
# raw and gzip) cut at every byte offset, and with a bit flipped in every
# third byte, fed to one heapdoc command: each must either decode (a
# protobuf cut at a field boundary is still a valid message) or give exactly
# one line `heapdoc: cannot read 'FILE': ...` with exit status 1.  Never a
# crash or a hang (ctest's timeout catches a hang).  The sanitizer pass of
# `make check`, where each run costs ten times more, takes every fourth
# offset.
set -u
: "${HEAPDOC:?set by ctest}" "${HD_SRCDIR:?set by ctest}"
dir=$HD_SRCDIR/testdata/hostile
help=$("$HEAPDOC" --help 2>/dev/null)
cmd=""
for c in dump folded top diagnose; do
	grep -qE "^  $c " <<<"$help" && { cmd=$c; break; }
done
[ -n "$cmd" ] || { echo "SKIP: no profile-reading command built yet"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 runs=0 refused=0

check() { # check FILE LABEL (no helper processes: this loop runs a thousand times)
	"$HEAPDOC" "$cmd" "$1" >/dev/null 2>"$tmp/err"
	local rc=$? lines
	runs=$((runs + 1))
	case $rc in
	0) ;;
	1)
		refused=$((refused + 1))
		mapfile -t lines <"$tmp/err"
		if [ ${#lines[@]} -ne 1 ] || [[ ${lines[0]} != "heapdoc: cannot read '$1': "?* ]]; then
			echo "FAIL: $2: not one clean line: ${lines[*]:0:3}" >&2
			fail=1
		fi ;;
	*)
		echo "FAIL: $2: exit $rc: $(head -c 500 "$tmp/err")" >&2
		fail=1 ;;
	esac
}

# All variants are written at once (perl is part of every Debian system),
# so the loop only runs heapdoc.
mkdir -p "$tmp/v"
stride=1
grep -qs 'HEAPDOC_SANITIZE:BOOL=ON' "${HD_BUILD:-/nonexistent}/CMakeCache.txt" && stride=4
perl -e '
	my ($dir, $out, $stride) = @ARGV;
	for my $src ("small.pb", "small.pb.gz") {
		open(my $fh, "<:raw", "$dir/$src") or die "$src: $!";
		local $/; my $d = <$fh>; close $fh;
		for my $n (0 .. length($d) - 1) {
			next if $n % $stride;
			open(my $o, ">:raw", sprintf("%s/%s.cut%05d", $out, $src, $n)) or die;
			print $o substr($d, 0, $n); close $o;
		}
		next unless $src eq "small.pb";
		# one bit flipped in every third byte (ids, lengths, tags)
		for my $n (0 .. length($d) - 1) {
			next if $n % (3 * $stride);
			my $x = $d;
			substr($x, $n, 1) = chr(ord(substr($x, $n, 1)) ^ (1 << ($n % 8)));
			open(my $o, ">:raw", sprintf("%s/%s.flip%05d", $out, $src, $n)) or die;
			print $o $x; close $o;
		}
	}' "$dir" "$tmp/v" "$stride" || { echo "FAIL: cannot write variants" >&2; exit 1; }
for f in "$tmp"/v/*; do
	check "$f" "$(basename "$f")"
done
echo "hostile_truncate: $runs runs of '$cmd', $refused refused cleanly, the rest decoded"
exit $fail
