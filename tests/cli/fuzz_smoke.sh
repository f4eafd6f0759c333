#!/usr/bin/env bash
# fuzz_smoke.sh - a short run of every libFuzzer target (fuzz/fuzz_*.c), a
# few seconds each from the seed corpus, after replaying every crasher kept
# in testdata/crashers/<target>/: a crash, a leak, a sanitizer report or a
# broken model invariant fails the test.  Builds the targets with clang in
# build-fuzz/ (the `fuzz` preset, shared with `make fuzz`) on first use.
# Skipped where clang or its libFuzzer runtime is missing, and in the
# sanitizer pass of `make check` (the fuzz build is a sanitizer build
# already; once per `make check` is enough).  Longer runs: `make fuzz`;
# docs/internals/fuzzing.md.
set -u
: "${HD_SRCDIR:?set by ctest}"
seconds=${FUZZ_SMOKE_SECONDS:-4}
if grep -qs 'HEAPDOC_SANITIZE:BOOL=ON' "${HD_BUILD:-/nonexistent}/CMakeCache.txt"; then
	echo "SKIP: runs once, in the regular build's pass"
	exit 77
fi
command -v clang >/dev/null || { echo "SKIP: clang not installed (scripts/deps.sh --fuzz)"; exit 77; }
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$probe/p.c"
clang -fsanitize=fuzzer,address "$probe/p.c" -o "$probe/p" 2>/dev/null ||
	{ echo "SKIP: clang has no libFuzzer runtime (libclang-rt-*-dev; scripts/deps.sh --fuzz)"; exit 77; }

fb=$HD_SRCDIR/build-fuzz
mkdir -p "$fb"
# Several `make check` runs (or `make fuzz`) may share build-fuzz/: one
# configure-and-build at a time.
exec 9>"$fb/.smoke-build.lock"
flock 9
if [ ! -f "$fb/build.ninja" ]; then
	(cd "$HD_SRCDIR" && cmake --preset fuzz >/dev/null) || { echo "FAIL: cannot configure $fb" >&2; exit 1; }
fi
if ! cmake --build "$fb" >"$probe/build.log" 2>&1; then
	echo "FAIL: fuzz targets do not build:" >&2
	tail -20 "$probe/build.log" >&2
	exit 1
fi
flock -u 9
# Small seeds only: a smoke run must get past its first pass in seconds.
export SEED_MAX_KB=${SEED_MAX_KB:-40} SEED_MAX_FILES=${SEED_MAX_FILES:-40}
FUZZ_WORK=${HD_BUILD:-$probe}/fuzz-smoke exec bash "$HD_SRCDIR/fuzz/run.sh" "$fb" "$seconds"
