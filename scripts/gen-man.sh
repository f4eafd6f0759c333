#!/usr/bin/env bash
# Writes heapdoc(1) to stdout: docs/man/head.roff, then every command's
# --help text (so the man page cannot drift from the program), then
# docs/man/tail.roff.  `tests/cli/docs.sh` checks that docs/heapdoc.1 is
# what this script makes.  Usage: scripts/gen-man.sh path/to/heapdoc
set -eu
heapdoc=$1
here=$(cd "$(dirname "$0")/.." && pwd)
version=$("$heapdoc" --version | awk '{print $2}')
# roff-escape a plain text block: backslashes, leading dots and quotes.
esc() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }
sed "s/@VERSION@/$version/" "$here/docs/man/head.roff"
cmds=$("$heapdoc" --help | awk '/^commands:/ {on=1; next} on && /^$/ {exit} on {print $1}')
for c in $cmds; do
	printf '.SS %s\n.nf\n' "$c"
	"$heapdoc" "$c" --help | esc
	printf '.fi\n'
done
cat "$here/docs/man/tail.roff"
