# Download throughput: tenpo's Mbed TLS client (hashing and fsyncing as it
# goes, as it always does) against curl (OpenSSL) fetching the same file
# from the same reference server, three runs each, medians.
. "$TENPO_TOP/tests/lib.sh"
WORK="$BIN/bench/download"
rm -rf "$WORK" && mkdir -p "$WORK"

free_mb=$(df -Pm "$WORK" | awk 'NR == 2 { print $4 }')
MB=${BENCH_MB:-1024}
# the catalog file, the prepared link, tenpo's spool and curl's copy
if [ $((free_mb / 3)) -lt "$MB" ]; then
	MB=$((free_mb / 3))
	echo "   disk is tight: using $MB MiB instead of 1024"
fi
setup_world --big-mb "$MB" || exit 1
start_server "$DIR" || exit 1
SHOP="$DIR/shops/1001"

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
now() { date +%s.%N; }

: >"$WORK/tenpo.times"
: >"$WORK/curl.times"
for run in 1 2 3; do
	place --shop 1001 --user $run --title bench --media data-dvd || exit 1
	t0=$(now)
	/usr/bin/time -f %M -o "$WORK/tenpo.rss.$run" "$BIN/tenpo" sync --config "$CONF" >/dev/null 2>"$WORK/tenpo.err" ||
		{ cat "$WORK/tenpo.err"; exit 1; }
	t1=$(now)
	echo "$t0 $t1" | awk -v mb="$MB" '{ printf "%.1f\n", mb * 1.048576 / ($2 - $1) }' >>"$WORK/tenpo.times"

	t0=$(now)
	curl -s --fail --cacert "$SHOP/ca.crt" --cert "$SHOP/client.crt" --key "$SHOP/client.key" \
		-o "$WORK/curl.out" "https://localhost:$PORT/v1/orders/$ORDER/files/0" || exit 1
	sync
	t1=$(now)
	echo "$t0 $t1" | awk -v mb="$MB" '{ printf "%.1f\n", mb * 1.048576 / ($2 - $1) }' >>"$WORK/curl.times"
	rm -f "$WORK/curl.out"
	rm -rf "$SHOP/spool/$ORDER"
done
t=$(median <"$WORK/tenpo.times")
c=$(median <"$WORK/curl.times")
rss=$(cat "$WORK"/tenpo.rss.* | sort -n | tail -1)
cipher=$(curl -sv --cacert "$SHOP/ca.crt" --cert "$SHOP/client.crt" --key "$SHOP/client.key" \
	"https://localhost:$PORT/v1/health" -o /dev/null 2>&1 | sed -n 's/.*SSL connection using //p')
echo "   file: $MB MiB over loopback TLS 1.2 ($cipher), server: tenpo-delivery (Mbed TLS)"
echo "   tenpo sync (verify SHA-256, fsync): $t MB/s   runs: $(tr '\n' ' ' <"$WORK/tenpo.times")"
echo "   curl -o FILE; sync:                 $c MB/s   runs: $(tr '\n' ' ' <"$WORK/curl.times")"
echo "   ratio tenpo/curl: $(echo "$t $c" | awk '{ printf "%.2f", $1 / $2 }')   tenpo peak RSS: $((rss / 1024)) MiB"
stop_server
rm -rf "$DIR"
