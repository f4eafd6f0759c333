#!/usr/bin/env bash
# bench/merge_bench.sh - merge and diff speed of heapdoc against pprof:
#   1. merge 100 snapshots of ~1 MB each (bench/out/series100, the inputs of
#      bench/run.sh): `heapdoc merge ... -o` vs `pprof -proto ...`;
#   2. diff two large profiles (200,000 samples each, generated here):
#      `heapdoc top -base A B` and `heapdoc merge -base A B -o` vs
#      `pprof -top -base A B` and `pprof -proto -base A B`;
#   3. 10,000 small profiles merged (bench/out/series10k, if present): peak
#      RSS must not grow with the number of inputs;
#   4. the CPU time of decoding and of folding the 100 snapshots, apart, on
#      one thread (bench/merge_stages.c).
# Each heapdoc merge runs with --threads 1 and --threads 2 side by side (the
# loader decodes inputs on the second core while the first folds them in),
# next to the floor: inflating the same files in one libdeflate-gunzip.
# Prints wall time (best of BENCH_REPEAT for heapdoc; for pprof one run;
# for the 100-profile merge, BENCH_PPROF_REPEAT rounds of BENCH_REPEAT
# heapdoc runs and one pprof run, interleaved, best against best and median
# against median), user+sys CPU and peak RSS (/usr/bin/time) as a markdown table, and the
# load average.  Reported, never gating; the figures are kept in
# docs/internals/merge.md.
# env: HEAPDOC (default build/heapdoc), PPROF (default ~/go/bin/pprof, else
#      `go tool pprof`), BENCH_REPEAT (default 3), BENCH_PPROF_REPEAT (rounds,
#      so pprof's runs, of the 100-profile merge, default 3), BENCH_PPROF=0 skips pprof.
set -eu
cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out/runs"
HEAPDOC=${HEAPDOC:-build/heapdoc}
REPEAT=${BENCH_REPEAT:-3}
PPROF_REPEAT=${BENCH_PPROF_REPEAT:-3}
[ -x "$HEAPDOC" ] || { echo "merge_bench: no heapdoc at $HEAPDOC" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "merge_bench: /usr/bin/time missing (scripts/deps.sh --all)" >&2; exit 1; }
if [ -n "${PPROF:-}" ]; then pprof=("$PPROF")
elif [ -x "$HOME/go/bin/pprof" ]; then pprof=("$HOME/go/bin/pprof")
else pprof=(go tool pprof); fi

gen() { # gen TARGET ARGS...
	[ -e "$1" ] && return 0
	local t=$1; shift
	[ -x "$out/gen" ] || (cd bench/gen && go build -o "../../$out/gen" .)
	echo "merge_bench: generating $t" >&2
	"$out/gen" "$@"
}
# Same shapes as bench/run.sh, so the files are shared.
gen "$out/series100/snap-00099.pb.gz" -series "$out/series100" -count 100 -samples 20000 \
	-locations 20000 -functions 5000 -depth 48 -seed 2
gen "$out/diff_a.pb.gz" -o "$out/diff_a.pb.gz" -samples 200000 -locations 100000 \
	-functions 25000 -depth 64 -seed 11
gen "$out/diff_b.pb.gz" -o "$out/diff_b.pb.gz" -samples 200000 -locations 100000 \
	-functions 25000 -depth 64 -seed 12

