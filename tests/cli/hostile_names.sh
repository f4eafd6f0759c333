#!/usr/bin/env bash
# hostile_names.sh - output safety: profiles whose function and file names
# carry terminal escape sequences, HTML/script, quotes, shell syntax, path
# traversal, newlines, NUL and invalid UTF-8 (testdata/hostile/
# hostile-names.pb.gz and .txt, from testdata/hostile/gen; a sample type
# named with a control byte in control-sample-type.pb, a unit with one in
# control-unit.pb) go through every
# command and format.  Nothing may reach a terminal as a raw control byte,
# HTML/SVG/markdown unescaped, a shell, or a path: each command runs in an
# empty directory that must hold only the files asked for afterwards.
set -u
: "${HEAPDOC:?set by ctest}" "${HD_SRCDIR:?set by ctest}"
dir=$HD_SRCDIR/testdata/hostile
help=$("$HEAPDOC" --help 2>/dev/null)
has() { grep -qE "^  $1 " <<<"$help"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 runs=0
bad() { echo "FAIL: $*" >&2; fail=1; }
rm -f /tmp/heapdoc-pwned /tmp/heapdoc-escape

# no_controls LABEL FILE: no raw control byte (other than \t \n \r) in FILE.
no_controls() {
	LC_ALL=C grep -q $'[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]' "$2" &&
		bad "$1: raw control bytes in $(basename "$2"): $(LC_ALL=C grep -o $'.\{0,20\}[\x01-\x08\x0b\x0c\x0e-\x1f\x7f].\{0,20\}' "$2" | head -2 | od -c | head -3)"
	return 0
}

# run LABEL EXPECTED_FILES -- ARGS... : runs heapdoc in an empty directory.
run() {
	local label=$1 expect=$2
	shift 3
	rm -rf "$tmp/w" && mkdir -p "$tmp/w"
	(cd "$tmp/w" && timeout 30 "$HEAPDOC" "$@" >"$tmp/stdout" 2>"$tmp/stderr")
	rc=$?
	runs=$((runs + 1))
	if [ "$rc" -ne 0 ]; then
		if grep -q 'not supported yet' "$tmp/stderr"; then
			echo "note: $label: $(head -1 "$tmp/stderr")"
			return 1
		fi
		bad "$label: exit $rc: $(head -c 300 "$tmp/stderr")"
		return 1
	fi
	local got
	got=$(cd "$tmp/w" && find . -mindepth 1 | sort | tr '\n' ' ')
	[ "$got" = "$expect" ] || bad "$label: files in the work directory: '$got', want '$expect'"
	[ ! -e /tmp/heapdoc-pwned ] || bad "$label: a name was run as a shell command"
	[ ! -e /tmp/heapdoc-escape ] || bad "$label: a name became a path"
	for out in "$tmp/stdout" "$tmp/stderr"; do
		no_controls "$label" "$out"
		[ "$(tr -d '\000' <"$out" | wc -c)" -eq "$(wc -c <"$out")" ] ||
			bad "$label: NUL byte in $(basename "$out")"
	done
	return 0
}
# The names must be in the output (escaped), or the test proves nothing.
shows_names() { # shows_names LABEL FILE
	grep -q 'RED' "$2" || bad "$1: the escape-sequence name is missing from the output"
	grep -qE 'alert\(1\)' "$2" || bad "$1: the script name is missing from the output"
}
no_markup() { # no_markup LABEL FILE: names never become markup
	grep -qi '<script>alert' "$2" && bad "$1: unescaped <script> from a name"
	grep -qi '<b>x</b>' "$2" && bad "$1: unescaped HTML from a file name"
}

for f in "$dir/hostile-names.pb.gz" "$dir/hostile-names.txt"; do
	n=$(basename "$f")
	for c in dump top traces tags diagnose folded; do
		has $c || continue
		if run "$c $n" "" -- "$c" "$f"; then
			case $c in traces | tags | diagnose) ;; *) shows_names "$c $n" "$tmp/stdout" ;; esac
		fi
	done
	has peek && run "peek $n" "" -- peek . "$f" && shows_names "peek $n" "$tmp/stdout"
	has tree && run "tree $n" "" -- tree "$f" && shows_names "tree $n" "$tmp/stdout"
	# list opens the files the profile names (as pprof does): only reads
	has list && run "list $n" "" -- list . "$f"
	for c in top diagnose; do
		has $c || continue
		for fmt in json markdown; do
			"$HEAPDOC" $c --help 2>&1 | grep -q "$fmt" || continue
			# JSON strings may hold '<' (only controls, quotes and
			# backslashes need escaping, checked above); markdown is
			# rendered as HTML by most viewers, so there names must
			# not become markup.
			if run "$c --format=$fmt $n" "" -- $c --format=$fmt "$f" && [ "$fmt" = markdown ]; then
				no_markup "$c --format=$fmt $n" "$tmp/stdout"
			fi
		done
	done
	if has flame && run "flame $n" "./out.svg " -- flame -o out.svg "$f"; then
		svg=$tmp/w/out.svg
		shows_names "flame $n" "$svg"
		no_markup "flame $n" "$svg"
		no_controls "flame $n" "$svg"
		if command -v xmllint >/dev/null; then
			xmllint --noout "$svg" 2>"$tmp/xml" || bad "flame $n: SVG is not well-formed XML: $(head -3 "$tmp/xml")"
		fi
	fi
	has merge && run "merge $n" "./m.pb.gz " -- merge -o m.pb.gz "$f"
	# trend names sites and owners, as a series of the same file twice
	if has trend; then
		for fmt in text json; do
			# (the text profile's sites rank otherwise: names checked on proto)
			run "trend --format=$fmt $n" "" -- trend --format=$fmt "$f" "$f" &&
				[ "$fmt" = text ] && [ "$n" != hostile-names.txt ] &&
				shows_names "trend $n" "$tmp/stdout"
		done
	fi
