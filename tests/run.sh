#!/bin/sh
# Runs every test and ends with one line: "N passed, N failed".
#
#   tests/run.sh BUILD_DIR [FILTER]
#
# Each test program speaks TAP ("ok ..." / "not ok ..." lines): the cmocka
# unit tests (CMOCKA_MESSAGE_OUTPUT=tap), the shell integration tests in
# tests/integration/ (through tests/lib.sh), the fuzzers, each run for a
# bounded number of inputs, and the appliance tests (images/check-qemu*.sh,
# the image booted under QEMU).  A program that dies without saying "not ok"
# still counts as one failure.  Full output goes to BUILD_DIR/test-logs/.
#
# Each test program runs under a generous bound, TENPO_TEST_TIMEOUT seconds
# (default 1800): one that hangs is stopped (TERM, then KILL 10 s later, with
# every process it started) and counted as failed, "timed out after N s" in
# its log.  It bounds a hang, not the work: no test comes near it.
BUILD=${1:-build/san}
FILTER=${2:-}
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "$BUILD" && pwd)
LOGS="$BUILD/test-logs"
rm -rf "$LOGS"
mkdir -p "$LOGS"
export TENPO_BUILD="$BUILD" TENPO_TOP="$TOP"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
TIMEOUT=${TENPO_TEST_TIMEOUT:-1800}
case "$TIMEOUT" in '' | *[!0-9]* | 0)
	echo "run.sh: TENPO_TEST_TIMEOUT must be a whole number of seconds above 0, not '$TIMEOUT'" >&2
	exit 2 ;;
esac
command -v timeout >/dev/null || { echo "run.sh: timeout (coreutils) not found" >&2; exit 2; }
passed=0
failed=0

run_one() { # name, command...
	name=$1
	shift
	case "$name" in *"$FILTER"*) ;; *) return ;; esac
	log="$LOGS/$name.log"
	mkdir -p "$(dirname "$log")"
	start=$(date +%s)
	# timeout runs the test in a process group of its own and signals all of it
	timeout -k 10 "$TIMEOUT" "$@" >"$log" 2>&1 </dev/null
	rc=$?
	[ -f "$log" ] || { rc=99; : >"$log"; }
	if { [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; } && [ $(($(date +%s) - start)) -ge "$TIMEOUT" ]; then
		echo "not ok - $name timed out after $TIMEOUT s" >>"$log"
	fi
	ok=$(grep -c '^ok ' "$log")
	bad=$(grep '^not ok ' "$log" | grep -vc '# SKIP')
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		bad=1
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	if [ "$ok" -eq 0 ] && [ "$bad" -eq 0 ]; then
		bad=1
		echo "not ok - $name ran no test" >>"$log"
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
	if [ "$bad" -eq 0 ]; then
		printf '%-34s %3d passed\n' "$name" "$ok"
	else
		printf '%-34s %3d passed, %d FAILED (see %s)\n' "$name" "$ok" "$bad" "$log"
		grep '^not ok ' "$log" | sed 's/^/    /' | head -20
	fi
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	CMOCKA_MESSAGE_OUTPUT=tap run_one "unit/$(basename "$t")" "$t"
done

for f in "$TOP"/build/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	n=$(basename "$f")
	corpus="$TOP/tests/fuzz/corpus/${n#fuzz_}"
	work="$BUILD/fuzz-work/$n"
	rm -rf "$work" && mkdir -p "$work"
	[ -d "$corpus" ] && cp "$corpus"/* "$work"/ 2>/dev/null
	run_one "fuzz/$n" sh -c "'$f' -runs=${FUZZ_RUNS:-20000} -max_len=65536 \
		-artifact_prefix='$work/' '$work' && echo 'ok - $n: ${FUZZ_RUNS:-20000} inputs, no crash'"
done

for t in "$TOP"/tests/integration/*.sh; do
	[ -f "$t" ] || continue
	run_one "integration/$(basename "$t" .sh)" sh "$t"
done

# the appliance: the image of the release build (make check makes it in
# TENPO_IMAGE_BUILD, default build/) booted under QEMU's software emulation,
# bounded by TENPO_QEMU_TIMEOUT (default 5400 s) instead of
# TENPO_TEST_TIMEOUT.  check-qemu-periph, check-qemu-offline (15 min each) and
# check-qemu-power (18 to 28 min) are run by `make check-qemu` only: the first
# two have not passed yet, and all three would take CI past its time (README,
# Status).
IMAGE_BUILD=${TENPO_IMAGE_BUILD:-$TOP/build}
saved_timeout=$TIMEOUT
TIMEOUT=${TENPO_QEMU_TIMEOUT:-5400}
for t in check-qemu; do
	run_one "appliance/$t" sh "$TOP/images/$t.sh" "$IMAGE_BUILD"
done
TIMEOUT=$saved_timeout

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
