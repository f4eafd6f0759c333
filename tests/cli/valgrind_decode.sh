#!/usr/bin/env bash
# valgrind_decode.sh - the decoder's unit tests (wire format, gunzip,
# profile.proto, legacy text, model, builder) once more under valgrind's
# memcheck: uninitialised reads, invalid accesses and definite leaks fail the
# test.  Complements the ASan+UBSan pass of `make check`, which cannot see
# reads of uninitialised memory.  Skipped without valgrind and in sanitizer
# builds (valgrind and ASan do not mix).
set -u
: "${HD_BUILD:?set by ctest}"
command -v valgrind >/dev/null || { echo "SKIP: valgrind not installed (scripts/deps.sh --all)"; exit 77; }
if grep -qs 'HEAPDOC_SANITIZE:BOOL=ON' "$HD_BUILD/CMakeCache.txt"; then
	echo "SKIP: sanitizer build (valgrind runs in the regular build)"
	exit 77
fi
fail=0 ran=0
for t in pbwire gunzip profile_pb legacy model builder; do
	bin=$HD_BUILD/test_$t
	[ -x "$bin" ] || continue
	ran=$((ran + 1))
	log=$(mktemp)
	if valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect "$bin" >"$log" 2>&1; then
		echo "valgrind: test_$t clean"
	else
		echo "FAIL: test_$t under valgrind:" >&2
		grep -E '^==[0-9]+==|FAILED|ERROR' "$log" | head -40 >&2
		fail=1
	fi
	rm -f "$log"
done
[ "$ran" -gt 0 ] || { echo "SKIP: no decoder unit tests built"; exit 77; }
exit $fail
