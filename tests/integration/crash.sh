# Crash safety: `tenpo sync` killed with SIGKILL at random moments during
# downloads, at least 50 times, restarted each time.  At the end every file
# matches its SHA-256, no order is duplicated, and the server's own records
# show one report per order — none lost, none recorded twice.
. "$TENPO_TOP/tests/lib.sh"
KILLS=${CRASH_KILLS:-60}

setup_world --big-mb 48 || { not_ok "init"; exit 1; }
# slow enough that the kills land mid-transfer
start_server "$DIR" --throttle 12000000 || { not_ok "server starts"; exit 1; }
conf_set "$CONF" retry_base_ms 20
IDS=""
place_one() {
	place --shop 1001 --user "$1" --title "$2" --media "$3" && IDS="$IDS $ORDER"
}
place_one 101 yoake audio-cd
place_one 102 bench data-dvd
place_one 103 film data-cd
place_one 104 yoake data-cd

kills=0
i=0
while [ "$kills" -lt "$KILLS" ]; do
	i=$((i + 1))
	# new orders keep arriving while the kiosk keeps dying
	[ $((i % 12)) -eq 0 ] && place_one $((200 + i)) yoake data-cd
	"$BIN/tenpo" sync --config "$CONF" >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v s="$i" 'BEGIN { srand(s * 7919); printf "%.3f", 0.05 + rand() * 0.6 }')"
	if kill -KILL "$pid" 2>/dev/null; then
		kills=$((kills + 1))
	fi
	wait "$pid" 2>/dev/null
	[ "$i" -gt $((KILLS * 4)) ] && break
done
check "killed tenpo sync $kills times (wanted $KILLS)" [ "$kills" -ge "$KILLS" ]

# let it finish
for _ in $(seq 1 10); do
	"$BIN/tenpo" sync --config "$CONF" >"$WORK/last" 2>&1 && break
done
check "a final sync succeeds" [ $? -eq 0 ]
check "database consistent" db_consistent "$CONF"

n_orders=$(echo $IDS | wc -w)
n_kiosk=$("$BIN/tenpo" orders --config "$CONF" | wc -l)
check "no order duplicated or lost ($n_kiosk in the kiosk, $n_orders placed)" [ "$n_kiosk" -eq "$n_orders" ]
bad=0
for id in $IDS; do
	[ "$(state "$CONF" "$id")" = ready ] || { echo "# $id is $(state "$CONF" "$id")"; bad=$((bad + 1)); }
	spool_matches "$id" || { echo "# $id: spool differs"; bad=$((bad + 1)); }
	r=$(reports_of "$id" received)
	[ "$r" = 1 ] || { echo "# $id: $r received reports"; bad=$((bad + 1)); }
done
check "every order ready, every file matching, one report each" [ "$bad" -eq 0 ]
check "no .part file left behind" [ -z "$(find "$DIR/shops/1001/spool" -name '*.part')" ]
check "the outbox is empty" [ "$(sqlite3 "$DIR/shops/1001/tenpo.db" 'SELECT count(*) FROM outbox WHERE acked_at IS NULL')" = 0 ]
posts=$("$BIN/tenpo-delivery" reports "$DIR" | sed -n 's/.*posts=//p' | awk '{ s += $1 } END { print s + 0 }')
echo "# $kills kills; $(echo $IDS | wc -w) orders; $posts report posts for $(echo $IDS | wc -w) reports (repeats are deduplicated by report_id)"

# --- kills while writing: recovery counts each touched blank, and an order
# that ruined max_ruined_blanks (3) stops for staff instead of burning more;
# it is never written twice, and a second instance never joins in
conf_set "$CONF" drive "stdio:$WORK/kill.iso"
place --shop 1001 --user 301 --title yoake --media data-cd || not_ok "place write order"
KW=$ORDER
"$BIN/tenpo" sync --config "$CONF" >/dev/null 2>&1
"$BIN/tenpo" pickup --config "$CONF" --simulate "$CODE" >/dev/null 2>&1
wkills=0 refused=0 joined=0
for i in $(seq 1 12); do
	s=$(state "$CONF" "$KW")
	[ "$s" = claimed ] || [ "$s" = writing ] || [ "$s" = verifying ] || [ "$s" = written ] || break
	"$BIN/tenpo" write --config "$CONF" "$KW" >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v s="$i" 'BEGIN { srand(s * 104729); printf "%.3f", 0.02 + rand() * 0.3 }')"
	if "$BIN/tenpo" write --config "$CONF" "$KW" >/dev/null 2>"$WORK/second"; then
		joined=$((joined + 1))
	elif grep -q "in use by tenpo write" "$WORK/second"; then
		refused=$((refused + 1))
	fi
	kill -KILL "$pid" 2>/dev/null && wkills=$((wkills + 1))
	wait "$pid" 2>/dev/null
done
# a last write (or recovery) finishes whatever was left
"$BIN/tenpo" write --config "$CONF" "$KW" >/dev/null 2>&1
s=$(state "$CONF" "$KW")
echo "# $wkills kills while writing; order $s; $refused second writes refused"
check "killed writes: the order ends reported, erased or stopped for staff ($s)" \
	sh -c "[ '$s' = reported ] || [ '$s' = erased ] || [ '$s' = failed ]"
check "killed writes: a second write never ran beside the first ($joined)" [ "$joined" = 0 ]
check "killed writes: never more than one delivered report" [ "$(reports_of "$KW" delivered)" -le 1 ]
check "killed writes: a stopped order says why" \
	sh -c "[ '$s' != failed ] || '$BIN/tenpo' show --config '$CONF' '$KW' | grep -q 'blanks ruined writing this order'"
check "killed writes: at most 3 blanks ruined by the order" \
	[ "$(sqlite3 "$DIR/shops/1001/tenpo.db" "SELECT count(*) FROM transitions WHERE order_id = '$KW' AND reason LIKE 'blank ruined: %'")" -le 3 ]
check "killed writes: database consistent" db_consistent "$CONF"
check "killed writes: tenpo audit passes (integrity, written once, one delivered report, no content left)" \
	sh -c "'$BIN/tenpo' audit --config '$CONF' >'$WORK/audit.out' 2>&1 && grep -q '^audit: ok: ' '$WORK/audit.out'"
# the audit can fail: content put back for an order whose content is gone
place --shop 1001 --user 302 --title film --media data-cd || not_ok "place an order to cancel"
gone=$ORDER
"$BIN/tenpo" sync --config "$CONF" >/dev/null 2>&1
"$BIN/tenpo-delivery" cancel "$DIR" "$gone" >/dev/null
"$BIN/tenpo" sync --config "$CONF" >/dev/null 2>&1
check "an order cancelled upstream is cancelled at the kiosk" [ "$(state "$CONF" "$gone")" = cancelled ]
mkdir -p "$DIR/shops/1001/spool/$gone" && echo stale >"$DIR/shops/1001/spool/$gone/0.data"
check_fails "tenpo audit names a cancelled order whose content is back in the spool" \
	"order $gone is cancelled but its content is still in the spool" \
	"$BIN/tenpo" audit --config "$CONF"
rm -rf "$DIR/shops/1001/spool/$gone"
finish
