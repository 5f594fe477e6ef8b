#!/bin/sh
# make demo: a delivery server on loopback, sample orders, and the kiosk
# fetching, checking and claiming them.  Everything lives in build/demo/.
#
#   tests/demo.sh BUILD_DIR
set -eu
BUILD=$(cd "${1:-build}" && pwd)
DEMO="$BUILD/demo"
PORT=${TENPO_DEMO_PORT:-8443}
rm -rf "$DEMO"
mkdir -p "$DEMO"
SERVER_PID=""
cleanup() {
	[ -n "$SERVER_PID" ] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
	echo "demo: stopped. Everything is under $DEMO"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n\033[1m%s\033[0m\n' "$*"; }

say "1. A delivery server: test PKI, sample catalog, two sample shops"
"$BUILD/tenpo-delivery" init "$DEMO/world" --listen "127.0.0.1:$PORT"
"$BUILD/tenpo-delivery" serve "$DEMO/world" 2>"$DEMO/server.log" &
SERVER_PID=$!
for _ in $(seq 1 100); do grep -q listening "$DEMO/server.log" && break; sleep 0.05; done
grep listening "$DEMO/server.log"

say "2. Customers order at home"
"$BUILD/tenpo-delivery" order "$DEMO/world" --shop 1001 --user 12345678 --title yoake --media audio-cd | tee "$DEMO/order-audio"
"$BUILD/tenpo-delivery" order "$DEMO/world" --shop 1001 --user 87654321 --title film --media data-dvd | tee "$DEMO/order-video"
CONF="$DEMO/world/shops/1001/tenpo.conf"

say "3. The kiosk of shop 1001 syncs over mutual TLS"
"$BUILD/tenpo" sync --config "$CONF"
"$BUILD/tenpo" orders --config "$CONF"

say "4. The first customer types their pickup code"
CODE=$(awk '{ print $4 }' "$DEMO/order-audio")
echo "code: $CODE"
"$BUILD/tenpo" pickup --config "$CONF" "$CODE"
ORDER=$(awk '{ print $2 }' "$DEMO/order-audio")
"$BUILD/tenpo" show --config "$CONF" "$ORDER"

say "5. What the delivery server has heard from the shop"
"$BUILD/tenpo-delivery" reports "$DEMO/world"
