# The close of day's report upstream (PROTOCOL.md, "Close of day"): a kiosk
# with delivered orders closes the day; the server records the report once,
# with its own sums of the shop's delivered reports, which must equal the
# kiosk's; a repeat (a lost acknowledgement) is answered as a duplicate and
# recorded once; another body under the same report_id is refused (409) and
# shown to staff, not retried; a close while the server is down waits and
# is sent when it is back; the staff menu's close is sent by the running
# kiosk; and the server refuses hostile reports.
#
#   TENPO_BUILD=$PWD/build/san TENPO_TOP=$PWD sh tests/integration/day_report.sh
. "$TENPO_TOP/tests/lib.sh"

setup_world || { not_ok "init"; exit 1; }
start_server "$DIR" || { not_ok "server starts"; exit 1; }
OUT="$WORK/discs"
mkdir -p "$OUT"
KDB=$(conf_get "$CONF" database)
SDB="$DIR/server/server.db"
srv() { sqlite3 -cmd '.timeout 5000' "$SDB" "$1"; }
kiosk() { sqlite3 -cmd '.timeout 5000' "$KDB" "$1"; }
# posts N: waits until the server has logged N day-report POSTs (it logs a
# POST after answering it)
posts() {
	for _ in $(seq 1 100); do
		[ "$(srv "SELECT count(*) FROM day_report_posts")" -ge "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# --- a day with two discs delivered ------------------------------------------
place --shop 1001 --user 41 --title film --media data-cd || not_ok "place 1"
A=$ORDER A_CODE=$CODE
place --shop 1001 --user 42 --title film --media data-cd || not_ok "place 2"
B=$ORDER B_CODE=$CODE
place --shop 1001 --user 43 --title film --media data-cd || not_ok "place 3"
C=$ORDER # fetched, never picked up: not in the day
tenpo sync --config "$CONF" >"$WORK/sync0" 2>&1
tenpo pickup --config "$CONF" --drive "stdio:$OUT/a.iso" "$A_CODE" >"$WORK/pickA" 2>&1
tenpo pickup --config "$CONF" --drive "stdio:$OUT/b.iso" "$B_CODE" >"$WORK/pickB" 2>&1
check "two orders delivered and reported" \
	[ "$(reports_of "$A" delivered)$(reports_of "$B" delivered)" = 11 ]
check "the third is ready, not written" [ "$(state "$CONF" "$C")" = ready ]

# --- close of day: one report, whose totals are the server's own ------------
tenpo close-day --config "$CONF" Sato >"$WORK/close1" 2>&1
check "close-day exits 0" [ $? -eq 0 ]
check "close-day says it was closed and sent" \
	sh -c "grep -q '^CLOSED day-1001-[0-9]\{8\}-1 .*: 2 discs' '$WORK/close1' &&
		grep -q '^REPORTED day-1001-' '$WORK/close1'"
RID=$(kiosk "SELECT report_id FROM day_reports")
check "the kiosk's report is acknowledged" [ "$(kiosk "SELECT acked_at IS NOT NULL FROM day_reports")" = 1 ]
check "the staff log's day-close row names the report" \
	[ "$(kiosk "SELECT count(*) FROM staff_log l JOIN day_reports d ON d.staff_log_id = l.id
		WHERE l.action = 'day-close' AND l.result LIKE '%$RID'")" = 1 ]
check "the server has exactly one day report" [ "$(srv "SELECT count(*) FROM day_reports")" = 1 ]
OWN=$(srv "SELECT count(*) || ' ' || sum(json_extract(body, '\$.fee.amount')) FROM reports
	WHERE kind = 'delivered'")
check "its discs and fees are the sum of the server's delivered reports ($OWN)" \
	[ "$(srv "SELECT discs || ' ' || fees FROM day_reports")" = "$OWN" ]
check "the server's own sums are recorded and agree" \
	[ "$(srv "SELECT server_discs || ' ' || server_fees || ' ' || orders_match || agree
		FROM day_reports")" = "$OWN 11" ]
check "the report lists the two orders written" \
	[ "$(srv "SELECT group_concat(value, ' ') FROM (SELECT j.value FROM day_reports,
		json_each(body, '\$.orders') j ORDER BY j.value)")" = "$(printf '%s\n%s\n' "$A" "$B" | sort | tr '\n' ' ' | sed 's/ $//')" ]
check "who closed it" [ "$(srv "SELECT staff FROM day_reports")" = Sato ]

# --- a second flush sends nothing; a lost acknowledgement is sent again ------
tenpo sync --config "$CONF" >"$WORK/sync1" 2>&1
check "a second sync posts nothing more" \
	[ "$(kiosk "SELECT attempts FROM day_reports")$(srv "SELECT count(*) FROM day_report_posts")" = 01 ]
kiosk "UPDATE day_reports SET acked_at = NULL"
tenpo sync --config "$CONF" >"$WORK/sync2" 2>&1
posts 2
check "after a lost acknowledgement the report is sent again" \
	[ "$(srv "SELECT count(*) || ' ' || group_concat(status) FROM day_report_posts")" = "2 200,200" ]
check "and is still one row at the server" [ "$(srv "SELECT count(*) FROM day_reports")" = 1 ]
check "and acknowledged again at the kiosk" \
	[ "$(kiosk "SELECT count(*) FROM day_reports WHERE acked_at IS NOT NULL")" = 1 ]

# --- another body under the same report_id: 409, for staff, not retried ------
kiosk "UPDATE day_reports SET fees_owed = fees_owed + 1, acked_at = NULL"
tenpo sync --config "$CONF" >"$WORK/sync3" 2>&1
posts 3
check "the server answered 409" [ "$(srv "SELECT status FROM day_report_posts ORDER BY id DESC LIMIT 1")" = 409 ]
check "the server's row is unchanged" [ "$(srv "SELECT fees FROM day_reports")" = "${OWN#* }" ]
check "staff are told in the staff log" \
	[ "$(kiosk "SELECT count(*) FROM staff_log WHERE action = 'day-report' AND result LIKE '%409%'")" = 1 ]
tenpo sync --config "$CONF" >"$WORK/sync4" 2>&1
check "a refused report is not sent again" \
	[ "$(kiosk "SELECT attempts FROM day_reports")$(srv "SELECT count(*) FROM day_report_posts")" = 13 ]

# --- the server is down at the close: the report waits, then goes ------------
stop_server
tenpo close-day --config "$CONF" Ito >"$WORK/close2" 2>&1
check "close-day with the server down still closes (exit 0)" [ $? -eq 0 ]
check "and says the report is queued" grep -q '^REPORT queued' "$WORK/close2"
check "the report waits in the kiosk's outbox with the reason" \
	[ "$(kiosk "SELECT seq || ' ' || (acked_at IS NULL) || ' ' || attempts || ' ' || (last_error <> '')
		FROM day_reports WHERE staff = 'Ito'")" = "2 1 1 1" ]
start_server "$DIR" || not_ok "server starts again"
tenpo sync --config "$CONF" >"$WORK/sync5" 2>&1
check "sent when the server is back" \
	[ "$(kiosk "SELECT acked_at IS NOT NULL FROM day_reports WHERE staff = 'Ito'")" = 1 ]
check "the server has the second close, agreeing" \
	[ "$(srv "SELECT count(*) || ' ' || min(agree) FROM day_reports")" = "2 1" ]
check "the kiosk's database is consistent" db_consistent "$CONF"

# --- the staff menu closes the day: the running kiosk sends it at once ------
tenpo staff-pin --config "$CONF" 2468 >>"$CONF"
staff_signin 2468 >"$WORK/close.script"
cat >>"$WORK/close.script" <<EOF
tap staff-open staff-day
wait staff-day 120
wait-enabled staff-day-close
tap staff-day-close
pause 6000
quit
EOF
"$BIN/tenpo" run --config "$CONF" --display offscreen --script "$WORK/close.script" -v \
	2>"$WORK/run.log"
check "the kiosk ran the staff's close" [ $? -eq 0 ]
check "its report was sent by the kiosk's fetch worker and acknowledged" \
	[ "$(kiosk "SELECT seq || ' ' || staff || ' ' || (acked_at IS NOT NULL) FROM day_reports
		ORDER BY seq DESC LIMIT 1")" = "3 staff 1" ]
check "the server has it, agreeing" \
	[ "$(srv "SELECT count(*) || ' ' || min(agree) FROM day_reports")" = "3 1" ]

# --- hostile reports ---------------------------------------------------------
place --shop 1002 --user 44 --title film --media data-cd || not_ok "place for 1002"
OTHER=$ORDER
srv "SELECT body FROM day_reports WHERE staff = 'Ito'" >"$WORK/good.json"
# day_post SHOP PATH_SHOP FILE: the HTTP status of that body POSTed with
# SHOP's certificate to PATH_SHOP's day reports
day_post() {
	s="$DIR/shops/$1"
	curl -sS --max-time 20 --cacert "$s/ca.crt" --cert "$s/client.crt" --key "$s/client.key" \
		-o "$WORK/answer" -w '%{http_code}' -H 'Content-Type: application/json' \
		--data-binary "@$3" "https://localhost:$PORT/v1/shops/$2/day-reports"
}
# mutate PYTHON: good.json with one change (j is the report), to bad.json
mutate() {
	python3 -c "import json,sys; j=json.load(open(sys.argv[1])); $1
open(sys.argv[2], 'w').write(json.dumps(j))" "$WORK/good.json" "$WORK/bad.json"
}
# refused STATUS WORD PYTHON: the mutated report gets STATUS, its answer says WORD
refused() {
	mutate "$3" && [ "$(day_post 1001 1001 "$WORK/bad.json")" = "$1" ] &&
		grep -q -- "$2" "$WORK/answer"
}
ROWS=$(srv "SELECT count(*) FROM day_reports")
check "another shop's path with shop 1001's certificate: 403" \
	[ "$(day_post 1001 1002 "$WORK/good.json")" = 403 ]
check "an unknown shop in the path: 403" [ "$(day_post 1001 999999 "$WORK/good.json")" = 403 ]
check "a shop ID with a leading zero: 400" [ "$(day_post 1001 01001 "$WORK/good.json")" = 400 ]
check "the same report from shop 1002 for shop 1002: refused (another shop's ID)" \
	[ "$(day_post 1002 1002 "$WORK/good.json")" = 400 ]
check "a count as a string: 400, named" refused 400 discs_written "j['discs_written'] = '2'"
check "a negative amount: 400, named" refused 400 register.amount "j['register']['amount'] = -1"
check "a fractional fee: 400" refused 400 fees_owed.amount "j['fees_owed']['amount'] = 1.5"
check "another shop's order in the list: 400" refused 400 "no order $OTHER" \
	"j['orders'][0] = '$OTHER'; j['report_id'] = j['report_id'][:-1] + '7'"
check "an order twice: 400" refused 400 twice "j['orders'] = [j['orders'][0]] * 2"
check "order_count not the list's length: 400" refused 400 order_count "j['order_count'] = 5"
check "a report_id of another day: 400" refused 400 report_id "j['report_id'] = 'day-1001-20000101-1'"
check "a day that is no date: 400" refused 400 "not a date" "j['day'] = '2026-02-30'"
check "closed outside its day: 400" refused 400 closed_at "j['closed_at'] = j['to']"
check "no staff: 400" refused 400 staff "j['staff'] = ''"
check "a control character in staff: 400" refused 400 staff "j['staff'] = 'a\\nb'"
check "another shop in the body: 400" refused 400 shop "j['shop'] = 1002"
check "not an object: 400" refused 400 "not a JSON object" "j = [j]"
printf '{"report_id": ' >"$WORK/bad.json"
check "broken JSON: 400" [ "$(day_post 1001 1001 "$WORK/bad.json")" = 400 ]
head -c 70000 /dev/zero | tr '\0' ' ' >"$WORK/bad.json"
check "an oversized body: 413" [ "$(day_post 1001 1001 "$WORK/bad.json")" = 413 ]
check "none of them was recorded" [ "$(srv "SELECT count(*) FROM day_reports")" = "$ROWS" ]
# a well-formed close whose totals are not what the server delivered
mutate "j['report_id'] = j['report_id'][:-1] + '9'; j['fees_owed']['amount'] *= 2"
check "a report that disagrees with the server's records is recorded" \
	[ "$(day_post 1001 1001 "$WORK/bad.json")" = 200 ]
check "marked as disagreeing, with the server's own fees beside it" \
	[ "$(srv "SELECT agree || ' ' || (fees = 2 * server_fees) FROM day_reports
		WHERE report_id LIKE '%-9'")" = "0 1" ]
finish
