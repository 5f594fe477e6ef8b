#!/bin/sh
# make demo: a delivery server on loopback, two sample orders, and the kiosk
# of shop 1001 (`tenpo run`).  With a display, the kiosk opens in a window
# and you type the printed pickup codes yourself (staff PIN 2468: hold the
# top-left corner for 3 s).  Without one, it runs on SDL's offscreen driver
# with a scripted customer per order, and says where the disc images and
# screenshots are.  Ctrl-C stops everything.  Everything lives in build/demo/,
# which each run makes afresh.
#
# Your own kiosk settings survive that: lines of TENPO_DEMO_CONF (default
# BUILD_DIR/demo.conf, outside build/demo/) replace the demo's lines of the
# same key in the kiosk's tenpo.conf, e.g. `pseudo_media = cd-r` for a CD-R
# in the windowed kiosk's drive.  The scripted run picks the blank for each
# scripted customer and ignores a pseudo_media there.
#
#   tests/demo.sh BUILD_DIR
set -eu
BUILD=$(cd "${1:-build}" && pwd)
DEMO="$BUILD/demo"
USER_CONF=${TENPO_DEMO_CONF:-$BUILD/demo.conf}
if [ -n "${TENPO_DEMO_CONF:-}" ] && [ ! -f "$TENPO_DEMO_CONF" ]; then
	echo "demo: TENPO_DEMO_CONF=$TENPO_DEMO_CONF: no such file" >&2
	exit 1
