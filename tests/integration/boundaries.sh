# Boundaries, read off the binaries with nm:
# - build/tenpo, the kiosk, carries none of the server's half of the
#   protocol (manifest writing and signing, TLS listening, the watermark
#   embedder: libtenpo-server.a), while the reference server does;
# - the watermark codec (libtenpo-wm.a, firmware/wm/) needs nothing of the
#   firmware but err_*;
# - tenpo-wm trace reads the server's database through db.h's read API,
#   never with SQL of its own against the server's tables.
. "$TENPO_TOP/tests/lib.sh"
command -v nm >/dev/null || { not_ok "nm (binutils) is installed"; exit 1; }
defined() { nm --defined-only -g "$1" 2>/dev/null | awk 'NF == 3 && $2 ~ /[TDBR]/ { print $3 }' | sort -u; }

defined "$BIN/tenpo" >"$WORK/kiosk.syms"
defined "$BIN/tenpo-delivery" >"$WORK/server.syms"
defined "$BIN/libtenpo-server.a" >"$WORK/half.syms"
check "nm reads the kiosk" grep -qx tls_connect "$WORK/kiosk.syms"
# the server half by name, so that a build that lost the split still fails here
for s in manifest_sign manifest_to_json tls_listen tls_server_new tls_server_attach_fd \
	wm_embed wm_embed_s16 wm_embed_wav_file; do
	check "the server half defines $s" grep -qx "$s" "$WORK/half.syms"
	check "the reference server links $s" grep -qx "$s" "$WORK/server.syms"
done
n=$(wc -l <"$WORK/half.syms")
check "the server half exports something ($n symbols)" [ "$n" -gt 0 ]
leaked=$(comm -12 "$WORK/kiosk.syms" "$WORK/half.syms" | tr '\n' ' ')
check "build/tenpo has none of the server half's $n symbols${leaked:+ (has: $leaked)}" \
	[ -z "$leaked" ]
# what the kiosk still needs of the same modules is there
for s in manifest_parse manifest_verify wm_detect_file tls_client_new; do
	check "build/tenpo has $s" grep -qx "$s" "$WORK/kiosk.syms"
done

# the codec: every symbol it takes from the firmware is err_*
defined "$BIN/libtenpo.a" >"$WORK/fw.syms"
nm -u "$BIN/libtenpo-wm.a" 2>/dev/null | awk '$1 == "U" { print $2 }' | sort -u >"$WORK/wm.undef"
check "nm reads the codec" [ -s "$WORK/wm.undef" ]
uses=$(comm -12 "$WORK/wm.undef" "$WORK/fw.syms" | grep -v '^err_' | tr '\n' ' ')
check "the watermark codec uses nothing of the firmware but err_*${uses:+ (uses: $uses)}" \
	[ -z "$uses" ]

nm -u "$BIN/obj/firmware/cmd/tenpo-wm.o" >"$WORK/wm-cmd.undef" 2>/dev/null
check "nm reads tenpo-wm.o" grep -q wm_detect_file "$WORK/wm-cmd.undef"
sql=$(grep -o 'sqlite3_[a-z0-9_]*' "$WORK/wm-cmd.undef" | tr '\n' ' ')
check "tenpo-wm speaks no SQL of its own${sql:+ (calls: $sql)}" [ -z "$sql" ]
check "tenpo-wm uses the server database's read API" grep -q db_orders_of "$WORK/wm-cmd.undef"
finish
