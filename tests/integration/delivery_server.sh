#!/bin/sh
# The reference delivery server (tests/delivery-server/), end to end, judged
# by tools we did not write: curl (OpenSSL) speaks the protocol, openssl
# checks the certificates and the manifest signature, sha256sum the files,
# file/od/python3 the synthesised media.
#
#   TENPO_BUILD=$PWD/build/san TENPO_TOP=$PWD sh tests/integration/delivery_server.sh
. "${TENPO_TOP:?}/tests/lib.sh"

DS="$BIN/tenpo-delivery"
D="$WORK/dir"
PORT=$(free_port)
URL="https://localhost:$PORT"

# ---- helpers (check runs them in this shell) ----

fails() { ! "$@"; }

quiet() { "$@" 2>/dev/null; }

silent() { "$@" >/dev/null 2>&1; }

# matches TEXT BASIC-REGEX: expr's anchored match, without its output
matches() { expr "$1" : "$2" >/dev/null; }

# has PATTERN command...: the command succeeds and its output matches
has() {
	h_pat=$1
	shift
	"$@" >"$WORK/has.out" 2>/dev/null && grep -q -- "$h_pat" "$WORK/has.out"
}

# shop_curl SHOP curl-args...: curl with that shop's certificate
shop_curl() {
	s="$D/shops/$1"
	shift
	curl -sS --max-time 20 --cacert "$s/ca.crt" --cert "$s/client.crt" --key "$s/client.key" "$@"
}

# status SHOP curl-args...: prints only the HTTP status
status() {
	st_shop=$1
	shift
	shop_curl "$st_shop" -o /dev/null -w '%{http_code}' "$@"
}