fi
PORT=${TENPO_DEMO_PORT:-8443}
rm -rf "$DEMO"
mkdir -p "$DEMO"
SERVER_PID=""
KIOSK_PID=""
cleanup() {
	[ -n "$KIOSK_PID" ] && kill -TERM "$KIOSK_PID" 2>/dev/null && wait "$KIOSK_PID" 2>/dev/null
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

say "2. Customers order at home (each copy watermarked with their IDs)"
"$BUILD/tenpo-delivery" order "$DEMO/world" --shop 1001 --user 12345678 --title yoake --media audio-cd | tee "$DEMO/order-audio"
"$BUILD/tenpo-delivery" order "$DEMO/world" --shop 1001 --user 87654321 --title film --media data-dvd | tee "$DEMO/order-video"
AUDIO_CODE=$(awk '{ print $4 }' "$DEMO/order-audio")
VIDEO_CODE=$(awk '{ print $4 }' "$DEMO/order-video")

SHOP="$DEMO/world/shops/1001"
CONF="$SHOP/tenpo.conf"
OUT="$SHOP/out"
SHOTS="$DEMO/screens"
mkdir -p "$OUT" "$SHOTS"
{
	echo "board = desktop"
	echo "drive = stdio:out/disc.iso"
	echo "sync_interval_s = 5"
	"$BUILD/tenpo" staff-pin --config "$CONF" 2468
} >>"$CONF"
# the kiosk's database is made on purpose, never by a command that finds none
"$BUILD/tenpo" init --config "$CONF" >/dev/null

# conf_put KEY LINE: LINE replaces every line of KEY in the kiosk's tenpo.conf
conf_put() {
	sed -i "/^[[:space:]]*$1[[:space:]]*=/d" "$CONF"
	printf '%s\n' "$2" >>"$CONF"
}

# user_conf [SKIP_KEY]: the lines of USER_CONF, over the demo's own
user_conf() {
	[ -f "$USER_CONF" ] || return 0
	while IFS= read -r line || [ -n "$line" ]; do
		key=$(printf '%s' "$line" | sed -n 's/^[[:space:]]*\([a-z_][a-z0-9_]*\)[[:space:]]*=.*/\1/p')
		[ -n "$key" ] || continue
		[ "$key" = "${1:-}" ] && continue
		conf_put "$key" "$line"
	done <"$USER_CONF"
}

# kiosk BLANK [SCRIPT]: the kiosk with a blank of that kind in its pseudo-drive
# (windowed: unless USER_CONF names another)
kiosk() {
	conf_put pseudo_media "pseudo_media = $1"
	if [ $# -gt 1 ]; then user_conf pseudo_media; else user_conf; fi
	if [ $# -gt 1 ]; then
		"$BUILD/tenpo" run --config "$CONF" --display offscreen --script "$2" --shots "$SHOTS" &
	else
		"$BUILD/tenpo" run --config "$CONF" &
	fi
	KIOSK_PID=$!
	wait "$KIOSK_PID"
	rc=$?
	KIOSK_PID=""
	return $rc
}

# customer NAME CODE: a script that picks up the order with CODE
customer() {
	cat <<EOF
wait attract 60
shot $1-1-attract
tap start
wait code 30
type $2
shot $1-2-code
tap submit
wait order 120
shot $1-3-order
tap lang
shot $1-3-order-en
tap confirm-order
wait writing 120
shot $1-4-writing
wait done 600
shot $1-5-done
tap end
wait attract 30
pause 2000
quit
EOF
}

say "3. The kiosk of shop 1001 syncs over mutual TLS and checks every watermark"
"$BUILD/tenpo" sync --config "$CONF"
"$BUILD/tenpo" orders --config "$CONF"

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${TENPO_DEMO_SCRIPTED:-}" ]; then
	say "4. The kiosk opens in a window"
	echo "   Pickup codes: $VIDEO_CODE (a data DVD: the blank is a DVD-R unless you chose one)"
	echo "   The audio CD ($AUDIO_CODE) needs a CD-R: put the line 'pseudo_media = cd-r'"
	echo "   in $USER_CONF and run make demo again (those lines are kept, over the demo's)."
	[ -f "$USER_CONF" ] && echo "   Your settings from $USER_CONF: $(grep -c '=' "$USER_CONF") line(s)."
	echo "   Staff menu: hold the top-left corner 3 s, PIN 2468.  Ctrl-C ends the demo."
	kiosk dvd-r
else
	say "4. No display here: the kiosk runs on SDL's offscreen driver with scripted customers"
	echo "   A customer types $VIDEO_CODE at the touchscreen and a data DVD is written..."
	customer film "$VIDEO_CODE" >"$DEMO/film.script"
	kiosk dvd-r "$DEMO/film.script"
	mv "$OUT/disc.iso" "$OUT/film.iso"
	echo "   ... and with a CD-R in the drive, another types $AUDIO_CODE: an audio CD."
	echo "   (libburn cannot write audio to a pseudo-drive: the session goes to CUE/BIN/CDT)"
	customer album "$AUDIO_CODE" >"$DEMO/album.script"
	kiosk cd-r "$DEMO/album.script"

	say "5. The audio CD, as libcdio's cd-info reads it (tracks and CD-TEXT)"
	(cd "$OUT" && cd-info --no-device-info --no-cddb --cue-file disc.cue 2>/dev/null |
		sed -n '/Track List/,/leadout/p;/Language 1/,$p')

	say "6. The data DVD: ISO 9660 + Rock Ridge + Joliet, its stamp, its MD5 tags"
	xorriso -indev "stdio:$OUT/film.iso" -ls / 2>/dev/null
	"$BUILD/tenpo" check-disc --config "$CONF" --drive "stdio:$OUT/film.iso"
	xorriso -md5 on -indev "stdio:$OUT/film.iso" -check_md5 FAILURE -- 2>&1 | grep "md5"
fi

say "7. The kiosk's orders, and what the delivery server has heard from the shop"
"$BUILD/tenpo" sync --config "$CONF" || true
"$BUILD/tenpo" orders --config "$CONF"
"$BUILD/tenpo-delivery" reports "$DEMO/world"
echo
echo "Disc images: $OUT/"
ls -l "$OUT" | sed 's/^/   /'
echo "Screens:     $SHOTS/ ($(ls "$SHOTS" | wc -l) PNG)"
