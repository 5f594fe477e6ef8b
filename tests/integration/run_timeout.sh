# tests/run.sh bounds each test program: on a fake build folder, a program
# that hangs is stopped after TENPO_TEST_TIMEOUT seconds, with the processes
# it started, and reported as failed with its log; the others still run.
. "$TENPO_TOP/tests/lib.sh"
FAKE="$WORK/fake"
mkdir -p "$FAKE/tests"
cat >"$FAKE/tests/test_hang" <<EOF2
#!/bin/sh
echo "ok 1 - started"
sleep 600 &
echo \$! >"$WORK/child.pid"
wait
EOF2
printf '#!/bin/sh\necho "ok 1 - quick"\n' >"$FAKE/tests/test_quick"
chmod +x "$FAKE/tests/test_hang" "$FAKE/tests/test_quick"

# 60 s is the bound on the defect itself: without a timeout, run.sh would
# sit here for the 600 s the program sleeps
TENPO_TEST_TIMEOUT=2 timeout -k 5 60 sh "$TOP/tests/run.sh" "$FAKE" unit/test_ >"$WORK/run.out" 2>&1
rc=$?
returned() { [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ]; }
check "run.sh returned (not hung)" returned
check "run.sh fails when a test timed out" [ "$rc" -ne 0 ]
check "the hung test is reported as timed out" \
	grep -q "unit/test_hang .*FAILED.*not ok - unit/test_hang timed out after 2 s" \
	"$WORK/run.out" -z
check "its log says so" grep -q "^not ok - unit/test_hang timed out after 2 s" \
	"$FAKE/test-logs/unit/test_hang.log"
check "its log keeps what it printed" grep -q "^ok 1 - started" "$FAKE/test-logs/unit/test_hang.log"
check "the other test still ran and passed" grep -q "unit/test_quick .* 1 passed" "$WORK/run.out"
check "the closing line counts both" grep -q "^2 passed, 1 failed$" "$WORK/run.out"
pid=$(cat "$WORK/child.pid" 2>/dev/null)
# gone, or a zombie its new parent has not reaped yet; the TERM timeout
# sent it may take a moment to land, after timeout itself returned
stopped() {
	[ -n "$pid" ] || return 1
	for _ in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		[ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" = Z ] && return 0
		sleep 0.1
	done
	return 1
}
check "the hung test's child was stopped too" stopped
check_fails "a bad bound is refused in one line" "TENPO_TEST_TIMEOUT must be" \
	env TENPO_TEST_TIMEOUT=soon sh "$TOP/tests/run.sh" "$FAKE" unit/test_quick
[ -n "$pid" ] && kill "$pid" 2>/dev/null
finish