# field JSON-FILE EXPRESSION: a Python expression over the document `m`
field() {
	python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# fetch_manifest ORDER PREFIX: PREFIX.json, PREFIX.sig (DER), PREFIX.head (shop 1001)
fetch_manifest() {
	shop_curl 1001 -D "$2.head" -o "$2.json" "$URL/v1/orders/$1/manifest" &&
		sed -n 's/^Tenpo-Signature: \([A-Za-z0-9+/=]*\)\r*$/\1/p' "$2.head" | base64 -d >"$2.sig"
}

verifies() { # PREFIX
	openssl dgst -sha256 -verify "$D/shops/1001/manifest.pub" -signature "$1.sig" "$1.json" \
		>/dev/null 2>&1
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

size() { stat -c %s "$1"; }

order() { # prints the order id; the whole line is left in $WORK/order.out
	"$DS" order "$D" "$@" >"$WORK/order.out" && cut -d' ' -f2 "$WORK/order.out"
}

post() { # SHOP ORDER BODY: prints the HTTP status
	status "$1" -X POST -H 'Content-Type: application/json' --data "$3" \
		"$URL/v1/orders/$2/reports"
}

# ---- init ----

check "init makes a delivery folder" "$DS" init "$D" --listen "127.0.0.1:$PORT"
check_fails "init refuses a folder that is not empty" "not empty" "$DS" init "$D"
check_fails "init refuses a bad --listen" "HOST:PORT" "$DS" init "$WORK/other" --listen nope
missing=""
for f in server/ca.crt server/ca.key server/server.crt server/server.key server/manifest.key \
	server/manifest.pub server/server.db shops/1001/ca.crt shops/1001/client.crt \
	shops/1001/client.key shops/1001/manifest.pub shops/1001/tenpo.conf shops/1002/client.crt \
	shops/1002/client.key shops/1002/tenpo.conf; do
	[ -s "$D/$f" ] || missing="$missing $f"
done
check "init writes every key, certificate and kiosk config$missing" [ -z "$missing" ]
check "private keys are readable by their owner only" [ "$(stat -c %a "$D/server/server.key" \
	"$D/server/manifest.key" "$D/server/ca.key" "$D/shops/1001/client.key" | sort -u)" = 600 ]
check "openssl verifies the server and shop certificates against the CA" \
	silent openssl verify -CAfile "$D/server/ca.crt" "$D/server/server.crt" "$D/shops/1001/client.crt" \
	"$D/shops/1002/client.crt"
check "server certificate: subjectAltName DNS:localhost" \
	has 'DNS:localhost' openssl x509 -in "$D/server/server.crt" -noout -ext subjectAltName
check "server certificate: for TLS servers" \
	has 'TLS Web Server Authentication' openssl x509 -in "$D/server/server.crt" -noout -text
check "server certificate: P-256 key, ECDSA-SHA256 signature" sh -c "
	openssl x509 -in '$D/server/server.crt' -noout -text | grep -q prime256v1 &&
	openssl x509 -in '$D/server/server.crt' -noout -text | grep -q ecdsa-with-SHA256"
check "shop certificate: CN = shop-1001" \
	has 'CN = shop-1001' openssl x509 -in "$D/shops/1001/client.crt" -noout -subject
check "shop certificate: for TLS clients" \
	has 'TLS Web Client Authentication' openssl x509 -in "$D/shops/1001/client.crt" -noout -text
check "the CA certificate is a CA" has 'CA:TRUE' openssl x509 -in "$D/server/ca.crt" -noout -text
check "kiosk config: server, shop id, relative key paths" sh -c "
	grep -q '^server *= *127.0.0.1:$PORT\$' '$D/shops/1001/tenpo.conf' &&
	grep -q '^shop_id *= *1001\$' '$D/shops/1001/tenpo.conf' &&
	grep -q '^manifest_key *= *manifest.pub\$' '$D/shops/1001/tenpo.conf'"
"$DS" init "$WORK/expired" --listen "127.0.0.1:$PORT" --server-not-after 20200101000000 \
	>/dev/null 2>&1
check "--server-not-after 20200101000000: an expired server certificate" \
	has 'Jan  1 00:00:00 2020 GMT' openssl x509 -in "$WORK/expired/server/server.crt" -noout -enddate
check "openssl refuses that certificate" fails silent openssl verify -CAfile "$WORK/expired/server/ca.crt" \
	"$WORK/expired/server/server.crt"
rm -rf "$WORK/expired"

# ---- the synthesised catalog ----

wavs_ok=1
for w in "$D"/catalog/yoake/0[1-4].wav; do
	hdr=$(od -A n -t x1 -N 40 "$w" | tr -d ' \n')
	case $hdr in
	52494646????????57415645666d7420100000000100020044ac000010b102000400100064617461) ;;
	*) wavs_ok=0 ;;
	esac
	data=$(od -A n -t u4 -j 40 -N 4 "$w" | tr -d ' ')
	riff=$(od -A n -t u4 -j 4 -N 4 "$w" | tr -d ' ')
	[ "$riff" -eq $(($(size "$w") - 8)) ] && [ "$data" -eq $(($(size "$w") - 44)) ] || wavs_ok=0
	# 20..30 s of 44.1 kHz 16-bit stereo: 176400 bytes a second
	[ "$data" -ge $((20 * 176400)) ] && [ "$data" -le $((30 * 176400)) ] || wavs_ok=0
done
check "4 tracks: RIFF/WAVE PCM, 2 ch, 44100 Hz, 16 bit, 20-30 s, sizes consistent (od)" \
	[ "$wavs_ok" = 1 ]
