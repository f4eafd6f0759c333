#!/usr/bin/env bash
# fuzz/coverage.sh - how a libFuzzer run's coverage grew, from its log: the
# edge count ("cov:") when the corpus was loaded (INITED), then at every
# STEP executions, and how many executions and seconds have passed since the
# last new edge.  This is what docs/internals/fuzzing.md calls a plateau: no
# new edge over a stretch of executions many times longer than the gaps
# between new edges earlier in the run.  Seconds are libFuzzer's own
# average rate (exec/s) applied to the execution count.
#
# usage: fuzz/coverage.sh [-s STEP] LOG...     (STEP default 50000)
set -eu
step=50000
if [ "${1:-}" = -s ]; then
	[ $# -ge 2 ] || { echo "usage: fuzz/coverage.sh [-s STEP] LOG..." >&2; exit 2; }
	step=$2
	shift 2
fi
[[ $step =~ ^[1-9][0-9]{0,11}$ ]] ||
	{ echo "coverage: STEP must be a positive number of executions, not '$step'" >&2; exit 2; }
[ $# -gt 0 ] || { echo "usage: fuzz/coverage.sh [-s STEP] LOG..." >&2; exit 2; }
for log in "$@"; do
	[ -r "$log" ] || { echo "coverage: cannot read '$log'" >&2; exit 1; }
	awk -v step="$step" -v name="$log" '
	function field(key,   i) {
		for (i = 1; i < NF; i++)
			if ($i == key)
				return $(i + 1) + 0
		return -1
	}
	/^#[0-9]+\t/ {
		n = substr($1, 2) + 0
		c = field("cov:")
		r = field("exec/s:")
		if (c < 0)
			next
		if (r > 0)
			rate = r
		if ($2 == "INITED") {
			inited = c
			next_mark = (int(n / step) + 1) * step
		}
		# a milestone passed before this line holds the maximum before it
		while (inited != "" && next_mark < n) {
			marks = marks sprintf(" %d:%d", next_mark, best)
			next_mark += step
		}
		if (c > best) {
			best = c; last_new = n
		}
		if (inited != "" && next_mark == n) {
			marks = marks sprintf(" %d:%d", next_mark, best)
			next_mark += step
		}
		last = n
	}
	END {
		if (inited == "") {
			printf "%s: the corpus was never loaded (no INITED line)\n", name
			exit
		}
		since = last - last_new
		secs = rate > 0 ? since / rate : 0
		printf "%s: %d executions; edges %d at INITED, %d now\n", name, last, inited, best
		printf "  at every %d executions:%s\n", step, marks == "" ? " (none yet)" : marks
		printf "  last new edge at execution %d: %d executions (about %.0f s) ago\n",
		       last_new, since, secs
	}' "$log"
done
