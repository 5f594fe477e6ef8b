# The staff command line against a kiosk's database: one process modifies
# it at a time, a refused action destroys nothing, a finished order exits 0,
# and every usage mistake is said in one line.
. "$TENPO_TOP/tests/lib.sh"

setup_world --big-mb 16 || { not_ok "init"; exit 1; }
start_server "$DIR" --throttle 800000 || { not_ok "server starts"; exit 1; }
SHOP="$DIR/shops/1001"
OUT="$WORK/discs"
mkdir -p "$OUT"
conf_set "$CONF" drive "stdio:$OUT/album.x"

# --- usage mistakes: one line saying what was wrong --------------------------
check_fails "unknown command: named in one line" "unknown command 'frobnicate'" \
	tenpo frobnicate --config "$CONF"
check_fails "missing --config: said in one line" "needs --config FILE" tenpo orders
check_fails "missing argument: said in one line" "show needs ORDER" tenpo show --config "$CONF"

# --- download again on a ready order: refused, content kept -------------------
place --shop 1001 --user 7 --title yoake --media audio-cd || not_ok "place album"
ALBUM=$ORDER ALBUM_CODE=$CODE
tenpo sync --config "$CONF" >/dev/null 2>&1
check "album ready" [ "$(state "$CONF" "$ALBUM")" = ready ]
check_fails "refetch of a ready order refused" "download again is only for failed orders" \
	tenpo refetch --config "$CONF" "$ALBUM"
check "refused refetch kept the spool" spool_matches "$ALBUM"
check "refused refetch kept the order ready" [ "$(state "$CONF" "$ALBUM")" = ready ]

# --- one instance: a second modifying command is refused while sync runs -----
place --shop 1001 --user 8 --title bench --media data-dvd || not_ok "place big order"
BIG=$ORDER
"$BIN/tenpo" sync --config "$CONF" >"$WORK/sync1" 2>&1 &
SYNC_PID=$!
# wait until the first sync is downloading
for _ in $(seq 1 100); do
	[ "$(state "$CONF" "$BIG")" = downloading ] && break
	sleep 0.1
done
check "first sync is downloading" [ "$(state "$CONF" "$BIG")" = downloading ]
check_fails "a second sync is refused and says who holds the database" "in use by tenpo sync (pid $SYNC_PID" \
	tenpo sync --config "$CONF"
check_fails "write is refused beside a running sync" "in use by tenpo sync" \
	tenpo write --config "$CONF" "$ALBUM"
check "orders (read-only) runs beside it" tenpo orders --config "$CONF"
kill -TERM "$SYNC_PID" 2>/dev/null
wait "$SYNC_PID" 2>/dev/null
check "after the first sync ended, the lock is free" tenpo orders --config "$CONF"

# --- recovery: a killed audio export's .tmp is removed; verify says verifying -
DB=$(conf_get "$CONF" database)
# force_state ORDER FROM TO...: walks the order as a kiosk killed there would
# have left it, one logged transition at a time
force_state() {
	id=$1 from=$2
	shift 2
	for to in "$@"; do
		sqlite3 "$DB" "INSERT INTO transitions (order_id, from_state, to_state, reason, at)
			VALUES ('$id', '$from', '$to', '', strftime('%s'));
			UPDATE orders SET state = '$to' WHERE id = '$id';" || return 1
		from=$to
	done
}
tenpo pickup --config "$CONF" --simulate "$ALBUM_CODE" >/dev/null 2>&1
check "simulated pickup leaves the album claimed" [ "$(state "$CONF" "$ALBUM")" = claimed ]
# as if the kiosk died verifying after an export was cut short
force_state "$ALBUM" claimed writing verifying
check "the album is left verifying" [ "$(state "$CONF" "$ALBUM")" = verifying ]
head -c 1000000 /dev/zero >"$OUT/album.bin.tmp"
tenpo write --config "$CONF" "$ALBUM" >"$WORK/write1" 2>&1
check "write after the crash succeeds" [ $? -eq 0 ]
check "recovery says it stopped while verifying" \
	sh -c "$BIN/tenpo show --config '$CONF' '$ALBUM' | grep -q 'stopped while verifying'"
check "no .bin.tmp left in the output folder" [ ! -e "$OUT/album.bin.tmp" ]

# --- write on a written order: recovery finishes it, exit 0 ------------------
place --shop 1001 --user 9 --title yoake --media data-cd || not_ok "place data order"
W=$ORDER W_CODE=$CODE
tenpo sync --config "$CONF" >/dev/null 2>&1
tenpo pickup --config "$CONF" --simulate --drive "stdio:$OUT/w.iso" "$W_CODE" >/dev/null 2>&1
force_state "$W" claimed writing verifying written
check "the data order is left written" [ "$(state "$CONF" "$W")" = written ]
tenpo write --config "$CONF" --drive "stdio:$OUT/w.iso" "$W" >"$WORK/write2" 2>&1
rc=$?
check "write on a written order exits 0 (rc $rc: $(tr '\n' '|' <"$WORK/write2"))" [ "$rc" -eq 0 ]
check "write on a written order says it finished it" grep -q "^FINISHED $W" "$WORK/write2"
check "write on a written order finished it" \
	sh -c "s=\$($BIN/tenpo orders --config '$CONF' | awk '\$1 == \"$W\" { print \$2 }'); [ \"\$s\" = erased ] || [ \"\$s\" = reported ]"
check "database consistent" db_consistent "$CONF"
finish