measure() { # measure REPEAT CMD... -> $wall $cpu (of the best run) $rss, $walls (every run)
	local best="" i w r c t0 t1
	rss=0 walls=""
	for i in $(seq "$1"); do
		t0=$(date +%s%N)
		/usr/bin/time -f '%M %U %S' -o "$out/runs/time" "${@:2}" >"$out/runs/stdout" 2>"$out/runs/stderr" ||
			{ echo "merge_bench: failed: ${*:2}: $(tail -2 "$out/runs/stderr")" >&2; wall=n/a; cpu=n/a; rss=n/a; return; }
		t1=$(date +%s%N)
		w=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)/1e9}')
		walls="$walls $w"
		read -r r c < <(tail -1 "$out/runs/time" | awk '{printf "%s %.2f\n", $1, $2 + $3}')
		if [ -z "$best" ] || awk -v a="$w" -v b="$best" 'BEGIN{exit !(a < b)}'; then best=$w; cpu=$c; fi
		[ "$r" -gt "$rss" ] && rss=$r
	done
	wall=$best
}
mb() { awk -v k="$1" 'BEGIN{if (k == "n/a") print k; else printf "%.0f", k/1024}'; }
row() { # row CASE HD_WALL HD_RSS PP_WALL PP_RSS
	local ratio=n/a
	[ "$2" != n/a ] && [ "$4" != n/a ] && ratio=$(awk -v a="$4" -v b="$2" 'BEGIN{printf "%.1fx", a/b}')
	printf '| %s | %s s | %s MB | %s s | %s MB | %s |\n' "$1" "$2" "$(mb "$3")" "$4" "$(mb "$5")" "$ratio"
}

