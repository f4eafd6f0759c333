#!/usr/bin/env bash
# merge_threads.sh - several inputs are decoded on worker threads
# (hd_loader) while the main thread folds them in: every --threads value
# must give the bytes and the messages of --threads 1.  Inputs: every Go
# profile of testdata (222 files of go1.22/1.24/1.26, after one 33 KB
# profile so that the loader's size threshold is crossed) and, when
# present, the corpus series.  Checks `merge -o` (plain, -base, -diff_base,
# -normalize) byte for byte and `top` with several sources; then a corrupt
# input as the 57th of 100, as the last, a missing file, an incompatible
# profile before a corrupt one, stdin named twice: same one-line message
# naming the first bad file in command-line order, exit 1, no output file
# and no temporary file left behind.
set -u
: "${HEAPDOC:?}" "${HD_SRCDIR:?}"
. "$HD_SRCDIR/tests/cli/lib.bash" # HD_SHARED, $tmp, fail, fsum

mapfile -t series < <(ls "$HD_SRCDIR"/testdata/profiles/go1.2*/*/*.pb.gz | sort)
[ "${#series[@]}" -ge 100 ] || { echo "skipped: testdata profiles absent"; exit 77; }
# A larger first input: the loader estimates the work from it.
"$HEAPDOC" merge --raw --threads 1 "${series[@]}" -o "$tmp/big.pb" || fail "merge of testdata"
[ "$(stat -c %s "$tmp/big.pb")" -gt 20000 ] || fail "big.pb is only $(stat -c %s "$tmp/big.pb") bytes"
inputs=("$tmp/big.pb" "${series[@]}")

# --- identical output for every thread count ---
same() { # same NAME ARGS... : merge ARGS with 1, 2, 3 threads, compare
	local name=$1; shift
	"$HEAPDOC" merge --threads 1 "$@" -o "$tmp/$name.1" 2>"$tmp/err" || { fail "$name: threads 1: $(cat "$tmp/err")"; return; }
	for t in 2 3 0; do
		"$HEAPDOC" merge --threads $t "$@" -o "$tmp/$name.$t" 2>"$tmp/err" || { fail "$name: threads $t: $(cat "$tmp/err")"; continue; }
		cmp -s "$tmp/$name.1" "$tmp/$name.$t" || fail "$name: --threads $t output differs from --threads 1"
	done
}
same all "${inputs[@]}"
same base "${inputs[@]:0:150}" -base "${inputs[@]:150}"
same diff_base "${inputs[@]:0:150}" -diff_base "${inputs[@]:150}"
same normalize -normalize "${inputs[@]:0:150}" -base "${inputs[@]:150}"
same raw --raw "${inputs[@]}"
# the merged profile is right, not only stable: its total is the inputs' sum
want=0
for f in "${series[@]}"; do want=$((want + $("$HEAPDOC" folded -sample_index=1 "$f" | fsum))); done
want=$((want * 2)) # big.pb holds the series once more
got=$("$HEAPDOC" folded -sample_index=1 "$tmp/all.2" | fsum)
[ "$got" = "$want" ] || fail "merged alloc_space total $got, want $want"
for t in 1 2; do
	"$HEAPDOC" top --threads $t -nodecount=30 "${inputs[@]:0:120}" -diff_base "${inputs[@]:120}" >"$tmp/top.$t" 2>&1 ||
		fail "top -diff_base --threads $t: $(head -1 "$tmp/top.$t")"
done
cmp -s "$tmp/top.1" "$tmp/top.2" || fail "top -diff_base: --threads 2 differs"
many=$HD_SHARED/corpus/parca-many
pyro=$HD_SHARED/corpus/real/pyroscope-heap.pb.gz
if [ -d "$many" ] && [ -f "$pyro" ]; then
	same corpus "$pyro" "$many"/*.pb.gz "$pyro" "$many"/*.pb.gz
else
	echo "note: corpus absent, corpus series skipped"
fi

# --- errors: the first bad input in command-line order, nothing written ---
hundred=("${inputs[@]:0:100}")
head -c 300 "${series[5]}" >"$tmp/bad.pb.gz"
check_error() { # check_error NAME WANT_REGEX INPUTS...
	local name=$1 want=$2; shift 2
	for t in 1 2 3; do
		rm -f "$tmp/out.pb.gz"
		"$HEAPDOC" merge --threads $t "$@" -o "$tmp/out.pb.gz" >"$tmp/err.$t" 2>&1; rc=$?
		[ $rc = 1 ] || fail "$name: --threads $t: exit $rc, want 1"
		[ "$(wc -l <"$tmp/err.$t")" = 1 ] || fail "$name: --threads $t: not one line: $(cat "$tmp/err.$t")"
		grep -Eq "$want" "$tmp/err.$t" || fail "$name: --threads $t: message $(cat "$tmp/err.$t"), want /$want/"
		[ ! -e "$tmp/out.pb.gz" ] || fail "$name: --threads $t: output written"
		ls "$tmp" | grep -q 'tmp-' && fail "$name: --threads $t: temporary file left: $(ls "$tmp")"
		[ $t = 1 ] || cmp -s "$tmp/err.1" "$tmp/err.$t" || fail "$name: --threads $t message differs from --threads 1"
	done
}
cp "$tmp/bad.pb.gz" "$tmp/bad57.pb.gz"
cp "$tmp/bad.pb.gz" "$tmp/bad80.pb.gz"
seq57=("${hundred[@]:0:56}" "$tmp/bad57.pb.gz" "${hundred[@]:57:22}" "$tmp/bad80.pb.gz" "${hundred[@]:80}")
[ "${#seq57[@]}" = 100 ] || fail "test set-up: ${#seq57[@]} inputs"
check_error 57th "^heapdoc: cannot read '$tmp/bad57.pb.gz': corrupt or truncated" "${seq57[@]}"
check_error last "^heapdoc: cannot read '$tmp/bad.pb.gz': corrupt or truncated" "${hundred[@]:0:99}" "$tmp/bad.pb.gz"
check_error missing "^heapdoc: cannot read '$tmp/missing.pb.gz': No such file or directory$" \
	"${hundred[@]:0:30}" "$tmp/missing.pb.gz" "${hundred[@]:30:30}" "$tmp/bad.pb.gz" "${hundred[@]:60}"
check_error base "^heapdoc: cannot read '$tmp/bad57.pb.gz': corrupt or truncated" \
	"${hundred[@]:0:50}" -base "${hundred[@]:50:10}" "$tmp/bad57.pb.gz" "${hundred[@]:60}"
check_error normalize "^heapdoc: cannot read '$tmp/bad80.pb.gz': corrupt or truncated" \
	-normalize "${hundred[@]:0:50}" -diff_base "${hundred[@]:50:20}" "$tmp/bad80.pb.gz" "$tmp/bad57.pb.gz"
legacy=$HD_SHARED/corpus/pprof-legacy/cppbench.heap
if [ -f "$legacy" ]; then
	check_error incompatible "^heapdoc: cannot merge '$legacy' with the profiles before it: profiles have no sample type in common" \
		"${hundred[@]:0:40}" "$legacy" "${hundred[@]:40:20}" "$tmp/bad.pb.gz"
fi
# report commands stop at the same file
for t in 1 2; do
	"$HEAPDOC" top --threads $t "${seq57[@]}" >/dev/null 2>"$tmp/toperr.$t"; rc=$?
	[ $rc = 1 ] || fail "top with a bad 57th input: --threads $t: exit $rc"
done
grep -q "bad57.pb.gz" "$tmp/toperr.2" && cmp -s "$tmp/toperr.1" "$tmp/toperr.2" ||
	fail "top with a bad 57th input: $(cat "$tmp/toperr.2")"
# stdin named twice: the first takes it all, the second is empty - in order
# (stdin among the inputs keeps the loader on one thread)
for t in 1 2; do
	"$HEAPDOC" merge --threads $t "$tmp/big.pb" - "${series[@]:0:20}" - -o "$tmp/out.pb.gz" \
		<"${series[0]}" >"$tmp/stdin.$t" 2>&1; rc=$?
	[ $rc = 1 ] || fail "stdin twice: --threads $t: exit $rc"
done
grep -q "^heapdoc: cannot read '<stdin>': " "$tmp/stdin.2" && cmp -s "$tmp/stdin.1" "$tmp/stdin.2" ||
	fail "stdin twice: $(cat "$tmp/stdin.1") / $(cat "$tmp/stdin.2")"
# an earlier bad input ends the merge although stdin, next, never ends
mkfifo "$tmp/fifo"
sleep 60 >"$tmp/fifo" &
writer=$!
timeout 20 "$HEAPDOC" merge --threads 2 "${hundred[@]:0:40}" "$tmp/bad.pb.gz" - "${hundred[@]:40:20}" \
	-o "$tmp/out.pb.gz" <"$tmp/fifo" >/dev/null 2>&1; rc=$?
kill "$writer" 2>/dev/null
wait "$writer" 2>/dev/null
[ $rc = 1 ] || fail "bad input before a never-ending stdin: exit $rc (124 = hung)"
"$HEAPDOC" merge --threads 2 "$tmp/big.pb" - "${series[@]:0:20}" -o "$tmp/stdin.pb.gz" <"${series[0]}" ||
	fail "stdin once among files"
"$HEAPDOC" merge --threads 1 "$tmp/big.pb" "${series[0]}" "${series[@]:0:20}" -o "$tmp/files.pb.gz"
cmp -s "$tmp/stdin.pb.gz" "$tmp/files.pb.gz" || fail "stdin once: differs from the file"

[ "$fails" = 0 ] && echo "merge_threads: ok"
[ "$fails" = 0 ]
