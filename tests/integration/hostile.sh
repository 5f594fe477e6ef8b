# Hostile and unlucky input on the fetch side: every case ends in a clear
# one-line error, the order where it was or FAILED with the reason, and a
# consistent database.
. "$TENPO_TOP/tests/lib.sh"

setup_world || { not_ok "init"; exit 1; }
start_server "$DIR" || { not_ok "server starts"; exit 1; }
conf_set "$CONF" retry_base_ms 50
conf_set "$CONF" io_timeout_s 1
SHOP="$DIR/shops/1001"

# --- TLS: who we talk to -------------------------------------------------
setup_other() { # a second, unrelated PKI
	"$BIN/tenpo-delivery" init "$WORK/other" --listen "127.0.0.1:$PORT" >/dev/null 2>&1
}
setup_other
cp "$CONF" "$WORK/unknown-ca.conf"
conf_set "$WORK/unknown-ca.conf" ca "$WORK/other/shops/1001/ca.crt"
for k in cert key manifest_key spool; do
	conf_set "$WORK/unknown-ca.conf" $k "$(conf_get "$CONF" $k)"
done
conf_set "$WORK/unknown-ca.conf" database "$WORK/unknown-ca.db"
tenpo init --config "$WORK/unknown-ca.conf" >/dev/null
check_fails "unknown CA is refused" "not trusted (unknown CA)" tenpo sync --config "$WORK/unknown-ca.conf"

sed 's/^server_name.*/server_name = wrong.example/' "$CONF" >"$SHOP/wrong-name.conf"
conf_set "$SHOP/wrong-name.conf" database wrong-name.db
tenpo init --config "$SHOP/wrong-name.conf" >/dev/null
check_fails "wrong host name is refused" "another host name" tenpo sync --config "$SHOP/wrong-name.conf"

if command -v curl >/dev/null; then
	curl -s --max-time 10 --cacert "$SHOP/ca.crt" "https://localhost:$PORT/v1/orders" \
		-o /dev/null 2>/dev/null
	rc=$?
	check "the server refuses a client without a certificate (curl exit $rc)" [ "$rc" -ne 0 ]
	curl -s --max-time 10 --cacert "$SHOP/ca.crt" --cert "$WORK/other/shops/1001/client.crt" \
		--key "$WORK/other/shops/1001/client.key" "https://localhost:$PORT/v1/orders" \
		-o /dev/null 2>/dev/null
	rc=$?
	check "the server refuses a certificate of another CA (curl exit $rc)" [ "$rc" -ne 0 ]
fi

# an expired server certificate: a world of its own
EXP="$WORK/expired"
EPORT=$(free_port)
"$BIN/tenpo-delivery" init "$EXP" --listen "127.0.0.1:$EPORT" --server-not-after 20200101000000 \
	>/dev/null 2>&1
"$BIN/tenpo-delivery" serve "$EXP" >"$WORK/expired.log" 2>&1 &
EPID=$!
for _ in $(seq 1 100); do grep -q listening "$WORK/expired.log" && break; sleep 0.05; done
check_fails "expired server certificate is refused" "expired" tenpo sync --config "$EXP/shops/1001/tenpo.conf"
kill "$EPID"; wait "$EPID" 2>/dev/null

check "the refused syncs left the database consistent" db_consistent "$CONF"

# --- content: what we are given -----------------------------------------
# expect_failed FAULT MEDIA TEXT: an order with that fault ends FAILED with TEXT
expect_failed() {
	place --shop 1001 --user 1 --title "${4:-yoake}" --media "$2" --fault "$1" || {
		not_ok "$1: order placed"; return; }
	check_fails "$1: sync reports it" "$3" tenpo sync --config "$CONF"
	check "$1: the order is failed" [ "$(state "$CONF" "$ORDER")" = failed ]
	tenpo show --config "$CONF" "$ORDER" >"$WORK/show" 2>&1
	check "$1: the reason is kept for staff" grep -q "reason: .*$3" "$WORK/show"
	check "$1: a failed report reached the server" [ "$(reports_of "$ORDER" failed)" = 1 ]
	check "$1: nothing of it is in the spool" [ -z "$(ls "$SHOP/spool/$ORDER" 2>/dev/null | grep '\.data$')" ]
}
expect_failed bad-signature audio-cd "signature"
expect_failed no-locator data-cd "pickup.locator"
expect_failed bad-hash data-cd "SHA-256 mismatch 3 times"
expect_failed evil-path data-cd "name"
expect_failed abs-path data-cd "name"
expect_failed ctrl-name data-cd "name"
expect_failed oversize data-cd "capacity"
expect_failed bad-json data-cd "manifest"
expect_failed huge-json data-cd "1048576\|1 MiB"

