# The kiosk after a restart: no customer session survives it, so every
# order a session had claimed is on the shelf again before any thread runs,
# whatever its timestamps say (it relied on "nobody types a code within a
# second of start" and left 2 of 21 recovered orders claimed).
. "$TENPO_TOP/tests/lib.sh"

setup_world || { not_ok "init"; exit 1; }
start_server "$DIR" || { not_ok "server starts"; exit 1; }
conf_set "$CONF" drive "stdio:out/disc.iso"
DB=$(conf_get "$CONF" database)

place --shop 1001 --user 31 --title film --media data-cd || not_ok "place"
tenpo sync --config "$CONF" >/dev/null 2>&1
check "order ready" [ "$(state "$CONF" "$ORDER")" = ready ]
# claimed by the session of a kiosk that died, with a timestamp at or after
# the next start (a clock stepped back, or a claim in the start second)
sqlite3 "$DB" "INSERT INTO transitions (order_id, from_state, to_state, reason, at)
	VALUES ('$ORDER', 'ready', 'claimed', '', strftime('%s'));
	UPDATE orders SET state = 'claimed', updated_at = strftime('%s') + 3600 WHERE id = '$ORDER';"
check "order left claimed" [ "$(state "$CONF" "$ORDER")" = claimed ]
printf 'wait attract 60\nquit\n' >"$WORK/idle.script"
"$BIN/tenpo" run --config "$CONF" --display offscreen --script "$WORK/idle.script" -v \
	2>"$WORK/run.log"
check "the kiosk ran" [ $? -eq 0 ]
check "after the restart the order is ready again" [ "$(state "$CONF" "$ORDER")" = ready ]
check "the log says why" grep -q "claimed by a session that ended" "$WORK/run.log"
check "database consistent" db_consistent "$CONF"
finish
