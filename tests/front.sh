# Sourced by integration tests (after tests/lib.sh): nginx from Debian as the
# delivery server's front, the way a real deployment has it.
#
#   FRONT=nginx   start_delivery / front_refresh / stop_front use it;
#   FRONT=""      (the default) they only run the reference server.
#
# nginx serves the protocol's GET endpoints from files: front_refresh
# exports each sample shop's answers (list, signed manifests, content) by
# asking the reference server over the protocol itself (curl with the
# shop's client certificate), into $WORK/front/export/<shop>/.  Reports
# (POST) pass through to the reference server, nginx presenting the shop's
# own client certificate (picked by the client certificate nginx verified),
# so the server records them under that shop.
# Around it, what a deployment has: mutual TLS (ssl_verify_client against
# the test CA), TLS 1.2 with ECDHE-ECDSA, gzip on, keepalive_requests 3,
# a body filter on proxied answers (they go out chunked), and a default
# server on the same port that is not the delivery site (name-based
# virtual hosts: a request whose Host is not server_name gets its 404).
#
# nginx runs in the foreground (daemon off) with its prefix, pid, logs and
# temp paths under $WORK/front, on a loopback port picked here; stop_front
# (run on exit too) ends it.  The kiosk configs' `server` lines point at
# nginx while it runs.
FRONT=${FRONT:-}
FRONT_PID=""

# start_delivery: the reference server, and nginx in front of it when FRONT=nginx
start_delivery() {
	start_server "$DIR" || return 1
	[ "$FRONT" = nginx ] || return 0
	command -v nginx >/dev/null || { echo "# nginx is not installed (tests/deps.sh)"; return 1; }
	FRONT_PORT=$(free_port)
	front_refresh || return 1
	conf_set "$CONF" server "127.0.0.1:$FRONT_PORT"
	conf_set "$CONF2" server "127.0.0.1:$FRONT_PORT"
}

# front_get SHOP PATH OUT [HEADERS]: one GET to the reference server as SHOP
front_get() {
	s="$DIR/shops/$1"
	curl -sf --cacert "$s/ca.crt" --cert "$s/client.crt" --key "$s/client.key" \
		--resolve "localhost:$PORT:127.0.0.1" ${4:+-D "$4"} -o "$3" \
		"https://localhost:$PORT$2"
}

# front_export SHOP: the shop's GET answers as files, and the nginx map
# lines that give each manifest its Tenpo-Signature
front_export() {
	x="$WORK/front/export/$1"
	rm -rf "$x" && mkdir -p "$x/orders" || return 1
	front_get "$1" /v1/health "$x/health.json" || return 1
	front_get "$1" /v1/orders "$x/orders.json" || return 1
	for id in $(python3 -c 'import json,sys
for o in json.load(open(sys.argv[1]))["orders"]:
    print(o["id"]) if o["state"] == "open" else None' "$x/orders.json"); do
		mkdir -p "$x/orders/$id/files" || return 1
		front_get "$1" "/v1/orders/$id/manifest" "$x/orders/$id/manifest.json" \
			"$x/orders/$id/head" || return 1
		sig=$(awk -F': *' 'tolower($1) == "tenpo-signature" { sub(/\r$/, "", $2); print $2 }' \
			"$x/orders/$id/head")
		echo "\"$1 /v1/orders/$id/manifest\" \"$sig\";" >>"$WORK/front/signatures.map"
		n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["files"]))' \
			"$x/orders/$id/manifest.json") || return 1
		i=0
		while [ "$i" -lt "$n" ]; do
			front_get "$1" "/v1/orders/$id/files/$i" "$x/orders/$id/files/$i" || return 1
			i=$((i + 1))
		done
	done
}

