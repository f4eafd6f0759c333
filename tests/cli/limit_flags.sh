#!/usr/bin/env bash
# limit_flags.sh - every profile-reading command takes the input-limit
# options the decoder's messages name (--max-samples, --max-stack-depth,
# --max-string, --max-line, besides --max-input/--max-decompressed): a limit
# below the profile refuses it with exit 1 and a message naming the option;
# an invalid value is a usage error (exit 2).  --threads is taken by every
# command whose --help lists it.
set -u
: "${HEAPDOC:?}" "${HD_SRCDIR:?}"
p=$HD_SRCDIR/testdata/profiles/basic/go1.26-heap-rate1.pb.gz
t=$HD_SRCDIR/testdata/profiles/basic/go1.26-heap-rate1.txt
[ -f "$p" ] || { echo "SKIP: $p missing"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
n=0
check() { # check WANT_RC WANT_MSG_RE CMD ARGS...
	local want=$1 re=$2
	shift 2
	n=$((n + 1))
	"$HEAPDOC" "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ $rc -ne "$want" ] || ! grep -Eq -- "$re" "$tmp/err"; then
		echo "FAIL: heapdoc $* -> exit $rc (want $want), stderr: $(head -c 300 "$tmp/err")"
		fails=$((fails + 1))
	fi
}
for c in top traces folded flame diagnose trend dump; do
	check 1 'more than 3 samples \(see --max-samples\)' "$c" --max-samples=3 "$p"
	check 2 "invalid value 'x' for --max-samples|invalid" "$c" --max-samples=x "$p"
	check 1 'frames, above the limit of 2 \(see --max-stack-depth\)' "$c" --max-stack-depth=2 "$p"
done
check 1 'more than 3 samples' merge --max-samples=3 "$p" -o "$tmp/m.pb.gz"
[ ! -e "$tmp/m.pb.gz" ] || { echo "FAIL: merge left $tmp/m.pb.gz after refusing its input"; fails=$((fails + 1)); }
check 1 'above the limit of 4 \(see --max-string\)' top --max-string=4 "$p"
check 1 'line 1 longer than 16 bytes' top --max-line=16 "$t"
# Every command whose --help offers --threads takes it in both spellings,
# gives the output of --threads 1, and refuses a bad count as a usage error.
runs=(top:"$p" traces:"$p" peek:". $p" folded:"$p" flame:"$p -o $tmp/f.svg" diagnose:"$p"
	trend:"$p $p" merge:"$p -o $tmp/m.pb.gz" dump:"$p")
for r in "${runs[@]}"; do
	c=${r%%:*}
	read -r -a args <<<"${r#*:}"
	"$HEAPDOC" "$c" --help | grep -q -- '--threads N' || continue
	n=$((n + 1))
	for form in "--threads 1" "--threads=2" "-threads 2"; do
		read -r -a opt <<<"$form"
		if ! "$HEAPDOC" "$c" "${opt[@]}" "${args[@]}" >"$tmp/out.${form: -1}" 2>"$tmp/err"; then
			echo "FAIL: heapdoc $c $form: $(head -c 300 "$tmp/err")"
			fails=$((fails + 1))
		fi
		case $c in flame | merge) ;; *)
			cmp -s "$tmp/out.1" "$tmp/out.${form: -1}" ||
				{ echo "FAIL: heapdoc $c $form: output differs from --threads 1"; fails=$((fails + 1)); } ;;
		esac
	done
	check 2 "invalid value 'x' for --threads" "$c" --threads=x "${args[@]}"
done
echo "limit_flags: $n checks, $fails failed"
[ $fails -eq 0 ]
