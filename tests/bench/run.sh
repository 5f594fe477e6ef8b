#!/bin/sh
# make bench: each benchmark against the tool a user would pick instead, in
# the same run, on the same data.  Prints figures and ratios; asserts nothing.
#
#   tests/bench/run.sh BUILD_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
TOP=$(cd "$(dirname "$0")/../.." && pwd)
export TENPO_BUILD="$BUILD" TENPO_TOP="$TOP"
for b in "$TOP"/tests/bench/bench_*.sh; do
	echo "== $(basename "$b" .sh)"
	sh "$b" || echo "   (benchmark failed: see above)"
done