# --- transfers that go wrong but end well --------------------------------
# expect_ready FAULT: the transfer recovers within the pass
expect_ready() {
	place --shop 1001 --user 3 --title yoake --media data-cd --fault "$1" || {
		not_ok "$1: order placed"; return; }
	tenpo sync --config "$CONF" >/dev/null 2>"$WORK/err"
	check "$1: the order still becomes ready" [ "$(state "$CONF" "$ORDER")" = ready ]
	check "$1: and its files are intact" spool_matches "$ORDER"
}
expect_ready flaky-hash
expect_ready truncate
expect_ready truncate,no-range
expect_ready stall

# --- a list too large to be honest ----------------------------------------
place --shop 1002 --user 4 --title yoake --media data-cd --fault huge-list
check_fails "an oversized order list is refused" "limit" tenpo sync --config "$CONF2"
"$BIN/tenpo-delivery" cancel "$DIR" "$ORDER" >/dev/null

# a manifest larger than the spool quota (shop 1002 has no other open order)
cp "$CONF2" "$DIR/shops/1002/small.conf"
conf_set "$DIR/shops/1002/small.conf" spool_quota_mb 1
conf_set "$DIR/shops/1002/small.conf" database small.db
tenpo init --config "$DIR/shops/1002/small.conf" >/dev/null
place --shop 1002 --user 2 --title yoake --media data-cd
check_fails "quota: an order larger than the spool quota is refused" "quota" \
	tenpo sync --config "$DIR/shops/1002/small.conf"
check "quota: the order is failed" [ "$(state "$DIR/shops/1002/small.conf" "$ORDER")" = failed ]
"$BIN/tenpo-delivery" cancel "$DIR" "$ORDER" >/dev/null

# --- a full disk during download --------------------------------------------
if [ "$(id -u)" = 0 ] && mkdir -p "$WORK/tmpfs" && mount -t tmpfs -o size=40m tmpfs "$WORK/tmpfs" 2>/dev/null; then
	trap 'stop_server; umount "$WORK/tmpfs" 2>/dev/null' EXIT
	cp "$CONF2" "$WORK/full.conf"
	conf_set "$WORK/full.conf" spool "$WORK/tmpfs/spool"
	for k in ca cert key manifest_key watermark_key; do
		conf_set "$WORK/full.conf" $k "$(conf_get "$CONF2" $k)"
	done
	conf_set "$WORK/full.conf" database "$WORK/full.db"
	tenpo init --config "$WORK/full.conf" >/dev/null
	stop_server
	start_server "$DIR" --throttle 4000000 || not_ok "throttled server starts"
	place --shop 1002 --user 5 --title yoake --media data-cd && F=$ORDER
	# fill the disk once the download has begun
	( for _ in $(seq 1 600); do
		[ -n "$(find "$WORK/tmpfs/spool" -name '*.part' -size +1k 2>/dev/null)" ] && break
		sleep 0.05
	  done
	  dd if=/dev/zero of="$WORK/tmpfs/filler" bs=1M 2>/dev/null ) &
	FILLER=$!
	check_fails "full disk: sync says so" "spool disk full" tenpo sync --config "$WORK/full.conf"
	wait "$FILLER"
	check "full disk: the order stays downloading" [ "$(state "$WORK/full.conf" "$F")" = downloading ]
	check "full disk: database consistent" db_consistent "$WORK/full.conf"
	rm -f "$WORK/tmpfs/filler"
	tenpo sync --config "$WORK/full.conf" >/dev/null 2>&1
	check "full disk: once space is back, the download resumes and completes" \
		[ "$(state "$WORK/full.conf" "$F")" = ready ]
	umount "$WORK/tmpfs"
else
	ok "# SKIP full disk needs root and tmpfs"
fi

check "database consistent after every hostile case" db_consistent "$CONF"
finish
