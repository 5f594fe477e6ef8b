# A spool without room for a new order's manifest is a matter of time, not
# the order's fault: the order waits (announced, with a note staff see), no
# "failed" report goes upstream, and it downloads once a disc written has
# freed the space.  An order bigger than the whole quota still fails.
. "$TENPO_TOP/tests/lib.sh"

setup_world || { not_ok "init"; exit 1; }
start_server "$DIR" || { not_ok "server starts"; exit 1; }
OUT="$WORK/discs"
mkdir -p "$OUT"
conf_set "$CONF" spool_quota_mb 30

place --shop 1001 --user 51 --title yoake --media data-cd || not_ok "place first"
FIRST=$ORDER FIRST_CODE=$CODE
place --shop 1001 --user 52 --title yoake --media data-cd || not_ok "place second"
SECOND=$ORDER
tenpo sync --config "$CONF" >"$WORK/sync1" 2>&1
check "sync with a full spool succeeds" [ $? -eq 0 ]
check "the first order is ready" [ "$(state "$CONF" "$FIRST")" = ready ]
check "the second waits, announced" [ "$(state "$CONF" "$SECOND")" = announced ]
check "sync says it waits for space" grep -q "waiting for spool space" "$WORK/sync1"
check "staff see why" sh -c "'$BIN/tenpo' show --config '$CONF' '$SECOND' | grep -q 'reason: waiting for spool space: order needs'"
check "nothing reported failed upstream" [ "$(reports_of "$SECOND" failed)" = 0 ]
tenpo sync --config "$CONF" >/dev/null 2>&1
check "still waiting on the next pass, not failed" [ "$(state "$CONF" "$SECOND")" = announced ]

tenpo pickup --config "$CONF" --drive "stdio:$OUT/first.iso" "$FIRST_CODE" >/dev/null 2>&1
check "the first order is written and its spool erased" [ ! -e "$DIR/shops/1001/spool/$FIRST" ]
tenpo sync --config "$CONF" >/dev/null 2>&1
check "with the space back, the second downloads" [ "$(state "$CONF" "$SECOND")" = ready ]
check "and was never reported failed" [ "$(reports_of "$SECOND" failed)" = 0 ]
check "database consistent" db_consistent "$CONF"
finish
