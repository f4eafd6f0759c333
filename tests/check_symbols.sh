#!/usr/bin/env bash
# Every global symbol defined by libheapdoc must start with hd_ (STYLE.md).
set -eu
lib=$1
bad=$(nm -g --defined-only "$lib" | awk 'NF==3 && $2 ~ /[TDBRC]/ {print $3}' | grep -v '^hd_' || true)
if [ -n "$bad" ]; then
	echo "symbols without the hd_ prefix in $lib:" >&2
	echo "$bad" >&2
	exit 1
fi
echo "symbol-prefix: all $(nm -g --defined-only "$lib" | awk 'NF==3 && $2 ~ /[TDBRC]/' | wc -l) global symbols carry hd_"
