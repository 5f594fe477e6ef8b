# Sourced by the integration tests: TAP output and the shared fixtures.
#
# Every test gets a fresh folder under $TENPO_BUILD/it/<test>/ and a free
# loopback port; `start_server` runs the reference delivery server there and
# `stop_server` (also run on exit) ends it.
set -u
BIN=${TENPO_BUILD:?run through tests/run.sh}
TOP=${TENPO_TOP:?}
T_NAME=$(basename "$0" .sh)
WORK="$BIN/it/$T_NAME"
rm -rf "$WORK"
mkdir -p "$WORK"
T_NUM=0
T_FAILED=0
SERVER_PID=""

ok() { T_NUM=$((T_NUM + 1)); echo "ok $T_NUM - $*"; }
not_ok() { T_NUM=$((T_NUM + 1)); T_FAILED=$((T_FAILED + 1)); echo "not ok $T_NUM - $*"; }
# check "description" command...: ok when the command succeeds
check() { d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
# check_fails "description" "expected stderr text" command...: the command must
# fail, print exactly one line on stderr, and that line must contain the text
check_fails() {
	d=$1; want=$2; shift 2
	if "$@" >"$WORK/out" 2>"$WORK/err"; then
		not_ok "$d (succeeded; expected failure)"; return
	fi
	lines=$(wc -l <"$WORK/err")
	if grep -q -- "$want" "$WORK/err" && [ "$lines" -eq 1 ]; then
		ok "$d"
	else
		not_ok "$d (stderr: $(head -c 300 "$WORK/err" | tr '\n' '|'))"
	fi
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start_server() { # DIR [serve options]
	dir=$1; shift
	"$BIN/tenpo-delivery" serve "$dir" "$@" >>"$WORK/server.log" 2>&1 &
	SERVER_PID=$!
	for _ in $(seq 1 200); do
		grep -q "listening" "$WORK/server.log" 2>/dev/null && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

stop_server() {
	if [ -n "$SERVER_PID" ]; then
		kill -TERM "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
		SERVER_PID=""
	fi
}

finish() {
	stop_server
	[ "$T_FAILED" -eq 0 ]
}
trap stop_server EXIT
