#!/usr/bin/env bash
# hostile_crashers.sh - every input that once crashed a fuzz target, kept in
# testdata/crashers/<target>/, replayed through the heapdoc program (so the
# regular and the ASan+UBSan passes of `make check` see them even where
# clang/libFuzzer is absent; fuzz_smoke.sh replays them through the fuzz
# targets themselves).  Each is turned back into the bytes its target fed
# the library (fuzz/fuzz_*.c: a leading mode or options byte, a text header,
# gzip), then given to every profile-reading command: exit 0 or the one-line
# error with exit 1, never a crash.
set -u
: "${HEAPDOC:?set by ctest}" "${HD_SRCDIR:?set by ctest}"
crashers=$HD_SRCDIR/testdata/crashers
help=$("$HEAPDOC" --help 2>/dev/null)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmds=()
for c in dump top traces diagnose folded flame merge; do
	grep -qE "^  $c " <<<"$help" || continue
	case $c in
	flame) cmds+=("flame -o $tmp/o.svg") ;;
	merge) cmds+=("merge -o $tmp/o.pb.gz") ;;
	*) cmds+=("$c") ;;
	esac
done
[ ${#cmds[@]} -gt 0 ] || { echo "SKIP: no profile-reading command built yet"; exit 77; }
fail=0 n=0

# payload TARGET FILE > bytes the target handed to hd_profile_parse()
payload() {
	local first
	first=$(od -An -tu1 -N1 "$2" | tr -d ' ')
	case $1 in
	raw_proto) cat "$2" ;;
	legacy)
		if [ "$(head -c 4 "$2")" = heap ]; then cat "$2"; else
			printf 'heap profile: 1: 2 [3: 4] @ heap/1048576\n'
			cat "$2"
		fi ;;
	pipeline) tail -c +2 "$2" ;;
	gzip_proto)
		case ${first:-255} in
		0) tail -c +2 "$2" | gzip -c -n ;;
		1) tail -c +5 "$2" | gzip -c -n | head -c -1 ;; # a damaged stream
		2) tail -c +2 "$2" | gzip -c -n; tail -c +2 "$2" | gzip -c -n ;;
		*) tail -c +2 "$2" ;;
		esac ;;
	*) cat "$2" ;;
	esac
}

for dir in "$crashers"/*/; do
	[ -d "$dir" ] || continue
	target=$(basename "$dir")
	for f in "$dir"*; do
		[ -f "$f" ] || continue
		payload "$target" "$f" >"$tmp/in"
		for c in "${cmds[@]}"; do
			n=$((n + 1))
			# shellcheck disable=SC2086
			timeout 30 "$HEAPDOC" $c "$tmp/in" >/dev/null 2>"$tmp/err"
			rc=$?
			case $rc in
			0) ;;
			1) grep -q "^heapdoc: cannot read '$tmp/in': ." "$tmp/err" && [ "$(grep -c . "$tmp/err")" -eq 1 ] ||
				{ echo "FAIL: $target/$(basename "$f"): $c: unclean error: $(head -c 300 "$tmp/err")" >&2; fail=1; } ;;
			*) echo "FAIL: $target/$(basename "$f"): $c: exit $rc: $(head -c 600 "$tmp/err")" >&2; fail=1 ;;
			esac
		done
	done
done
[ "$n" -gt 0 ] || { echo "SKIP: no crashers kept"; exit 77; }
echo "hostile_crashers: $n runs"
exit $fail
