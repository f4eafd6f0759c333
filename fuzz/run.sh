#!/usr/bin/env bash
# fuzz/run.sh - runs heapdoc's libFuzzer targets (`make fuzz`, and with a
# few seconds each, the ctest tests/cli/fuzz_smoke.sh).  First replays every
# kept crasher (testdata/crashers/<target>/*) through its target, then fuzzes
# each target for SECONDS from the seed corpus (fuzz/seeds.sh) with the
# protobuf dictionary, keeping the growing corpus in fuzz/corpus-work/
# (gitignored) so later runs start where earlier ones stopped.  A crash
# leaves its input in fuzz/corpus-work/artifacts/<target>/ and makes the
# script fail; keep it as testdata/crashers/<target>/<name> once fixed
# (docs/internals/fuzzing.md).
#
# usage: fuzz/run.sh BUILD_DIR [SECONDS] [TARGET...]
# env:   FUZZ_JOBS   parallel fuzzing processes per target (default 1;
#                    `FUZZ_JOBS=2 make fuzz` uses both cores)
#        FUZZ_WORK   corpus work directory (default fuzz/corpus-work)
#        FUZZ_REPLAY_ONLY=1  only replay the crashers
#        FUZZ_MAX_LEN  longest input tried (default 262144); SEED_MAX_KB
#                    (seeds.sh) drops larger seeds
set -eu
build=${1:?usage: fuzz/run.sh BUILD_DIR [SECONDS] [TARGET...]}
seconds=${2:-60}
shift $(($# >= 2 ? 2 : 1))
cd "$(dirname "$0")/.."
src=$PWD
case $build in /*) ;; *) build=$src/$build ;; esac
work=${FUZZ_WORK:-$src/fuzz/corpus-work}
jobs=${FUZZ_JOBS:-1}
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(raw_proto gzip_proto legacy pipeline)

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

status=0
mkdir -p "$work"
replay_log=$work/replay.log
# 1. Replay: every kept crasher must now run clean.
for t in "${targets[@]}"; do
	bin=$build/fuzz_$t
	[ -x "$bin" ] || { echo "fuzz: no $bin (configure with the fuzz preset)" >&2; exit 1; }
	dir=$src/testdata/crashers/$t
	[ -d "$dir" ] || continue
	n=0
	for f in "$dir"/*; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		if ! "$bin" -rss_limit_mb=2048 -timeout=20 "$f" >"$replay_log" 2>&1; then
			echo "fuzz: crasher $f still fails in fuzz_$t:" >&2
			grep -E 'ERROR|SUMMARY|invariant|#[0-9] ' "$replay_log" | head -20 >&2
			status=1
		fi
	done
	echo "fuzz: fuzz_$t: replayed $n kept crashers" >&2
done
rm -f "$replay_log"
[ "${FUZZ_REPLAY_ONLY:-0}" = 1 ] && exit $status

# 2. Fuzz.
bash "$src/fuzz/seeds.sh" "$work/seeds" 2>/dev/null
for t in "${targets[@]}"; do
	bin=$build/fuzz_$t
	corpus=$work/$t
	art=$work/artifacts/$t
	mkdir -p "$corpus" "$art"
	args=(-max_total_time="$seconds" -dict="$src/fuzz/profile.dict" -rss_limit_mb=2048
		-malloc_limit_mb=1024 -timeout=30 -max_len="${FUZZ_MAX_LEN:-262144}" -print_final_stats=1
		-artifact_prefix="$art/")
	[ "$jobs" -gt 1 ] && args+=(-fork="$jobs" -ignore_crashes=0)
	log=$work/$t.log
	echo "fuzz: fuzz_$t for ${seconds}s ($jobs job(s)), log $log" >&2
	if ! (cd "$work" && "$bin" "${args[@]}" "$corpus" "$work/seeds/$t") >"$log" 2>&1; then
		echo "fuzz: fuzz_$t FAILED; input in $art/:" >&2
		grep -E 'ERROR|SUMMARY|invariant|Test unit written' "$log" | head -20 >&2
		status=1
	fi
	# One summary line: executions and coverage at the end of the run.
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
	echo "fuzz: fuzz_$t: ${execs:-?} executions, ${cov:-cov ?}, corpus $(find "$corpus" -type f | wc -l) inputs" >&2
done
exit $status
