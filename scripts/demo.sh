#!/usr/bin/env bash
# `make demo`: heapdoc's main job on a bundled example - diagnose a series of
# heap snapshots of a Go program whose cache map only grows (testdata/).
set -eu
heapdoc=${1:-build/heapdoc}
cd "$(dirname "$0")/.."
series=testdata/profiles/go1.26/cache_map
if [ ! -d "$series" ]; then
	echo "demo: $series is missing (see testdata/gen/)" >&2
	exit 1
fi
echo "\$ heapdoc diagnose $series/*.pb.gz"
echo
"$heapdoc" diagnose "$series"/*.pb.gz
