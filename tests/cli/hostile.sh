#!/usr/bin/env bash
# hostile.sh - every heapdoc command that reads profiles, fed the crafted
# inputs of testdata/hostile/ (made by testdata/hostile/gen): each malformed
# or lying input must give exactly one line `heapdoc: cannot read 'FILE':
# ...` on stderr, nothing on stdout, exit status 1, no output file, within
# a few seconds and a small peak RSS; no input may crash a command.  Large
# inputs (bombs, huge stacks) are in hostile_limits.sh, truncations in
# hostile_truncate.sh, hostile names in hostile_names.sh.
set -u
: "${HEAPDOC:?set by ctest}" "${HD_SRCDIR:?set by ctest}"
dir=$HD_SRCDIR/testdata/hostile
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

# Profile-reading commands that exist in this build, with the arguments
# that put a profile at the end.
cmds=()
help=$("$HEAPDOC" --help 2>/dev/null)
for c in dump top traces peek diagnose folded flame merge trend; do
	grep -qE "^  $c " <<<"$help" || continue
	case $c in
	peek) cmds+=("peek ." ) ;;
	flame) cmds+=("flame -o $tmp/out/f.svg") ;;
	merge) cmds+=("merge -o $tmp/out/m.pb.gz") ;;
	*) cmds+=("$c") ;;
	esac
done
[ ${#cmds[@]} -gt 0 ] || { echo "SKIP: no profile-reading command built yet"; exit 77; }

# run CMD FILE: sets rc, out (stdout bytes), err (stderr text), rss (KiB).
run() {
	rm -rf "$tmp/out"
	mkdir -p "$tmp/out"
	# shellcheck disable=SC2086
	timeout 20 /usr/bin/time -f '%M' -o "$tmp/rss" $HEAPDOC $1 "$2" >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	out=$(wc -c <"$tmp/stdout")
	err=$(grep -v '^Command exited' "$tmp/stderr")
	rss=$(tail -1 "$tmp/rss" 2>/dev/null)
	case $rss in '' | *[!0-9]*) rss=0 ;; esac
}

# Inputs that must be refused, and a word the message must contain.
refused=(
	"empty.pb.gz:empty"
	"html-404.pb.gz:HTML"
	"html-login.pb:HTML"
	"text-garbage.pb:"
	"gigastring-declared.pb:past the end"
	"billion-values-declared.pb:past the end"
	"isize-lies.pb.gz:gzip"
	"deep-groups.pb.gz:"
	"varint-overflow.pb:varint"
	"zero-id.pb:id 0"
	"concatenated.pb:concatenated"
	"truncated.pb.gz:"
	"trailing-garbage.pb.gz:trailing"
)
checked=0
for spec in "${refused[@]}"; do
	f=${spec%%:*} word=${spec#*:}
	[ -f "$dir/$f" ] || { bad "missing input $dir/$f (run testdata/hostile/gen)"; continue; }
	for c in "${cmds[@]}"; do
		run "$c" "$dir/$f"
		checked=$((checked + 1))
		lines=$(printf '%s\n' "$err" | grep -c .)
		[ "$rc" -eq 1 ] || bad "$c $f: exit $rc, want 1 (stderr: $err)"
		[ "$lines" -eq 1 ] || bad "$c $f: $lines lines on stderr, want 1: $err"
		case $err in
		"heapdoc: cannot read '$dir/$f': "?*) ;;
		*) bad "$c $f: message is not \"heapdoc: cannot read '$dir/$f': ...\": $err" ;;
		esac
		[ -z "$word" ] || grep -qi -- "$word" <<<"$err" || bad "$c $f: message does not say '$word': $err"
		[ "$out" -eq 0 ] || bad "$c $f: $out bytes on stdout for a refused input"
		[ -z "$(ls -A "$tmp/out")" ] || bad "$c $f: left files behind: $(ls -A "$tmp/out")"
		[ "$rss" -lt 262144 ] || bad "$c $f: peak RSS $rss KiB for a tiny input"
		# A control byte from the input never reaches the terminal.
		LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$tmp/stderr" && bad "$c $f: raw control bytes in the message"
	done
done

# Inputs that are odd but valid, or may be refused: never a crash, never a
# hang, and a refusal is one clean line (`cannot read`, or a command's own
# one-line error such as peek's "no matches found").
tolerated=(small.pb small.pb.gz deep-nesting.pb.gz billion-objects.txt legacy-bad-record.txt)
for f in "${tolerated[@]}"; do
	for c in "${cmds[@]}"; do
		run "$c" "$dir/$f"
		checked=$((checked + 1))
		case $rc in
		0) ;;
		1) lines=$(printf '%s\n' "$err" | grep -c .)
			case $err in
			"heapdoc: "?*) [ "$lines" -eq 1 ] || bad "$c $f: $lines lines on stderr: $err" ;;
			*) bad "$c $f: exit 1 without a 'heapdoc: ' message: $err" ;;
			esac ;;
		*) bad "$c $f: exit $rc (crash or hang?): $(head -c 400 "$tmp/stderr")" ;;
		esac
	done
done
# The small valid profile must decode everywhere.
for c in "${cmds[@]}"; do
	run "$c" "$dir/small.pb.gz"
	[ "$rc" -eq 0 ] || bad "$c small.pb.gz: exit $rc: $err"
done
echo "hostile: $checked runs over ${#cmds[@]} commands (${cmds[*]})"
exit $fail