check "the tracks are loud, unclipped, stereo and varied" python3 -c '
import struct, sys, glob
for p in sorted(glob.glob(sys.argv[1] + "/catalog/yoake/*.wav")):
    raw = open(p, "rb").read()[44:]
    s = struct.unpack("<%dh" % (len(raw) // 2), raw)
    l, r = s[0::2], s[1::2]
    peak = max(max(l), -min(l), max(r), -min(r))
    rms = (sum(x * x for x in l[::7]) / len(l[::7])) ** 0.5
    differ = sum(1 for a, b in zip(l[::101], r[::101]) if a != b) / len(l[::101])
    assert 25000 < peak < 32767, (p, peak)
    assert rms > 1000, (p, rms)
    assert differ > 0.5, (p, differ)
    assert len(set(l[::13])) > 5000, p
' "$D"
avi="$D/catalog/film/film.avi"
if command -v file >/dev/null 2>&1; then
	check "the film is an AVI of 320 x 240 at 15 fps (file)" has 'AVI, 320 x 240, ~15 fps' file -b "$avi"
else
	ok "# SKIP file(1) is not installed"
fi
check "the film has RIFF/AVI, hdrl/avih, movi and an idx1 index (od)" sh -c "
	[ \"\$(od -A n -c -N 4 '$avi' | tr -d ' ')\" = RIFF ] &&
	[ \"\$(od -A n -c -j 8 -N 4 '$avi' | tr -d ' ')\" = AVI ] &&
	[ \"\$(od -A n -c -j 20 -N 8 '$avi' | tr -d ' ')\" = hdrlavih ] &&
	grep -q movi '$avi' && [ \"\$(tail -c \$((8 + 60 * 16)) '$avi' | head -c 4)\" = idx1 ]"

# ---- orders ----

A=$(order --shop 1001 --user 12345678 --title yoake --media audio-cd)
check "order prints ORDER <10 of A-Z0-9> CODE <12 digits>" \
	matches "$(cat "$WORK/order.out")" 'ORDER [A-Z0-9]\{10\} CODE [0-9]\{12\}$'
V=$(order --shop 1001 --user 12345678 --title "Tenpo Demo Film" --media data-dvd)
check "a data-dvd order of the film, by title" \
	matches "$(cat "$WORK/order.out")" "ORDER $V CODE [0-9]\{12\}\$"
check_fails "audio-cd is refused for a video" "only for music" \
	"$DS" order "$D" --shop 1001 --user 1 --title film --media audio-cd
check_fails "an unknown shop is refused" "no shop 4242" \
	"$DS" order "$D" --shop 4242 --user 1 --title film --media data-cd
check_fails "an unknown fault is refused" "unknown fault" \
	"$DS" order "$D" --shop 1001 --user 1 --title film --media data-cd --fault nope
check "orders shows the audio-cd order as open" \
	has "^ORDER $A 1001 12345678 open 夜明けの歌\$" "$DS" orders "$D"
check "orders shows the data-dvd order as open" \
	has "^ORDER $V 1001 12345678 open Tenpo Demo Film\$" "$DS" orders "$D"

# ---- serving ----

if ! start_server "$D"; then
	not_ok "the server starts (log: $(tail -3 "$WORK/server.log" | tr '\n' '|'))"
	finish
	exit 1
fi
ok "the server says it is listening"

check "health names delivery server 7" has '"delivery_server":7' shop_curl 1001 "$URL/v1/health"
shop_curl 1001 "$URL/v1/orders" >"$WORK/list1001.json"
check "/v1/orders lists both orders, open, for shop 1001" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["shop"] == 1001
assert sorted(o["id"] for o in d["orders"]) == sorted(sys.argv[2:]), d
assert all(o["state"] == "open" for o in d["orders"]), d
' "$WORK/list1001.json" "$A" "$V"
check "/v1/orders lists none for shop 1002" \
	[ "$(shop_curl 1002 "$URL/v1/orders")" = '{"shop":1002,"orders":[]}' ]

fetch_manifest "$A" "$WORK/ma"
check "openssl verifies the manifest's Tenpo-Signature" verifies "$WORK/ma"
check "the manifest carries the order, the four IDs and 4 tracks" python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
assert m["order_id"] == sys.argv[2] and m["media"] == "audio-cd"
assert m["ids"] == {"user": 12345678, "shop": 1001, "delivery_server": 7, "content_server": 42}
assert m["title"] == "夜明けの歌" and len(m["files"]) == 4
assert [f["track"]["number"] for f in m["files"]] == [1, 2, 3, 4]
assert m["files"][0]["name"] == "01 夜明け.wav"
' "$WORK/ma.json" "$A"
shop_curl 1001 -o "$WORK/a0" "$URL/v1/orders/$A/files/0"
check "a track's sha256sum equals the manifest's" \
	[ "$(sha "$WORK/a0")" = "$(field "$WORK/ma.json" 'm["files"][0]["sha256"]')" ]
shop_curl 1001 -o "$WORK/a3" "$URL/v1/orders/$A/files/3"
check "so does the last track's" \
	[ "$(sha "$WORK/a3")" = "$(field "$WORK/ma.json" 'm["files"][3]["sha256"]')" ]
fetch_manifest "$V" "$WORK/mv"
shop_curl 1001 -o "$WORK/v0" "$URL/v1/orders/$V/files/0"
check "the film's manifest verifies" verifies "$WORK/mv"
check "the film's sha256sum equals its manifest's" \
	[ "$(sha "$WORK/v0")" = "$(field "$WORK/mv.json" 'm["files"][0]["sha256"]')" ]

size0=$(size "$WORK/a0")
shop_curl 1001 -D "$WORK/range.head" -H 'Range: bytes=1000-' -o "$WORK/a0.tail" \
	"$URL/v1/orders/$A/files/0"
check "Range: bytes=1000- answers 206" has ' 206 ' head -1 "$WORK/range.head"
check "with Content-Range: bytes 1000-$((size0 - 1))/$size0" \
	has "^Content-Range: bytes 1000-$((size0 - 1))/$size0" cat "$WORK/range.head"
check "and the right bytes" sh -c "tail -c +1001 '$WORK/a0' | cmp -s - '$WORK/a0.tail'"
shop_curl 1001 -H 'Range: bytes=100-199' -o "$WORK/a0.mid" "$URL/v1/orders/$A/files/0"
check "Range: bytes=100-199 gives exactly those 100 bytes" \
	sh -c "tail -c +101 '$WORK/a0' | head -c 100 | cmp -s - '$WORK/a0.mid'"
check "a range past the end answers 416" \
	[ "$(status 1001 -H "Range: bytes=$size0-" "$URL/v1/orders/$A/files/0")" = 416 ]

check "curl without a client certificate fails the handshake" \
	fails quiet curl -sS --max-time 10 --cacert "$D/shops/1001/ca.crt" -o /dev/null "$URL/v1/health"
check "shop 1002 gets 404 for shop 1001's manifest" \
	[ "$(status 1002 "$URL/v1/orders/$A/manifest")" = 404 ]
check "shop 1002 gets 404 for shop 1001's file" \
	[ "$(status 1002 "$URL/v1/orders/$A/files/0")" = 404 ]
check "an unknown order: 404" [ "$(status 1001 "$URL/v1/orders/ZZZZZZZZZZ/manifest")" = 404 ]
check "a bad order id: 400" [ "$(status 1001 "$URL/v1/orders/..%2F..%2Fetc/manifest")" = 400 ]
check "a file index with a leading zero: 400" [ "$(status 1001 "$URL/v1/orders/$A/files/01")" = 400 ]
check "a file index past the end: 404" [ "$(status 1001 "$URL/v1/orders/$A/files/4")" = 404 ]
check "a wrong method: 405" [ "$(status 1001 -X POST "$URL/v1/orders")" = 405 ]
check "an unknown path: 404" [ "$(status 1001 "$URL/v1/nothing")" = 404 ]
printf 'NOT HTTP AT ALL\r\n\r\n' | timeout 10 openssl s_client -quiet \
	-cert "$D/shops/1001/client.crt" -key "$D/shops/1001/client.key" \
	-CAfile "$D/shops/1001/ca.crt" -connect "127.0.0.1:$PORT" >"$WORK/garbage.out" 2>/dev/null
check "garbage gets 400 and a JSON error" sh -c "
	head -1 '$WORK/garbage.out' | grep -q '^HTTP/1.1 400' && grep -q '{\"error\":' '$WORK/garbage.out'"
check "and the server lives on" has '"delivery_server":7' shop_curl 1001 "$URL/v1/health"

# ---- reports ----

RID=6f1c2a3b-1111-4222-8333-444455556666
R="{\"report_id\":\"$RID\",\"kind\":\"received\",\"at\":1795000123,\"bytes\":18865568}"
shop_curl 1001 -X POST --data "$R" "$URL/v1/orders/$A/reports" >"$WORK/rep1"
shop_curl 1001 -X POST --data "$R" "$URL/v1/orders/$A/reports" >"$WORK/rep2"
check "a report is acknowledged" has '"duplicate":false' cat "$WORK/rep1"
check "its repeat is acknowledged as a duplicate" has '"duplicate":true' cat "$WORK/rep2"
"$DS" reports "$D" >"$WORK/reports.out"
check "the report POSTed twice is recorded once, with posts=2" sh -c "
	[ \$(grep -c '$RID' '$WORK/reports.out') = 1 ] &&
	grep -q '^REPORT $A received $RID posts=2\$' '$WORK/reports.out'"
check "a malformed report: 400" \
	[ "$(post 1001 "$A" '{"report_id":"x","kind":"delivered","at":1}')" = 400 ]
check "a report for another shop's order: 404" [ "$(post 1002 "$A" "$R")" = 404 ]
DELIVERED='{"report_id":"d-1","kind":"delivered","at":1795000200,"media":"data-dvd","started_at":1795000100,"finished_at":1795000190,"verified":true,"erased":true,"fee":{"amount":0,"currency":"JPY"}}'
check "a delivered report is accepted" [ "$(post 1001 "$V" "$DELIVERED")" = 200 ]
check "a delivered order is no longer listed" fails has "$V" shop_curl 1001 "$URL/v1/orders"
check "and shows as delivered" has "^ORDER $V 1001 12345678 delivered " "$DS" orders "$D"

# a delivered report says how it was paid; the server checks it against the order
P=$(order --shop 1001 --user 7 --title yoake --media data-cd --unpaid)
PRICE=$(python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT price FROM orders WHERE id = ?", (sys.argv[2],)).fetchone()[0])' "$D/server/server.db" "$P")
AMT=$(printf '%06d' "$PRICE")
paid() { # REPORT_ID PAYMENT_JSON: a delivered report for order P
	printf '{"report_id":"%s","kind":"delivered","at":1795000200,"media":"data-cd","started_at":1795000100,"finished_at":1795000190,"verified":true,"erased":true,"fee":{"amount":%s,"currency":"JPY"},"payment":%s}' \
		"$1" "$PRICE" "$2"
}
SLIP="TP2612021505$AMT$P"
GOOD="{\"method\":\"register\",\"confirmed\":true,\"slip\":\"$SLIP\",\"amount\":$PRICE,\"currency\":\"JPY\",\"confirmed_at\":1795000150,\"confirmed_by\":\"Sato\"}"
check "payment: prepaid for an order not prepaid: 400" \
	[ "$(post 1001 "$P" "$(paid p-1 '{"method":"prepaid"}')")" = 400 ]
check "payment: an unknown method: 400" \
	[ "$(post 1001 "$P" "$(paid p-2 '{"method":"cash"}')")" = 400 ]
check "payment: not an object: 400" [ "$(post 1001 "$P" "$(paid p-3 '"register"')")" = 400 ]
check "payment: confirmed without its slip: 400" \
	[ "$(post 1001 "$P" "$(paid p-4 '{"method":"register","confirmed":true}')")" = 400 ]
check "payment: a slip for another order: 400" \
	[ "$(post 1001 "$P" "$(paid p-5 "$(echo "$GOOD" | sed "s/$SLIP/TP2612021505${AMT}OTHER1/")")")" = 400 ]
check "payment: an amount that is not the price: 400" \
	[ "$(post 1001 "$P" "$(paid p-6 "$(echo "$GOOD" | sed "s/\"amount\":$PRICE/\"amount\":1/")")")" = 400 ]
check "payment: a name of 33 bytes: 400" \
	[ "$(post 1001 "$P" "$(paid p-7 "$(echo "$GOOD" | sed 's/Sato/SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS/')")")" = 400 ]
check "payment: the refusal names the field" has 'payment.method' \
	shop_curl 1001 -X POST --data "$(paid p-8 '{"method":"prepaid"}')" "$URL/v1/orders/$P/reports"
check "payment: a confirmed payment at the register is accepted" \
	[ "$(post 1001 "$P" "$(paid p-9 "$GOOD")")" = 200 ]
check "payment: and recorded, slip, amount and who" has "^$P|p-9|1|$SLIP|$PRICE|JPY|1795000150|Sato\$" \
	python3 -c 'import sqlite3, sys
for r in sqlite3.connect(sys.argv[1]).execute("SELECT * FROM register_payments"): print("|".join(map(str, r)))' "$D/server/server.db"
"$DS" cancel "$D" "$A"
check "a cancelled order is listed as cancelled" \
	has "{\"id\":\"$A\",\"state\":\"cancelled\"}" shop_curl 1001 "$URL/v1/orders"
check_fails "a delivered order cannot be cancelled" "already delivered" "$DS" cancel "$D" "$V"

# ---- faults ----

F=$(order --shop 1001 --user 7 --title yoake --media data-cd --fault flaky-hash)
fetch_manifest "$F" "$WORK/mf"
for i in 1 2 3; do shop_curl 1001 -o "$WORK/f0.$i" "$URL/v1/orders/$F/files/0"; done
want=$(field "$WORK/mf.json" 'm["files"][0]["sha256"]')
check "flaky-hash: download 1 is wrong" [ "$(sha "$WORK/f0.1")" != "$want" ]
check "flaky-hash: download 2 is wrong" [ "$(sha "$WORK/f0.2")" != "$want" ]
check "flaky-hash: by one byte" [ "$(cmp -l "$WORK/f0.1" "$WORK/f0.3" | wc -l)" = 1 ]
check "flaky-hash: download 3 is right" [ "$(sha "$WORK/f0.3")" = "$want" ]

T=$(order --shop 1001 --user 7 --title film --media data-cd --fault truncate)
tsize=$(size "$D/prepared/$T/0.data")
shop_curl 1001 -o "$WORK/t0.1" "$URL/v1/orders/$T/files/0" 2>/dev/null
rc=$?
check "truncate: curl sees a partial file (rc $rc)" [ "$rc" = 18 ]
check "truncate: of half the bytes" [ "$(size "$WORK/t0.1")" = $((tsize / 2)) ]
shop_curl 1001 -o "$WORK/t0.2" "$URL/v1/orders/$T/files/0" 2>/dev/null
shop_curl 1001 -H "Range: bytes=$((tsize / 2))-" -o "$WORK/t0.3" "$URL/v1/orders/$T/files/0"
check "truncate: the third download, resumed with Range, completes the file" \
	sh -c "cat '$WORK/t0.1' '$WORK/t0.3' | cmp -s - '$D/prepared/$T/0.data'"

B=$(order --shop 1001 --user 7 --title film --media data-cd --fault bad-signature)
fetch_manifest "$B" "$WORK/mb"
check "bad-signature: the manifest does not verify" fails verifies "$WORK/mb"
H=$(order --shop 1001 --user 7 --title film --media data-cd --fault bad-hash)
fetch_manifest "$H" "$WORK/mh"
shop_curl 1001 -o "$WORK/h0" "$URL/v1/orders/$H/files/0"
check "bad-hash: the manifest verifies" verifies "$WORK/mh"
check "bad-hash: but file 0 never matches it" \
	[ "$(sha "$WORK/h0")" != "$(field "$WORK/mh.json" 'm["files"][0]["sha256"]')" ]
E=$(order --shop 1001 --user 7 --title yoake --media audio-cd --fault evil-path)
fetch_manifest "$E" "$WORK/me"
check "evil-path: the manifest verifies" verifies "$WORK/me"
check "evil-path: file 0 is ../../evil.wav" \
	[ "$(field "$WORK/me.json" 'm["files"][0]["name"]')" = ../../evil.wav ]
P=$(order --shop 1001 --user 7 --title yoake --media audio-cd --fault abs-path)
fetch_manifest "$P" "$WORK/mp"
check "abs-path: the manifest verifies" verifies "$WORK/mp"
check "abs-path: file 0 is /etc/passwd" [ "$(field "$WORK/mp.json" 'm["files"][0]["name"]')" = /etc/passwd ]
X=$(order --shop 1001 --user 7 --title yoake --media audio-cd --fault ctrl-name)
fetch_manifest "$X" "$WORK/mx"
check "ctrl-name: the manifest verifies" verifies "$WORK/mx"
check "ctrl-name: file 0's name holds U+0001" \
	[ "$(field "$WORK/mx.json" '"\x01" in m["files"][0]["name"]')" = True ]
O=$(order --shop 1001 --user 7 --title film --media data-cd --fault oversize)
fetch_manifest "$O" "$WORK/mo"
check "oversize: the manifest verifies" verifies "$WORK/mo"
check "oversize: file 0 claims 5 GB" [ "$(field "$WORK/mo.json" 'm["files"][0]["size"]')" = 5000000000 ]
J=$(order --shop 1001 --user 7 --title film --media data-cd --fault bad-json)
fetch_manifest "$J" "$WORK/mj"
check "bad-json: the manifest verifies" verifies "$WORK/mj"
check "bad-json: but is not JSON" fails quiet field "$WORK/mj.json" 1
G=$(order --shop 1001 --user 7 --title film --media data-cd --fault huge-json)
fetch_manifest "$G" "$WORK/mg"
check "huge-json: the manifest verifies" verifies "$WORK/mg"
check "huge-json: is 2 MiB of valid JSON" sh -c "
	[ \$(stat -c %s '$WORK/mg.json') = 2097152 ] &&
	python3 -c 'import json; json.load(open(\"$WORK/mg.json\"))'"
L=$(order --shop 1002 --user 7 --title film --media data-cd --fault huge-list)
shop_curl 1002 -o "$WORK/huge.json" "$URL/v1/orders"
check "huge-list: shop 1002's list is 2 MiB" [ "$(size "$WORK/huge.json")" = 2097152 ]
check "huge-list: of valid JSON naming the order" \
	[ "$(field "$WORK/huge.json" 'm["orders"][0]["id"]')" = "$L" ]
"$DS" cancel "$D" "$L"
check "huge-list: once cancelled, the list is normal again" \
	[ "$(shop_curl 1002 "$URL/v1/orders")" = "{\"shop\":1002,\"orders\":[{\"id\":\"$L\",\"state\":\"cancelled\"}]}" ]
S=$(order --shop 1001 --user 7 --title film --media data-cd --fault slow-report)
SR='{"report_id":"slow-1","kind":"failed","at":1795000300,"reason":"test"}'
s1=$(post 1001 "$S" "$SR")
shop_curl 1001 -D "$WORK/slow.head" -o /dev/null -X POST --data "$SR" "$URL/v1/orders/$S/reports"
s3=$(post 1001 "$S" "$SR")
check "slow-report: 503 the first time" [ "$s1" = 503 ]
check "slow-report: 503 with Retry-After: 1 the second time" sh -c "
	head -1 '$WORK/slow.head' | grep -q ' 503 ' && grep -qi '^Retry-After: 1' '$WORK/slow.head'"
check "slow-report: 200 the third time" [ "$s3" = 200 ]
check "slow-report: posts=3" has "^REPORT $S failed slow-1 posts=3\$" "$DS" reports "$D"
# late-ack: the first delivered report is recorded at once and answered late;
# a second post of it (the kiosk after a power cut) is a duplicate, answered at once
LA=$(order --shop 1001 --user 7 --title film --media data-cd --fault late-ack)
LR='{"report_id":"late-1","kind":"delivered","at":1795000300,"media":"data-cd","started_at":1795000200,"finished_at":1795000290,"verified":true,"erased":true,"fee":{"amount":700,"currency":"JPY"}}'
shop_curl 1001 --max-time 2 -o /dev/null -X POST --data "$LR" "$URL/v1/orders/$LA/reports" 2>/dev/null
rc=$?
check "late-ack: the first answer does not come within 2 s (curl rc $rc)" [ "$rc" = 28 ]
check "late-ack: the report is recorded all the same" has "^REPORT $LA delivered late-1 " "$DS" reports "$D"
check "late-ack: the server's log says it answers late" grep -q "order $LA: fault late-ack" "$WORK/server.log"
shop_curl 1001 -o "$WORK/late.json" -X POST --data "$LR" "$URL/v1/orders/$LA/reports"
check "late-ack: the same report again is a duplicate" grep -q '"duplicate":true' "$WORK/late.json"
K=$(order --shop 1001 --user 7 --title film --media data-cd --fault stall)
shop_curl 1001 --max-time 3 -o "$WORK/k0" "$URL/v1/orders/$K/files/0" 2>/dev/null
rc=$?
check "stall: curl times out (rc $rc)" [ "$rc" = 28 ]
check "stall: after half the body" [ "$(size "$WORK/k0")" = $(($(size "$D/prepared/$K/0.data") / 2)) ]

# ---- many at once ----

pids=""
for i in 1 2 3 4 5 6 7 8; do
	shop_curl 1001 -o "$WORK/par.$i" "$URL/v1/orders/$A/files/$((i % 4))" &
	pids="$pids $!"
done
for p in $pids; do wait "$p"; done
par_ok=1
for i in 1 2 3 4 5 6 7 8; do
	[ "$(sha "$WORK/par.$i")" = "$(field "$WORK/ma.json" "m['files'][$((i % 4))]['sha256']")" ] ||
		par_ok=0
done
check "8 parallel downloads all match their hashes" [ "$par_ok" = 1 ]

# ---- stopping, throttling ----

shop_curl 1001 --max-time 30 -o /dev/null "$URL/v1/orders/$K/files/0" 2>/dev/null &
stalled=$!
sleep 0.5
t0=$(date +%s)
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
rc=$?
t1=$(date +%s)
SERVER_PID=""
wait "$stalled" 2>/dev/null
check "SIGTERM, even mid-download, stops the server with status 0 (rc $rc)" [ "$rc" = 0 ]
check "within 5 s ($((t1 - t0)) s)" [ $((t1 - t0)) -le 5 ]

# start_server waits for "listening" in server.log: start a fresh one
mv "$WORK/server.log" "$WORK/server.1.log"
if ! start_server "$D" --throttle 100000; then
	not_ok "the server starts again"
fi
t0=$(date +%s%N)
shop_curl 1001 -H 'Range: bytes=0-299999' -o "$WORK/thr" "$URL/v1/orders/$A/files/1"
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
check "--throttle 100000: 300000 bytes take about 3 s ($ms ms)" \
	sh -c "[ $ms -ge 2500 ] && [ $ms -le 8000 ]"
check "and arrive whole" [ "$(size "$WORK/thr")" = 300000 ]
stop_server

finish
