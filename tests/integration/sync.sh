# The order pipeline end to end: the reference delivery server, `tenpo sync`
# over mutual TLS, the spool, the outbox, and pickup codes.  sync_nginx.sh
# runs the same with nginx in front (tests/front.sh).
. "$TENPO_TOP/tests/lib.sh"
. "$TENPO_TOP/tests/front.sh"

setup_world || { not_ok "init"; exit 1; }
place --shop 1001 --user 12345678 --title yoake --media audio-cd && A=$ORDER A_CODE=$CODE
place --shop 1001 --user 22222222 --title film --media data-dvd && B=$ORDER
place --shop 1002 --user 33333333 --title yoake --media data-cd && C=$ORDER
check "orders placed" test -n "$A" -a -n "$B" -a -n "$C"
start_delivery || { not_ok "server starts"; exit 1; }

check "sync succeeds" tenpo sync --config "$CONF"
check "audio order is ready" [ "$(state "$CONF" "$A")" = ready ]
check "video order is ready" [ "$(state "$CONF" "$B")" = ready ]
check "another shop's order is not fetched" [ -z "$(state "$CONF" "$C")" ]
check "audio spool equals the prepared copy" spool_matches "$A"
check "video spool equals the prepared copy" spool_matches "$B"
check "no .part file is left" [ -z "$(find "$DIR/shops/1001/spool" -name '*.part')" ]
check "one received report each" test "$(reports_of "$A" received)" = 1 -a "$(reports_of "$B" received)" = 1
check "database consistent" db_consistent "$CONF"

tenpo sync --config "$CONF" >"$WORK/second" 2>&1
check "second sync is a no-op" grep -q "new 0, manifests 0, files 0" "$WORK/second"
check "still one received report" [ "$(reports_of "$A" received)" = 1 ]

check "shop 1002 syncs its own order" tenpo sync --config "$CONF2"
check "shop 1002's order is ready" [ "$(state "$CONF2" "$C")" = ready ]

check_fails "a malformed code is refused" "12 digits" tenpo pickup --config "$CONF" 12345
check_fails "a wrong code is refused" "wrong pickup code" tenpo pickup --config "$CONF" 000000000000
check "the right code claims the order" sh -c "'$BIN/tenpo' pickup --config '$CONF' '$A_CODE' | grep -q '^CLAIMED $A '"
check "the order is claimed" [ "$(state "$CONF" "$A")" = claimed ]
check_fails "a claimed order cannot be picked up again" "it is claimed" tenpo pickup --config "$CONF" "$A_CODE"
check_fails "another shop's code finds nothing here" "wrong pickup code" tenpo pickup --config "$CONF2" "$A_CODE"

# guessing is slowed down, and the slow-down survives a restart (it is in the DB)
place --shop 1001 --user 44444444 --title yoake --media data-cd && D=$ORDER D_CODE=$CODE
front_refresh
tenpo sync --config "$CONF" >/dev/null 2>&1
for i in 1 2 3 4; do tenpo pickup --config "$CONF" 999999999999 >/dev/null 2>&1; done
check_fails "repeated wrong codes are slowed down, even the right one" "too many wrong codes" \
	tenpo pickup --config "$CONF" "$D_CODE"
sleep 3
check "after the wait the right code works" sh -c "'$BIN/tenpo' pickup --config '$CONF' '$D_CODE' | grep -q '^CLAIMED $D '"

# cancellation upstream reaches the kiosk and erases the spool
place --shop 1001 --user 55555555 --title yoake --media data-cd && E=$ORDER
front_refresh
tenpo sync --config "$CONF" >/dev/null 2>&1
"$BIN/tenpo-delivery" cancel "$DIR" "$E" >/dev/null 2>&1
front_refresh
check "sync after a cancellation succeeds" tenpo sync --config "$CONF"
check "the order is cancelled" [ "$(state "$CONF" "$E")" = cancelled ]
check "its spool is erased" [ ! -e "$DIR/shops/1001/spool/$E" ]
check "a cancelled report was sent" [ "$(reports_of "$E" cancelled)" = 1 ]

# staff view
check "show prints the history" sh -c "'$BIN/tenpo' show --config '$CONF' '$A' | grep -q 'ready.*claimed\|ready → claimed\|ready->claimed'"
check "database consistent at the end" db_consistent "$CONF"
finish
