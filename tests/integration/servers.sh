# The kiosk against servers nobody here wrote: `openssl s_server` with the
# settings a kiosk cannot meet (an RSA certificate, TLS 1.1 only, a
# certificate without the serverAuth extended key usage, a certificate chain
# over 16 KB), each of which must be named with what to change and not be
# retried; and nginx in front of the reference server (tests/front.sh):
# name-based virtual hosts and chunked proxied answers.
. "$TENPO_TOP/tests/lib.sh"
. "$TENPO_TOP/tests/front.sh"

setup_world || { not_ok "init"; exit 1; }
C="$WORK/certs"
mkdir -p "$C"
S="$DIR/server"
LOG="$DIR/shops/1001/tenpo.log"

# certificates signed by the test CA
cat >"$C/ext.cnf" <<'EOF'
[srv]
subjectAltName = DNS:localhost
extendedKeyUsage = serverAuth
[noeku]
subjectAltName = DNS:localhost
extendedKeyUsage = clientAuth
EOF
{
	echo "[big]"
	printf 'subjectAltName = DNS:localhost'
	i=0
	while [ $i -lt 700 ]; do printf ',DNS:host-%04d.padding.tenpo.example' $i; i=$((i + 1)); done
	echo
	echo "extendedKeyUsage = serverAuth"
} >"$C/big.cnf"
sign() { # NAME KEY EXTFILE SECTION
	openssl req -new -key "$C/$2" -subj /CN=localhost -out "$C/$1.csr" 2>/dev/null &&
		openssl x509 -req -in "$C/$1.csr" -CA "$S/ca.crt" -CAkey "$S/ca.key" -CAcreateserial \
			-days 30 -extfile "$3" -extensions "$4" -out "$C/$1.crt" 2>/dev/null
}
make_certs() {
	openssl genrsa -out "$C/rsa.key" 2048 2>/dev/null &&
		openssl ecparam -name prime256v1 -genkey -noout -out "$C/ec.key" &&
		sign rsa rsa.key "$C/ext.cnf" srv && sign noeku ec.key "$C/ext.cnf" noeku &&
		sign big ec.key "$C/big.cnf" big &&
		[ "$(openssl x509 -in "$C/big.crt" -outform der | wc -c)" -gt 16384 ]
}
check "test certificates made (the big one over 16 KB)" make_certs

SS_PID=""
stop_s_server() { [ -n "$SS_PID" ] && kill "$SS_PID" 2>/dev/null && wait "$SS_PID" 2>/dev/null; SS_PID=""; }
trap 'stop_s_server; stop_front; stop_server' EXIT

# refused "description" "expected words" s_server options...: sync fails
# with one line naming the cause, and the handshake is not retried
refused() {
	d=$1 want=$2
	shift 2
	openssl s_server -accept "127.0.0.1:$PORT" -quiet -Verify 2 -CAfile "$S/ca.crt" "$@" \
		>"$WORK/s_server.log" 2>&1 &
	SS_PID=$!
	for _ in $(seq 1 100); do
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT)).close()" \
			2>/dev/null && break
		sleep 0.05
	done
	: >"$LOG"
	check_fails "$d" "$want" tenpo sync --config "$CONF"
	check "$d: not retried" [ "$(grep -c 'retrying' "$LOG")" = 0 ]
	stop_s_server
}

refused "an RSA server certificate is named" "an RSA certificate cannot serve ECDHE-ECDSA" \
	-cert "$C/rsa.crt" -key "$C/rsa.key"
refused "a TLS 1.1-only server is named" "server speaks only TLS 1.1 or older: enable TLS 1.2" \
	-cert "$S/server.crt" -key "$S/server.key" -tls1_1 -cipher 'DEFAULT@SECLEVEL=0'
refused "a certificate without serverAuth is named" "extended key usage lacks serverAuth" \
	-cert "$C/noeku.crt" -key "$C/ec.key"
refused "a chain over 16 KB is named" "usually a certificate chain over 16 KB" \
	-cert "$C/big.crt" -key "$C/ec.key"

# nginx in front of the reference server
FRONT=nginx
start_delivery || { not_ok "nginx starts"; exit 1; }
k="$DIR/shops/1001"
nx() { # curl to nginx as shop 1001, extra options first
	curl -s --cacert "$S/ca.crt" --cert "$k/client.crt" --key "$k/client.key" \
		--resolve "localhost:$FRONT_PORT:127.0.0.1" "$@"
}
check "nginx: a Host that is not the delivery site gets the default site" sh -c "
	$(command -v curl) -s --cacert '$S/ca.crt' --cert '$k/client.crt' --key '$k/client.key' \
		-k -H 'Host: 127.0.0.1' 'https://127.0.0.1:$FRONT_PORT/v1/orders' | grep -q 'not the delivery site'"
nx -D "$WORK/post.head" -o "$WORK/post.body" -H 'Content-Type: application/json' \
	--data '{"report_id": "r-front-1", "kind": "nonsense", "at": 1}' \
	"https://localhost:$FRONT_PORT/v1/orders/NOSUCHORDER/reports"
check "nginx: a proxied answer goes out chunked" grep -qi '^transfer-encoding: chunked' "$WORK/post.head"
nx --compressed -D "$WORK/gz.head" -o /dev/null "https://localhost:$FRONT_PORT/v1/orders"
check "nginx: gzip is on (for a client that asks for it)" grep -qi '^content-encoding: gzip' "$WORK/gz.head"
check "nginx: the kiosk syncs through it" tenpo sync --config "$CONF"
# nginx logs an empty value as "-"
check "nginx: the kiosk asked for no compression and got none" \
	grep -q '"GET /v1/orders HTTP/1.1" 200 .* host=localhost ae="identity" ce="-"' \
	"$WORK/front/access.log"
finish
