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

# --- a missing database is refused, never made afresh --------------------------
cp "$CONF" "$WORK/lost.conf"
for k in ca cert key manifest_key watermark_key spool output; do
	conf_set "$WORK/lost.conf" $k "$(conf_get "$CONF" $k)"
done
conf_set "$WORK/lost.conf" database "$WORK/lost.db"
check_fails "sync on a missing database is refused" "no such database" \
	tenpo sync --config "$WORK/lost.conf"
check_fails "run on a missing database is refused" "no such database" \
	tenpo run --config "$WORK/lost.conf" --display offscreen
check "nothing was made in its place" [ ! -e "$WORK/lost.db" ]
check "staff-pin needs no database (provisioning runs it before init)" \
	sh -c "'$BIN/tenpo' staff-pin --config '$WORK/lost.conf' 2468 | grep -q '^staff_pin'"
check "and made none" [ ! -e "$WORK/lost.db" ]
check "tenpo init makes it" sh -c "'$BIN/tenpo' init --config '$WORK/lost.conf' | grep -q '^CREATED'"
check "tenpo init again keeps it" sh -c "'$BIN/tenpo' init --config '$CONF' | grep -q '^KEPT'"
check "and keeps its orders" sh -c "'$BIN/tenpo' orders --config '$CONF' | grep -q '$W'"

# --- two kiosks, one order: the second delivered report is refused (409) ------
# (a kiosk that lost its database fetched and wrote the order again)
place --shop 1001 --user 10 --title yoake --media data-cd || not_ok "place twice-written order"
TWICE=$ORDER TWICE_CODE=$CODE
conf_set "$WORK/lost.conf" spool "$WORK/lost-spool"
tenpo sync --config "$CONF" >/dev/null 2>&1
tenpo sync --config "$WORK/lost.conf" >/dev/null 2>&1
check "both kiosks have it ready" [ "$(state "$WORK/lost.conf" "$TWICE")" = ready ]
tenpo pickup --config "$CONF" --drive "stdio:$OUT/t1.iso" "$TWICE_CODE" >/dev/null 2>&1
tenpo pickup --config "$WORK/lost.conf" --drive "stdio:$OUT/t2.iso" "$TWICE_CODE" >"$WORK/t2" 2>&1
check "the server recorded one delivered report" [ "$(reports_of "$TWICE" delivered)" = 1 ]
LOSTDB="$WORK/lost.db"
check "the second kiosk's report is marked refused, with the server's reason" \
	sh -c "sqlite3 '$LOSTDB' \"SELECT last_error FROM outbox WHERE order_id = '$TWICE' AND kind = 'delivered'\" | grep -q 'refused by the server.*delivered already'"
check "staff see it on the order" \
	sh -c "'$BIN/tenpo' show --config '$WORK/lost.conf' '$TWICE' | grep -q 'refused by the server'"
tenpo sync --config "$WORK/lost.conf" >/dev/null 2>&1
tenpo sync --config "$WORK/lost.conf" >/dev/null 2>&1
check "a refused report is not sent again" \
	[ "$(sqlite3 "$LOSTDB" "SELECT attempts FROM outbox WHERE order_id = '$TWICE' AND kind = 'delivered'")" = 1 ]

# --- ruined blanks: the third stops the order for staff ------------------------
place --shop 1001 --user 11 --title yoake --media data-cd || not_ok "place ruin order"
R=$ORDER R_CODE=$CODE
tenpo sync --config "$CONF" >/dev/null 2>&1
tenpo pickup --config "$CONF" --simulate --drive "stdio:$OUT/r.iso" "$R_CODE" >/dev/null 2>&1
# each write fails mid-way: the file system refuses the image's 4th MiB
bad_write() {
	( trap '' XFSZ; ulimit -f 6000; exec "$BIN/tenpo" write --config "$CONF" \
		--drive "stdio:$OUT/ruin$1.iso" "$R" ) >/dev/null 2>"$WORK/ruin$1.err"
}
bad_write 1
bad_write 2
check "two ruined blanks: the order is still claimed" [ "$(state "$CONF" "$R")" = claimed ]
bad_write 3
check "the third ruined blank stops it: failed" [ "$(state "$CONF" "$R")" = failed ]
check "with the reason for staff" \
	sh -c "'$BIN/tenpo' show --config '$CONF' '$R' | grep -q 'reason: 3 blanks ruined writing this order; stopped for staff'"
check "nothing was reported failed upstream" [ "$(reports_of "$R" failed)" = 0 ]
check "staff retry sends it back to claimed" sh -c "'$BIN/tenpo' retry --config '$CONF' '$R' | grep -q 'claimed'"
bad_write 4
check "after the retry the count starts again" [ "$(state "$CONF" "$R")" = claimed ]
check "and writing it succeeds" \
	sh -c "'$BIN/tenpo' write --config '$CONF' --drive 'stdio:$OUT/r-good.iso' '$R' | grep -q '^WRITTEN'"
check "database consistent" db_consistent "$CONF"
finish
