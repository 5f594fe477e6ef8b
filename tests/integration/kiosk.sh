# The kiosk as people use it: `tenpo run` on SDL's offscreen driver, the
# real core against the reference delivery server, driven by scripted
# touches (ui_script.h) that land as SDL mouse events on the widgets a
# finger would press.  Each scenario ends on the screen it must, and the
# database, the disc image and the server's records say the order is safe.
. "$TENPO_TOP/tests/lib.sh"

setup_world || { not_ok "init"; exit 1; }
start_server "$DIR" || { not_ok "server starts"; exit 1; }
SHOP="$DIR/shops/1001"
SHOTS="$BIN/kiosk-shots"
rm -rf "$SHOTS" && mkdir -p "$SHOTS"
conf_set "$CONF" drive "stdio:out/disc.iso"
conf_set "$CONF" pseudo_media dvd-r
conf_set "$CONF" sync_interval_s 2
tenpo staff-pin --config "$CONF" 2468 >"$WORK/pin" && cat "$WORK/pin" >>"$CONF"
cp "$CONF2" "$CONF2.orig"
conf_set "$CONF2" sync_interval_s 2
cat "$WORK/pin" >>"$CONF2"

# kiosk NAME CONF: runs the kiosk with the script $WORK/NAME.script;
# stderr (the log, -v) goes to $WORK/NAME.log
kiosk() {
	"$BIN/tenpo" run --config "$2" --display offscreen --script "$WORK/$1.script" \
		--shots "$SHOTS" -v 2>"$WORK/$1.log"
}
said() { grep -q -- "$2" "$WORK/$1.log"; }
not_said() { ! said "$@"; }
ready_order() { # ARGS for place: an order synced to ready
	place "$@" && tenpo sync --config "$CONF" >/dev/null 2>&1 &&
		[ "$(state "$CONF" "$ORDER")" = ready ]
}

# to_order: the script lines of a customer who types $CODE and sees the order
to_order() {
	printf 'wait attract 60\ntap start\nwait code 120\ntype %s\ntap submit\nwait order 120\n' "$CODE"
}

# --- a whole pickup --------------------------------------------------------
ready_order --shop 1001 --user 4242 --title film --media data-dvd || not_ok "order ready"
cat >"$WORK/pickup.script" <<EOF
wait attract 60
shot kiosk-attract
tap start
wait code 120
type $CODE
tap submit
wait order 120
shot kiosk-order
tap confirm-order
wait writing 120
wait done 120
shot kiosk-done
tap end
wait attract 120
pause 1500
quit
EOF
check "pickup: the script runs from attract to done and back" kiosk pickup "$CONF"
check "pickup: the core claimed, wrote, verified" said pickup "session: done"
check "pickup: the disc image verifies (xorriso -check_md5)" \
	sh -c "xorriso -md5 on -indev 'stdio:$SHOP/out/disc.iso' -check_md5 FAILURE -- 2>&1 | grep -q 'session data match recorded md5'"
check "pickup: the disc carries the order's stamp" \
	sh -c "'$BIN/tenpo' check-disc --config '$CONF' --drive 'stdio:$SHOP/out/disc.iso' | grep -q '$ORDER'"