front_conf() {
	f="$WORK/front"
	srv="$DIR/server"
	cat <<EOF
daemon off;
master_process on;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes 1;
pid $f/nginx.pid;
error_log $f/error.log notice;
events { worker_connections 64; }
http {
	log_format front '\$remote_addr "\$request" \$status \$body_bytes_sent host=\$host '
		'ae="\$http_accept_encoding" ce="\$sent_http_content_encoding" '
		'te="\$sent_http_transfer_encoding"';
	access_log $f/access.log front;
	client_body_temp_path $f/tmp/body;
	proxy_temp_path $f/tmp/proxy;
	fastcgi_temp_path $f/tmp/fastcgi;
	uwsgi_temp_path $f/tmp/uwsgi;
	scgi_temp_path $f/tmp/scgi;
	default_type application/octet-stream;
	types { application/json json; }

	ssl_certificate $srv/server.crt;
	ssl_certificate_key $srv/server.key;
	ssl_protocols TLSv1.2;
	ssl_ciphers ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256;
	ssl_ecdh_curve prime256v1;
	ssl_client_certificate $srv/ca.crt;
	ssl_verify_client on;

	gzip on;
	gzip_types application/json application/octet-stream;
	gzip_proxied any;
	gzip_min_length 1;
	keepalive_requests 3;

	map \$ssl_client_s_dn \$shop { ~CN=shop-(?<id>[0-9]+) \$id; default none; }
	map "\$shop \$request_uri" \$tenpo_signature { include $f/signatures.map; default ""; }

	server {
		listen 127.0.0.1:$FRONT_PORT ssl default_server;
		server_name _;
		location / { return 404 "not the delivery site\n"; }
	}
	server {
		listen 127.0.0.1:$FRONT_PORT ssl;
		server_name localhost;
		root $f/export/\$shop;
		location = /v1/health { try_files /health.json =404; }
		location = /v1/orders { try_files /orders.json =404; }
		location ~ ^/v1/orders/(?<oid>[A-Za-z0-9_-]+)/manifest\$ {
			add_header Tenpo-Signature \$tenpo_signature always;
			try_files /orders/\$oid/manifest.json =404;
		}
		location ~ ^/v1/orders/(?<oid>[A-Za-z0-9_-]+)/files/(?<idx>[0-9]+)\$ {
			try_files /orders/\$oid/files/\$idx =404;
		}
		location ~ ^/v1/orders/[A-Za-z0-9_-]+/reports\$ {
			limit_except POST { deny all; }
			proxy_pass https://127.0.0.1:$PORT;
			proxy_http_version 1.1;
			proxy_ssl_server_name on;
			proxy_ssl_name localhost;
			proxy_ssl_trusted_certificate $srv/ca.crt;
			proxy_ssl_verify on;
			proxy_ssl_certificate $DIR/shops/\$shop/client.crt;
			proxy_ssl_certificate_key $DIR/shops/\$shop/client.key;
			# a body filter, as front ends have: the answer goes out chunked
			sub_filter_types application/json;
			sub_filter '"report_id"' '"report_id"';
		}
	}
}
EOF
}

# front_refresh: export what the reference server answers now and (re)start
# nginx on it (a new manifest's signature is in nginx's configuration)
front_refresh() {
	[ "$FRONT" = nginx ] || return 0
	stop_front
	mkdir -p "$WORK/front/tmp" || return 1
	: >"$WORK/front/signatures.map"
	front_export 1001 && front_export 1002 || { echo "# front: export failed"; return 1; }
	front_conf >"$WORK/front/nginx.conf"
	nginx -p "$WORK/front" -c "$WORK/front/nginx.conf" -e "$WORK/front/error.log" \
		>>"$WORK/front/stderr.log" 2>&1 &
	FRONT_PID=$!
	for _ in $(seq 1 100); do
		# any answer (without a client certificate: 400) says it is up
		curl -s -o /dev/null --cacert "$DIR/server/ca.crt" --resolve \
			"localhost:$FRONT_PORT:127.0.0.1" "https://localhost:$FRONT_PORT/" && return 0
		kill -0 "$FRONT_PID" 2>/dev/null || { cat "$WORK/front/stderr.log"; return 1; }
		sleep 0.05
	done
	return 1
}

stop_front() {
	if [ -n "$FRONT_PID" ]; then
		kill -QUIT "$FRONT_PID" 2>/dev/null
		wait "$FRONT_PID" 2>/dev/null
		FRONT_PID=""
	fi
}
trap 'stop_front; stop_server' EXIT