series=$(ls "$out"/series100/*.pb.gz | sort)
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| heapdoc merge | --threads 1 wall | user+sys | RSS | --threads 2 wall | user+sys | RSS | floor (inflate) |"
echo "|---|---|---|---|---|---|---|---|"
threads_row() { # threads_row CASE FILES...
	local name=$1 w1 c1 r1 w2 c2 r2; shift
	measure "$REPEAT" "$HEAPDOC" merge --threads 1 "$@" -o "$out/runs/t1.pb.gz"; w1=$wall; c1=$cpu; r1=$rss
	measure "$REPEAT" "$HEAPDOC" merge --threads 2 "$@" -o "$out/runs/t2.pb.gz"; w2=$wall; c2=$cpu; r2=$rss
	cmp -s "$out/runs/t1.pb.gz" "$out/runs/t2.pb.gz" || echo "merge_bench: --threads 2 output differs!" >&2
	local fw=n/a
	if command -v libdeflate-gunzip >/dev/null; then
		measure "$REPEAT" sh -c 'libdeflate-gunzip -c "$@" >/dev/null' sh "$@"; fw=$wall
	fi
	printf '| %s | %s s | %s s | %s MB | %s s | %s s | %s MB | %s s |\n' "$name" "$w1" "$c1" "$(mb "$r1")" \
		"$w2" "$c2" "$(mb "$r2")" "$fw"
}
# shellcheck disable=SC2086
threads_row "100 x $(($(du -sk "$out/series100" | cut -f1) / 100)) KB (series100)" $series
if [ -d "$out/series10k" ]; then
	# shellcheck disable=SC2046
	threads_row "1,000 small (series10k)" $(ls "$out"/series10k/*.pb.gz | sort | head -n 1000)
fi
echo
echo "| case | heapdoc | heapdoc RSS | pprof | pprof RSS | speed-up |"
echo "|---|---|---|---|---|---|"
# Both tools' times move by up to half between runs on an idle machine
# (pprof 11.8 s to 18.6 s for this merge, heapdoc 0.70 s to 1.20 s), with
# the machine's speed.  So they run interleaved: PPROF_REPEAT rounds of
# REPEAT heapdoc runs and one pprof run; the row compares best with best,
# the line below it medians with medians and lists every run.
stat_of() { # stat_of min|median WALLS...
	local k=$1; shift
	[ $# -eq 0 ] && { echo n/a; return; }
	printf '%s\n' "$@" | sort -g | awk -v k="$k" '{v[NR]=$1} END {
		if (k == "min") print v[1]
		else if (NR % 2) print v[(NR + 1) / 2]
		else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
hwalls="" hr=0 pwalls="" pr=0
for _ in $(seq "$PPROF_REPEAT"); do
	# shellcheck disable=SC2086
	measure "$REPEAT" "$HEAPDOC" merge $series -o "$out/runs/m.pb.gz"
	[ "$wall" = n/a ] && { hwalls=""; break; }
	hwalls="$hwalls$walls"; [ "$rss" -gt "$hr" ] && hr=$rss
	[ "${BENCH_PPROF:-1}" = 0 ] && continue
	# shellcheck disable=SC2086
	measure 1 "${pprof[@]}" -proto $series
	[ "$wall" = n/a ] && { pwalls=""; BENCH_PPROF=0; continue; }
	pwalls="$pwalls$walls"; [ "$rss" -gt "$pr" ] && pr=$rss
done
# shellcheck disable=SC2086
hw=$(stat_of min $hwalls) pw=$(stat_of min $pwalls)
[ "$hw" = n/a ] && hr=n/a
[ "$pw" = n/a ] && pr=n/a
row "merge 100 x $(($(du -sk "$out/series100" | cut -f1) / 100)) KB -> profile.proto" "$hw" "$hr" "$pw" "$pr"
# shellcheck disable=SC2086
hm=$(stat_of median $hwalls) pm=$(stat_of median $pwalls)
median_ratio=n/a
[ "$hm" != n/a ] && [ "$pm" != n/a ] && median_ratio=$(awk -v a="$pm" -v b="$hm" 'BEGIN{printf "%.1fx", a/b}')
merge_runs="merge 100, interleaved: heapdoc runs (s):${hwalls:- none}; pprof runs (s):${pwalls:- none}
merge 100, median against median: heapdoc $hm s, pprof $pm s, $median_ratio"

a=$out/diff_a.pb.gz b=$out/diff_b.pb.gz
measure "$REPEAT" "$HEAPDOC" top -base "$a" "$b"; hw=$wall; hr=$rss; pw=n/a pr=n/a
[ "${BENCH_PPROF:-1}" = 0 ] || { measure 1 "${pprof[@]}" -top -base "$a" "$b"; pw=$wall; pr=$rss; }
row "top -base, 2 x $(($(stat -c %s "$a") / 1048576)) MB (200k samples each)" "$hw" "$hr" "$pw" "$pr"
measure "$REPEAT" "$HEAPDOC" merge -diff_base "$a" "$b" -o "$out/runs/d.pb.gz"; hw=$wall; hr=$rss; pw=n/a pr=n/a
[ "${BENCH_PPROF:-1}" = 0 ] || { measure 1 "${pprof[@]}" -proto -diff_base "$a" "$b"; pw=$wall; pr=$rss; }
row "-diff_base -> profile.proto, same inputs" "$hw" "$hr" "$pw" "$pr"

if [ -d "$out/series10k" ]; then
	for n in 100 1000 10000; do
		files=$(ls "$out"/series10k/*.pb.gz | sort | head -n "$n")
		# shellcheck disable=SC2086
		measure 1 "$HEAPDOC" merge $files -o "$out/runs/k.pb.gz"
		echo "| heapdoc merge of $n small profiles | $wall s | $(awk -v k="$rss" 'BEGIN{printf "%.0f", k/1024}') MB | | | |"
	done
fi
echo
echo "$merge_runs"
echo "merged series100: $(stat -c %s "$out/runs/m.pb.gz") bytes gzip; largest input $(ls -S "$out"/series100/*.pb.gz | head -1 | xargs stat -c %s) bytes"
# Decoding against folding, on one thread (bench/merge_stages.c; under
# callgrind it gives the instruction counts in docs/internals/merge.md).
lib=$(dirname "$HEAPDOC")/libheapdoc.a
# shellcheck disable=SC2046
if [ -f "$lib" ] && cc -O2 -Iinclude bench/merge_stages.c "$lib" \
	$(pkg-config --libs libdeflate libpcre2-8 zlib) -lpthread -lm -o "$out/merge_stages" 2>/dev/null; then
	# shellcheck disable=SC2086
	echo "series100 on one thread: $("$out/merge_stages" $series)"
fi
