# The forensic watermark end to end: the reference server marks every audio
# file with the order's IDs, the kiosk checks them before an order is READY
# (mark_check.h), and tenpo-wm reads them back from a spooled copy and traces
# it to the order in the server's database.  A track served unmarked, or
# marked for another customer, passes its SHA-256 check (the manifest hashes
# what is served) and must still end FAILED with the reason.
. "$TENPO_TOP/tests/lib.sh"

setup_world || { not_ok "init"; exit 1; }
SHOP="$DIR/shops/1001"
KEY="$DIR/server/watermark.key"
WM="$BIN/tenpo-wm"

# --- the key, as init made it ---------------------------------------------------
check "init: the server's watermark key is 64 hex digits, mode 0600" sh -c "
	grep -qx '[0-9a-f]\{64\}' '$KEY' && [ \"\$(stat -c %a '$KEY')\" = 600 ]"
check "init: each sample shop has the same key, mode 0600" sh -c "
	cmp -s '$KEY' '$SHOP/watermark.key' && cmp -s '$KEY' '$DIR/shops/1002/watermark.key' &&
	[ \"\$(stat -c %a '$SHOP/watermark.key')\" = 600 ]"
check "init: tenpo.conf names it" grep -q '^watermark_key *= *watermark.key$' "$CONF"

# --- orders: a good one, an unmarked track, another customer's mark, a film ------
place --shop 1001 --user 456 --title yoake --media audio-cd && A=$ORDER
place --shop 1001 --user 457 --title yoake --media data-cd --fault unmarked && U=$ORDER
place --shop 1001 --user 458 --title yoake --media audio-cd --fault other-user && O=$ORDER
place --shop 1001 --user 459 --title film --media data-cd && F=$ORDER
check "orders placed" test -n "$A" -a -n "$U" -a -n "$O" -a -n "$F"
check "the customer's track is not the master" \
	sh -c "! cmp -s '$DIR/prepared/$A/0.data' '$DIR/catalog/yoake/01.wav'"
"$WM" compare "$DIR/catalog/yoake/01.wav" "$DIR/prepared/$A/0.data" >"$WORK/compare" 2>&1
snr=$(sed -n 's/^SNR \([0-9.]*\) dB.*/\1/p' "$WORK/compare")
check "but close to it: SNR ${snr:-?} dB >= 15 (tenpo-wm compare)" \
	awk -v s="${snr:-0}" 'BEGIN { exit !(s >= 15) }'
check "unmarked: the served track is the master itself" \
	cmp -s "$DIR/prepared/$U/0.data" "$DIR/catalog/yoake/01.wav"

start_server "$DIR" || { not_ok "server starts"; exit 1; }
tenpo sync --config "$CONF" >"$WORK/sync.out" 2>"$WORK/sync.err"
check "the audio order is ready" [ "$(state "$CONF" "$A")" = ready ]
check "the film needs no watermark and is ready" [ "$(state "$CONF" "$F")" = ready ]
check "the kiosk logged the check" grep -q "order $A: watermark checked: 4 audio files" "$SHOP/tenpo.log"

# expect_mark_failed ORDER TEXT: FAILED for its watermark, reported, consistent
expect_mark_failed() {
	o=$1 why=$2
	check "$3: the order is failed" [ "$(state "$CONF" "$o")" = failed ]
	tenpo show --config "$CONF" "$o" >"$WORK/show" 2>&1
	check "$3: the reason is kept for staff: $why" grep -q "reason: $why" "$WORK/show"
	check "$3: not for its hashes: every file was downloaded" grep -q "files *4 of 4" "$WORK/show"
	check "$3: a failed report reached the server" [ "$(reports_of "$o" failed)" = 1 ]
	check "$3: no received report" [ "$(reports_of "$o" received)" = 0 ]
}
expect_mark_failed "$U" "track 1: no watermark under this kiosk's key" unmarked
expect_mark_failed "$O" "track 1: watermark names user 459, not this order's user 458" other-user
check "sync says why, on one line" sh -c "[ \$(wc -l <'$WORK/sync.err') = 1 ] &&
	grep -q 'watermark' '$WORK/sync.err'"
check "database consistent" db_consistent "$CONF"

# --- tenpo-wm on the spooled copies -------------------------------------------------
IDS="user 456, shop 1001, delivery server 7, content server 42"
for i in 0 3; do
	"$WM" detect --key-file "$SHOP/watermark.key" "$SHOP/spool/$A/$i.data" >"$WORK/detect" 2>&1
	check "detect: spooled track $((i + 1)) names this order's IDs" \
		grep -q "^watermark: $IDS\$" "$WORK/detect"
done
check "detect: the server marks in format v2" grep -qx "format v2" "$WORK/detect"
# a copy in today's format v1 (an order marked before an upgrade) still reads, as v1
"$WM" embed --key-file "$KEY" --ids user=462,shop=1001,ds=7,cs=42 --format 1 \
	"$DIR/catalog/yoake/01.wav" "$WORK/v1.wav" >"$WORK/embed-v1" 2>&1
check "embed --format 1 says so" grep -q "^embedded format v1 " "$WORK/embed-v1"
"$WM" detect --key-file "$SHOP/watermark.key" "$WORK/v1.wav" >"$WORK/detect-v1" 2>&1
check "detect: a v1 copy names its IDs" \
	grep -q "^watermark: user 462, shop 1001, delivery server 7, content server 42\$" \
	"$WORK/detect-v1"
check "detect: and says it is format v1" grep -qx "format v1" "$WORK/detect-v1"
check_fails "embed --format 3 is refused" "format 3" \
	"$WM" embed --key-file "$KEY" --ids user=1,shop=1,ds=1,cs=1 --format 3 \
	"$DIR/catalog/yoake/01.wav" "$WORK/v3.wav"
"$WM" trace --key-file "$KEY" --db "$DIR/server/server.db" "$SHOP/spool/$A/1.data" >"$WORK/trace" 2>&1
check "trace: names the order, its user, shop and time" \
	grep -q "^order $A: user 456, shop 1001, placed 20[0-9-]* [0-9:]* UTC, \"夜明けの歌\"" "$WORK/trace"
check "trace: and only that order" [ "$(grep -c '^order ' "$WORK/trace")" = 1 ]
"$WM" detect --key 0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff \
	"$SHOP/spool/$A/0.data" >"$WORK/wrong" 2>&1
rc=$?
check "a wrong key finds no watermark (exit $rc)" sh -c "[ $rc = 3 ] && grep -q '^no watermark' '$WORK/wrong'"
"$WM" detect --key-file "$SHOP/watermark.key" "$SHOP/spool/$O/0.data" >"$WORK/other" 2>&1
check "the other-user track names user 459" grep -q "^watermark: user 459, shop 1001," "$WORK/other"

# --- no key at the kiosk: audio fails with the reason, video does not -------------
conf_unset "$CONF2" watermark_key
place --shop 1002 --user 460 --title yoake --media data-cd && N=$ORDER
place --shop 1002 --user 461 --title film --media data-dvd && V=$ORDER
check_fails "no key: sync says so" "no watermark key configured" tenpo sync --config "$CONF2"
check "no key: the album order is failed" [ "$(state "$CONF2" "$N")" = failed ]
check "no key: with a failed report" [ "$(reports_of "$N" failed)" = 1 ]
check "no key: the film is ready" [ "$(state "$CONF2" "$V")" = ready ]
conf_set "$CONF2" watermark_key missing.key
tenpo retry --config "$CONF2" "$N" >/dev/null 2>&1
check_fails "a key file that is not there: the reason names it" "watermark key: .*missing.key" \
	tenpo sync --config "$CONF2"
conf_set "$CONF2" watermark_key watermark.key
check "once the key is back, staff retry the order" tenpo retry --config "$CONF2" "$N"
check "and the next sync makes it ready" tenpo sync --config "$CONF2"
check "the album order is ready" [ "$(state "$CONF2" "$N")" = ready ]
check "database of shop 1002 consistent" db_consistent "$CONF2"
finish
