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
echo "Disc images are written under $DEMO/world/shops/1001/out/"

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
OUT="$DEMO/world/shops/1001/out"
mkdir -p "$OUT"

say "3. The kiosk of shop 1001 syncs over mutual TLS"
"$BUILD/tenpo" sync --config "$CONF"
"$BUILD/tenpo" orders --config "$CONF"

say "4. The first customer types their pickup code: an audio CD is written"
echo "   (libburn cannot write audio to a pseudo-drive: the session goes to a CUE/BIN/CDT)"
CODE=$(awk '{ print $4 }' "$DEMO/order-audio")
"$BUILD/tenpo" pickup --config "$CONF" --drive "stdio:$OUT/album.bin" "$CODE"
(cd "$OUT" && cd-info --no-device-info --no-cddb --cue-file album.cue 2>/dev/null | sed -n '/Track List/,/leadout/p;/Language 1/,$p')

say "5. The second customer picks up a data DVD (ISO 9660 + Rock Ridge + Joliet)"
CODE=$(awk '{ print $4 }' "$DEMO/order-video")
"$BUILD/tenpo" pickup --config "$CONF" --drive "stdio:$OUT/film.iso" "$CODE"
xorriso -indev "stdio:$OUT/film.iso" -ls / 2>/dev/null
"$BUILD/tenpo" check-disc --config "$CONF" --drive "stdio:$OUT/film.iso"
ORDER=$(awk '{ print $2 }' "$DEMO/order-video")
"$BUILD/tenpo" show --config "$CONF" "$ORDER"

say "6. What the delivery server has heard from the shop"
"$BUILD/tenpo-delivery" reports "$DEMO/world"
