# lib.bash - the prologue shared by the tests/cli scripts, sourced once they
# have checked HEAPDOC and HD_SRCDIR (and whatever else they need, so that a
# skip leaves nothing behind): HD_SHARED (../shared beside the source tree
# by default), a scratch directory $tmp removed on exit, fail() counting
# into $fails, and fsum (the sum of the last field of every line).
HD_SHARED=${HD_SHARED:-$HD_SRCDIR/../shared}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
fsum() { awk '{s += $NF} END {printf "%.0f\n", s}'; }
