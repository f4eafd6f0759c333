#!/usr/bin/env bash
# docs.sh - the documentation cannot drift from the program: docs/heapdoc.1
# must be exactly what scripts/gen-man.sh makes from the current --help texts
# (run `make man` after changing an option), and README.md must name every
# command that `heapdoc --help` lists.
set -u
: "${HEAPDOC:?}" "${HD_SRCDIR:?}"
fails=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
bash "$HD_SRCDIR/scripts/gen-man.sh" "$HEAPDOC" >"$tmp" || { echo "FAIL: gen-man.sh failed"; exit 1; }
if ! diff -u "$HD_SRCDIR/docs/heapdoc.1" "$tmp" >/dev/null; then
	echo "FAIL: docs/heapdoc.1 is out of date with the --help texts (run 'make man'):"
	diff -u "$HD_SRCDIR/docs/heapdoc.1" "$tmp" | head -20
	fails=$((fails + 1))
fi
cmds=$("$HEAPDOC" --help | awk '/^commands:/ {on=1; next} on && /^$/ {exit} on {print $1}')
[ -n "$cmds" ] || { echo "FAIL: heapdoc --help lists no commands"; exit 1; }
n=0
for c in $cmds; do
	n=$((n + 1))
	grep -q "\`$c" "$HD_SRCDIR/README.md" || { echo "FAIL: README.md does not mention command '$c'"; fails=$((fails + 1)); }
	"$HEAPDOC" "$c" --help >/dev/null 2>&1 || { echo "FAIL: heapdoc $c --help exits non-zero"; fails=$((fails + 1)); }
done
# The man page renders without warnings where man is installed.
if command -v man >/dev/null; then
	warn=$(MANWIDTH=80 man --warnings -l "$HD_SRCDIR/docs/heapdoc.1" 2>&1 >/dev/null | head -5)
	[ -z "$warn" ] || { echo "FAIL: man page warnings: $warn"; fails=$((fails + 1)); }
fi
echo "docs: $n commands checked against README.md and docs/heapdoc.1"
[ $fails -eq 0 ]
