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
# a tmpfs left mounted by an interrupted run would survive rm -rf
for m in $(awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/mounts 2>/dev/null); do
	umount "$m" 2>/dev/null
done
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
	before=$(grep -c "listening" "$WORK/server.log" 2>/dev/null)
	"$BIN/tenpo-delivery" serve "$dir" "$@" >>"$WORK/server.log" 2>&1 &
	SERVER_PID=$!
	for _ in $(seq 1 200); do
		[ "$(grep -c "listening" "$WORK/server.log")" -gt "${before:-0}" ] && return 0
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

# setup_world [init options]: a fresh delivery server folder with its sample
# shops; sets DIR, PORT, CONF (shop 1001) and CONF2 (shop 1002).
setup_world() {
	DIR="$WORK/world"
	PORT=$(free_port)
	"$BIN/tenpo-delivery" init "$DIR" --listen "127.0.0.1:$PORT" "$@" >"$WORK/init.log" 2>&1 ||
		{ cat "$WORK/init.log"; return 1; }
	CONF="$DIR/shops/1001/tenpo.conf"
	CONF2="$DIR/shops/1002/tenpo.conf"
	# a kiosk's database is made on purpose, never by opening a missing one
	"$BIN/tenpo" init --config "$CONF" >>"$WORK/init.log" 2>&1 &&
		"$BIN/tenpo" init --config "$CONF2" >>"$WORK/init.log" 2>&1 ||
		{ cat "$WORK/init.log"; return 1; }
}

# place ARGS...: tenpo-delivery order; sets ORDER and CODE.
place() {
	line=$("$BIN/tenpo-delivery" order "$DIR" "$@") || return 1
	set -- $line
	[ "$1" = ORDER ] && [ "$3" = CODE ] || return 1
	ORDER=$2
	CODE=$4
}

tenpo() { "$BIN/tenpo" "$@"; }

# state CONF ORDER: the order's state as `tenpo orders` says it
state() { "$BIN/tenpo" orders --config "$1" | awk -v id="$2" '$1 == id { print $2 }'; }

# spool_matches ORDER [CONF]: every spooled file equals the server's prepared copy
spool_matches() {
	sd="$(dirname "${2:-$CONF}")/spool/$1"
	[ -d "$sd" ] || return 1
	for f in "$DIR/prepared/$1"/*.data; do
		cmp -s "$f" "$sd/$(basename "$f")" || return 1
	done
}

# conf_get CONF KEY: a key's value, a relative path made absolute
conf_get() {
	v=$(awk -F' *= *' -v k="$2" '$1 == k { print $2 }' "$1")
	case "$v" in /*|"") echo "$v" ;; *) echo "$(dirname "$1")/$v" ;; esac
}

db_consistent() { # CONF
	[ "$(sqlite3 "$(conf_get "$1" database)" 'PRAGMA integrity_check; PRAGMA foreign_key_check;')" = ok ]
}

# reports_of ORDER KIND: how many distinct reports the server recorded
reports_of() {
	"$BIN/tenpo-delivery" reports "$DIR" | awk -v id="$1" -v k="$2" '$2 == id && $3 == k' | wc -l
}

# conf_set CONF KEY VALUE: replaces or appends a key
conf_set() {
	grep -v "^$2 *=" "$1" >"$1.new"
	echo "$2 = $3" >>"$1.new"
	mv "$1.new" "$1"
}

# conf_unset CONF KEY: removes a key
conf_unset() {
	grep -v "^$2 *=" "$1" >"$1.new"
	mv "$1.new" "$1"
}

# staff_signin PIN: the script lines (ui_script.h) of staff who hold the
# corner on the attract screen and sign in with PIN, up to the menu
staff_signin() {
	printf 'wait attract 60\nhold staff-corner 3200\nwait staff-pin 120\n'
	printf 'type %s\ntap submit\nwait staff-menu 120\n' "$1"
}