done
# So is the unit of a sample type pprof does not know, which it prints
# after every value (a fuzzer found a control byte in it reaching top and
# peek): escaped, and shown.
cu=$dir/control-unit.pb
for args in "top" "peek ." "tree" "top -unit=auto" "traces"; do
	c=${args%% *}
	has "$c" || continue
	# shellcheck disable=SC2086
	run "$args -sample_index=0 control-unit.pb" "" -- $args -sample_index=0 "$cu" || continue
	# (-unit=auto drops a unit it does not know, as pprof does)
	[ "$c" = traces ] || [ "$args" = "top -unit=auto" ] || grep -qF 'co\x94n\x08' "$tmp/stdout" ||
		bad "$args control-unit.pb: the unit is not shown escaped"
done
# The sample type's name is the profile's too (a fuzzer found trend's text
# printing it raw): every report that names it (diagnose refuses the
# profile, which has no inuse_space).
ctl=$dir/control-sample-type.pb
for args in "top" "traces" "peek ." "dump" "tags --format=json" "trend $ctl" "trend --format=json $ctl"; do
	c=${args%% *}
	has "$c" || continue
	# shellcheck disable=SC2086
	run "$args control-sample-type.pb" "" -- $args "$ctl" &&
		grep -qE 'nuse_space' "$tmp/stdout" || bad "$args control-sample-type.pb: sample type not shown"
done
# Error messages quote the profile as well (pprof's "must be one of" list of
# sample types; trend's "has no sample type"): escaped, one line, exit code.
fails_escaped() { # fails_escaped LABEL WANT_RC -- ARGS...
	local label=$1 want=$2
	shift 3
	(cd "$tmp" && timeout 30 "$HEAPDOC" "$@" >/dev/null 2>"$tmp/stderr")
	local rc=$?
	runs=$((runs + 1))
	[ "$rc" -eq "$want" ] || bad "$label: exit $rc, want $want: $(head -c 300 "$tmp/stderr")"
	no_controls "$label" "$tmp/stderr"
	grep -qF '\x12nuse_space' "$tmp/stderr" || bad "$label: the escaped name is not in the error: $(cat "$tmp/stderr")"
	[ "$(wc -l <"$tmp/stderr")" -eq 1 ] || bad "$label: not one line: $(cat "$tmp/stderr")"
}
if has top; then
	fails_escaped "top -sample_index=x control-sample-type.pb" 2 -- top -sample_index=x "$ctl"
fi
if has trend; then
	fails_escaped "trend -sample_index=x control-sample-type.pb" 2 -- trend -sample_index=x "$ctl"
	fails_escaped "trend small.pb control-sample-type.pb" 1 -- trend "$dir/small.pb" "$ctl"
fi
# A path from the command line is honoured, but a name inside a profile
# never picks an output path: -o into a subdirectory creates only that file.
if has flame; then
	mkdir -p "$tmp/w2/sub"
	(cd "$tmp/w2" && "$HEAPDOC" flame -o sub/x.svg "$dir/hostile-names.pb.gz" >/dev/null 2>&1)
	[ "$(cd "$tmp/w2" && find . -type f)" = "./sub/x.svg" ] || bad "flame -o sub/x.svg wrote elsewhere"
fi
[ "$runs" -gt 0 ] || { echo "SKIP: no profile-reading command built yet"; exit 77; }
echo "hostile_names: $runs runs"
exit $fail