tenpo sync --config "$CONF" >/dev/null 2>&1
check "pickup: the order is reported" [ "$(state "$CONF" "$ORDER")" = reported ]
check "pickup: one delivered report on the server" [ "$(reports_of "$ORDER" delivered)" = 1 ]
check "pickup: the spool is erased" [ -z "$(ls "$SHOP/spool/$ORDER" 2>/dev/null)" ]
check "pickup: screenshots were taken" [ -s "$SHOTS/kiosk-done.png" ]
# no printer on the desktop board: the receipt is kept for a reprint all the
# same; drawn by `tenpo receipt-preview`, its QR code names the order
RECEIPT=$(ls "$SHOP"/out/receipts/*/"$ORDER-receipt.bin" 2>/dev/null | head -1)
check "pickup: the receipt is kept (out/receipts)" [ -s "$RECEIPT" ]
check "pickup: tenpo receipt-preview draws it" \
	sh -c "'$BIN/tenpo' receipt-preview --config '$CONF' '$RECEIPT' >/dev/null"
check "pickup: zbarimg reads the order ID from the drawn receipt's QR code" \
	sh -c "zbarimg -q --raw '$RECEIPT.png' | grep -qx '$ORDER'"
check_fails "receipt-preview: a missing file is one clear line" "no-such.bin" \
	"$BIN/tenpo" receipt-preview --config "$CONF" "$WORK/no-such.bin"
DONE_ORDER=$ORDER

# --- a wrong code ----------------------------------------------------------
ready_order --shop 1001 --user 4243 --title yoake --media audio-cd || not_ok "order ready"
WRONG=$(echo "$CODE" | tr 0123456789 1234567890)
cat >"$WORK/wrong.script" <<EOF
wait attract 60
tap start
wait code 120
type $WRONG
tap submit
wait checking 120
wait code 120
wait-enabled digit 0
shot kiosk-wrong-code
quit
EOF
check "wrong code: ends on the code screen" kiosk wrong "$CONF"
check "wrong code: the core said the code is wrong" said wrong "session: code-refused code-wrong"
check "wrong code: the order is still ready" [ "$(state "$CONF" "$ORDER")" = ready ]

# --- inactivity: a customer walks away from their order -------------------
conf_set "$CONF" inactivity_s 5
{ to_order; cat; } >"$WORK/idle.script" <<EOF
wait attract 120
quit
EOF
check "inactivity: back to the attract screen" kiosk idle "$CONF"
check "inactivity: the session was forgotten" said idle "session: idle"
check "inactivity: the claimed order went back on the shelf" [ "$(state "$CONF" "$ORDER")" = ready ]
conf_set "$CONF" inactivity_s 60

# --- a wrong blank: a DVD order, a CD-R in the drive -----------------------
ready_order --shop 1001 --user 4244 --title film --media data-dvd || not_ok "order ready"
conf_set "$CONF" pseudo_media cd-r
{ to_order; cat; } >"$WORK/blank.script" <<EOF
tap confirm-order
wait disc 120
wait-enabled disc-inserted
pause 500
shot kiosk-wrong-blank
tap end
wait attract 120
quit
EOF
check "wrong blank: the script ends" kiosk blank "$CONF"
check "wrong blank: refused as the wrong type" said blank "session: media-refused disc-wrong-type"
check "wrong blank: nothing was written" not_said blank "session: writing"
check "wrong blank: the order is still ready" [ "$(state "$CONF" "$ORDER")" = ready ]
conf_set "$CONF" pseudo_media dvd-r

# --- a write that fails half way (the file size limit stands for a laser
#     that gives up): error screen, blank counted, order kept ---------------
rm -f "$SHOP/out/disc.iso"
{ to_order; cat; } >"$WORK/fail.script" <<EOF
tap confirm-order
wait error 120
shot kiosk-write-failed
tap end
wait attract 120
quit
EOF
( trap '' XFSZ; ulimit -f 6000; exec "$BIN/tenpo" run --config "$CONF" --display offscreen \
	--script "$WORK/fail.script" --shots "$SHOTS" -v 2>"$WORK/fail.log" )
check "failed write: ends on the error screen, then attract" [ $? -eq 0 ]
check "failed write: the core said the write failed" said fail "session: failed write-failed"
check "failed write: the ruined blank is counted" \
	[ "$(sqlite3 "$SHOP/tenpo.db" "SELECT value FROM counters WHERE name = 'ruined_blanks'")" -ge 1 ]
check "failed write: the order is ready again" [ "$(state "$CONF" "$ORDER")" = ready ]
check "failed write: no delivered report" [ "$(reports_of "$ORDER" delivered)" = 0 ]

# --- staff: five wrong PINs lock the menu, and the lock survives a restart -
cat >"$WORK/pin.script" <<EOF
wait attract 60
hold staff-corner 3200
wait staff-pin 120
EOF
for _ in 1 2 3 4 5; do
	printf 'wait-enabled digit 1\ntype 1111\ntap submit\n' >>"$WORK/pin.script"
done
printf 'pause 3000\nexpect-disabled digit 1\nshot staff-locked\nquit\n' >>"$WORK/pin.script"
check "staff: five wrong PINs, then the keypad is locked" kiosk pin "$CONF"
check "staff: each refusal is in the staff log" \
	[ "$(sqlite3 "$SHOP/tenpo.db" "SELECT count(*) FROM staff_log WHERE action = 'login' AND result = 'wrong PIN'")" = 5 ]
cat >"$WORK/pin2.script" <<EOF
wait attract 60
hold staff-corner 3200
wait staff-pin 120
pause 500
expect-disabled digit 1
quit
EOF
check "staff: still locked after a restart" kiosk pin2 "$CONF"
check "staff: the menu did not open while locked" not_said pin2 "screen staff-menu"

# --- staff: retry and cancel from the queue (shop 1002, unlocked) ----------
place --shop 1002 --user 5 --title film --media data-cd --fault bad-hash
FAILED=$ORDER
place --shop 1002 --user 6 --title film --media data-cd
CANCEL=$ORDER
tenpo sync --config "$CONF2" >/dev/null 2>&1
check "staff: one order failed, one ready" \
	[ "$(state "$CONF2" "$FAILED")/$(state "$CONF2" "$CANCEL")" = failed/ready ]
staff_signin 2468 >"$WORK/staff.script"
cat >>"$WORK/staff.script" <<EOF
shot staff-menu
tap staff-open staff-queue
wait staff-queue 120
tap queue-select $FAILED
wait-enabled staff-retry
tap staff-retry
pause 1000
tap queue-select $CANCEL
wait-enabled staff-cancel
tap staff-cancel
wait-enabled staff-cancel-yes
tap staff-cancel-yes
pause 1000
shot staff-queue
tap staff-menu
wait staff-menu 120
tap staff-logout
wait attract 120
quit
EOF
check "staff: signs in, retries, cancels, signs out" kiosk staff "$CONF2"
check "staff: the retry is in the order's history" \
	sh -c "'$BIN/tenpo' show --config '$CONF2' '$FAILED' | grep -q 'failed→announced retry'"
check "staff: the cancelled order is cancelled" [ "$(state "$CONF2" "$CANCEL")" = cancelled ]
check "staff: both actions are in the staff log" \
	[ "$(sqlite3 "$DIR/shops/1002/tenpo.db" "SELECT count(*) FROM staff_log WHERE action IN ('retry', 'cancel') AND result = 'ok'")" = 2 ]
tenpo sync --config "$CONF2" >/dev/null 2>&1
check "staff: the cancel reached the server" [ "$(reports_of "$CANCEL" cancelled)" = 1 ]

for c in "$CONF" "$CONF2"; do
	check "database consistent ($(basename "$(dirname "$c")"))" db_consistent "$c"
done
check "the first pickup still has one delivered report" [ "$(reports_of "$DONE_ORDER" delivered)" = 1 ]
finish
